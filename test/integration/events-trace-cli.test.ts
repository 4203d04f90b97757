/**
 * `npm run trace` (scripts/trace.ts) against a running stack: prints each registration's Debug
 * Tracing readably, selects by name or id, and fails clearly when no stack answers.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import type { TestStack } from '../helpers/stack'
import {
  cloudEvent,
  createProvider,
  eventsClient,
  registrationBody,
  startEventsStack,
  waitFor,
  WS,
} from '../fixtures/apps/events/harness'

const run = promisify(execFile)
const ROOT = path.resolve(__dirname, '../..')
const trace = (port: number, ...args: string[]) =>
  run(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/trace.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOCAL_IMS_TOKEN: 'local-ims-token' },
  })

describe('npm run trace', () => {
  let stack: TestStack
  let regId: string

  beforeAll(async () => {
    stack = await startEventsStack({ timeScale: 600 })
    const client = await eventsClient(stack)
    const providerId = await createProvider(client, ['cli.event'])
    const reg = await client.createRegistration(
      WS.org,
      WS.project,
      WS.workspace,
      registrationBody(providerId, ['cli.event'], { name: 'CLI traced', runtime_action: 'fixture/status' }),
    )
    regId = reg.registration_id
    await client.publishEvent(cloudEvent(providerId, 'cli.event', { status: 500, succeedFromRetry: 1 }))
    await waitFor(() => stack.events.traces(regId)[0]?.outcome === 'delivered', 20_000, 'delivery')
  })
  afterAll(async () => {
    await stack.close()
  })

  it('prints the attempts of a registration, newest first', async () => {
    const { stdout } = await trace(stack.port, 'CLI traced')
    const [t2, t1] = stack.events.traces(regId)
    expect(stdout).toContain(`Registration "CLI traced" (${regId})`)
    expect(stdout).toContain('ACTIVE · webhook → runtime action fixture/status')
    expect(stdout).toContain(`${t2.timestamp}  attempt 2 (retry 1)  200  delivered`)
    expect(stdout).toContain(`${t1.timestamp}  attempt 1  500  retry scheduled`)
    expect(stdout.indexOf('attempt 2')).toBeLessThan(stdout.indexOf('attempt 1'))
    expect(stdout).toContain(`activation ${t1.response.activation_id}`)
  })

  it('prints JSON with --json and selects by id', async () => {
    const { stdout } = await trace(stack.port, regId, '--json', '--limit', '1')
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({ registration_id: regId, traces: stack.events.traces(regId, 1) }),
    ])
  })

  it('says so when no stack answers', async () => {
    await expect(trace(1)).rejects.toMatchObject({
      stderr: expect.stringContaining('no local stack answers on http://127.0.0.1:1'),
    })
  })
})
