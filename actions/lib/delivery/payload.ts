/**
 * The `ids` delivery body (docs/delivery-contract.md, **contract**): `{id, type, timestamp, attempt, data}`.
 * `data` is `{id: entityId, type: entityType}` (Kustomer-style: receivers fetch what they need)
 * plus up to 10 fields the subscription selected (Virto-style "additional fields"). The other
 * formats (payload-format.ts) are built from the same selection.
 */
import type { CanonicalEvent } from '../canonical-event'

/** Most extra fields a subscription may select. */
export const MAX_SELECTED_FIELDS = 10

/** The JSON body POSTed to an endpoint in the `ids` format. */
export type DeliveryPayload = {
  /** The event id. */
  id: string
  /** The event code. */
  type: string
  /** When the event was received (ISO); stable across attempts. */
  timestamp: string
  /** 1 for the first attempt, then 2, 3, … (manual retries continue the count). */
  attempt: number
  data: { id: string; type: string } & Record<string, unknown>
}

/** Reads `a.b.c` from an object; undefined when any step is missing. */
function pick(source: Record<string, unknown> | undefined, path: string): unknown {
  let cur: unknown = source
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part))
      return undefined
    cur = (cur as Record<string, unknown>)[part]
  }
  return cur
}

/**
 * Resolves one selected path on the event: in the normalised `fields` first, then in the whole
 * entity `data` (so `taxClassId` and Commerce's own `tax_class_id` both work). undefined when
 * neither has it. This order is the contract the subscriptions' known-field check relies on.
 */
export function resolveField(event: Pick<CanonicalEvent, 'fields' | 'data'>, path: string): unknown {
  const normalised = pick(event.fields ?? {}, path)
  return normalised !== undefined ? normalised : pick(event.data ?? {}, path)
}

/**
 * Builds `data`: entity id and type, then each selected field present on the event (`resolveField`:
 * `fields`, then `data`; a dotted path reads nested values; absent fields are left out rather than
 * sent as null, a `null` Commerce sent is sent as null). `id` and `type` cannot be overridden by a
 * field of the same name.
 */
export function buildData(event: CanonicalEvent, fields: readonly string[]): DeliveryPayload['data'] {
  const data: DeliveryPayload['data'] = { id: event.entityId, type: event.entityType }
  for (const path of fields.slice(0, MAX_SELECTED_FIELDS)) {
    if (path === 'id' || path === 'type') continue
    const value = resolveField(event, path)
    if (value !== undefined) data[path] = value
  }
  return data
}

/** The `ids` body of attempt 1 for one subscription. */
export function buildPayload(event: CanonicalEvent, fields: readonly string[]): DeliveryPayload {
  return {
    id: event.id,
    type: event.type,
    timestamp: event.receivedAt,
    attempt: 1,
    data: buildData(event, fields),
  }
}
