/**
 * The canonical event: what an entity handler hands to the publisher after validating and
 * transforming an incoming CloudEvent. It is the contract between `entities/*` and
 * `publisher/publish`, independent of which system (Commerce or a back-office) produced it.
 */

/** A routed, validated, transformed event. */
export interface CanonicalEvent {
  /** The I/O Events event id (CloudEvent `id`); also the correlation id of every log line and delivery. */
  id: string
  /** The event code, e.g. `be-observer.catalog_product_create`. */
  type: string
  /** Entity name from events.json, e.g. `product`. */
  entity: string
  /** The entity's id in the source system (sku, customer id, order id…); a string always. */
  entityId: string
  /** The entity's type as receivers see it, e.g. `product` (Virto's ObjectType). */
  entityType: string
  /**
   * The normalised fields (camelCase, numbers as numbers, flags as booleans). A subscription's field
   * selection (at most 10 per subscription) reads a path here first, then in `data`.
   */
  fields: Record<string, unknown>
  /**
   * The whole validated entity as its source sent it, so no field is lost: Commerce's `data.value`
   * (without `_metadata`), the back-office `value` (a stock batch, an array, as `{items: [...]}`).
   * Unknown fields are kept. Left out (`dataOmitted`) only when the event would not fit the 1 MB
   * parameter limit of the publisher action (FANOUT_MODE=action).
   */
  data: Record<string, unknown>
  /** Set when `data` was left out to fit the platform's parameter limit (see `data`). */
  dataOmitted?: true
  /** ISO time the event was received by the consumer. */
  receivedAt: string
}

const isDict = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * The entity part of a validated CloudEvent `data`: Commerce's `value` (its `_metadata`, `key` and
 * `source` describe the delivery, not the entity), the back-office value itself, an array (a stock
 * batch) as `{items}`. Always a fresh top-level object, so later changes never alias the input.
 */
export function entityDataOf(provider: 'commerce' | 'backoffice', data: unknown): Record<string, unknown> {
  if (provider === 'commerce') return isDict(data) && isDict(data.value) ? { ...data.value } : {}
  if (Array.isArray(data)) return { items: data }
  return isDict(data) ? { ...data } : {}
}

/** Params of the `publisher/publish` action. */
export interface PublishParams {
  event: CanonicalEvent
}
