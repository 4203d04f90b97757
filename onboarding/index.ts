/**
 * `npm run onboard [-- --local] [--dry-run] [--prune] [--yes] [--url http://127.0.0.1:9080]`
 *
 * Creates or updates the I/O Events providers, event metadata and consumer registrations declared
 * in `onboarding/config/`. Against Adobe it uses the OAuth credentials and workspace ids in `.env`;
 * with `--local` it targets the local stack (`npm start`) and needs no Adobe account.
 */
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline/promises'
import { loadOnboardingConfig } from './config-loader'
import { reconcile, summarise, type Step } from './reconcile'
import { connectAdobe, connectLocal } from './events-client'
import { LOCAL_DEFAULTS } from '../local/stack-config'

/** Parsed command line. */
export interface OnboardArgs {
  local: boolean
  dryRun: boolean
  prune: boolean
  yes: boolean
  url?: string
}

/** Parses argv; unknown flags are an error (a typo must not silently run a real onboarding). */
export function parseArgs(argv: string[]): OnboardArgs {
  const args: OnboardArgs = { local: false, dryRun: false, prune: false, yes: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--local') args.local = true
    else if (a === '--dry-run') args.dryRun = true
    else if (a === '--prune') args.prune = true
    else if (a === '--yes' || a === '-y') args.yes = true
    else if (a === '--url') {
      // A missing value must not fall through to onboarding against Adobe instead of the local stack.
      const url = argv[++i]
      if (!url || url.startsWith('-')) throw new Error('--url needs a value: the local stack URL')
      args.url = url
    } else
      throw new Error(`unknown option ${a} (expected --local, --dry-run, --prune, --yes, --url <stack url>)`)
  }
  if (args.url) args.local = true
  return args
}

const ICON: Record<Step['op'], string> = { create: '+', update: '~', unchanged: '=', delete: '-' }

/** Formats the summary table printed at the end. */
function formatSummary(steps: Step[], dryRun: boolean): string {
  const rows = (['provider', 'metadata', 'registration'] as const).map((kind) => {
    const s = summarise(steps.filter((x) => x.kind === kind))
    return `${kind.padEnd(13)}${String(s.create).padStart(8)}${String(s.update).padStart(8)}${String(s.unchanged).padStart(10)}${String(s.delete).padStart(8)}`
  })
  return [
    dryRun ? 'Plan (dry run, nothing written):' : 'Summary:',
    `${''.padEnd(13)}${'created'.padStart(8)}${'updated'.padStart(8)}${'unchanged'.padStart(10)}${'deleted'.padStart(8)}`,
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
    const config = loadOnboardingConfig()
    const conn = args.local
      ? await connectLocal(
          {
            baseUrl: args.url ?? `http://127.0.0.1:${env.PORT ?? 9080}`,
            imsToken: env.LOCAL_IMS_TOKEN ?? LOCAL_DEFAULTS.imsToken,
            imsOrgId: env.LOCAL_IMS_ORG_ID ?? LOCAL_DEFAULTS.imsOrgId,
          },
          env,
        )
      : await connectAdobe(env)
    out(`Onboarding ${conn.where}${args.dryRun ? ' (dry run)' : ''}`)
    if (args.prune && !args.dryRun && !args.yes) {
      const plan = await reconcile(conn.client, config, conn.target, { dryRun: true, prune: true })
      const deletions = plan.steps.filter((s) => s.op === 'delete')
      if (
        deletions.length &&
        !(await confirm(`--prune will delete ${deletions.map((d) => d.name).join(', ')}. Continue?`))
      ) {
        out('Aborted: nothing deleted (pass --yes to prune without asking).')
        return 1
      }
    }
    const { steps } = await reconcile(conn.client, config, conn.target, {
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
