/**
 * Event logs: the delivery log listing (from the index the sweeper keeps, so the newest minute may
 * be missing: the page says how fresh it is), filters, cursor pagination, a detail panel, Retry
 * on any row, bulk retry of the filtered set and Export to JSON, both with progress.
 */
import {
  ActionButton,
  AlertDialog,
  Button,
  DialogTrigger,
  Flex,
  ProgressBar,
  Text,
} from '@adobe/react-spectrum'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { ApiError, type AdminApi, type Query } from '../api/admin-api'
import type {
  BulkRetryPage,
  DeliveryRecord,
  ExportPage,
  LogPage,
  LogSummary,
  Subscription,
} from '../api/types'
import { downloadJson, ErrorNote, StatusBadge, when } from '../components/common'
import { LogDetail } from './log-detail'
import { LogFilterForm } from './log-filters'
import { NO_FILTERS, toQuery, type LogFilters } from './log-query'

const PAGE_SIZE = 25

/** A long operation's progress for the progress bar. */
interface Progress {
  label: string
  done: number
  total?: number
}

export function EventLogs({ api }: { api: AdminApi }) {
  const [filters, setFilters] = useState<LogFilters>(NO_FILTERS)
  const [appliedAt, setAppliedAt] = useState(() => Date.now())
  const query = useMemo(() => toQuery(filters, appliedAt), [filters, appliedAt])
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const [page, setPage] = useState<LogPage>()
  const [error, setError] = useState<unknown>()
  const [subs, setSubs] = useState<Subscription[]>([])
  const [selected, setSelected] = useState<string>()
  const [detailVersion, setDetailVersion] = useState(0)
  const [overrides, setOverrides] = useState<Record<string, DeliveryRecord>>({})
  const [notice, setNotice] = useState<string>()
  const [progress, setProgress] = useState<Progress>()
  const [opError, setOpError] = useState<unknown>()
  const cursor = cursors[cursors.length - 1]

  const load = useCallback(() => {
    setError(undefined)
    api
      .call<LogPage>('logs', 'get', '', { query: { ...query, limit: PAGE_SIZE, cursor } })
      .then(setPage)
      .catch((e: unknown) => setError(e))
  }, [api, query, cursor])
  useEffect(load, [load])
  useEffect(() => {
    api
      .call<{ items: Subscription[] }>('subscriptions', 'get')
      .then((r) => setSubs(r.items))
      .catch(() => undefined) // the filter then offers "Any" only; the Webhooks page shows the error
  }, [api])

  const apply = (f: LogFilters) => {
    setFilters(f)
    setAppliedAt(Date.now())
    setCursors([undefined])
    setSelected(undefined)
  }

  const retryOne = async (row: LogSummary) => {
    setOpError(undefined)
    setNotice(undefined)
    try {
      const rec = await api.call<DeliveryRecord>('logs', 'post', `/${encodeURIComponent(row.id)}/retry`)
      setOverrides((o) => ({ ...o, [row.id]: rec }))
      setDetailVersion((v) => v + 1)
      setNotice(`Retried ${row.id}: ${rec.status}`)
    } catch (e) {
      setOpError(e)
    }
  }

  const bulkRetry = async () => {
    setOpError(undefined)
    setNotice(undefined)
    const sum = { retried: 0, skipped: 0, failed: 0 }
    setProgress({ label: 'Retrying', done: 0, total: page?.total })
    try {
      let next: string | undefined
      do {
        const res = await api.call<BulkRetryPage>('logs', 'post', '/retry', { body: bodyOf(query, next) })
        sum.retried += res.retried
        sum.skipped += res.skipped
        sum.failed += res.failed
        next = res.nextCursor
        setProgress({ label: 'Retrying', done: sum.retried + sum.skipped + sum.failed, total: page?.total })
      } while (next)
      setNotice(`Bulk retry done: ${sum.retried} retried, ${sum.skipped} skipped, ${sum.failed} failed`)
      setDetailVersion((v) => v + 1)
    } catch (e) {
      // An app deployed before bulk retry existed answers 404: say so rather than a bare status.
      setOpError(
        e instanceof ApiError && e.status === 404
          ? new Error('Bulk retry is not available on this deployment (POST admin/logs/retry answered 404)')
          : e,
      )
    } finally {
      setProgress(undefined)
    }
  }

  const exportJson = async () => {
    setOpError(undefined)
    setNotice(undefined)
    const items: DeliveryRecord[] = []
    setProgress({ label: 'Exporting', done: 0, total: page?.total })
    try {
      let next: string | undefined
      let exportedAt = new Date().toISOString()
      do {
        const res = await api.call<ExportPage>('logs', 'get', '/export', {
          query: { ...query, limit: 100, cursor: next },
        })
        items.push(...res.items)
        exportedAt = res.exportedAt
        next = res.nextCursor
        setProgress({ label: 'Exporting', done: items.length, total: page?.total })
      } while (next)
      downloadJson(`delivery-logs-${exportedAt.replace(/[:.]/g, '-')}.json`, {
        exportedAt,
        filters: query,
        count: items.length,
        items,
      })
      setNotice(`Exported ${items.length} deliveries`)
    } catch (e) {
      setOpError(e)
    } finally {
      setProgress(undefined)
    }
  }

  const names = Object.fromEntries(subs.map((s) => [s.id, s.name]))
  const rows = (page?.items ?? []).map((r) => {
    const o = overrides[r.id]
    return o
      ? { ...r, status: o.status, attempts: o.attempts.length, lastHttpStatus: o.attempts.at(-1)?.statusCode }
      : r
  })

  return (
    <div className="ceh-page">
      <LogFilterForm initial={filters} subscriptions={subs} onApply={apply} />
      <Flex wrap gap="size-100" marginY="size-150" alignItems="center">
        <ActionButton onPress={load}>Refresh</ActionButton>
        <DialogTrigger>
          <ActionButton isDisabled={!!progress}>Retry all matching</ActionButton>
          <AlertDialog
            title="Retry every matching delivery?"
            variant="confirmation"
            primaryActionLabel="Retry all"
            cancelLabel="Cancel"
            onPrimaryAction={() => void bulkRetry()}
          >
            Every delivery matching the current filters is sent again now, whatever its status.
          </AlertDialog>
        </DialogTrigger>
        <ActionButton isDisabled={!!progress} onPress={() => void exportJson()}>
          Export to JSON
        </ActionButton>
        <Text UNSAFE_className="ceh-muted">
          {page?.indexedAt ? `Indexed up to ${when(page.indexedAt)}` : 'Not indexed yet'}
          {page?.total !== undefined ? ` · ${page.total} matching` : ''}
        </Text>
      </Flex>
      {progress && (
        <ProgressBar
          label={`${progress.label}… ${progress.done}${progress.total !== undefined ? ` of ${progress.total}` : ''}`}
          value={progress.total ? Math.min(100, (100 * progress.done) / progress.total) : undefined}
          isIndeterminate={!progress.total}
          width="100%"
        />
      )}
      <div role="status" aria-live="polite" className="ceh-notice">
        {notice}
      </div>
      <ErrorNote error={opError} title="The operation failed" />
      <ErrorNote error={error} title="Could not load the event logs" />
      {page && <p className="ceh-muted">{page.freshness}</p>}
      <div className="ceh-split">
        <div className="ceh-scroll">
          <table className="ceh-table" aria-label="Deliveries">
            <thead>
              <tr>
                <th scope="col">
                  <span className="ceh-sr">Actions</span>
                </th>
                <th scope="col">Time</th>
                <th scope="col">Event code</th>
                <th scope="col">Entity id</th>
                <th scope="col">Subscription</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last HTTP</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-id={r.id} className={selected === r.id ? 'ceh-selected' : ''}>
                  <td className="ceh-actions">
                    <ActionButton isQuiet onPress={() => setSelected(r.id)} aria-label={`Details of ${r.id}`}>
                      Details
                    </ActionButton>
                    <ActionButton isQuiet onPress={() => void retryOne(r)} aria-label={`Retry ${r.id}`}>
                      Retry
                    </ActionButton>
                  </td>
                  <td className="ceh-nowrap">{when(r.createdAt)}</td>
                  <td>{r.eventType}</td>
                  <td>{r.entityId ?? ''}</td>
                  <td title={r.subscriptionId}>{names[r.subscriptionId] ?? r.subscriptionId}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{r.attempts}</td>
                  <td>{r.lastHttpStatus ?? '—'}</td>
                </tr>
              ))}
              {page && rows.length === 0 && (
                <tr>
                  <td colSpan={8}>No deliveries match (the newest minute may not be indexed yet).</td>
                </tr>
              )}
            </tbody>
          </table>
          <Flex gap="size-100" marginY="size-150">
            <Button
              variant="secondary"
              isDisabled={cursors.length < 2}
              onPress={() => setCursors((c) => c.slice(0, -1))}
            >
              Previous page
            </Button>
            <Button
              variant="secondary"
              isDisabled={!page?.nextCursor}
              onPress={() => setCursors((c) => [...c, page?.nextCursor])}
            >
              Next page
            </Button>
          </Flex>
        </div>
        {selected && (
          <LogDetail api={api} id={selected} version={detailVersion} onClose={() => setSelected(undefined)} />
        )}
      </div>
    </div>
  )
}

/** Body of a bulk retry call: the list filters plus the cursor to continue from. */
function bodyOf(query: Query, cursor: string | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [k, v] of Object.entries({ ...query, cursor })) if (v !== undefined && v !== '') out[k] = v
  return out
}
