/**
 * The subscription options of the webhook form as text (README "Subscription options"): the retry
 * schedule as a comma list (empty: the app default; `none`: never retried automatically), the
 * jitter as a number, the content filter as JSON (JSON keeps the value types exact: the API
 * compares strictly, `"58"` ≠ `58`). The API does the real validation; these only turn text into
 * the request body and back, refusing what could not be sent at all (text that is not JSON).
 */
import type { ContentFilter, RetrySetting, Subscription } from '../api/types'

/** Written in the schedule field for an empty schedule (`[]`: never retried automatically). */
export const NO_RETRIES = 'none'

/** The schedule field's text for a subscription (empty when it follows the app default). */
export function scheduleText(retry: RetrySetting | undefined): string {
  if (!retry || retry.default) return ''
  return retry.schedule.length ? retry.schedule.join(', ') : NO_RETRIES
}

/** The jitter field's text (empty when the subscription has no jitter of its own). */
export function jitterText(retry: RetrySetting | undefined): string {
  return retry && !retry.default && retry.jitter !== undefined ? String(retry.jitter) : ''
}

/**
 * The `retry` value the two fields make: `null` when the schedule is empty (the app default;
 * on create the caller leaves it out). A jitter that is not a number is sent as typed, so the
 * API's message explains it.
 */
export function retryOf(schedule: string, jitter: string): { schedule: string[]; jitter?: unknown } | null {
  const text = schedule.trim()
  if (!text) return null
  const delays =
    text.toLowerCase() === NO_RETRIES
      ? []
      : text
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean)
  const j = jitter.trim()
  if (!j) return { schedule: delays }
  const n = Number(j)
  return { schedule: delays, jitter: Number.isFinite(n) ? n : j }
}

/** The filter field's text for a subscription (pretty JSON; empty without a filter). */
export function filterText(filter: ContentFilter | undefined): string {
  return filter ? JSON.stringify(filter, null, 2) : ''
}

/** The `filter` the text makes: `null` when empty, else the parsed object or the reason it is not one. */
export function filterOf(text: string): { value: ContentFilter | null } | { error: string } {
  if (!text.trim()) return { value: null }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    return { error: `Not valid JSON: ${(e as Error).message}` }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { error: 'Must be a JSON object: {"path": value | [values] | {"exists": true}}' }
  return { value: parsed as ContentFilter }
}

/** One-line texts of a subscription's options for the list. */
export function optionsSummary(sub: Subscription): { format: string; retry: string; filter: string } {
  const r = sub.retry
  const policy = r
    ? `${r.schedule.join(', ') || NO_RETRIES}${r.jitter !== undefined ? ` ±${r.jitter}` : ''}`
    : ''
  const retry = !r ? 'retry: app default' : r.default ? `retry: app default (${policy})` : `retry: ${policy}`
  return {
    format: `format: ${sub.format ?? 'ids'}`,
    retry,
    filter: sub.filter ? `filter: ${JSON.stringify(sub.filter)}` : 'filter: none',
  }
}
