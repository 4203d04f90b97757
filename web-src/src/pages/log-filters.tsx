/**
 * The Event logs filters (status, event code, subscription, time range, entity id) and their
 * translation into the admin/logs query (`status`, `type`, `subscription`, `from`, `entityId`).
 */
import { Button, Flex, Item, Picker, TextField } from '@adobe/react-spectrum'
import { useState, type FormEvent } from 'react'
import { STATUSES, type Subscription } from '../api/types'
import type { Query } from '../api/admin-api'
import { CATALOGUE } from '../catalogue'

/** The filter form's values ('' = any). */
export interface LogFilters {
  status: string
  type: string
  subscription: string
  range: string
  entityId: string
}

export const NO_FILTERS: LogFilters = { status: '', type: '', subscription: '', range: '', entityId: '' }

const RANGES: { key: string; label: string; ms: number }[] = [
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
]

/** The API query of a filter set (`nowMs` fixes the time range when the filters are applied). */
export function toQuery(f: LogFilters, nowMs: number): Query {
  const range = RANGES.find((r) => r.key === f.range)
  return {
    status: f.status === 'problems' ? 'retrying,failed,dead' : f.status,
    type: f.type,
    subscription: f.subscription,
    entityId: f.entityId.trim(),
    from: range ? new Date(nowMs - range.ms).toISOString() : undefined,
  }
}

/** The filter form; `onApply` gets the values when submitted. */
export function LogFilterForm(props: {
  initial: LogFilters
  subscriptions: Subscription[]
  onApply: (f: LogFilters) => void
}) {
  const [f, setF] = useState<LogFilters>(props.initial)
  const set = (k: keyof LogFilters) => (v: string | number | null) =>
    setF((prev) => ({ ...prev, [k]: v == null ? '' : String(v) }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    props.onApply(f)
  }
  const anyItem = { key: '', label: 'Any' }
  return (
    <form onSubmit={submit} aria-label="Filter event logs" className="ceh-filters">
      <Flex wrap gap="size-150" alignItems="end">
        <Picker
          label="Status"
          selectedKey={f.status}
          onSelectionChange={set('status')}
          items={[
            anyItem,
            { key: 'problems', label: 'Problems (retrying, failed, dead)' },
            ...STATUSES.map((s) => ({ key: s, label: s })),
          ]}
          width="size-2400"
        >
          {(i) => <Item key={i.key}>{i.label}</Item>}
        </Picker>
        <Picker
          label="Event code"
          selectedKey={f.type}
          onSelectionChange={set('type')}
          items={[anyItem, ...CATALOGUE.map((e) => ({ key: e.code, label: e.code }))]}
          width="size-4600"
        >
          {(i) => <Item key={i.key}>{i.label}</Item>}
        </Picker>
        <Picker
          label="Subscription"
          selectedKey={f.subscription}
          onSelectionChange={set('subscription')}
          items={[anyItem, ...props.subscriptions.map((s) => ({ key: s.id, label: `${s.name} (${s.id})` }))]}
          width="size-3000"
        >
          {(i) => <Item key={i.key}>{i.label}</Item>}
        </Picker>
        <Picker
          label="Time range"
          selectedKey={f.range}
          onSelectionChange={set('range')}
          items={[{ key: '', label: 'All retained' }, ...RANGES]}
          width="size-2000"
        >
          {(i) => <Item key={i.key}>{i.label}</Item>}
        </Picker>
        <TextField label="Entity id" value={f.entityId} onChange={set('entityId')} width="size-2000" />
        <Button type="submit" variant="primary">
          Apply filters
        </Button>
      </Flex>
    </form>
  )
}
