/**
 * The admin API's answers as the pages read them (documented in the README: "Outgoing webhooks",
 * "Logs"). Kept to the fields the pages use.
 */
export const STATUSES = ['pending', 'delivered', 'retrying', 'failed', 'dead'] as const
export type DeliveryStatus = (typeof STATUSES)[number]

/** A row of GET admin/logs. */
export interface LogSummary {
  id: string
  eventType: string
  subscriptionId: string
  entityId?: string
  status: DeliveryStatus
  attempts: number
  lastHttpStatus?: number
  createdAt: string
  updatedAt: string
  nextAttemptAt?: string
}

/** GET admin/logs. */
export interface LogPage {
  items: LogSummary[]
  total?: number
  nextCursor?: string
  indexedAt?: string
  freshness: string
}

/** One attempt of a delivery. */
export interface Attempt {
  attempt: number
  at: string
  statusCode?: number
  durationMs: number
  error?: string
  responseSnippet?: string
  trigger: string
}

/** GET admin/logs/{id} (and each exported item). */
export interface DeliveryRecord {
  id: string
  eventId: string
  eventType: string
  entityId: string
  subscriptionId: string
  url: string
  status: DeliveryStatus
  attempts: Attempt[]
  attemptsOmitted?: number
  payload: unknown
  payloadTruncated?: boolean
  createdAt: string
  updatedAt: string
  nextAttemptAt?: string
  lastError?: string
}

/** GET admin/logs/export. */
export interface ExportPage {
  exportedAt: string
  count: number
  items: DeliveryRecord[]
  nextCursor?: string
}

/** POST admin/logs/retry (bulk retry by filter). */
export interface BulkRetryPage {
  retried: number
  skipped: number
  failed: number
  nextCursor?: string
}

/** Delivery counters of a subscription (from the index). */
export interface SubscriptionStats {
  delivered: number
  failed: number
  retrying: number
  dead: number
  pending: number
  lastDeliveredAt?: string
  lastFailureAt?: string
  lastError?: string
}

/** Body formats a subscription can receive (README "Subscription options"). */
export const FORMATS = ['ids', 'virto', 'cloudevents'] as const
export type PayloadFormat = (typeof FORMATS)[number]

/** A retry policy as GET shows it: the subscription's own, or the app-wide one marked `default`. */
export interface RetrySetting {
  schedule: string[]
  jitter?: number
  default?: true
}

/** A content filter: path → value | [values] | {exists}. */
export type ContentFilter = Record<string, unknown>

/** A subscription as the API shows it (no secrets). */
export interface Subscription {
  id: string
  name: string
  eventTypes: string[]
  url: string
  active: boolean
  fields: string[]
  format?: PayloadFormat
  retry?: RetrySetting
  filter?: ContentFilter
  auth?: { type: 'basic' | 'bearer' | 'header'; name?: string }
  createdAt: string
  updatedAt: string
  disabledReason?: string
  source: 'state' | 'inputs'
  rotating: boolean
  stats?: SubscriptionStats
}

/** POST admin/subscriptions/{id}/test. */
export interface TestSendResult {
  status?: number
  durationMs: number
  bodyExcerpt?: string
  deliveryId?: string
  ok: boolean
  error?: string
}

/** One registration of GET /events/tracing (local Debug Tracing). */
export interface TracingRegistration {
  registration_id: string
  name: string
  status: string
  enabled: boolean
  delivery_type: string
  runtime_action?: string
  webhook_url?: string
  traces: {
    trace_id: string
    event_code: string
    attempt: number
    timestamp: string
    duration_ms: number
    request: { target: string; action?: string; url?: string; method: string; body: string }
    response: { status_code: number; body: string; error?: string }
    outcome: string
  }[]
}
