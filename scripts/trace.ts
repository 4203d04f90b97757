/**
 * `npm run trace -- [registration id or name] [--limit N] [--full] [--json]`: prints the Debug
 * Tracing of a running local stack readably, newest attempt first — what the Developer Console's
 * Debug Tracing tab shows: status (or 601/602/604), outcome, event, retry count, request and
 * response bodies.
 *
 * Without a registration it shows every registration of the stack. Finds the stack running on
 * `DATA_DIR` (from the environment or `.env`) through its `stack.json`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { findRunningStack } from '../local/stack-info'
import type { DeliveryTrace } from '../local/events/trace-store'

/** Parsed command line. */
export interface TraceArgs {
  registration?: string
  limit: number
  full: boolean
  json: boolean
  /** `--help`: print the usage only. */
  help?: boolean
}

const USAGE = 'usage: npm run trace -- [registration id or name] [--limit N] [--full] [--json]'

/** Parses the command line. */
export function parseArgs(argv: string[]): TraceArgs {
  const out: TraceArgs = { limit: 10, full: false, json: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--limit') {
      const n = Number(argv[++i])
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`--limit takes 1..100\n${USAGE}`)
      out.limit = n
    } else if (a === '--full') out.full = true
    else if (a === '--json') out.json = true
    else if (a === '--help' || a === '-h') out.help = true
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`)
    else if (!out.registration) out.registration = a
    else throw new Error(`unexpected argument ${a}\n${USAGE}`)
  }
  return out
}

interface TraceReport {
  registration_id: string
  name: string
  status: string
  enabled: boolean
  delivery_type: string
  runtime_action?: string
  webhook_url?: string
  traces: DeliveryTrace[]
}

const OUTCOME_MARK: Record<DeliveryTrace['outcome'], string> = {
  delivered: 'delivered',
  retry_scheduled: 'retry scheduled',
  failed: 'FAILED (final)',
  dropped: 'DROPPED',
}
const PSEUDO_NAMES: Record<number, string> = { 601: 'client error', 602: 'network failure', 604: 'timeout' }

const clip = (text: string, full: boolean, truncated: boolean) => {
  const oneLine = full ? text : text.replace(/\s+/g, ' ')
  const shown = full || oneLine.length <= 300 ? oneLine : `${oneLine.slice(0, 300)}…`
  return `${shown || '(empty)'}${truncated ? ' [trimmed to 64 KB by Debug Tracing]' : ''}`
}

/** Renders one registration's traces as text. */
function formatReport(report: TraceReport, full = false): string {
  const target = report.runtime_action
    ? `runtime action ${report.runtime_action}`
    : report.webhook_url
      ? `webhook ${report.webhook_url}`
      : 'journal only'
  const lines = [
    `Registration "${report.name}" (${report.registration_id})`,
    `  ${report.status}${report.enabled ? '' : ' (disabled by user)'} · ${report.delivery_type} → ${target}`,
  ]
  if (report.traces.length === 0) lines.push('  no deliveries traced yet')
  for (const t of report.traces) {
    const code = t.response.status_code
    const retry = t.request.headers['x-adobe-retry-count']
    lines.push(
      '',
      `  ${t.timestamp}  attempt ${t.attempt}${retry ? ` (retry ${retry})` : ''}  ${code}${PSEUDO_NAMES[code] ? ` ${PSEUDO_NAMES[code]}` : ''}  ${OUTCOME_MARK[t.outcome]}  ${t.duration_ms} ms`,
      `    event ${t.event_code}  id ${t.event_ids.join(', ')}  delivery ${t.delivery_id}`,
    )
    if (t.next_attempt_at) lines.push(`    next attempt at ${t.next_attempt_at}`)
    if (t.response.activation_id)
      lines.push(
        `    activation ${t.response.activation_id}  (aio rt activation logs ${t.response.activation_id})`,
      )
    if (t.response.error) lines.push(`    error    ${t.response.error}`)
    lines.push(`    request  ${clip(t.request.body, full, t.request.body_truncated)}`)
    lines.push(`    response ${clip(t.response.body, full, t.response.body_truncated)}`)
  }
  return lines.join('\n')
}

async function main(): Promise<void> {
  const envFile = path.resolve(__dirname, '..', '.env')
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile)
  const args = parseArgs(process.argv.slice(2))
  if (args.help) {
    console.log(
      `${USAGE}\n\nPrints the local stack's Debug Tracing: the last deliveries of each I/O Events registration\n` +
        '(or of the one named), with request, response and outcome, like the Developer Console tab.\n' +
        '  --limit N  attempts per registration (1..100, default 10)\n' +
        '  --full     whole bodies and headers\n' +
        '  --json     the raw tracing JSON',
    )
    return
  }
  const stack = findRunningStack(process.env)
  const base = stack.baseUrl
  const headers = { authorization: `Bearer ${stack.ims.token}` }
  const get = async <T>(p: string): Promise<T> => {
    let res: Response
    try {
      res = await fetch(`${base}${p}`, { headers })
    } catch {
      throw new Error(
        `the stack recorded in ${stack.paths.dataDir} does not answer on ${base}: start it with npm start`,
      )
    }
    const body = (await res.json().catch(() => ({}))) as T & { error?: string }
    if (!res.ok) throw new Error(`${res.status} from ${p}: ${body.error ?? 'unexpected answer'}`)
    return body
  }
  const all = await get<{ registrations: TraceReport[] }>(`/events/tracing?limit=${args.limit}`)
  const wanted = args.registration
  const reports = all.registrations.filter(
    (r) => !wanted || r.registration_id === wanted || r.name === wanted,
  )
  if (reports.length === 0) {
    console.log(
      wanted
        ? `no registration with id or name "${wanted}"`
        : 'no registrations yet (npm start onboards them)',
    )
    return
  }
  console.log(
    args.json
      ? JSON.stringify(reports, null, 2)
      : reports.map((r) => formatReport(r, args.full)).join('\n\n'),
  )
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err.message)
    process.exit(1)
  })
}
