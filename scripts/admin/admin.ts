/**
 * `npm run admin -- <group> <command> [options]` (also the `event-hub-admin` bin): the admin API
 * from a terminal — delivery logs (list, show, retry, export) and webhook subscriptions (list,
 * show, add, edit, enable, disable, rotate, test, rm). Talks to the running local stack (found
 * through `DATA_DIR/stack.json`) unless `--api-url`/`ADMIN_API_URL` names a deployed app; see
 * `admin-target.ts` for credentials. Tables for people, `--json` for scripts, exit codes in
 * `cli-errors.ts`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createAdminClient } from './admin-client'
import { resolveTarget } from './admin-target'
import { CliError, EXIT, EXIT_HELP, UsageError } from './cli-errors'
import { groupHelp, helpOf, parseCommandLine, PROGRAM, str, type CommandSpec } from './command-kit'
import { LOGS_COMMANDS } from './logs-commands'
import { processOutput, type Output } from './output'
import { SUBS_COMMANDS } from './subs-commands'

/** Command groups: name → what it is about and its commands. */
const GROUPS: Record<string, { about: string; commands: CommandSpec[] }> = {
  logs: {
    about: 'Delivery logs: what was sent to which endpoint, every attempt, retry and export.',
    commands: LOGS_COMMANDS,
  },
  subs: { about: 'Webhook subscriptions: where events are delivered.', commands: SUBS_COMMANDS },
}

const OVERVIEW = [
  `usage: ${PROGRAM} <group> <command> [options]     (or: event-hub-admin <group> <command> …)`,
  '',
  ...Object.entries(GROUPS).flatMap(([g, { about, commands }]) => [
    `${g}  ${about}`,
    `      ${commands.map((c) => c.name).join(' | ')}`,
  ]),
  '',
  'Target: the local stack running on DATA_DIR (found through DATA_DIR/stack.json), unless --api-url or',
  'ADMIN_API_URL names a deployed app’s admin package (https://<namespace>.adobeioruntime.net/api/v1/web/admin);',
  'then the IMS token is ADMIN_IMS_TOKEN, or exchanged from OAUTH_CLIENT_ID/OAUTH_CLIENT_SECRET/OAUTH_ORG_ID/',
  'OAUTH_SCOPES, and the org is ADMIN_IMS_ORG_ID (default OAUTH_ORG_ID). Variables are read from .env too.',
  '',
  `Run \`${PROGRAM} <group> --help\` or \`${PROGRAM} <group> <command> --help\` for details.`,
  '',
  EXIT_HELP,
].join('\n')

/** Runs one command line; returns the exit code. */
export async function runAdmin(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  const [group, name, ...rest] = argv
  if (!group || group === '--help' || group === '-h' || group === 'help') {
    out.line(OVERVIEW)
    return group ? EXIT.ok : EXIT.usage
  }
  const g = GROUPS[group]
  if (!g)
    throw new UsageError(
      `unknown command group "${group.slice(0, 40)}": use ${Object.keys(GROUPS).join(' or ')}\nusage: ${PROGRAM} <group> <command> [options]`,
    )
  if (!name || name === '--help' || name === '-h') {
    out.line(groupHelp(group, g.about, g.commands))
    return name ? EXIT.ok : EXIT.usage
  }
  const spec = g.commands.find((c) => c.name === name)
  if (!spec)
    throw new UsageError(
      `unknown command "${group} ${name.slice(0, 40)}": one of ${g.commands.map((c) => c.name).join(', ')}\nusage: ${PROGRAM} ${group} <command> [options]`,
    )
  const { positionals, values } = parseCommandLine(spec, rest)
  if (values.help) {
    out.line(`${helpOf(spec)}\n\n${EXIT_HELP}`)
    return EXIT.ok
  }
  const client = createAdminClient(
    resolveTarget({ url: str(values, 'api-url'), local: Boolean(values.local) }, env),
  )
  return (await spec.run({ client, out, json: Boolean(values.json), positionals, values })) ?? EXIT.ok
}

/** The process entry point: loads `.env`, runs the command line, sets the exit code. */
export async function main(): Promise<void> {
  const envFile = path.resolve(__dirname, '..', '..', '.env')
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile)
  const out = processOutput()
  try {
    process.exitCode = await runAdmin(process.argv.slice(2), process.env, out)
  } catch (err) {
    if (err instanceof CliError) {
      out.progress('', false)
      out.note(`error: ${err.message}`)
      process.exitCode = err.exitCode
    } else {
      out.note(`error: ${(err as Error).message}`)
      process.exitCode = EXIT.api
    }
  }
}

if (require.main === module) void main()
