/**
 * `npm run trace` (scripts/trace.ts) against a running stack: prints each registration's Debug
 * Tracing readably, selects by name or id, finds the stack through DATA_DIR/stack.json, and fails
 * clearly when no stack runs there.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { tempDataDir, type TestStack } from '../helpers/stack'
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
/** The CLI with only PATH and DATA_DIR: it finds the stack (port, token) through DATA_DIR/stack.json. */
const trace = (dataDir: string, ...args: string[]) =>
  run(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/trace.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '', LOCAL_IMS_TOKEN: '' },
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
    const { stdout } = await trace(stack.dataDir, 'CLI traced')
    const [t2, t1] = stack.events.traces(regId)
    expect(stdout).toContain(`Registration "CLI traced" (${regId})`)
    expect(stdout).toContain('ACTIVE · webhook → runtime action fixture/status')
    expect(stdout).toContain(`${t2.timestamp}  attempt 2 (retry 1)  200  delivered`)
    expect(stdout).toContain(`${t1.timestamp}  attempt 1  500  retry scheduled`)
    expect(stdout.indexOf('attempt 2')).toBeLessThan(stdout.indexOf('attempt 1'))
    expect(stdout).toContain(`activation ${t1.response.activation_id}`)
  })

  it('prints JSON with --json and selects by id', async () => {
    const { stdout } = await trace(stack.dataDir, regId, '--json', '--limit', '1')
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({ registration_id: regId, traces: stack.events.traces(regId, 1) }),
    ])
  })

  it('says so, naming the folder it looked in, when no stack runs there', async () => {
    const empty = tempDataDir('ceh-trace-')
    await expect(trace(empty)).rejects.toMatchObject({
      stderr: expect.stringContaining(`no running stack found in ${empty} (no stack.json)`),
    })
  })
})
