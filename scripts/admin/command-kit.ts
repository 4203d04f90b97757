/**
 * How a CLI command is declared (data: name, arguments, options, help, run) and how its command
 * line is parsed (`node:util` `parseArgs`, strict) and its `--help` rendered from the declaration,
 * so help and parsing cannot disagree.
 */
import { parseArgs } from 'node:util'
import type { AdminClient } from './admin-client'
import { UsageError } from './cli-errors'
import type { Output } from './output'

/** One option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean'
  /** Repeatable (values collected in order). */
  multiple?: boolean
  /** Placeholder of the value in help (`<list>`). */
  value?: string
  help: string
}

/** Parsed values: strings, booleans, or lists of strings for `multiple`. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>

/** What a command's `run` gets. */
export interface RunContext {
  client: AdminClient
  out: Output
  /** `--json`: machine-readable output on stdout. */
  json: boolean
  positionals: string[]
  values: OptionValues
}

/** A command: `<group> <name> <args> [options]`. */
export interface CommandSpec {
  group: string
  name: string
  /** Positional synopsis for help (`<id>`, `<id>...`). */
  args?: string
  /** One line for the group's list. */
  summary: string
  /** Extra help paragraphs (examples, notes). */
  details?: string[]
  /** Allowed number of positionals. */
  positionals: { min: number; max: number }
  options: Record<string, OptionSpec>
  /** Extra checks of the parsed line (a message = usage error). */
  validate?: (positionals: string[], values: OptionValues) => string | undefined
  /** Returns the exit code (0 when undefined). */
  run(ctx: RunContext): Promise<number | void>
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec & { short?: string }> = {
  json: { type: 'boolean', help: 'machine-readable JSON on stdout (the API’s own answer)' },
  'api-url': {
    type: 'string',
    value: '<url>',
    help: 'a deployed app’s admin package URL (default: ADMIN_API_URL, else the local stack)',
  },
  local: { type: 'boolean', help: 'the local stack even when ADMIN_API_URL is set' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
}

/** The program name in help (`npm run admin --` or the `event-hub-admin` bin). */
export const PROGRAM = 'npm run admin --'

/** Usage line of a command. */
export function usageOf(spec: CommandSpec): string {
  return `usage: ${PROGRAM} ${spec.group} ${spec.name}${spec.args ? ` ${spec.args}` : ''}${Object.keys(spec.options).length ? ' [options]' : ''}`
}

function optionLines(options: Record<string, OptionSpec & { short?: string }>): string[] {
  const left = Object.entries(options).map(
    ([name, o]) => `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`,
  )
  const width = Math.max(...left.map((l) => l.length))
  return Object.values(options).map(
    (o, i) => `  ${left[i].padEnd(width)}  ${o.help}${o.multiple ? ' (repeatable)' : ''}`,
  )
}

/** Full `--help` of a command. */
export function helpOf(spec: CommandSpec): string {
  const lines = [usageOf(spec), '', spec.summary]
  if (spec.details?.length) lines.push('', ...spec.details)
  if (Object.keys(spec.options).length) lines.push('', 'Options:', ...optionLines(spec.options))
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS))
  return lines.join('\n')
}

/** Help of a group: its commands. */
export function groupHelp(group: string, about: string, specs: CommandSpec[]): string {
  const width = Math.max(...specs.map((s) => `${s.name} ${s.args ?? ''}`.length))
  return [
    `usage: ${PROGRAM} ${group} <command> [options]`,
    '',
    about,
    '',
    'Commands:',
    ...specs.map((s) => `  ${`${s.name} ${s.args ?? ''}`.padEnd(width)}  ${s.summary}`),
    '',
    `Run \`${PROGRAM} ${group} <command> --help\` for a command's options.`,
  ].join('\n')
}

/** Parses `argv` (after the group and command) against the spec and the global options. */
export function parseCommandLine(
  spec: CommandSpec,
  argv: string[],
): { positionals: string[]; values: OptionValues } {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...spec.options },
      allowPositionals: true,
      strict: true,
    })
  } catch (err) {
    // parseArgs' messages name the option and what was wrong; keep the first line only.
    throw new UsageError(`${(err as Error).message.split('\n')[0]}\n${usageOf(spec)}`)
  }
  const values = parsed.values as OptionValues
  if (values.help) return { positionals: parsed.positionals, values }
  const n = parsed.positionals.length
  if (n < spec.positionals.min)
    throw new UsageError(`missing argument ${spec.args ?? ''}\n${usageOf(spec)}`.replace(/ +\n/, '\n'))
  if (n > spec.positionals.max)
    throw new UsageError(`unexpected argument ${parsed.positionals[spec.positionals.max]}\n${usageOf(spec)}`)
  const problem = spec.validate?.(parsed.positionals, values)
  if (problem) throw new UsageError(`${problem}\n${usageOf(spec)}`)
  return { positionals: parsed.positionals, values }
}

/** Reads a string option. */
export const str = (values: OptionValues, name: string): string | undefined => {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

/** Reads a repeatable string option. */
export const list = (values: OptionValues, name: string): string[] => {
  const v = values[name]
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
}

/** Splits a comma list (`a,b , c`). */
export const commaList = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
