/**
 * The admin CLI (`npm run admin`, scripts/admin/admin.ts) as a child process against a real local
 * stack with real receivers: every command, tables and `--json`, the exit codes (1 API error,
 * 2 usage, 3 no stack, 4 delivery failed), the stack found through `DATA_DIR/stack.json` only, and
 * a deployed-style target (`--api-url` + IMS token from the environment).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { runAdmin } from '../../scripts/admin/admin'
import type { Output } from '../../scripts/admin/output'
import { STACK_INFO_FILE } from '../../local/stack-info'
import { startTestStack, tempDataDir } from '../helpers/stack'
import { receiverPool } from '../helpers/webhook-receiver'
import { anEvent, startPublisherStack, type PublisherStack } from './publisher-harness'

const ROOT = path.resolve(__dirname, '../..')
const CODE = 'be-observer.catalog_product_create'
const receiver = receiverPool()
// Every command is a child process (ts-node start-up included): generous on a loaded 2-core machine.
jest.setTimeout(300_000)

interface Run {
  code: number
  stdout: string
  stderr: string
}

/**
 * The CLI in a child process with only the variables given (plus PATH): DATA_DIR names the stack,
 * and every variable that could point elsewhere is set empty so a developer's `.env` cannot (an
 * existing variable wins over the file).
 */
async function cli(env: Record<string, string>, ...args: string[]): Promise<Run> {
  const hermetic = {
    PATH: process.env.PATH ?? '',
    ADMIN_API_URL: '',
    ADMIN_IMS_TOKEN: '',
    ADMIN_IMS_ORG_ID: '',
    OAUTH_CLIENT_ID: '',
    OAUTH_CLIENT_SECRET: '',
    OAUTH_ORG_ID: '',
    PORT: '',
    ...env,
  }
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'scripts/admin/admin.ts', ...args],
      { cwd: ROOT, env: hermetic, timeout: 90_000 },
    )
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    if (typeof e.code !== 'number') throw err
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

/** Output captured in memory (for the in-process `--help` table). */
function captured(): Output & { text: () => string } {
  let text = ''
  return {
    interactive: false,
    line: (t = '') => void (text += `${t}\n`),
    json: (v) => void (text += `${JSON.stringify(v)}\n`),
    write: async (t) => void (text += t),
    note: (t) => void (text += `${t}\n`),
    progress: () => undefined,
    text: () => text,
  }
}

const COMMANDS = [
  'logs ls',
  'logs show',
  'logs retry',
  'logs export',
  'subs ls',
  'subs show',
  'subs add',
  'subs edit',
  'subs enable',
  'subs disable',
  'subs rotate',
  'subs test',
  'subs rm',
]

describe('admin CLI: help and usage', () => {
  test.each(COMMANDS)('%s --help prints its usage, options and exit codes (exit 0)', async (command) => {
    const out = captured()
    const code = await runAdmin([...command.split(' '), '--help'], {}, out)
    expect(code).toBe(0)
    expect(out.text()).toMatch(new RegExp(`^usage: npm run admin -- ${command}`))
    expect(out.text()).toContain('Global options:')
    expect(out.text()).toContain('3  no admin API reachable')
  })

  test.each([['logs'], ['subs']])('%s --help lists its commands', async (group) => {
    const out = captured()
    expect(await runAdmin([group, '--help'], {}, out)).toBe(0)
    const names = COMMANDS.filter((c) => c.startsWith(group)).map((c) => c.split(' ')[1])
    for (const name of names) expect(out.text()).toMatch(new RegExp(`^  ${name} `, 'm'))
  })
})

describe('admin CLI: usage errors and no stack', () => {
  test.each([
    ['unknown group', ['hooks', 'ls'], 'unknown command group "hooks"'],
    ['unknown command', ['logs', 'rm'], 'unknown command "logs rm"'],
    ['unknown option', ['subs', 'ls', '--colour'], "Unknown option '--colour'"],
    ['missing argument', ['subs', 'show'], 'missing argument <id>'],
    ['retry without ids or filters', ['logs', 'retry'], 'give delivery ids, or filters'],
    ['retry with ids and filters', ['logs', 'retry', 'a.b', '--status', 'failed'], 'not both'],
    ['bad --filter', ['logs', 'ls', '--filter', 'colour=red'], '--filter takes key=value'],
    ['bad --limit', ['logs', 'export', '--limit', 'ten'], '--limit takes a positive integer'],
    ['bad --json-body', ['subs', 'add', '--json-body', '{nope'], '--json-body:'],
    ['two auth options', ['subs', 'edit', 'x', '--auth-bearer', 't', '--no-auth'], 'give one of'],
    ['edit without changes', ['subs', 'edit', 'x'], 'nothing to change'],
  ])(
    'usage error (%s) → exit code 2 with the usage line, before looking for a stack',
    async (_n, args, message) => {
      // In process (the same entry point the bin runs); the process-level mapping is checked below.
      await expect(runAdmin(args, { DATA_DIR: tempDataDir('ceh-cli-') }, captured())).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringMatching(
          new RegExp(`${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^]*\\nusage: npm run admin -- `),
        ),
      })
    },
  )

  test('as a process: a usage error exits 2 with the message and usage on stderr; no command prints the overview', async () => {
    const dir = tempDataDir('ceh-cli-')
    const r = await cli({ DATA_DIR: dir }, 'subs', 'ls', '--colour')
    expect([r.code, r.stdout]).toEqual([2, ''])
    expect(r.stderr).toMatch(
      /^error: Unknown option '--colour'.*\nusage: npm run admin -- subs ls \[options\]\n$/,
    )
    const bare = await cli({ DATA_DIR: dir })
    expect([bare.code, bare.stdout]).toEqual([
      2,
      expect.stringMatching(/^usage: npm run admin -- <group> <command>/),
    ])
  })

  test('no stack.json in DATA_DIR → exit 3 naming the folder', async () => {
    const dir = tempDataDir('ceh-cli-')
    const r = await cli({ DATA_DIR: dir }, 'subs', 'ls')
    expect(r).toEqual({
      code: 3,
      stdout: '',
      stderr: `error: no running stack found in ${dir} (no stack.json); start it with \`npm start\`, or set DATA_DIR to the folder the running stack uses\n`,
    })
  })

  test('a stack.json left by a killed stack (its process gone) → exit 3, not a hang', async () => {
    const dir = tempDataDir('ceh-cli-')
    const stack = await startTestStack({ config: { dataDir: dir } })
    const info = fs.readFileSync(path.join(dir, STACK_INFO_FILE), 'utf8')
    await stack.close()
    // A process that has exited: its pid is free (a kill -9 leaves the file like this).
    const gone = await promisify(execFile)(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ])
    fs.writeFileSync(path.join(dir, STACK_INFO_FILE), info.replace(/"pid": \d+/, `"pid": ${gone.stdout}`))
    const r = await cli({ DATA_DIR: dir }, 'logs', 'ls')
    expect([r.code, r.stderr]).toEqual([
      3,
      expect.stringContaining(`names process ${gone.stdout}, which has exited`),
    ])
  })

  test('the stack writes DATA_DIR/stack.json (mode 0600) while running and removes it on close', async () => {
    const dir = tempDataDir('ceh-cli-')
    const stack = await startTestStack({ config: { dataDir: dir } })
    const file = path.join(dir, STACK_INFO_FILE)
    try {
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      const web = `${stack.baseUrl}/api/v1/web/${stack.config.namespace}`
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
        format: 1,
        instanceId: expect.any(String),
        pid: process.pid,
        startedAt: expect.any(String),
        baseUrl: stack.baseUrl,
        port: stack.port,
        namespace: stack.config.namespace,
        ims: { token: stack.config.imsToken, orgId: stack.config.imsOrgId },
        urls: {
          health: `${stack.baseUrl}/health`,
          web,
          ingestion: `${web}/ingestion/webhook`,
          admin: `${web}/admin`,
          tracing: `${stack.baseUrl}/events/tracing`,
        },
        paths: {
          dataDir: dir,
          projectRoot: ROOT,
          manifest: path.join(ROOT, 'app.config.yaml'),
          devSecrets: path.join(dir, 'dev-secrets.json'),
        },
      })
    } finally {
      await stack.close()
    }
    expect(fs.existsSync(file)).toBe(false)
  })
})

describe('admin CLI against a running stack', () => {
  let ps: PublisherStack
  let env: Record<string, string>
  const admin = (...args: string[]) => cli(env, ...args)
  const json = async (...args: string[]) => {
    const r = await admin(...args, '--json')
    if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr}`)
    return JSON.parse(r.stdout)
  }

  beforeAll(async () => {
    ps = await startPublisherStack({}, { timeScale: 0.0001 })
    env = { DATA_DIR: ps.stack.dataDir }
  })
  afterEach(async () => {
    await ps?.clear()
  })
  afterAll(async () => {
    await ps?.close()
  })

  test('subs: add (secret printed once), ls, show, edit, disable/enable, rotate, rm', async () => {
    const r = await receiver()
    const added = await admin(
      'subs',
      'add',
      '--name',
      'CLI hook',
      '--url',
      r.url,
      '--events',
      CODE,
      '--fields',
      'name,price',
    )
    expect(added.code).toBe(0)
    const secret = /^secret {2}(whsec_\S+)$/m.exec(added.stdout)?.[1]
    expect(secret).toBeDefined()
    expect(added.stdout.split('whsec_').length).toBe(2) // shown once
    expect(added.stderr).toBe('')
    const id = /^id\s+(\S+)$/m.exec(added.stdout)![1]

    const viaApi = (await ps.admin('subscriptions', 'get', `/${id}`)).json
    expect(await json('subs', 'show', id)).toEqual(viaApi)
    expect(viaApi).toMatchObject({
      name: 'CLI hook',
      url: r.url,
      eventTypes: [CODE],
      fields: ['name', 'price'],
    })
    const shown = await admin('subs', 'show', id)
    expect(shown.stdout).toMatch(/^active\s+yes$/m)
    expect(shown.stdout).toMatch(/^deliveries\s+0 delivered, 0 failed, 0 retrying, 0 dead, 0 pending$/m)
    expect(shown.stdout).not.toContain('whsec_')

    const ls = await admin('subs', 'ls')
    expect(ls.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+ACTIVE\s+EVENTS\s+URL$/)
    expect(ls.stdout).toMatch(
      new RegExp(`^${id}\\s+CLI hook\\s+yes\\s+${CODE.replace(/\./g, '\\.')}\\s+${r.url}$`, 'm'),
    )
    expect(await json('subs', 'ls', '--stats')).toEqual(
      (await ps.admin('subscriptions', 'get', '?stats=true')).json,
    )

    const edited = await json('subs', 'edit', id, '--name', 'CLI hook 2', '--auth-bearer', 'tok-SECRET-123')
    expect(edited).toMatchObject({ name: 'CLI hook 2', auth: { type: 'bearer' } })
    expect(JSON.stringify(edited)).not.toContain('tok-SECRET-123')

    // Disabled: a published event is not delivered to it (publish answers once deliveries are done).
    expect(await json('subs', 'disable', id)).toMatchObject({ active: false })
    await ps.publish(anEvent({ type: CODE }))
    expect(r.received).toHaveLength(0)
    expect((await admin('subs', 'enable', id)).stdout).toBe(`${id}  enabled\n`)
    await ps.publish(anEvent({ type: CODE }))
    expect(r.received).toHaveLength(1)
    expect(r.received[0].headers.authorization).toBe('Bearer tok-SECRET-123')

    const rotated = await admin('subs', 'rotate', id)
    expect(rotated.code).toBe(0)
    const newSecret = /^secret {2}(whsec_\S+)$/m.exec(rotated.stdout)?.[1]
    expect(newSecret).toMatch(/^whsec_/)
    expect(newSecret).not.toBe(secret)
    expect(rotated.stdout).toMatch(/the previous one signs too until \d{4}-/)

    expect(await admin('subs', 'rm', id)).toEqual({ code: 0, stdout: `${id}  deleted\n`, stderr: '' })
    const gone = await admin('subs', 'show', id)
    expect(gone).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: GET /subscriptions/${id} answered 404: subscription ${id} not found\n`,
    })
  })

  test('subs add --json prints the API answer with the secret; a refused URL is exit 1 with the API message', async () => {
    const r = await receiver()
    const created = await json(
      'subs',
      'add',
      '--json-body',
      JSON.stringify({ name: 'J', url: r.url, eventTypes: ['*'] }),
      '--inactive',
    )
    expect(created).toEqual({
      subscription: expect.objectContaining({ name: 'J', active: false }),
      secret: expect.stringMatching(/^whsec_/),
    })
    const refused = await admin('subs', 'add', '--name', 'x', '--url', 'http://10.0.0.1/in', '--events', '*')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^error: POST \/subscriptions answered 400: url: /)
    expect((await ps.admin('subscriptions', 'get')).json.items).toHaveLength(1)
  })

  test('subs test sends a test event and shows the answer; a failing receiver is exit 4', async () => {
    const ok = await receiver()
    const bad = await receiver({ script: () => ({ status: 503, body: 'down for maintenance' }) })
    const okSub = await ps.subscribe({ url: ok.url })
    const badSub = await ps.subscribe({ url: bad.url })
    const first = await admin('subs', 'test', okSub.id, '--json')
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, status: 200, durationMs: expect.any(Number) })
    expect(ok.received).toHaveLength(1)
    const failed = await admin('subs', 'test', badSub.id)
    expect(failed.code).toBe(4)
    expect(failed.stdout).toMatch(/^result\s+FAILED$/m)
    expect(failed.stdout).toMatch(/^status\s+503$/m)
    expect(failed.stdout).toContain('down for maintenance')
  })

  test('logs: ls (table, --json, filters), show, retry by id (exit 4 when it fails again), export as one JSON array', async () => {
    const ok = await receiver()
    const bad = await receiver({ script: () => ({ status: 422, body: 'unprocessable' }) })
    const okSub = await ps.subscribe({ url: ok.url })
    const badSub = await ps.subscribe({ url: bad.url, eventTypes: ['be-observer.catalog_product_update'] })
    const e1 = anEvent({ type: CODE })
    const e2 = anEvent({ type: 'be-observer.catalog_product_update' })
    await ps.publish(e1)
    await ps.publish(e2)
    await ps.sweep() // builds the index listings come from
    const failedId = `${e2.id}.${badSub.id}`
    const deliveredId = `${e1.id}.${okSub.id}`

    expect(await json('logs', 'ls')).toEqual((await ps.admin('logs', 'get')).json)
    const table = await admin('logs', 'ls', '--status', 'failed')
    expect(table.code).toBe(0)
    expect(table.stdout.split('\n')[0]).toMatch(
      /^CREATED\s+STATUS\s+EVENT\s+ENTITY\s+SUBSCRIPTION\s+ATTEMPTS\s+HTTP\s+ID$/,
    )
    expect(table.stdout).toMatch(
      new RegExp(
        `\\sfailed\\s+be-observer\\.catalog_product_update\\s+${e2.entityId}\\s+${badSub.id}\\s+1\\s+422\\s+${failedId}$`,
        'm',
      ),
    )
    expect(table.stdout).toContain('1 shown of 1')
    expect(table.stderr).toMatch(/may not be listed yet/)
    const byFilter = await json(
      'logs',
      'ls',
      '--filter',
      `subscription=${okSub.id}`,
      '--filter',
      'status=delivered',
    )
    expect(byFilter.items.map((i: { id: string }) => i.id).sort()).toEqual(
      [deliveredId, `${e2.id}.${okSub.id}`].sort(),
    )

    const shown = await admin('logs', 'show', failedId)
    expect(shown.stdout).toMatch(/^status\s+failed$/m)
    expect(shown.stdout).toMatch(/^1\s+\S+\s+publish\s+422\s+\d+\s+HTTP 422\s+unprocessable$/m)
    expect(shown.stdout).toContain(`"type": "be-observer.catalog_product_update"`)
    expect(await json('logs', 'show', failedId)).toEqual((await ps.admin('logs', 'get', `/${failedId}`)).json)
    const notId = await admin('logs', 'show', 'not-a-delivery')
    expect([notId.code, notId.stderr]).toEqual([
      1,
      expect.stringMatching(/^error: GET \/logs\/not-a-delivery answered 4\d\d: /),
    ])

    const retried = await admin('logs', 'retry', deliveredId)
    expect([retried.code, retried.stdout]).toEqual([0, `${deliveredId}  delivered  attempt 2  HTTP 200\n`])
    expect(ok.received.filter((q) => q.json.id === e1.id).map((q) => q.json.attempt)).toEqual([1, 2])
    const again = await admin('logs', 'retry', failedId, '--json')
    expect(again.code).toBe(4)
    expect(JSON.parse(again.stdout)).toEqual([
      expect.objectContaining({ id: failedId, lastError: 'HTTP 422' }),
    ])

    // Three records, one per page: the CLI follows nextCursor and writes one valid array.
    await ps.sweep()
    const exported = await admin('logs', 'export', '--limit', '1')
    expect([exported.code, exported.stderr]).toEqual([0, '']) // no progress bar when stderr is not a terminal
    const records = JSON.parse(exported.stdout)
    expect(records.map((x: { id: string }) => x.id).sort()).toEqual(
      [deliveredId, `${e2.id}.${okSub.id}`, failedId].sort(),
    )
    expect(records.find((x: { id: string }) => x.id === failedId)).toEqual(
      (await ps.admin('logs', 'get', `/${failedId}`)).json,
    )
    expect(JSON.parse((await admin('logs', 'export', '--status', 'dead')).stdout)).toEqual([])
  })

  test('logs retry by filter re-sends every matching delivery, batch after batch', async () => {
    let healthy = false
    const flaky = await receiver({ script: () => (healthy ? { status: 200 } : { status: 400, body: 'bad' }) })
    const sub = await ps.subscribe({ url: flaky.url })
    const events = [anEvent({ type: CODE }), anEvent({ type: CODE }), anEvent({ type: CODE })]
    for (const e of events) await ps.publish(e)
    await ps.sweep()
    healthy = true
    const r = await admin(
      'logs',
      'retry',
      '--status',
      'failed',
      '--subscription',
      sub.id,
      '--limit',
      '2',
      '--json',
    )
    expect([r.code, r.stderr]).toEqual([0, ''])
    expect(JSON.parse(r.stdout)).toMatchObject({ retried: 3, failed: 0 })
    for (const e of events) {
      expect((await ps.admin('logs', 'get', `/${e.id}.${sub.id}`)).json.status).toBe('delivered')
    }
  })

  test('a deployed-style target: --api-url with ADMIN_IMS_TOKEN/ADMIN_IMS_ORG_ID; a wrong token is exit 1, none is exit 3', async () => {
    const apiUrl = `${ps.stack.baseUrl}/api/v1/web/${ps.stack.config.namespace}/admin`
    const elsewhere = { DATA_DIR: tempDataDir('ceh-cli-') } // no stack.json: only the URL can work
    const good = await cli(
      { ...elsewhere, ADMIN_IMS_TOKEN: ps.stack.config.imsToken, ADMIN_IMS_ORG_ID: ps.stack.config.imsOrgId },
      'subs',
      'ls',
      '--api-url',
      apiUrl,
      '--json',
    )
    expect([good.code, JSON.parse(good.stdout)]).toEqual([0, { items: [] }])
    const viaEnv = await cli(
      {
        ...elsewhere,
        ADMIN_API_URL: apiUrl,
        ADMIN_IMS_TOKEN: ps.stack.config.imsToken,
        ADMIN_IMS_ORG_ID: ps.stack.config.imsOrgId,
      },
      'logs',
      'ls',
      '--json',
    )
    expect(viaEnv.code).toBe(0)
    const wrong = await cli(
      {
        ...elsewhere,
        ADMIN_API_URL: apiUrl,
        ADMIN_IMS_TOKEN: 'not-the-token',
        ADMIN_IMS_ORG_ID: ps.stack.config.imsOrgId,
      },
      'subs',
      'ls',
    )
    expect([wrong.code, wrong.stderr]).toEqual([
      1,
      expect.stringMatching(/^error: GET \/subscriptions answered 401/),
    ])
    expect(wrong.stderr).not.toContain('not-the-token')
    const none = await cli(
      { ...elsewhere, ADMIN_API_URL: apiUrl, ADMIN_IMS_ORG_ID: 'X@AdobeOrg' },
      'subs',
      'ls',
    )
    expect([none.code, none.stderr]).toEqual([3, expect.stringContaining('no IMS credentials for')])
    const refused = await cli(
      {
        ...elsewhere,
        ADMIN_API_URL: 'http://127.0.0.1:1/api/v1/web/x/admin',
        ADMIN_IMS_TOKEN: 't',
        ADMIN_IMS_ORG_ID: 'X@AdobeOrg',
      },
      'subs',
      'ls',
    )
    expect([refused.code, refused.stderr]).toEqual([
      3,
      expect.stringContaining('cannot reach the admin API of http://127.0.0.1:1/api/v1/web/x/admin'),
    ])
  })
})
