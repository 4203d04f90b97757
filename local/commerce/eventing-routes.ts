/**
 * Commerce's eventing REST API (Adobe I/O Events module for Commerce), as documented in
 * developer.adobe.com/commerce/extensibility/events/api/ and called by Adobe's
 * `@adobe/aio-commerce-lib-events` and the starter kit's onboarding:
 *
 * - `PUT V1/eventing/updateConfiguration {config: {enabled?, merchant_id?, environment_id?,
 *   provider_id?, instance_id?, workspace_configuration?}}` → `true` (every key optional; merged);
 * - `GET|POST V1/eventing/eventProvider`, `GET|DELETE V1/eventing/eventProvider/<provider_id>`: the
 *   providers Commerce publishes to — the default one (from the configuration) is listed without
 *   `id`, added ones with it; `workspace_configuration` always comes back masked;
 * - `POST V1/eventing/eventSubscribe {event: {name, parent?, fields, rules?, destination?,
 *   priority?, hipaa_audit_required?, provider_id?}, force?}`, `PUT V1/eventing/eventSubscribe/<name>
 *   {event}` (fields and rules merged into the existing ones), `POST V1/eventing/eventUnsubscribe/<name>`,
 *   `GET V1/eventing/getEventSubscriptions`.
 *
 * Persisted in the local Commerce's SQLite. The error wordings are the emulator's (Commerce's
 * exact messages for these endpoints are not documented); the statuses follow Commerce's
 * conventions (400 invalid input, 404 unknown entity). Field `converter`s and `source`s are stored
 * and listed but not applied when events are emitted (event-emitter.ts).
 */
import { CommerceHttpError, noSuchEntity, required } from './rest-kit'
import type { Route, RouteContext } from './router'
import type { Doc } from './store'

const ID = /^[A-Za-z0-9_-]+$/
const WORD = /^[A-Za-z0-9_]+$/
/** `[<prefix>.]observer.<event>` or `plugin.<…>` (Commerce's event naming). */
const EVENT_NAME = /^([a-z0-9_]+\.)?(observer|plugin)\.[a-z0-9_.]+$/i
const FIELD_NAME = /^([a-zA-Z0-9_\-.[\]]+|\*)$/
const OPERATORS = new Set(['greaterThan', 'lessThan', 'equal', 'regex', 'in', 'onChange'])
const MASK = '******'

/** The eventing configuration (Admin: Stores > Configuration > Adobe Services > Adobe I/O Events). */
export function eventingConfig(c: Pick<RouteContext, 'store'>): Doc {
  return c.store.get('eventing_config', 'default') ?? {}
}

const obj = (v: unknown, key: string): Doc => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw required(key)
  return v as Doc
}

function check(value: unknown, pattern: RegExp, field: string): string {
  if (typeof value !== 'string' || !pattern.test(value))
    throw new CommerceHttpError(400, 'Invalid value of "%value" provided for the %fieldName field.', {
      fieldName: field,
      value: typeof value === 'string' ? value.slice(0, 64) : typeof value,
    })
  return value
}

function fieldsOf(raw: unknown, requiredList: boolean): Doc[] {
  if (raw === undefined && !requiredList) return []
  if (!Array.isArray(raw) || (requiredList && raw.length === 0)) throw required('fields')
  return raw.map((f, i) => {
    const field = obj(f, `fields[${i}]`)
    check(field.name, FIELD_NAME, `fields[${i}].name`)
    return {
      name: field.name,
      ...(typeof field.converter === 'string' && { converter: field.converter }),
      ...(typeof field.source === 'string' && { source: field.source }),
    }
  })
}

function rulesOf(raw: unknown): Doc[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw required('rules')
  return raw.map((r, i) => {
    const rule = obj(r, `rules[${i}]`)
    check(rule.field, FIELD_NAME, `rules[${i}].field`)
    if (typeof rule.operator !== 'string' || !OPERATORS.has(rule.operator))
      check(rule.operator, /^$/, `rules[${i}].operator`)
    const value =
      typeof rule.value === 'number' || typeof rule.value === 'boolean' ? String(rule.value) : rule.value
    return { field: rule.field, operator: rule.operator, value: typeof value === 'string' ? value : '' }
  })
}

/** Provider ids a subscription may name: the configured default and the added ones. */
function knownProvider(c: RouteContext, id: string): boolean {
  return id === 'default' || eventingConfig(c).provider_id === id || !!c.store.get('event_provider', id)
}

const subscriptionView = (s: Doc) => ({
  name: s.name,
  parent: s.parent ?? s.name,
  fields: s.fields,
  rules: s.rules,
  destination: s.destination ?? 'default',
  priority: s.priority ?? false,
  hipaa_audit_required: s.hipaa_audit_required ?? false,
  provider_id: s.provider_id ?? 'default',
})

function subscriptionFrom(c: RouteContext, event: Doc, existing?: Doc): Doc {
  const name = existing ? String(existing.name) : check(event.name, EVENT_NAME, 'name')
  const parent = event.parent === undefined ? existing?.parent : check(event.parent, EVENT_NAME, 'parent')
  const providerId = event.provider_id ?? existing?.provider_id
  if (providerId !== undefined && (typeof providerId !== 'string' || !knownProvider(c, providerId)))
    throw noSuchEntity('provider_id', typeof providerId === 'string' ? providerId : typeof providerId)
  // An update merges fields (by name) and rules (by field and operator) into the existing ones.
  const merge = (old: Doc[], add: Doc[], key: (d: Doc) => string) => [
    ...old.filter((o) => !add.some((a) => key(a) === key(o))),
    ...add,
  ]
  const fields = fieldsOf(event.fields, !existing)
  const rules = rulesOf(event.rules)
  return {
    name,
    ...(parent !== undefined && parent !== name && { parent }),
    fields: existing ? merge(existing.fields as Doc[], fields, (f) => String(f.name)) : fields,
    rules: existing
      ? merge((existing.rules as Doc[]) ?? [], rules, (r) => `${String(r.field)}|${String(r.operator)}`)
      : rules,
    destination:
      typeof event.destination === 'string' ? event.destination : (existing?.destination ?? 'default'),
    priority: typeof event.priority === 'boolean' ? event.priority : (existing?.priority ?? false),
    hipaa_audit_required:
      typeof event.hipaa_audit_required === 'boolean'
        ? event.hipaa_audit_required
        : (existing?.hipaa_audit_required ?? false),
    ...(providerId !== undefined && { provider_id: providerId }),
  }
}

function updateConfiguration(c: RouteContext): boolean {
  const input = obj((c.body as Doc | undefined)?.config, 'config')
  const next: Doc = { ...eventingConfig(c) }
  if (input.enabled !== undefined)
    next.enabled = input.enabled === true || input.enabled === 1 || input.enabled === '1'
  if (input.merchant_id !== undefined) next.merchant_id = check(input.merchant_id, WORD, 'merchant_id')
  if (input.environment_id !== undefined)
    next.environment_id = check(input.environment_id, WORD, 'environment_id')
  if (input.provider_id !== undefined) next.provider_id = check(input.provider_id, ID, 'provider_id')
  if (input.instance_id !== undefined) next.instance_id = check(input.instance_id, ID, 'instance_id')
  if (input.workspace_configuration !== undefined) {
    if (typeof input.workspace_configuration !== 'string') throw required('workspace_configuration')
    try {
      JSON.parse(input.workspace_configuration)
    } catch {
      throw new CommerceHttpError(400, 'The workspace configuration must be a valid JSON document.')
    }
    next.workspace_configuration = input.workspace_configuration
  }
  c.store.put('eventing_config', 'default', next)
  return true
}

const providerView = (p: Doc) => ({
  ...(typeof p.id === 'number' && { id: String(p.id) }),
  provider_id: p.provider_id,
  instance_id: p.instance_id,
  ...(p.label !== undefined && { label: p.label }),
  ...(p.description !== undefined && { description: p.description }),
  workspace_configuration: p.workspace_configuration ? MASK : '',
})

function listProviders(c: RouteContext) {
  const config = eventingConfig(c)
  const added = c.store.all('event_provider').map(providerView)
  return config.provider_id ? [providerView({ ...config, id: undefined }), ...added] : added
}

function addProvider(c: RouteContext) {
  const input = obj((c.body as Doc | undefined)?.eventProvider, 'eventProvider')
  const providerId = check(input.provider_id, ID, 'provider_id')
  const doc: Doc = {
    id: c.store.get('event_provider', providerId)?.id ?? c.store.nextId('event_provider'),
    provider_id: providerId,
    instance_id: check(input.instance_id, ID, 'instance_id'),
    ...(typeof input.label === 'string' && { label: input.label }),
    ...(typeof input.description === 'string' && { description: input.description }),
    ...(typeof input.workspace_configuration === 'string' && {
      workspace_configuration: input.workspace_configuration,
    }),
  }
  c.store.put('event_provider', providerId, doc)
  return providerView(doc)
}

const subscriptionOr404 = (c: RouteContext): Doc => {
  const s = c.store.get('event_subscription', c.params[0])
  if (!s) throw noSuchEntity('name', c.params[0])
  return s
}

/** The eventing routes. */
export const eventingRoutes: Route[] = [
  { method: 'PUT', path: /^V1\/eventing\/updateConfiguration$/, handler: updateConfiguration },
  { method: 'GET', path: /^V1\/eventing\/eventProvider$/, handler: listProviders },
  { method: 'POST', path: /^V1\/eventing\/eventProvider$/, handler: addProvider },
  {
    method: 'GET',
    path: /^V1\/eventing\/eventProvider\/([^/]+)$/,
    handler: (c) => {
      const found = listProviders(c).find((p) => p.provider_id === c.params[0])
      if (!found) throw noSuchEntity('provider_id', c.params[0])
      return found
    },
  },
  {
    method: 'DELETE',
    path: /^V1\/eventing\/eventProvider\/([^/]+)$/,
    handler: (c) => {
      if (!c.store.delete('event_provider', c.params[0])) throw noSuchEntity('provider_id', c.params[0])
      return true
    },
  },
  {
    method: 'POST',
    path: /^V1\/eventing\/eventSubscribe$/,
    handler: (c) => {
      const event = obj((c.body as Doc | undefined)?.event, 'event')
      const doc = subscriptionFrom(c, event)
      if (c.store.get('event_subscription', String(doc.name)))
        throw new CommerceHttpError(400, 'The event "%1" is already subscribed.', [doc.name])
      c.store.put('event_subscription', String(doc.name), doc)
      return true
    },
  },
  {
    method: 'PUT',
    path: /^V1\/eventing\/eventSubscribe\/([^/]+)$/,
    handler: (c) => {
      const existing = subscriptionOr404(c)
      const doc = subscriptionFrom(c, obj((c.body as Doc | undefined)?.event, 'event'), existing)
      c.store.put('event_subscription', String(doc.name), doc)
      return true
    },
  },
  {
    method: 'POST',
    path: /^V1\/eventing\/eventUnsubscribe\/([^/]+)$/,
    handler: (c) => {
      c.store.delete('event_subscription', String(subscriptionOr404(c).name))
      return true
    },
  },
  {
    method: 'GET',
    path: /^V1\/eventing\/getEventSubscriptions$/,
    handler: (c) => c.store.all('event_subscription').map(subscriptionView),
  },
]
