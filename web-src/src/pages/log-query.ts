/**
 * The Event logs filters (status, event code, subscription, time range, entity id) and their
 * translation into the admin/logs query (`status`, `type`, `subscription`, `from`, `entityId`).
 */
/** Query values (same shape as the API client's `Query`); undefined and '' are left out of the URL. */
export type LogQuery = Record<string, string | number | undefined>

/** The filter form's values ('' = any). */
export interface LogFilters {
  status: string
  type: string
  subscription: string
  range: string
  entityId: string
}

export const NO_FILTERS: LogFilters = { status: '', type: '', subscription: '', range: '', entityId: '' }

export const RANGES: { key: string; label: string; ms: number }[] = [
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
]

/** The API query of a filter set (`nowMs` fixes the time range when the filters are applied). */
export function toQuery(f: LogFilters, nowMs: number): LogQuery {
  const range = RANGES.find((r) => r.key === f.range)
  return {
    status: f.status === 'problems' ? 'retrying,failed,dead' : f.status,
    type: f.type,
    subscription: f.subscription,
    entityId: f.entityId.trim(),
    from: range ? new Date(nowMs - range.ms).toISOString() : undefined,
  }
}
