/**
 * `npm run send -- <event-code> [--uid x] [--url u]`: posts the code's `sampleEventTemplate`
 * (onboarding/config/events.json) to the ingestion webhook of a running local stack,
 * authenticated as `INGESTION_AUTH` configures (hmac signature, token header or basic; see
 * send-credentials.ts), and prints the response.
 *
 * Credentials come from the environment or `.env`; when `.env` configures no ingestion auth,
 * `npm start` generated an HMAC secret in `DATA_DIR/dev-secrets.json` and it is read from
 * there. The default URL is the ingestion webhook of the stack running on `DATA_DIR` (its `stack.json`).
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { eventRegistry } from '../actions/lib/event-registry'
import { ingestionAuthHeaders } from './send-credentials'
import { loadStackConfig } from '../local/stack-config'
import { readDevSecrets } from '../local/dev-secrets'
import { findRunningStack } from '../local/stack-info'

/** Parsed command line. */
export interface SendArgs {
  code: string
  uid: string
  url?: string
  /** `--help`: print the usage and the event codes, send nothing. */
  help?: boolean
}

const USAGE = 'usage: npm run send -- <event-code> [--uid <uid>] [--url <webhook url>]'

/** Parses `<code> [--uid x] [--url u]`. */
export function parseArgs(argv: string[]): SendArgs {
  const out: Partial<SendArgs> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') return { code: '', uid: '', help: true }
    if (a === '--uid' || a === '--url') {
      const v = argv[++i]
      if (!v) throw new Error(`${a} needs a value\n${USAGE}`)
      out[a === '--uid' ? 'uid' : 'url'] = v
    } else if (a.startsWith('--')) {
      throw new Error(`unknown option ${a}\n${USAGE}`)
    } else if (!out.code) {
      out.code = a
    } else {
      throw new Error(`unexpected argument ${a}\n${USAGE}`)
    }
  }
  if (!out.code) {
    const codes = eventRegistry.byProvider('backoffice').map((d) => d.code)
    throw new Error(`${USAGE}\nevent codes: ${codes.join(', ')}`)
  }
  return { code: out.code, uid: out.uid ?? `send-${randomUUID()}`, url: out.url }
}

/**
 * The ingestion webhook URL of the running local stack, from `DATA_DIR/stack.json`.
 * @throws StackNotFoundError naming the folder looked in when no stack runs there.
 */
function defaultWebhookUrl(env: NodeJS.ProcessEnv): string {
  return findRunningStack(env).urls.ingestion
}

/** Builds the authenticated request for `args`. */
function buildRequest(args: SendArgs, env: NodeJS.ProcessEnv) {
  const def = eventRegistry.get(args.code)
  if (!def || def.provider !== 'backoffice') {
    const codes = eventRegistry.byProvider('backoffice').map((d) => d.code)
    throw new Error(`unknown back-office event code ${args.code}; one of: ${codes.join(', ')}`)
  }
  const body = JSON.stringify({ data: { uid: args.uid, event: def.code, value: def.sampleEventTemplate } })
  const { dataDir } = loadStackConfig(env)
  const credentials = { env, devSecret: readDevSecrets(dataDir)?.INGESTION_SECRET, devSecretsDir: dataDir }
  const headers = { 'content-type': 'application/json', ...ingestionAuthHeaders(credentials, body) }
  return { body, headers }
}

async function main(): Promise<void> {
  const envFile = path.resolve(__dirname, '..', '.env')
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile)
  const args = parseArgs(process.argv.slice(2))
  if (args.help) {
    const codes = eventRegistry.byProvider('backoffice').map((d) => d.code)
    console.log(
      `${USAGE}\n\nPosts the event code's sample (onboarding/config/events.json) to the ingestion webhook,\n` +
        'authenticated as INGESTION_AUTH in .env says (hmac, token, basic or none; unset: the HMAC\n' +
        'secret npm start generated in DATA_DIR). Exit code 1 when the webhook answers an error.\n\n' +
        `event codes:\n  ${codes.join('\n  ')}`,
    )
    return
  }
  const url = args.url ?? defaultWebhookUrl(process.env)
  const { body, headers } = buildRequest(args, process.env)
  console.log(`POST ${url}\n  event ${args.code}, uid ${args.uid}`)
  let res: Response
  try {
    res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(65_000) })
  } catch (err) {
    throw new Error(
      `cannot reach ${url} (${(err as Error).message}): is the local stack running (npm start)?`,
    )
  }
  const text = await res.text()
  let shown = text
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    // not JSON: print as is
  }
  console.log(`${res.status} ${res.statusText}\n${shown}`)
  if (!res.ok) process.exitCode = 1
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err.message)
    process.exit(1)
  })
}
