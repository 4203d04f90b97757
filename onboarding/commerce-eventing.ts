/**
 * Idempotent Commerce eventing setup, through Commerce's eventing REST API
 * (developer.adobe.com/commerce/extensibility/events/api/, "REST endpoints for eventing"):
 *
 * 1. Eventing configuration. `GET V1/eventing/eventProvider` lists the providers Commerce publishes
 *    to; the one without an `id` is the default, set by `PUT V1/eventing/updateConfiguration
 *    {config: {enabled, provider_id, instance_id, workspace_configuration, …}}` (the workspace
 *    configuration comes back masked). As in Adobe's `@adobe/aio-commerce-lib-app`: when the default
 *    is unset, has no workspace configuration, or is ours with another instance id, it is
 *    (re)written; when it belongs to another provider (another app on the same store), ours is
 *    added with `POST V1/eventing/eventProvider` instead of taking the default over.
 *    Commerce offers no read of `enabled`: it is set whenever the configuration is written, and a
 *    module disabled later in the Admin is not detected (documented in the README).
 * 2. One subscription per event (`GET V1/eventing/getEventSubscriptions`): missing → `POST
 *    V1/eventing/eventSubscribe`; drifted with only additions → `PUT V1/eventing/eventSubscribe/<name>`
 *    (Commerce merges fields and rules); a field or rule removed → `POST
 *    V1/eventing/eventUnsubscribe/<name>` then subscribe again (the merge cannot remove); with
 *    `prune`, our provider's subscriptions that config no longer lists are unsubscribed.
 *
 * Nothing is written when nothing drifted, and a dry run only reads.
 */
import type { CommerceClient, CommerceResponse } from '../actions/lib/commerce/commerce-client'
import type { CommerceSubscription } from './commerce-subscriptions'
import type { Step } from './reconcile'

/** What Commerce should publish to. */
export interface CommerceEventingTarget {
  /** The I/O Events provider id of the `commerce` provider. */
  providerId: string
  instanceId: string
  label: string
  description: string
  /** The Developer Console workspace configuration (JSON text; holds the credential's secret). */
  workspaceConfiguration: string
  merchantId?: string
  environmentId?: string
}

/** Options of a run (as the I/O Events reconcile). */
export interface CommerceEventingOptions {
  dryRun?: boolean
  prune?: boolean
  onStep?: (step: Step) => void
}

interface ListedProvider {
  id?: string
  provider_id?: string
  instance_id?: string
  workspace_configuration?: string
}

interface ListedSubscription extends CommerceSubscription {
  provider_id?: string
}

/** A Commerce call that must succeed; the error names the endpoint and Commerce's message, never a body. */
async function call(client: CommerceClient, method: string, path: string, body?: unknown): Promise<unknown> {
  const res: CommerceResponse = await client.request(method, path, body)
  if (res.status >= 200 && res.status < 300) return res.body
  const hint =
    res.status === 404
      ? ' (is the Adobe I/O Events module for Commerce installed and up to date? see developer.adobe.com/commerce/extensibility/events/installation/)'
      : res.status === 401 || res.status === 403
        ? ' (check COMMERCE_BASE_URL and the Commerce credentials; the integration needs the Adobe I/O Events resources)'
        : ''
  throw new Error(`Commerce ${method} ${path} answered ${res.status}: ${res.message ?? ''}${hint}`)
}

const fieldKey = (f: { name: string; converter?: string; source?: string }) =>
  `${f.name}|${f.converter ?? ''}|${f.source ?? ''}`
const ruleKey = (r: { field: string; operator: string; value: string }) =>
  `${r.field}|${r.operator}|${r.value}`

/** Order-independent view of what a subscription delivers (destination is Commerce's internal routing). */
function canonical(s: CommerceSubscription) {
  return JSON.stringify({
    parent: s.parent && s.parent !== s.name ? s.parent : '',
    fields: s.fields.map(fieldKey).sort(),
    rules: (s.rules ?? []).map(ruleKey).sort(),
    priority: s.priority ?? false,
    hipaa: s.hipaa_audit_required ?? false,
  })
}

/** `recreate` when a field or rule would have to be removed: Commerce's update only merges. */
function changeKind(
  existing: CommerceSubscription,
  wanted: CommerceSubscription,
): 'none' | 'merge' | 'recreate' {
  if (canonical(existing) === canonical(wanted)) return 'none'
  const names = new Set(wanted.fields.map((f) => f.name))
  const rules = new Set((wanted.rules ?? []).map((r) => `${r.field}|${r.operator}`))
  const dropped =
    existing.fields.some((f) => !names.has(f.name)) ||
    (existing.rules ?? []).some((r) => !rules.has(`${r.field}|${r.operator}`))
  return dropped ? 'recreate' : 'merge'
}

/** The `event` body of subscribe/update: the wanted subscription on our provider. */
function eventBody(s: CommerceSubscription, providerId: string) {
  const { force: _force, ...event } = s
  return { ...event, provider_id: providerId }
}

/** Configures Commerce eventing and its subscriptions; see the module comment. */
export async function reconcileCommerceEventing(
  client: CommerceClient,
  target: CommerceEventingTarget,
  wanted: CommerceSubscription[],
  options: CommerceEventingOptions = {},
): Promise<Step[]> {
  const steps: Step[] = []
  const record = async (step: Step, ...writes: (() => Promise<unknown>)[]) => {
    if (!options.dryRun && step.op !== 'unchanged') for (const w of writes) await w()
    steps.push(step)
    options.onStep?.(step)
  }

  // 1. The eventing configuration.
  const providers = ((await call(client, 'GET', 'V1/eventing/eventProvider')) ?? []) as ListedProvider[]
  const byDefault = providers.find((p) => !('id' in p) || p.id === undefined || p.id === null)
  const defaultFree = !byDefault?.provider_id || !byDefault.workspace_configuration?.trim()
  const oursIsDefault = defaultFree || byDefault?.provider_id === target.providerId
  if (oursIsDefault) {
    const drift =
      defaultFree ||
      byDefault?.provider_id !== target.providerId ||
      byDefault?.instance_id !== target.instanceId
    await record(
      { kind: 'commerce-eventing', name: 'configuration', op: drift ? 'update' : 'unchanged' },
      () =>
        call(client, 'PUT', 'V1/eventing/updateConfiguration', {
          config: {
            enabled: true,
            provider_id: target.providerId,
            instance_id: target.instanceId,
            workspace_configuration: target.workspaceConfiguration,
            ...(target.merchantId && { merchant_id: target.merchantId }),
            ...(target.environmentId && { environment_id: target.environmentId }),
          },
        }),
    )
  } else {
    const added = providers.find((p) => p.id !== undefined && p.provider_id === target.providerId)
    await record({ kind: 'commerce-eventing', name: 'provider', op: added ? 'unchanged' : 'create' }, () =>
      call(client, 'POST', 'V1/eventing/eventProvider', {
        eventProvider: {
          provider_id: target.providerId,
          instance_id: target.instanceId,
          label: target.label,
          description: target.description,
          workspace_configuration: target.workspaceConfiguration,
        },
      }),
    )
  }

  // 2. Subscriptions. Commerce lists the default provider's as `default` (or leaves it out).
  const ours = (s: ListedSubscription) =>
    s.provider_id === target.providerId || (oursIsDefault && (!s.provider_id || s.provider_id === 'default'))
  const existing = ((await call(client, 'GET', 'V1/eventing/getEventSubscriptions')) ??
    []) as ListedSubscription[]
  const byName = new Map(existing.map((s) => [s.name, s]))
  for (const s of wanted) {
    const found = byName.get(s.name)
    const name = s.name
    const path = `V1/eventing/eventSubscribe/${encodeURIComponent(name)}`
    const subscribe = () =>
      call(client, 'POST', 'V1/eventing/eventSubscribe', {
        event: eventBody(s, target.providerId),
        ...(s.force !== undefined && { force: s.force }),
      })
    if (!found) {
      await record({ kind: 'commerce-subscription', name, op: 'create' }, subscribe)
      continue
    }
    const kind = ours(found) ? changeKind(found, s) : 'recreate'
    if (kind === 'none') await record({ kind: 'commerce-subscription', name, op: 'unchanged' })
    else if (kind === 'merge')
      await record({ kind: 'commerce-subscription', name, op: 'update' }, () =>
        call(client, 'PUT', path, { event: eventBody(s, target.providerId) }),
      )
    else
      await record(
        { kind: 'commerce-subscription', name, op: 'update' },
        () => call(client, 'POST', `V1/eventing/eventUnsubscribe/${encodeURIComponent(name)}`),
        subscribe,
      )
  }
  if (options.prune) {
    const names = new Set(wanted.map((s) => s.name))
    for (const extra of existing.filter((s) => ours(s) && !names.has(s.name))) {
      await record({ kind: 'commerce-subscription', name: extra.name, op: 'delete' }, () =>
        call(client, 'POST', `V1/eventing/eventUnsubscribe/${encodeURIComponent(extra.name)}`),
      )
    }
  }
  return steps
}
