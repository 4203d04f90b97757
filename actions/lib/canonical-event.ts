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
  /** The transformed entity fields a subscription may select from (at most 10 are sent per subscription). */
  fields: Record<string, unknown>
  /**
   * The whole validated entity as the source sent it. A selected field path or a filter path is
   * resolved in `fields` first, then here. Optional: events recorded before it existed lack it.
   */
  data?: Record<string, unknown>
  /** ISO time the event was received by the consumer. */
  receivedAt: string
}

/** Params of the `publisher/publish` action. */
export interface PublishParams {
  event: CanonicalEvent
}
