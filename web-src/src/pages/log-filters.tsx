/**
 * The Event logs filter form (status, event code, subscription, time range, entity id); the
 * values become the admin/logs query in ./log-query.ts.
 */
import { Button, Flex, Item, Picker, TextField } from '@adobe/react-spectrum'
import { useState, type FormEvent } from 'react'
import { STATUSES, type Subscription } from '../api/types'
import { CATALOGUE } from '../catalogue'
import { RANGES, type LogFilters } from './log-query'

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
