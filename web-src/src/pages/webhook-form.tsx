/**
 * Add/edit form of a webhook subscription: name, URL, event codes from the catalogue, up to ten
 * additional fields offered from those events' known fields, payload format, retry schedule,
 * content filter (./webhook-options.ts), auth header, active. Reset puts back the values the form
 * opened with. Auth values are write-only (the API never returns them): on
 * edit, the auth is sent only when changed.
 */
import {
  Button,
  ButtonGroup,
  Checkbox,
  CheckboxGroup,
  Flex,
  Item,
  Picker,
  Switch,
  TextArea,
  TextField,
} from '@adobe/react-spectrum'
import { useState, type FormEvent, type ReactElement } from 'react'
import type { SpectrumCheckboxProps as CheckboxProps } from '@adobe/react-spectrum'
import { FORMATS, type PayloadFormat, type Subscription } from '../api/types'
import { CATALOGUE, fieldsFor } from '../catalogue'
import { filterOf, filterText, jitterText, NO_RETRIES, retryOf, scheduleText } from './webhook-options'

const MAX_FIELDS = 10

interface FormValues {
  name: string
  url: string
  eventTypes: string[]
  fields: string[]
  active: boolean
  format: PayloadFormat
  retrySchedule: string
  retryJitter: string
  filter: string
  authType: '' | 'bearer' | 'basic' | 'header' | 'keep'
  authName: string
  authValue: string
  authUser: string
}

function initialOf(sub?: Subscription): FormValues {
  return {
    name: sub?.name ?? '',
    url: sub?.url ?? '',
    eventTypes: sub?.eventTypes ?? [],
    fields: sub?.fields ?? [],
    active: sub?.active ?? true,
    format: sub?.format ?? 'ids',
    retrySchedule: scheduleText(sub?.retry),
    retryJitter: jitterText(sub?.retry),
    filter: filterText(sub?.filter),
    authType: sub?.auth ? 'keep' : '',
    authName: '',
    authValue: '',
    authUser: '',
  }
}

/**
 * The request body the form's values make (create: everything set; edit: auth only when changed,
 * and `null` for an emptied retry schedule or filter, which removes it).
 */
function bodyOf(v: FormValues, editing: boolean, filter: object | null): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: v.name,
    url: v.url,
    eventTypes: v.eventTypes,
    fields: v.fields,
    active: v.active,
    format: v.format,
  }
  const retry = retryOf(v.retrySchedule, v.retryJitter)
  if (retry || editing) body.retry = retry
  if (filter || editing) body.filter = filter
  if (v.authType === 'bearer') body.auth = { type: 'bearer', token: v.authValue }
  else if (v.authType === 'basic') body.auth = { type: 'basic', username: v.authUser, password: v.authValue }
  else if (v.authType === 'header') body.auth = { type: 'header', name: v.authName, value: v.authValue }
  else if (v.authType === '' && editing) body.auth = null
  return body
}

export function WebhookForm(props: {
  subscription?: Subscription
  busy: boolean
  onSave: (body: Record<string, unknown>) => void
  onCancel: () => void
}) {
  const editing = !!props.subscription
  const [v, setV] = useState<FormValues>(() => initialOf(props.subscription))
  const set =
    <K extends keyof FormValues>(k: K) =>
    (value: FormValues[K]) =>
      setV((p) => ({ ...p, [k]: value }))
  const known = fieldsFor(v.eventTypes)
  // Fields chosen earlier but not known for the current events stay listed (they may be custom paths).
  const offered = [...new Set([...known, ...v.fields])]
  const filter = filterOf(v.filter)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    // Text that is not a JSON object cannot be sent; the field says why.
    if ('value' in filter) props.onSave(bodyOf(v, editing, filter.value))
  }
  const authItems = [
    ...(props.subscription?.auth
      ? [{ key: 'keep', label: `Keep current (${props.subscription.auth.type})` }]
      : []),
    { key: '', label: 'None' },
    { key: 'bearer', label: 'Bearer token' },
    { key: 'basic', label: 'Basic (user, password)' },
    { key: 'header', label: 'Custom header' },
  ]
  return (
    <form onSubmit={submit} aria-label={editing ? 'Edit webhook' : 'Add webhook'} className="ceh-form">
      <Flex direction="column" gap="size-150">
        <TextField
          label="Name"
          isRequired
          value={v.name}
          onChange={set('name')}
          width="100%"
          maxLength={200}
        />
        <TextField
          label="URL"
          isRequired
          type="url"
          value={v.url}
          onChange={set('url')}
          width="100%"
          description="https, public addresses only (the URL policy)"
        />
        <CheckboxGroup
          label="Event codes"
          isRequired
          value={v.eventTypes}
          onChange={set('eventTypes')}
          UNSAFE_className="ceh-checklist"
        >
          {[
            { code: '*', label: '* (every event)' },
            ...CATALOGUE.map((e) => ({ code: e.code, label: e.code })),
          ].map((e): ReactElement<CheckboxProps> => (
            <Checkbox key={e.code} value={e.code}>
              {e.label}
            </Checkbox>
          ))}
        </CheckboxGroup>
        <CheckboxGroup
          label={`Additional fields (${v.fields.length} of ${MAX_FIELDS})`}
          value={v.fields}
          onChange={(f) => set('fields')(f.slice(0, MAX_FIELDS))}
          description={
            offered.length ? 'Sent in data next to id and type' : 'Pick event codes to see their fields'
          }
          orientation="horizontal"
        >
          {offered.map((f): ReactElement<CheckboxProps> => (
            <Checkbox key={f} value={f} isDisabled={!v.fields.includes(f) && v.fields.length >= MAX_FIELDS}>
              {f}
            </Checkbox>
          ))}
        </CheckboxGroup>
        <Picker
          label="Payload format"
          selectedKey={v.format}
          onSelectionChange={(k) => set('format')(String(k ?? 'ids') as PayloadFormat)}
          items={FORMATS.map((f) => ({ key: f }))}
          width="size-3600"
        >
          {(i) => <Item key={i.key}>{i.key}</Item>}
        </Picker>
        <Flex gap="size-150" wrap>
          <TextField
            label="Retry schedule"
            value={v.retrySchedule}
            onChange={set('retrySchedule')}
            width="size-4600"
            description={`Delays between attempts, comma-separated (e.g. 5s, 5m, 2h). Empty: the app default; "${NO_RETRIES}": no automatic retries`}
          />
          <TextField
            label="Retry jitter"
            value={v.retryJitter}
            onChange={set('retryJitter')}
            width="size-2000"
            inputMode="decimal"
            description="0–1; empty: the app default"
          />
        </Flex>
        <TextArea
          label="Content filter (JSON)"
          value={v.filter}
          onChange={set('filter')}
          width="100%"
          UNSAFE_className="ceh-code-input"
          validationState={'error' in filter ? 'invalid' : undefined}
          errorMessage={'error' in filter ? filter.error : undefined}
          description='Only events matching every condition are sent, e.g. {"status": ["complete", "closed"], "sku": {"exists": true}}. Empty: every event'
        />
        <Picker
          label="Auth header"
          selectedKey={v.authType}
          onSelectionChange={(k) => set('authType')(String(k ?? '') as FormValues['authType'])}
          items={authItems}
          width="size-3600"
        >
          {(i) => <Item key={i.key}>{i.label}</Item>}
        </Picker>
        {v.authType === 'header' && (
          <TextField label="Header name" value={v.authName} onChange={set('authName')} />
        )}
        {v.authType === 'basic' && (
          <TextField label="User name" value={v.authUser} onChange={set('authUser')} />
        )}
        {['bearer', 'basic', 'header'].includes(v.authType) && (
          <TextField
            label={v.authType === 'basic' ? 'Password' : v.authType === 'bearer' ? 'Token' : 'Header value'}
            type="password"
            value={v.authValue}
            onChange={set('authValue')}
          />
        )}
        <Switch isSelected={v.active} onChange={set('active')}>
          Active
        </Switch>
        <ButtonGroup>
          <Button type="submit" variant="accent" isDisabled={props.busy}>
            {editing ? 'Save changes' : 'Create webhook'}
          </Button>
          <Button variant="secondary" onPress={() => setV(initialOf(props.subscription))}>
            Reset
          </Button>
          <Button variant="secondary" onPress={props.onCancel}>
            Cancel
          </Button>
        </ButtonGroup>
      </Flex>
    </form>
  )
}
