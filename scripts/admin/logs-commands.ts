/**
 * `logs ls | show | retry | export`: the delivery logs of `admin/logs` — what the Event Logs page
 * shows, with the same filters.
 */
import { DELIVERY_STATUSES } from '../../actions/lib/delivery-log/log-keys'
import type { AdminClient, BulkRetryPage, LogFilters, LogPageQuery } from './admin-client'
import { EXIT } from './cli-errors'
import { list, str, type CommandSpec, type OptionSpec, type OptionValues } from './command-kit'
import { keyValues, progressBar, table } from './output'

/** `--filter key=value` keys → the API's filter names. */
const FILTER_KEYS: Record<string, keyof LogFilters> = {
  status: 'status',
  type: 'type',
  subscription: 'subscription',
  entityId: 'entityId',
  'entity-id': 'entityId',
  from: 'from',
  to: 'to',
}

/** The listing filters, as named options and as generic `--filter key=value`. */
const FILTER_OPTIONS: Record<string, OptionSpec> = {
  status: { type: 'string', value: '<list>', help: `comma list of ${DELIVERY_STATUSES.join(', ')}` },
  type: {
    type: 'string',
    value: '<event code>',
    help: 'event code, e.g. be-observer.catalog_product_update',
  },
  subscription: { type: 'string', value: '<id>', help: 'subscription id' },
  'entity-id': { type: 'string', value: '<id>', help: 'entity id (SKU, customer id, …)' },
  from: { type: 'string', value: '<time>', help: 'created at or after (ISO time or epoch ms)' },
  to: { type: 'string', value: '<time>', help: 'created at or before (ISO time or epoch ms)' },
  filter: {
    type: 'string',
    multiple: true,
    value: '<key=value>',
    help: `a filter as key=value (${Object.keys(FILTER_KEYS).join(', ')})`,
  },
}

/** Checks `--filter` values (a message = usage error). */
function checkFilters(_p: string[], values: OptionValues): string | undefined {
  for (const f of list(values, 'filter')) {
    const eq = f.indexOf('=')
    if (eq < 1 || !FILTER_KEYS[f.slice(0, eq)])
      return `--filter takes key=value with key one of ${Object.keys(FILTER_KEYS).join(', ')}`
  }
  const limit = str(values, 'limit')
  if (limit !== undefined && !/^[1-9][0-9]*$/.test(limit)) return '--limit takes a positive integer'
  return undefined
}

/** The filters of a parsed command line (named options win over `--filter`). */
function filtersOf(values: OptionValues): LogFilters {
  const out: LogFilters = {}
  for (const f of list(values, 'filter')) {
    const eq = f.indexOf('=')
    out[FILTER_KEYS[f.slice(0, eq)]] = f.slice(eq + 1)
  }
  const named: [string, keyof LogFilters][] = [
    ['status', 'status'],
    ['type', 'type'],
    ['subscription', 'subscription'],
    ['entity-id', 'entityId'],
    ['from', 'from'],
    ['to', 'to'],
    ['event-id', 'eventId'],
  ]
  for (const [opt, key] of named) {
    const v = str(values, opt)
    if (v !== undefined) out[key] = v
  }
  return out
}

const limitOf = (values: OptionValues): number | undefined => {
  const v = str(values, 'limit')
  return v === undefined ? undefined : Number(v)
}

const ls: CommandSpec = {
  group: 'logs',
  name: 'ls',
  summary: 'list deliveries, newest first',
  details: [
    'Listed from the index the sweeper updates every minute: the last minute of deliveries may not be',
    'listed yet (`logs show <id>` reads one directly). The next page: the `--cursor` printed at the end.',
  ],
  positionals: { min: 0, max: 0 },
  options: {
    ...FILTER_OPTIONS,
    'event-id': {
      type: 'string',
      value: '<id>',
      help: "one event's deliveries (read directly, always current)",
    },
    limit: { type: 'string', value: '<n>', help: 'rows per page, 1..100 (default 50)' },
    cursor: { type: 'string', value: '<cursor>', help: 'the page after the one that printed it' },
  },
  validate: checkFilters,
  async run({ client, out, json, values }) {
    const page = await client.logs.list({
      ...filtersOf(values),
      limit: limitOf(values),
      cursor: str(values, 'cursor'),
    })
    if (json) return out.json(page)
    if (!page.items.length) out.line('no deliveries')
    else
      out.line(
        table(
          ['CREATED', 'STATUS', 'EVENT', 'ENTITY', 'SUBSCRIPTION', 'ATTEMPTS', 'HTTP', 'ID'],
          page.items.map((i) => [
            i.createdAt,
            i.status,
            i.eventType,
            i.entityId,
            i.subscriptionId,
            i.attempts,
            i.lastHttpStatus,
            i.id,
          ]),
        ),
      )
    out.line()
    out.line(
      `${page.items.length} shown${page.total !== undefined ? ` of ${page.total}` : ''}${page.nextCursor ? ` · next page: --cursor ${page.nextCursor}` : ''}`,
    )
    out.note(page.freshness)
  },
}

const show: CommandSpec = {
  group: 'logs',
  name: 'show',
  args: '<delivery id>',
  summary: 'one delivery with every attempt and the payload sent',
  positionals: { min: 1, max: 1 },
  options: {},
  async run({ client, out, json, positionals: [id] }) {
    const r = await client.logs.get(id)
    if (json) return out.json(r)
    out.line(
      keyValues([
        ['id', r.id],
        ['status', r.status],
        ['event', `${r.eventType}  (${r.eventId})`],
        ['entity', `${r.entityType} ${r.entityId}`],
        ['subscription', r.subscriptionId],
        ['url', r.url],
        ['created', r.createdAt],
        ['updated', r.updatedAt],
        ['next attempt', r.nextAttemptAt],
        ['last error', r.lastError],
      ]),
    )
    out.line()
    out.line(
      table(
        ['#', 'AT', 'TRIGGER', 'HTTP', 'MS', 'ERROR', 'RESPONSE'],
        r.attempts.map((a) => [
          a.attempt,
          a.at,
          a.trigger,
          a.statusCode,
          a.durationMs,
          a.error,
          a.responseSnippet,
        ]),
      ),
    )
    if (r.attemptsOmitted) out.line(`(${r.attemptsOmitted} earlier attempts not kept)`)
    out.line()
    out.line(`payload${r.payloadTruncated ? ' (excerpt)' : ''}:`)
    out.line(typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload, null, 2))
  },
}

/** Runs the bulk retry batch after batch (each bounded by the API) until no cursor is left. */
async function retryMatching(
  client: AdminClient,
  query: LogPageQuery,
  onBatch: (sum: BulkRetryPage, batches: number) => void,
): Promise<BulkRetryPage & { batches: number }> {
  const sum: BulkRetryPage = { retried: 0, skipped: 0, failed: 0 }
  let cursor: string | undefined
  let batches = 0
  do {
    const page = await client.logs.retryMatching({ ...query, ...(cursor ? { cursor } : {}) })
    batches++
    sum.retried += page.retried
    sum.skipped += page.skipped
    sum.failed += page.failed
    cursor = page.nextCursor
    onBatch(sum, batches)
  } while (cursor)
  return { ...sum, batches }
}

const retry: CommandSpec = {
  group: 'logs',
  name: 'retry',
  args: '[<delivery id>...]',
  summary: 'send deliveries again now, whatever their status (by id, or every one matching filters)',
  details: [
    'With ids: each one is re-sent (POST admin/logs/{id}/retry). Without ids: every delivery matching the',
    'filters (at least one: the API refuses to re-send the whole log at once) is re-sent in bounded batches',
    '(POST admin/logs/retry, following its cursor). Exit 4 when a retried delivery failed again.',
    '',
    'Examples:',
    `  logs retry 'evt-1.sub-a' 'evt-2.sub-a'`,
    '  logs retry --status failed,dead --subscription sub-a',
  ],
  positionals: { min: 0, max: 1000 },
  options: {
    ...FILTER_OPTIONS,
    limit: { type: 'string', value: '<n>', help: 'deliveries per batch (the API bounds it)' },
  },
  validate: (positionals, values) => {
    const problem = checkFilters(positionals, values)
    if (problem) return problem
    const filtered = Object.keys(filtersOf(values)).length > 0
    if (positionals.length && filtered) return 'give delivery ids or filters, not both'
    if (!positionals.length && !filtered) return 'give delivery ids, or filters (e.g. --status failed)'
    return undefined
  },
  async run({ client, out, json, positionals, values }) {
    if (positionals.length) {
      const results = []
      for (const id of positionals) {
        const r = await client.logs.retry(id)
        const last = r.attempts[r.attempts.length - 1]
        results.push(r)
        if (!json)
          out.line(
            `${r.id}  ${r.status}  attempt ${last?.attempt ?? '?'}${last?.statusCode ? `  HTTP ${last.statusCode}` : ''}${r.lastError && r.status !== 'delivered' ? `  ${r.lastError}` : ''}`,
          )
      }
      if (json) out.json(results)
      return results.every((r) => r.status === 'delivered') ? EXIT.ok : EXIT.deliveryFailed
    }
    const query = { ...filtersOf(values), limit: limitOf(values) }
    // On a terminal, the matching total (when the index can count it) sizes the progress bar.
    const total = out.interactive ? (await client.logs.list({ ...query, limit: 1 })).total : undefined
    const sum = await retryMatching(client, query, (s, n) =>
      out.progress(
        `${progressBar(s.retried + s.skipped + s.failed, total, 'retrying')}  (${s.failed} failed, batch ${n})`,
      ),
    )
    out.progress(`retried ${sum.retried}`, true)
    if (json) out.json(sum)
    else
      out.line(
        `${sum.retried} retried, ${sum.skipped} skipped, ${sum.failed} failed (${sum.batches} batches)`,
      )
    return sum.failed ? EXIT.deliveryFailed : EXIT.ok
  },
}

const exportCmd: CommandSpec = {
  group: 'logs',
  name: 'export',
  summary: 'write every matching delivery record to stdout as one JSON array, page by page',
  details: [
    'Streams: one page (≤ --limit records, ≤ 900 KB) in memory at a time, whatever the size of the log.',
    'A progress bar goes to stderr when it is a terminal. Example: logs export --status failed > failed.json',
  ],
  positionals: { min: 0, max: 0 },
  options: {
    ...FILTER_OPTIONS,
    'event-id': { type: 'string', value: '<id>', help: "one event's deliveries" },
    limit: { type: 'string', value: '<n>', help: 'records per page, 1..100 (default 50)' },
  },
  validate: checkFilters,
  async run({ client, out, values }) {
    const query: LogPageQuery = { ...filtersOf(values), limit: limitOf(values) }
    // The total, when the index can count it, sizes the progress bar (only asked for on a terminal).
    const total = out.interactive ? (await client.logs.list({ ...query, limit: 1 })).total : undefined
    let count = 0
    let cursor: string | undefined
    let first = true
    await out.write('[')
    do {
      const page = await client.logs.exportPage({ ...query, ...(cursor ? { cursor } : {}) })
      for (const item of page.items) {
        await out.write(`${first ? '\n' : ',\n'}${JSON.stringify(item)}`)
        first = false
      }
      count += page.items.length
      cursor = page.nextCursor
      out.progress(progressBar(count, total, 'exported'))
    } while (cursor)
    await out.write(first ? ']\n' : '\n]\n')
    out.progress(`exported ${count} records`, true)
    // `--json` changes nothing: the export is JSON either way.
  },
}

/** The `logs` commands. */
export const LOGS_COMMANDS: CommandSpec[] = [ls, show, retry, exportCmd]
