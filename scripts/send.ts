/**
 * `npm run send -- <event-code> [--uid x] [--url u]`: posts the code's `sampleEventTemplate`
 * (onboarding/config/events.json) to the ingestion webhook of a running local stack, signed
 * with the Standard Webhooks scheme, and prints the response.
 *
 * The secret is `INGESTION_SECRET` from the environment or `.env`; when `.env` configures no
 * ingestion auth, `npm start` generated one in `DATA_DIR/dev-secrets.json` and it is read from
 * there. The default URL is the ingestion webhook of the stack running on `DATA_DIR` (its `stack.json`).
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { eventRegistry } from '../actions/lib/event-registry'
import { signHeaders } from '../actions/lib/webhook-signature'
import { configuredSecrets } from '../actions/ingestion/webhook/auth'
import { loadStackConfig } from '../local/stack-config'
import { readDevSecrets } from '../local/dev-secrets'
import { findRunningStack } from '../local/stack-info'

/** Parsed command line. */
export interface SendArgs {
  code: string
  uid: string
  url?: string
}

const USAGE = 'usage: npm run send -- <event-code> [--uid <uid>] [--url <webhook url>]'

/** Parses `<code> [--uid x] [--url u]`. */
export function parseArgs(argv: string[]): SendArgs {
  const out: Partial<SendArgs> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
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

/** The whsec_ secret(s) to sign with: INGESTION_SECRET from env/.env, else npm start's dev secret. */
export function signingSecrets(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = configuredSecrets({ INGESTION_SECRET: env.INGESTION_SECRET })
  if (fromEnv.length) return fromEnv.slice(0, 1)
  const dev = readDevSecrets(loadStackConfig(env).dataDir)
  if (dev && !env.INGESTION_AUTH) return [dev.INGESTION_SECRET]
  throw new Error(
    'no INGESTION_SECRET: set it in .env (or start the stack once with `npm start` to generate one)',
  )
}

/** Builds the signed request for `args`. */
function buildRequest(args: SendArgs, secrets: string[], nowSeconds = Math.floor(Date.now() / 1000)) {
  const def = eventRegistry.get(args.code)
  if (!def || def.provider !== 'backoffice') {
    const codes = eventRegistry.byProvider('backoffice').map((d) => d.code)
    throw new Error(`unknown back-office event code ${args.code}; one of: ${codes.join(', ')}`)
  }
  const body = JSON.stringify({ data: { uid: args.uid, event: def.code, value: def.sampleEventTemplate } })
  const headers = {
    'content-type': 'application/json',
    ...signHeaders(secrets, `msg_${randomUUID()}`, nowSeconds, body),
  }
  return { body, headers }
}

async function main(): Promise<void> {
  const envFile = path.resolve(__dirname, '..', '.env')
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile)
  const args = parseArgs(process.argv.slice(2))
  const url = args.url ?? defaultWebhookUrl(process.env)
  const { body, headers } = buildRequest(args, signingSecrets(process.env))
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
