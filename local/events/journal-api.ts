/**
 * Journaling API: every registration's ordered event log, at its `rel:events` link
 * (`/events/organizations/{org}/integrations/{workspace}/{registrationId}`), as
 * `getEventsFromJournal()` / `getEventsObservableFromJournal()` of `@adobe/aio-lib-events` read it.
 *
 * `?since=<position>` continues after a position, `?latest=true` starts at the newest event,
 * `?limit=N` (1–100, default 100). 200 → `{events:[{position, event}], _page:{last, count}}` with
 * `Link` rels `events`, `next`, `latest`, `page`; at the end 204 with `retry-after` (and the same
 * `next` link, so pollers keep going). Positions are opaque strings; entries are kept 7 days.
 */
import { sendJson, StackHttpError } from '../http-kit'
import type { EventsDeps } from './deps'
import type { Route } from './router'

/** Journal policy. */
export const JOURNAL_POLICY = {
  maxLimit: 100,
  retentionMs: 7 * 24 * 3600_000,
  retryAfterSeconds: 10,
} as const

interface JournalRow {
  position: number
  body: string
  event_id: string
}

/** Builds the journal route. */
export function journalRoutes(deps: EventsDeps): Route[] {
  const { db, store, clock } = deps
  const q = {
    after: db.prepare<[string, number, number, number], JournalRow>(
      `SELECT j.position, e.body, e.event_id FROM journal j JOIN events e ON e.seq = j.event_seq
       WHERE j.registration_id = ? AND j.position > ? AND j.at >= ? ORDER BY j.position LIMIT ?`,
    ),
    latest: db.prepare<[string, number], { position: number }>(
      'SELECT max(position) AS position FROM journal WHERE registration_id = ? AND at >= ?',
    ),
  }

  const parsePosition = (raw: string | null): number => {
    if (raw === null || raw === '') return 0
    if (!/^\d{1,15}$/.test(raw))
      throw new StackHttpError(400, 'since must be a position returned by this journal')
    return Number(raw)
  }
  const parseLimit = (raw: string | null): number => {
    if (raw === null) return JOURNAL_POLICY.maxLimit
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1) throw new StackHttpError(400, 'limit must be a positive integer')
    return Math.min(n, JOURNAL_POLICY.maxLimit)
  }

  return [
    {
      method: 'GET',
      path: '/events/organizations/:org/integrations/:workspace/:id',
      auth: { org: false, apiKey: true },
      handler: ({ res, url, params }) => {
        const r = store.registration(params.id)
        if (!r || r.consumer_org !== params.org || r.workspace !== params.workspace) {
          throw new StackHttpError(404, `journal for registration ${params.id} not found`)
        }
        const oldest = clock.now() - JOURNAL_POLICY.retentionMs
        const limit = parseLimit(url.searchParams.get('limit'))
        let since = parsePosition(url.searchParams.get('since'))
        if (url.searchParams.get('latest') === 'true') {
          const last = q.latest.get(r.registration_id, oldest)?.position
          since = last ? last - 1 : 0
        }
        const rows = q.after.all(r.registration_id, since, oldest, limit)
        const base = url.pathname
        const next = rows.length ? rows[rows.length - 1].position : since
        const links = [
          `<${base}>; rel="events"`,
          `<${base}?since=${next}>; rel="next"`,
          `<${base}?latest=true>; rel="latest"`,
          `<${base}?since={position}&limit={count}>; rel="page"`,
        ].join(', ')
        if (rows.length === 0) {
          res.writeHead(204, {
            link: links,
            'retry-after': String(JOURNAL_POLICY.retryAfterSeconds),
            'content-length': 0,
          })
          res.end()
          return
        }
        const events = rows.map((row) => ({
          position: String(row.position),
          event: {
            ...(JSON.parse(row.body) as object),
            event_id: row.event_id,
            recipient_client_id: r.client_id,
          },
        }))
        sendJson(res, 200, { events, _page: { last: String(next), count: events.length } }, { link: links })
      },
    },
  ]
}
