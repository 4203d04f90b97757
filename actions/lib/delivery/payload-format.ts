/**
 * Payload formats (docs/delivery-contract.md, **contract**), one row per format instead of a
 * switch: how the body of attempt 1 is built from the event and the subscription's selected
 * fields, how a later attempt is stamped (attempt number, message id) and the content type. Every
 * format is signed the same way (Standard Webhooks over the exact body sent).
 *
 * - `ids` (default): `{id, type, timestamp, attempt, data: {id, type, …selected fields}}`.
 * - `virto`: the envelope of the Virto Commerce webhooks module,
 *   `{"EventId": <event code>, "Attempt": n, "EventBody": "<JSON string of [{objectId, objectType, …}]>"}`
 *   (EventBody is a JSON *string* holding an array, as that module sends it).
 * - `cloudevents`: a structured-mode CloudEvent 1.0 (`application/cloudevents+json`; required
 *   attributes per the CloudEvents 1.0 spec: specversion, id, source, type). `id` is the message
 *   id (the `webhook-id`), so receivers deduping on the CloudEvent id see the same rule as
 *   Standard Webhooks receivers; `eventid` and `attempt` are extension attributes.
 */
import type { CanonicalEvent } from '../canonical-event'
import { buildData, buildPayload } from './payload'

/** The formats a subscription may choose. */
export const PAYLOAD_FORMATS = ['ids', 'virto', 'cloudevents'] as const
/** A format name. */
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number]
/** The default format (the body sent before formats existed). */
export const DEFAULT_FORMAT: PayloadFormat = 'ids'

/** A JSON body as stored in the delivery record and sent. */
export type DeliveryBody = Record<string, unknown>

/** What a retry needs when the stored body is lost: the ids the record keeps. */
export interface BodyBasis {
  eventId: string
  eventType: string
  entity: string
  entityId: string
  entityType: string
  createdAt: string
}

interface FormatSpec {
  contentType: string
  /** Body of attempt 1, sent as `messageId`. */
  build(event: CanonicalEvent, fields: readonly string[], messageId: string): DeliveryBody
  /** The body for attempt `attempt`, sent as `messageId`. */
  stamp(body: DeliveryBody, attempt: number, messageId: string): DeliveryBody
}

const asEvent = (b: BodyBasis): CanonicalEvent => ({
  id: b.eventId,
  type: b.eventType,
  entity: b.entity,
  entityId: b.entityId,
  entityType: b.entityType,
  fields: {},
  data: {},
  receivedAt: b.createdAt,
})

const FORMATS: Record<PayloadFormat, FormatSpec> = {
  ids: {
    contentType: 'application/json',
    build: (event, fields) => buildPayload(event, fields),
    stamp: (body, attempt) => ({ ...body, attempt }),
  },
  virto: {
    contentType: 'application/json',
    build: (event, fields) => {
      const { id, type, ...selected } = buildData(event, fields)
      return {
        EventId: event.type,
        Attempt: 1,
        EventBody: JSON.stringify([{ objectId: id, objectType: type, ...selected }]),
      }
    },
    stamp: (body, attempt) => ({ ...body, Attempt: attempt }),
  },
  cloudevents: {
    contentType: 'application/cloudevents+json',
    build: (event, fields, messageId) => ({
      specversion: '1.0',
      id: messageId,
      source: `/commerce-event-hub/${event.entity}`,
      type: event.type,
      subject: event.entityId,
      time: event.receivedAt,
      datacontenttype: 'application/json',
      eventid: event.id,
      attempt: 1,
      data: buildData(event, fields),
    }),
    stamp: (body, attempt, messageId) => ({ ...body, id: messageId, attempt }),
  },
}

/** The format of a subscription or record (absent = the default, for data written before formats). */
export const formatOf = (x: { format?: PayloadFormat }): PayloadFormat => x.format ?? DEFAULT_FORMAT

/** Body of attempt 1 of `event` for a subscription's format and selected fields. */
export function buildBody(
  format: PayloadFormat,
  event: CanonicalEvent,
  fields: readonly string[],
  messageId: string,
): DeliveryBody {
  return FORMATS[format].build(event, fields, messageId)
}

/** The body of a later attempt (its number and message id written where the format keeps them). */
export function stampBody(
  format: PayloadFormat,
  body: DeliveryBody,
  attempt: number,
  messageId: string,
): DeliveryBody {
  return FORMATS[format].stamp(body, attempt, messageId)
}

/** The `content-type` a format is sent with. */
export const contentTypeOf = (format: PayloadFormat): string => FORMATS[format].contentType

/** An ids-only body in `format`, for a retry whose full body expired (receivers fetch the entity). */
export function minimalBody(format: PayloadFormat, basis: BodyBasis, messageId: string): DeliveryBody {
  return FORMATS[format].build(asEvent(basis), [], messageId)
}
