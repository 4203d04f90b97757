/**
 * How an entity declares, as data, what each of its event codes does to Adobe Commerce
 * (`actions/entities/<entity>/commerce.ts`): the REST call (method, path template, body mapping),
 * how a redelivery is recognised as already applied, and the fields that identify an echo of a
 * change we applied. Types and one pure helper only, so entity folders stay light.
 */

/** The validated event data of a code (the shape its joi schema accepts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventValue = any

/** One Commerce REST call. */
export interface CommerceCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Relative to COMMERCE_BASE_URL, with `{name}` placeholders: `V1/products/{sku}`. */
  path: string
  /** Placeholder values (URL-encoded when filled in). */
  params?: (value: EventValue) => Record<string, string | number>
  /** The JSON body Commerce expects; absent for GET/DELETE. */
  body?: (value: EventValue) => unknown
}

/** What makes a change recognisable when Commerce reports it back (two-way loop suppression). */
export interface EchoSignature {
  /** Identity shared by both directions, e.g. the SKU; undefined = cannot tell (never an echo). */
  key: (value: EventValue) => string | undefined
  /** Meaningful fields, normalised (numbers as numbers, ids as strings); undefined ones are ignored. */
  fields: (value: EventValue) => Record<string, unknown>
}

/** A back-office code's effect on Commerce, or a Commerce code's echo signature. */
export interface CommerceEffect {
  /** The call that applies the change (back-office codes). */
  call?: CommerceCall
  /** At-least-once: Commerce 404 means the change is already applied (a delete of something gone). */
  missingIsApplied?: boolean
  /**
   * At-least-once: a create whose target already exists (Commerce 400 matching `when`) is turned
   * into an update: `lookup` finds the existing id (`id` picks it from the response, undefined when
   * not found), then `then` runs with `{...value, id}`.
   */
  onExists?: {
    when: RegExp
    lookup: CommerceCall
    id: (body: unknown) => string | number | undefined
    then: CommerceCall
  }
  /**
   * A create whose data has no id yet: picks the id Commerce assigned from the call's response body
   * (or the id `onExists` found), so the canonical event names the entity by it.
   */
  assignedId?: (body: unknown) => string | number | undefined
  /** Back-office codes: marks the applied change; Commerce codes: checks for our echo. */
  echo?: EchoSignature
}

/** Event code → effect; codes without an entry have no Commerce effect. */
export type CommerceDeclarations = Readonly<Record<string, CommerceEffect>>

/** Fills `{name}` placeholders of a path template; a missing value is an Error (a declaration bug). */
export function fillPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const v = params[name]
    if (v === undefined || v === '') throw new Error(`path ${template}: no value for {${name}}`)
    return encodeURIComponent(String(v))
  })
}

/**
 * Commerce `searchCriteria` query (the REST "search" convention) for one equality filter whose
 * value is the path placeholder `{placeholder}` (filled, URL-encoded, by fillPath).
 */
export function searchByField(field: string, placeholder: string): string {
  const f = 'searchCriteria[filter_groups][0][filters][0]'
  return [
    `${f}[field]=${encodeURIComponent(field)}`,
    `${f}[value]={${placeholder}}`,
    `${f}[condition_type]=eq`,
  ].join('&')
}

/** An id as Commerce's JSON wants it: a number when it is one (`"42"` → 42), else unchanged. */
export function commerceId(value: string | number): string | number {
  return typeof value === 'number' || !/^\d{1,15}$/.test(value) ? value : Number(value)
}
