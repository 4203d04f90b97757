/**
 * `npm run onboard [-- --local] [--dry-run] [--prune] [--yes] [--no-commerce] [--url http://127.0.0.1:9080]`
 *
 * Creates or updates the I/O Events providers, event metadata and consumer registrations declared
 * in `onboarding/config/`, then configures the Commerce instance's eventing (configuration and one
 * subscription per Commerce event, from `commerce-event-subscribe.json`). Against Adobe it uses the
 * OAuth credentials, workspace ids and Commerce settings in `.env`; with `--local` it targets the
 * local stack (`npm start`) and its local Commerce, and needs no Adobe account.
 */
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline/promises'
import { summarise, type Step } from './reconcile'
import { connectAdobe, connectLocal } from './events-client'
import { adobeCommerce, localCommerce } from './commerce-connection'
import { onboard } from './onboard'
import { LOCAL_DEFAULTS } from '../local/stack-config'

/** Parsed command line. */
export interface OnboardArgs {
  local: boolean
  dryRun: boolean
  prune: boolean
  yes: boolean
  /** Skip the Commerce eventing step (configure it in the Commerce Admin instead). */
  noCommerce: boolean
  help: boolean
  url?: string
}

/** What `--help` prints. */
export const USAGE = `Usage: npm run onboard -- [options]

Creates or updates, idempotently, the I/O Events providers, event metadata and registrations of
onboarding/config/, then Commerce eventing: the eventing configuration and one subscription per
Commerce event of onboarding/config/commerce-event-subscribe.json.

Options:
  --local          onboard the local stack (npm start) and its local Commerce; no Adobe account
  --url <url>      the local stack's URL (implies --local; default http://127.0.0.1:$PORT)
  --dry-run        print the plan; write nothing
  --prune          also delete what config no longer lists (asks first; --yes to skip the question)
  -y, --yes        do not ask before pruning
  --no-commerce    skip the Commerce step (configure eventing in the Commerce Admin yourself)
  -h, --help       this help

Against Adobe, .env needs the OAUTH_* credential, IO_CONSUMER_ID, IO_PROJECT_ID, IO_WORKSPACE_ID,
COMMERCE_INSTANCE_ID, COMMERCE_BASE_URL and the Commerce credentials (see .env.example);
COMMERCE_EVENT_PREFIX prefixes the Commerce event codes (com.adobe.commerce.<prefix>.observer.*).`

/** Parses argv; unknown flags are an error (a typo must not silently run a real onboarding). */
export function parseArgs(argv: string[]): OnboardArgs {
  const args: OnboardArgs = {
    local: false,
    dryRun: false,
    prune: false,
    yes: false,
    noCommerce: false,
    help: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--local') args.local = true
    else if (a === '--dry-run') args.dryRun = true
    else if (a === '--prune') args.prune = true
    else if (a === '--yes' || a === '-y') args.yes = true
    else if (a === '--no-commerce') args.noCommerce = true
    else if (a === '--help' || a === '-h') args.help = true
    else if (a === '--url') {
      // A missing value must not fall through to onboarding against Adobe instead of the local stack.
      const url = argv[++i]
      if (!url || url.startsWith('-')) throw new Error('--url needs a value: the local stack URL')
      args.url = url
    } else throw new Error(`unknown option ${a} (npm run onboard -- --help lists the options)`)
  }
  if (args.url) args.local = true
  return args
}

const ICON: Record<Step['op'], string> = { create: '+', update: '~', unchanged: '=', delete: '-' }

/** Summary rows: step kind → its label. */
const ROWS: [Step['kind'], string][] = [
  ['provider', 'provider'],
  ['metadata', 'metadata'],
  ['registration', 'registration'],
  ['commerce-eventing', 'commerce eventing'],
  ['commerce-subscription', 'commerce subscription'],
]
const LABEL_WIDTH = 22

/** Formats the summary table printed at the end (Commerce rows only when that step ran). */
export function formatSummary(steps: Step[], dryRun: boolean): string {
  const rows = ROWS.filter(
    ([kind]) => !kind.startsWith('commerce') || steps.some((x) => x.kind === kind),
  ).map(([kind, label]) => {
    const s = summarise(steps.filter((x) => x.kind === kind))
    return `${label.padEnd(LABEL_WIDTH)}${String(s.create).padStart(8)}${String(s.update).padStart(8)}${String(s.unchanged).padStart(10)}${String(s.delete).padStart(8)}`
  })
  return [
    dryRun ? 'Plan (dry run, nothing written):' : 'Summary:',
    `${''.padEnd(LABEL_WIDTH)}${'created'.padStart(8)}${'updated'.padStart(8)}${'unchanged'.padStart(10)}${'deleted'.padStart(8)}`,
    ...rows,
  ].join('\n')
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout })
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
  } finally {
    rl.close()
  }
}

/** Runs onboarding as the CLI does; returns the process exit code. */
export async function runOnboard(argv: string[], env: NodeJS.ProcessEnv, out = console.log): Promise<number> {
  try {
    const args = parseArgs(argv)
    if (args.help) {
      out(USAGE)
      return 0
    }
    const baseUrl = args.url ?? `http://127.0.0.1:${env.PORT ?? 9080}`
    const imsToken = env.LOCAL_IMS_TOKEN ?? LOCAL_DEFAULTS.imsToken
    // Commerce settings are checked before anything is written.
    const commerce = args.noCommerce
      ? undefined
      : args.local
        ? localCommerce(baseUrl, imsToken, env)
        : adobeCommerce(env)
    const conn = args.local
      ? await connectLocal(
          { baseUrl, imsToken, imsOrgId: env.LOCAL_IMS_ORG_ID ?? LOCAL_DEFAULTS.imsOrgId },
          env,
        )
      : await connectAdobe(env)
    out(
      `Onboarding ${conn.where}${commerce ? ` and ${commerce.where}` : ''}${args.dryRun ? ' (dry run)' : ''}`,
    )
    if (args.prune && !args.dryRun && !args.yes) {
      const plan = await onboard(conn, commerce, { dryRun: true, prune: true })
      const deletions = plan.steps.filter((s) => s.op === 'delete')
      if (
        deletions.length &&
        !(await confirm(
          `--prune will delete ${deletions.map((d) => `${d.kind} ${d.name}`).join(', ')}. Continue?`,
        ))
      ) {
        out('Aborted: nothing deleted (pass --yes to prune without asking).')
        return 1
      }
    }
    const { steps } = await onboard(conn, commerce, {
      dryRun: args.dryRun,
      prune: args.prune,
      onStep: (s) =>
        out(
          `  ${ICON[s.op]} ${s.kind} ${s.name}: ${s.op === 'unchanged' ? 'unchanged' : args.dryRun ? `would ${s.op}` : `${s.op}d`}`,
        ),
    })
    out(formatSummary(steps, args.dryRun))
    return 0
  } catch (err) {
    out(`Onboarding failed: ${(err as Error).message}`)
    return 1
  }
}

if (require.main === module) {
  const envFile = path.resolve(__dirname, '..', '.env')
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile)
  void runOnboard(process.argv.slice(2), process.env).then((code) => process.exit(code))
}
