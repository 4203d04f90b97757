/**
 * Retries on the local stack: the sweeper (invoked directly, and by its every-minute alarm on a
 * scaled clock) retries due deliveries and dead-letters exhausted ones; a retry scheduled before
 * the stack is killed with SIGKILL still happens after a restart on the same DATA_DIR.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { closedPort, receiverPool } from '../helpers/webhook-receiver'
import { tempDataDir, startTestStack } from '../helpers/stack'
import {
  anEvent,
  connect,
  eventually,
  PUBLISHER_ENV,
  startPublisherStack,
  type PublisherStack,
} from './publisher-harness'

const receiver = receiverPool()

describe('sweeper on the local stack', () => {
  let ps: PublisherStack
  beforeAll(async () => {
    ps = await startPublisherStack({}, { timeScale: 0.0001 })
  })
  afterAll(async () => {
    await ps?.close()
  })

  test('an exhausted schedule ends dead: kept, visible and retryable by a person', async () => {
    const r = await receiver({ script: (n) => ({ status: n < 3 ? 503 : 200 }) })
    const sub = await ps.subscribe({ url: r.url })
    const event = anEvent()
    expect((await ps.publish(event)).body.deliveries[0]).toMatchObject({ status: 'retrying' })
    for (const expected of [{ retrying: 1 }, { dead: 1 }]) {
      await new Promise((resolve) => setTimeout(resolve, 1_050))
      expect((await ps.sweep()).body).toMatchObject({ attempted: 1, ...expected })
    }
    const id = `${event.id}.${sub.id}`
    const dead = await ps.admin('logs', 'get', `?status=dead`)
    expect(dead.json.items.map((i: { id: string }) => i.id)).toEqual([id])
    const one = await ps.admin('logs', 'get', `/${id}`)
    expect(one.json).toMatchObject({ status: 'dead', lastError: 'HTTP 503; retry schedule exhausted' })
    expect(
      one.json.attempts.map((a: { attempt: number; statusCode: number; trigger: string }) => [
        a.attempt,
        a.statusCode,
        a.trigger,
      ]),
    ).toEqual([
      [1, 503, 'publish'],
      [2, 503, 'sweeper'],
      [3, 503, 'sweeper'],
    ])
    const retried = await ps.admin('logs', 'post', `/${id}/retry`)
    expect(retried.json).toMatchObject({ status: 'delivered' })
    expect(r.received.map((q) => q.json.attempt)).toEqual([1, 2, 3, 4])
    expect(new Set(r.received.map((q) => q.headers['webhook-id']))).toEqual(new Set([id]))
  })
})

describe('the every-minute alarm drives retries (time scale 60: one minute = one second)', () => {
  test('500, 500, 500 → dead with no test-driven sweep', async () => {
    const ps = await startPublisherStack({ RETRY_SCHEDULE: '1s,1s' }, { timeScale: 60 })
    try {
      const r = await receiver({ script: () => ({ status: 500 }) })
      await ps.subscribe({ url: r.url })
      await ps.publish(anEvent())
      const dead = await eventually(async () => {
        const res = await ps.admin('logs', 'get', '?status=dead')
        return res.json.total === 1 ? res.json.items[0] : undefined
      }, 15_000)
      expect(dead).toMatchObject({ status: 'dead' })
      expect(r.received.map((q) => q.json.attempt)).toEqual([1, 2, 3])
    } finally {
      await ps.close()
    }
  })
})

describe('crash between scheduling and retry', () => {
  let child: ChildProcess | undefined
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
  })

  test('kill -9 of the stack process, restart on the same DATA_DIR: the sweeper still delivers the retry', async () => {
    const dataDir = tempDataDir('ceh-pub-')
    const r = await receiver({ script: (n) => ({ status: n === 0 ? 503 : 200 }) })
    const port = await closedPort()
    const root = path.resolve(__dirname, '../..')
    // The stack runs in its own process (same code as the tests' stacks) so it can be killed with SIGKILL.
    const boot = `require('./test/helpers/stack').startTestStack({ env: JSON.parse(process.env.STACK_ENV), config: { port: ${port}, dataDir: process.env.STACK_DIR, timeScale: 0.0001 } })`
    child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', boot], {
      cwd: root,
      env: { ...process.env, STACK_ENV: JSON.stringify(PUBLISHER_ENV), STACK_DIR: dataDir },
      stdio: 'ignore',
    })
    const baseUrl = `http://127.0.0.1:${port}`
    await eventually(
      async () => ((await fetch(`${baseUrl}/health`)).status === 200 ? true : undefined),
      30_000,
    )
    const first = await startTestStackView(baseUrl, port, dataDir)
    await first.subscribe({ url: r.url })
    const event = anEvent()
    expect((await first.publish(event)).body.deliveries[0]).toMatchObject({ status: 'retrying', attempts: 1 })

    child.kill('SIGKILL')
    await new Promise((resolve) => child!.once('exit', resolve))

    const restarted = await connect(
      await startTestStack({ env: PUBLISHER_ENV, config: { dataDir, timeScale: 0.0001 } }),
    )
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_050))
      expect((await restarted.sweep()).body).toMatchObject({ due: 1, attempted: 1, delivered: 1 })
      expect(r.received.map((q) => [q.json.id, q.json.attempt])).toEqual([
        [event.id, 1],
        [event.id, 2],
      ])
      const [{ record }] = await restarted.records()
      expect(record).toMatchObject({
        status: 'delivered',
        attempts: [
          { attempt: 1, statusCode: 503 },
          { attempt: 2, statusCode: 200, trigger: 'sweeper' },
        ],
      })
    } finally {
      await restarted.close()
    }
  })
})

/** Clients for a stack running in another process (only its URL and the default credentials are known). */
async function startTestStackView(baseUrl: string, port: number, dataDir: string): Promise<PublisherStack> {
  const { loadStackConfig } = await import('../../local/stack-config')
  const config = { ...loadStackConfig({}, { port, dataDir }) }
  const fake = { config, baseUrl, port, dataDir, close: async () => undefined } as unknown as Parameters<
    typeof connect
  >[0]
  return connect(fake)
}
