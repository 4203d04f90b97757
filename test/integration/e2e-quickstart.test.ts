/**
 * The README quickstart, for real: `npm start` as a child process (free port, temp DATA_DIR), then
 * `npm run send -- be-observer.catalog_product_create` (finding the stack through DATA_DIR/stack.json);
 * the demo receiver must print a verified delivery and the delivery log must say `delivered`. Then
 * Ctrl-C stops it cleanly and removes DATA_DIR/stack.json.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { tempDataDir } from '../helpers/stack'
import { LOCAL_DEFAULTS } from '../../local/stack-config'

const root = path.resolve(__dirname, '../..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** Collects a child's stdout and resolves when a line matches. */
function waitForOutput(
  child: ChildProcess,
  out: string[],
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = out.join('').match(pattern)
      if (m) {
        clearTimeout(timer)
        child.stdout?.off('data', check)
        resolve(m)
      }
    }
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; output:\n${out.join('')}`)),
      timeoutMs,
    )
    child.stdout?.on('data', check)
    check()
  })
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(npm, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('exit', (code) => resolve({ code, output }))
  })
}

/** True once no process of the group is left. */
async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      process.kill(-pgid, 0)
    } catch {
      return true
    }
    if (Date.now() >= until) return false
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * The shell's environment minus everything the app or the stack reads (every variable of
 * .env.example, any AIO_* and LOCAL_*): App Builder developers often have AIO_runtime_namespace
 * set, and the quickstart must behave as on a fresh machine.
 */
function hermeticEnv(): NodeJS.ProcessEnv {
  const documented = new Set(
    [
      ...fs
        .readFileSync(path.join(root, '.env.example'), 'utf8')
        .matchAll(/^#?\s*([A-Za-z_][A-Za-z0-9_]*)=/gm),
    ].map((m) => m[1]),
  )
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !documented.has(k) && !/^(AIO_|LOCAL_|__OW_)/.test(k) && k !== 'PORT' && k !== 'DATA_DIR',
    ),
  )
}

describe('quickstart: npm start + npm run send', () => {
  const dataDir = tempDataDir('ceh-e2e-')
  const env = { ...hermeticEnv(), PORT: '0', DATA_DIR: dataDir, CI: 'true' }
  let start: ChildProcess
  const out: string[] = []

  afterAll(async () => {
    // Only reached with processes left when the test failed half-way.
    if (start?.pid && !(await groupGone(start.pid, 0))) process.kill(-start.pid, 'SIGKILL')
  })

  it('creates the product in the local Commerce, delivers the event to the demo receiver and logs it as delivered', async () => {
    // Own process group, so Ctrl-C can be sent to npm and its child together as a terminal does.
    start = spawn(npm, ['start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    start.stdout!.on('data', (d: Buffer) => out.push(d.toString()))
    start.stderr!.on('data', (d: Buffer) => out.push(d.toString()))
    const [, baseUrl] = await waitForOutput(
      start,
      out,
      /commerce-event-hub is running on (http:\/\/127\.0\.0\.1:\d+)/,
      120_000,
    )
    const [, webhookUrl] = await waitForOutput(start, out, /Ingestion webhook:\s+POST (\S+)/, 10_000)
    const [, logsUrl] = await waitForOutput(start, out, /Delivery logs:\s+GET (\S+)/, 10_000)
    expect(webhookUrl).toBe(`${baseUrl}/api/v1/web/1234567-eventhub-local/ingestion/webhook`)

    // No --url and PORT=0: `npm run send` finds the stack (its port) through DATA_DIR/stack.json.
    const sent = await run(['run', 'send', '--', 'be-observer.catalog_product_create'], env)
    expect(sent.code).toBe(0)
    expect(sent.output).toContain('200 OK')
    expect(sent.output).toContain('"message": "Event published successfully"')

    const [line] = await waitForOutput(start, out, /\[demo-receiver\] verified delivery .*\n/, 30_000)
    expect(JSON.parse(line.slice(line.indexOf(': {') + 2))).toMatchObject({
      type: 'be-observer.catalog_product_create',
      attempt: 1,
      data: { id: 'PRODUCT_SKU', type: 'product' },
    })

    // The handler applied the change to the stack's local Commerce (what the README's curl shows).
    const product = await fetch(`${baseUrl}/commerce/rest/V1/products/PRODUCT_SKU`, {
      headers: { authorization: 'Bearer local-ims-token' },
    })
    expect([product.status, ((await product.json()) as { sku?: string }).sku]).toEqual([200, 'PRODUCT_SKU'])

    // Listings come from the delivery-log index the sweeper updates every minute: run it now
    // through the runtime's REST API (as its alarm would) instead of waiting for the minute.
    const sweep = await fetch(
      `${baseUrl}/api/v1/namespaces/${LOCAL_DEFAULTS.namespace}/actions/publisher/sweeper?blocking=true&result=true`,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(LOCAL_DEFAULTS.auth).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: '{}',
      },
    )
    expect(sweep.status).toBe(200)
    const res = await fetch(logsUrl, {
      headers: { authorization: 'Bearer local-ims-token', 'x-gw-ims-org-id': 'LOCALORG@AdobeOrg' },
    })
    expect(res.status).toBe(200)
    const logs = (await res.json()) as {
      items: { eventType: string; status: string; subscriptionId: string }[]
    }
    expect(
      logs.items.map(({ eventType, status, subscriptionId }) => ({ eventType, status, subscriptionId })),
    ).toEqual([
      { eventType: 'be-observer.catalog_product_create', status: 'delivered', subscriptionId: 'default' },
    ])

    // Ctrl-C: npm itself dies of the signal; the stack must shut down and leave no process behind.
    process.kill(-start.pid!, 'SIGINT')
    expect(await groupGone(start.pid!, 15_000)).toBe(true)
    expect(out.join('')).toContain('[local] stopping…')
    // A clean stop removes the stack info file: later commands say no stack runs there.
    expect(fs.existsSync(path.join(dataDir, 'stack.json'))).toBe(false)
  }, 180_000)
})
