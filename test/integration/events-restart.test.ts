/**
 * Local I/O Events durability: an event acknowledged by `/ingress` is never lost. Deliveries in
 * flight when the stack closes, pending retries, and events acknowledged just before a `kill -9`
 * are all delivered after a restart on the same DATA_DIR.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { tempDataDir, type TestStack } from '../helpers/stack'
import {
  cloudEvent,
  createProvider,
  eventsClient,
  registrationBody,
  startEventsStack,
  startReceiver,
  waitFor,
  WS,
} from '../fixtures/apps/events/harness'

describe('I/O Events restart', () => {
  it('delivers events that were in flight when the stack closed, after a restart', async () => {
    let slow = true
    const receiver = await startReceiver(async () => {
      if (slow) await new Promise((r) => setTimeout(r, 1500))
      return { status: 200 }
    })
    const first = await startEventsStack({ timeScale: 600 })
    let second: TestStack | undefined
    try {
      const client = await eventsClient(first)
      const providerId = await createProvider(client, ['restart.event'])
      const reg = await client.createRegistration(
        WS.org,
        WS.project,
        WS.workspace,
        registrationBody(providerId, ['restart.event'], {
          runtime_action: undefined,
          webhook_url: receiver.url,
        }),
      )
      const events = [1, 2, 3, 4, 5].map((n) => cloudEvent(providerId, 'restart.event', { n }))
      for (const e of events) await expect(client.publishEvent(e)).resolves.toBe('OK')
      await waitFor(() => receiver.received.length === 5, 5000, 'deliveries in flight')
      await first.close() // before any receiver answered

      slow = false
      second = await startEventsStack({ timeScale: 600, dataDir: first.dataDir })
      const id = reg.registration_id as string
      await waitFor(() => second!.events.traces(id).length === 5, 10_000, 'redelivery')
      await second.events.idle()
      const delivered = second.events
        .traces(id)
        .filter((t) => t.outcome === 'delivered')
        .flatMap((t) => t.event_ids)
      expect(delivered.sort()).toEqual(events.map((e) => e.id).sort())
    } finally {
      await second?.close()
      await receiver.close()
    }
  })

  it('resumes a pending retry from its persisted schedule after a restart', async () => {
    const first = await startEventsStack({ timeScale: 60 }) // 1 min = 1 s
    let second: TestStack | undefined
    try {
      const client = await eventsClient(first)
      const providerId = await createProvider(client, ['retry.event'])
      const reg = await client.createRegistration(
        WS.org,
        WS.project,
        WS.workspace,
        registrationBody(providerId, ['retry.event'], { runtime_action: 'fixture/status' }),
      )
      const id = reg.registration_id as string
      await client.publishEvent(cloudEvent(providerId, 'retry.event', { status: 500, succeedFromRetry: 1 }))
      const failed = await waitFor(() => first.events.traces(id)[0], 20_000, 'first attempt')
      expect(failed.outcome).toBe('retry_scheduled')
      await first.close()

      second = await startEventsStack({ timeScale: 60, dataDir: first.dataDir })
      const done = await waitFor(
        () => second!.events.traces(id).find((t) => t.outcome === 'delivered'),
        20_000,
        'retry',
      )
      expect(done.attempt).toBe(2)
      expect(done.request.headers['x-adobe-retry-count']).toBe('1')
      expect(Date.parse(done.timestamp)).toBeGreaterThanOrEqual(Date.parse(failed.next_attempt_at!))
    } finally {
      await second?.close()
    }
  })

  it('keeps every event acknowledged before a kill -9', async () => {
    const dataDir = tempDataDir()
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        path.join(__dirname, '../fixtures/apps/events/child-stack.ts'),
        dataDir,
      ],
      { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let second: TestStack | undefined
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString()
          const m = /READY (\S+)/.exec(out)
          if (m) resolve(m[1])
        })
        child.once('exit', (code) => reject(new Error(`child stack exited with ${code}`)))
      })
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { init } = require('@adobe/aio-lib-events')
      const client = await init('LOCALORG@AdobeOrg', 'k', 'local-ims-token', {
        eventsBaseURL: baseUrl,
        eventsIngressURL: `${baseUrl}/ingress`,
      })
      const providerId = await createProvider(client, ['durable.event'])
      const reg = await client.createRegistration(
        WS.org,
        WS.project,
        WS.workspace,
        registrationBody(providerId, ['durable.event'], {
          delivery_type: 'journal',
          runtime_action: undefined,
        }),
      )
      const acked: string[] = []
      for (let n = 0; n < 20; n++) {
        const e = cloudEvent(providerId, 'durable.event', { n })
        if ((await client.publishEvent(e)) === 'OK') acked.push(e.id)
      }
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))

      second = await startEventsStack({ dataDir })
      const journal = await (
        await eventsClient(second)
      ).getEventsFromJournal(reg._links['rel:events'].href.replace(baseUrl, second.baseUrl), { limit: 100 })
      expect(journal.events.map((e: { event: { id: string } }) => e.event.id)).toEqual(acked)
      expect(acked).toHaveLength(20)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      await second?.close()
    }
  }, 60_000)
})
