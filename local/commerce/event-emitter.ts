/**
 * Commerce events of the local Commerce, as the Adobe I/O Events module for Commerce sends them:
 * only for **subscribed** events (eventing-routes.ts), with **only the subscribed fields**, to the
 * configured provider, while eventing is enabled. A CloudEvent of type `com.adobe.commerce.<name>`
 * (`<name>` is the subscription's name: `observer.<event>`, or `<prefix>.observer.<event>` with an
 * app prefix and `parent: observer.<event>`), with `data = {key, value: <subscribed fields>, source,
 * _metadata}` (developer.adobe.com/commerce/extensibility/events/: "only the fields listed in the
 * subscription are sent").
 *
 * Before any subscription exists nothing is sent, as on a real instance: `npm start`, `npm run
 * onboard -- --local` and the test harnesses subscribe through onboarding.
 *
 * What a subscription selects: field names and dotted paths (`a.b`), `*` for every field; rules
 * `equal`, `in`, `greaterThan`, `lessThan`, `regex` (PHP-style `/…/flags`) are applied; `onChange`
 * passes (the local routes do not keep the original data); field `converter`s and `source`s are not
 * applied (a `source` field is left out).
 *
 * Commerce sends events asynchronously (a cron/queue after the save commits): which events and
 * fields go out is decided at save time, publishing happens after the REST reply, in order, through
 * the local I/O Events ingress over HTTP.
 */
import { randomUUID } from 'node:crypto'
import type { CommerceStore, Doc } from './store'
import { eventingConfig } from './eventing-routes'

/** Where and how to publish. */
export interface EmitterConfig {
  baseUrl: string
  imsToken: string
  imsOrgId: string
  apiKey: string
  store: CommerceStore
  log: (m: string) => void
}

/** `_metadata` Commerce adds to every event. */
const COMMERCE_METADATA = {
  commerceEdition: 'Adobe Commerce',
  commerceVersion: '2.4.7',
  eventsClientVersion: '1.12.0',
  storeId: '1',
  websiteId: '1',
  storeGroupId: '1',
}

const get = (doc: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Doc)[k] : undefined), doc)

/** The subscribed fields of `value` (nested paths rebuilt as objects). */
export function selectFields(value: Doc, fields: { name: string; source?: string }[]): Doc {
  if (fields.some((f) => f.name === '*' && !f.source)) return value
  const out: Doc = {}
  for (const f of fields) {
    if (f.source) continue
    const v = get(value, f.name)
    if (v === undefined) continue
    const keys = f.name.split('.')
    let target = out
    for (const k of keys.slice(0, -1)) target = (target[k] ??= {}) as Doc
    target[keys[keys.length - 1]] = v
  }
  return out
}

/** A scalar as text ('' for absent or structured values: a rule on them never matches a value). */
const text = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : ''

const RULES: Record<string, (actual: unknown, expected: string) => boolean> = {
  equal: (a, e) => text(a) === e,
  in: (a, e) =>
    e
      .split(',')
      .map((s) => s.trim())
      .includes(text(a)),
  greaterThan: (a, e) => Number(a) > Number(e),
  lessThan: (a, e) => Number(a) < Number(e),
  regex: (a, e) => {
    const m = /^\/(.*)\/([a-z]*)$/s.exec(e)
    try {
      return new RegExp(m ? m[1] : e, m ? m[2].replace(/[^imsu]/g, '') : '').test(text(a))
    } catch {
      return false
    }
  },
  onChange: () => true,
}

/** Whether every rule of a subscription holds for `value`. */
export function rulesPass(
  value: Doc,
  rules: { field: string; operator: string; value: string }[] = [],
): boolean {
  return rules.every((r) => (RULES[r.operator] ?? (() => false))(get(value, r.field), r.value))
}

/** Creates the emitter; `idle()` resolves when every queued event was published (or dropped). */
export function createEventEmitter(config: EmitterConfig) {
  let chain: Promise<void> = Promise.resolve()
  let published = 0
  const headers = {
    authorization: `Bearer ${config.imsToken}`,
    'x-api-key': config.apiKey,
    'x-ims-org-id': config.imsOrgId,
  }

  /** The CloudEvents Commerce sends for `observer.<event>` now (none when not subscribed or disabled). */
  function cloudEventsFor(event: string, value: Doc): Doc[] {
    const settings = eventingConfig(config)
    if (settings.enabled !== true) return []
    return config.store
      .all('event_subscription')
      .filter((s) => (s.parent ?? s.name) === `observer.${event}`)
      .filter((s) => rulesPass(value, s.rules as { field: string; operator: string; value: string }[]))
      .flatMap((s) => {
        const named =
          typeof s.provider_id === 'string' && s.provider_id !== 'default' ? s.provider_id : undefined
        const providerId = named ?? settings.provider_id
        if (typeof providerId !== 'string') return []
        return [
          {
            specversion: '1.0',
            id: randomUUID(),
            source: `urn:uuid:${providerId}`,
            type: `com.adobe.commerce.${String(s.name)}`,
            datacontenttype: 'application/json',
            time: new Date().toISOString(),
            data: {
              key: randomUUID(),
              value: selectFields(value, s.fields as { name: string }[]),
              source: 'local.commerce',
              _metadata: COMMERCE_METADATA,
            },
          },
        ]
      })
  }

  async function publish(cloudEvent: Doc): Promise<void> {
    const res = await fetch(`${config.baseUrl}/ingress`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent),
    })
    if (res.status >= 300)
      config.log(`commerce: publishing ${String(cloudEvent.type)} answered ${res.status}`)
    else published++
  }

  return {
    /** Queues what Commerce sends for the save/delete `observer.<event>` of an entity whose data is `value`. */
    emit(event: string, value: Doc): void {
      for (const ce of cloudEventsFor(event, value)) {
        chain = chain
          .then(() => publish(ce))
          .catch((err: Error) => config.log(`commerce: event ${String(ce.type)} not sent: ${err.message}`))
      }
    },
    idle: (): Promise<void> => chain,
    published: (): number => published,
  }
}
