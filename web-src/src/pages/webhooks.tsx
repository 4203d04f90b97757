/**
 * Webhooks: the subscriptions with their options (format, retry, filter), an active toggle,
 * delivery counters and last error; add/edit
 * (./webhook-form.tsx); the secret shown once after creation or rotation, with a copy button;
 * a test send showing the receiver's answer; delete after confirmation.
 */
import {
  ActionButton,
  AlertDialog,
  Button,
  DialogTrigger,
  Flex,
  Heading,
  Switch,
  TextField,
  View,
} from '@adobe/react-spectrum'
import { useCallback, useEffect, useState } from 'react'
import { ApiError, type AdminApi } from '../api/admin-api'
import type { Subscription, TestSendResult } from '../api/types'
import { ErrorNote, when } from '../components/common'
import { WebhookForm } from './webhook-form'
import { optionsSummary } from './webhook-options'

type Editing = { mode: 'add' } | { mode: 'edit'; sub: Subscription }

export function Webhooks({ api }: { api: AdminApi }) {
  const [subs, setSubs] = useState<Subscription[]>()
  const [error, setError] = useState<unknown>()
  const [opError, setOpError] = useState<unknown>()
  const [editing, setEditing] = useState<Editing>()
  const [busy, setBusy] = useState(false)
  const [secret, setSecret] = useState<{ name: string; value: string }>()
  const [copied, setCopied] = useState(false)
  const [tests, setTests] = useState<Record<string, TestSendResult | { error: string }>>({})

  const load = useCallback(() => {
    setError(undefined)
    api
      .call<{ items: Subscription[] }>('subscriptions', 'get', '', { query: { stats: 'true' } })
      .then((r) => setSubs(r.items))
      .catch((e: unknown) => setError(e))
  }, [api])
  useEffect(load, [load])

  const run = async (fn: () => Promise<void>) => {
    setOpError(undefined)
    setBusy(true)
    try {
      await fn()
    } catch (e) {
      setOpError(e)
    } finally {
      setBusy(false)
    }
  }

  const save = (body: Record<string, unknown>) =>
    run(async () => {
      if (editing?.mode === 'edit') {
        await api.call('subscriptions', 'patch', `/${editing.sub.id}`, { body })
      } else {
        const res = await api.call<{ subscription: Subscription; secret?: string }>(
          'subscriptions',
          'post',
          '',
          { body },
        )
        if (res.secret) setSecret({ name: res.subscription.name, value: res.secret })
      }
      setEditing(undefined)
      load()
    })

  const toggle = (sub: Subscription, active: boolean) =>
    run(async () => {
      await api.call('subscriptions', 'patch', `/${sub.id}`, { body: { active } })
      load()
    })

  const rotate = (sub: Subscription) =>
    run(async () => {
      const res = await api.call<{ secret?: string }>('subscriptions', 'post', `/${sub.id}/rotate-secret`)
      if (res.secret) setSecret({ name: sub.name, value: res.secret })
      load()
    })

  const remove = (sub: Subscription) =>
    run(async () => {
      await api.call('subscriptions', 'delete', `/${sub.id}`)
      load()
    })

  const testSend = async (sub: Subscription) => {
    try {
      const res = await api.call<TestSendResult>('subscriptions', 'post', `/${sub.id}/test`)
      setTests((t) => ({ ...t, [sub.id]: res }))
    } catch (e) {
      // An app deployed before test sends existed answers 404: say so rather than a bare status.
      const msg =
        e instanceof ApiError && e.status === 404
          ? 'Test send is not available on this deployment (the API answered 404)'
          : (e as Error).message
      setTests((t) => ({ ...t, [sub.id]: { error: msg } }))
    }
  }

  const copy = async () => {
    if (!secret) return
    try {
      await navigator.clipboard.writeText(secret.value)
    } catch {
      // Without clipboard permission (e.g. an iframe without it), select the text for Ctrl-C.
      const input = document.getElementById('ceh-secret-value') as HTMLInputElement | null
      input?.select()
      document.execCommand('copy')
    }
    setCopied(true)
  }

  return (
    <div className="ceh-page">
      <Flex gap="size-100" marginY="size-150" wrap>
        <Button variant="accent" onPress={() => setEditing({ mode: 'add' })} isDisabled={!!editing}>
          Add webhook
        </Button>
        <ActionButton onPress={load}>Refresh</ActionButton>
      </Flex>
      <ErrorNote error={opError} title="The change was not saved" />
      {secret && (
        <View
          padding="size-200"
          borderWidth="thick"
          borderColor="positive"
          borderRadius="medium"
          marginY="size-150"
        >
          <section aria-labelledby="ceh-secret-title" className="ceh-secret">
            <Heading level={3} id="ceh-secret-title">
              Signing secret of {secret.name}
            </Heading>
            <p>
              Shown this once: copy it into the receiver now. It cannot be read again (rotate it to get a new
              one).
            </p>
            <Flex gap="size-100" alignItems="end" wrap>
              <TextField
                id="ceh-secret-value"
                label="Secret"
                value={secret.value}
                isReadOnly
                width="size-6000"
              />
              <Button variant="primary" onPress={() => void copy()}>
                {copied ? 'Copied' : 'Copy secret'}
              </Button>
              <Button
                variant="secondary"
                onPress={() => {
                  setSecret(undefined)
                  setCopied(false)
                }}
              >
                Done
              </Button>
            </Flex>
          </section>
        </View>
      )}
      {editing && (
        <View
          padding="size-200"
          borderWidth="thin"
          borderColor="dark"
          borderRadius="medium"
          marginY="size-150"
        >
          <Heading level={3}>{editing.mode === 'edit' ? `Edit ${editing.sub.name}` : 'Add webhook'}</Heading>
          <WebhookForm
            key={editing.mode === 'edit' ? editing.sub.id : 'add'}
            subscription={editing.mode === 'edit' ? editing.sub : undefined}
            busy={busy}
            onSave={(b) => void save(b)}
            onCancel={() => setEditing(undefined)}
          />
        </View>
      )}
      <ErrorNote error={error} title="Could not load the webhooks" />
      <div className="ceh-scroll">
        <table className="ceh-table" aria-label="Webhooks">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Fields</th>
              <th scope="col">Options</th>
              <th scope="col">Active</th>
              <th scope="col">Delivered / failed / retrying / dead</th>
              <th scope="col">Last error</th>
              <th scope="col">
                <span className="ceh-sr">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(subs ?? []).map((s) => {
              const st = s.stats
              const test = tests[s.id]
              const fixed = s.source === 'inputs'
              const opts = optionsSummary(s)
              return (
                <tr key={s.id} data-id={s.id}>
                  <td>
                    {s.name}
                    <div className="ceh-muted">{s.id}</div>
                  </td>
                  <td className="ceh-break">{s.url}</td>
                  <td className="ceh-break">{s.eventTypes.join(', ')}</td>
                  <td>{s.fields.join(', ') || '—'}</td>
                  <td className="ceh-break ceh-options">
                    <div>{opts.format}</div>
                    <div>{opts.retry}</div>
                    <div className="ceh-muted">{opts.filter}</div>
                  </td>
                  <td>
                    <Switch
                      isSelected={s.active}
                      isDisabled={busy || fixed}
                      onChange={(on) => void toggle(s, on)}
                      aria-label={`Active: ${s.name}`}
                    >
                      {s.active ? 'On' : 'Off'}
                    </Switch>
                    {s.disabledReason && <div className="ceh-muted">{s.disabledReason}</div>}
                  </td>
                  <td>
                    {st ? `${st.delivered} / ${st.failed} / ${st.retrying} / ${st.dead}` : '—'}
                    {st?.lastDeliveredAt && (
                      <div className="ceh-muted">last ok {when(st.lastDeliveredAt)}</div>
                    )}
                  </td>
                  <td className="ceh-break">{st?.lastError ?? ''}</td>
                  <td className="ceh-actions">
                    <ActionButton
                      isQuiet
                      isDisabled={fixed}
                      onPress={() => setEditing({ mode: 'edit', sub: s })}
                      aria-label={`Edit ${s.name}`}
                    >
                      Edit
                    </ActionButton>
                    <ActionButton
                      isQuiet
                      isDisabled={fixed}
                      onPress={() => void rotate(s)}
                      aria-label={`Rotate the secret of ${s.name}`}
                    >
                      Rotate secret
                    </ActionButton>
                    <ActionButton
                      isQuiet
                      onPress={() => void testSend(s)}
                      aria-label={`Send a test event to ${s.name}`}
                    >
                      Test
                    </ActionButton>
                    <DialogTrigger>
                      <ActionButton isQuiet isDisabled={fixed} aria-label={`Delete ${s.name}`}>
                        Delete
                      </ActionButton>
                      <AlertDialog
                        title={`Delete ${s.name}?`}
                        variant="destructive"
                        primaryActionLabel="Delete"
                        cancelLabel="Cancel"
                        onPrimaryAction={() => void remove(s)}
                      >
                        Deliveries to this endpoint stop; its delivery logs stay until they expire.
                      </AlertDialog>
                    </DialogTrigger>
                    {test && (
                      <div className="ceh-test-result" role="status" aria-label={`Test result of ${s.name}`}>
                        {'error' in test && !('durationMs' in test) ? (
                          <span className="ceh-error-text">{test.error}</span>
                        ) : (
                          <TestAnswer r={test} />
                        )}
                      </div>
                    )}
                  </td>
                </tr>
              )
            })}
            {subs && subs.length === 0 && (
              <tr>
                <td colSpan={9}>No webhooks yet.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  )
}

function TestAnswer({ r }: { r: TestSendResult }) {
  return (
    <span>
      {r.ok ? 'Delivered' : 'Failed'}: HTTP {r.status ?? '—'} in {r.durationMs} ms
      {r.error ? ` · ${r.error}` : ''}
      {r.bodyExcerpt ? <code className="ceh-snippet"> {r.bodyExcerpt}</code> : null}
    </span>
  )
}
