/**
 * The field paths a subscription may select or filter on, per event code, derived from the entity
 * catalogue (nothing is listed by hand): the keys of the `fields` the code's transform produces
 * from its catalogue sample (events.json `sampleEventTemplate`), the keys the code's joi schema
 * describes for the entity value, and the sample's own keys — objects give their key and dotted
 * paths into them; arrays stop at their key. Paths resolve on an event in `fields`, then in
 * `data` (the entity as the source sent it), so both vocabularies are valid.
 *
 * The entity value is `data.value` for Commerce observer events and the event data itself for
 * back-office events (an array of records, as stock updates send, is kept under `items`).
 */
import type { Schema } from 'joi'
import type { CanonicalEvent } from '../canonical-event'
import { ValidationError } from '../errors'
import { eventRegistry, type EventDefinition, type EventRegistry } from '../event-registry'
import type { EntityDefinition } from '../entity-definition'
import { entityDefinitions } from '../../entities/catalog'

/** Most valid paths listed in an error message. */
const MAX_LISTED = 200

type Described = { type?: string; keys?: Record<string, Described> }

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/** Every path of a value: each key, and dotted paths into nested plain objects. */
function valuePaths(value: unknown, prefix = ''): string[] {
  if (!isPlainObject(value)) return []
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...valuePaths(v, `${prefix}${k}.`)])
}

/** Every path a joi description declares (object keys, recursively). */
function describedPaths(d: Described | undefined, prefix = ''): string[] {
  if (!d || d.type !== 'object' || !d.keys) return []
  return Object.entries(d.keys).flatMap(([k, sub]) => [
    `${prefix}${k}`,
    ...describedPaths(sub, `${prefix}${k}.`),
  ])
}

/** The entity value of an event's data (see the module comment). */
export function entityValueOf(
  def: Pick<EventDefinition, 'provider'>,
  data: unknown,
): Record<string, unknown> {
  if (def.provider === 'commerce' && isPlainObject(data) && isPlainObject(data.value)) return data.value
  if (Array.isArray(data)) return { items: data }
  return isPlainObject(data) ? data : {}
}

/** The part of the schema's description that describes the entity value. */
function valueDescription(def: EventDefinition, schema: Schema): Described | undefined {
  const d = schema.describe() as Described
  return def.provider === 'commerce' ? d.keys?.value : d
}

/** The catalogue of one registry and its entity definitions. */
export function createFieldCatalog(
  registry: EventRegistry,
  definitions: Readonly<Record<string, EntityDefinition>>,
) {
  const memo = new Map<string, readonly string[]>()

  /** The canonical event the catalogue sample of `code` becomes (undefined if the sample is invalid). */
  function sampleEvent(code: string, ids: { id: string; receivedAt: string }): CanonicalEvent | undefined {
    const def = registry.get(code)
    const entity = def && definitions[def.entity]
    if (!def || !entity) return undefined
    const checked = entity.schemas[code].validate(def.sampleEventTemplate)
    if (checked.error) return undefined
    const change = entity.transforms[code](checked.value)
    return {
      id: ids.id,
      type: code,
      entity: def.entity,
      entityId: change.entityId,
      entityType: change.entityType ?? def.entity,
      fields: Object.fromEntries(Object.entries(change.fields).filter(([, v]) => v !== undefined)),
      data: entityValueOf(def, checked.value),
      receivedAt: ids.receivedAt,
    }
  }

  /** The known paths of one code, sorted (empty for an unknown code). */
  function pathsOf(code: string): readonly string[] {
    const hit = memo.get(code)
    if (hit) return hit
    const def = registry.get(code)
    const entity = def && definitions[def.entity]
    if (!def || !entity) return []
    const sample = sampleEvent(code, { id: 'sample', receivedAt: new Date(0).toISOString() })
    const paths = [
      ...valuePaths(sample?.fields),
      ...describedPaths(valueDescription(def, entity.schemas[code])),
      ...valuePaths(entityValueOf(def, def.sampleEventTemplate)),
    ]
    const out = [...new Set(paths)].sort()
    memo.set(code, out)
    return out
  }

  /** The union of the known paths of `codes` (`*` = every code). */
  function knownPaths(codes: readonly string[]): string[] {
    const list = codes.includes('*') ? registry.all().map((d) => d.code) : codes
    return [...new Set(list.flatMap((c) => pathsOf(c)))].sort()
  }

  /**
   * Refuses paths no code of the subscription knows.
   * @throws ValidationError (400) naming the unknown paths and listing the valid ones
   */
  function checkPaths(what: 'fields' | 'filter', paths: readonly string[], codes: readonly string[]): void {
    if (!paths.length) return
    const known = knownPaths(codes)
    const set = new Set(known)
    const unknown = paths.filter((p) => !set.has(p))
    if (!unknown.length) return
    const scope = codes.includes('*') ? 'any event' : codes.join(', ')
    const listed = known.slice(0, MAX_LISTED).join(', ') + (known.length > MAX_LISTED ? ', …' : '')
    throw new ValidationError(
      `${what}: unknown field path(s) ${unknown.map((p) => `"${p}"`).join(', ')}; valid for ${scope}: ${listed}`,
      [what],
    )
  }

  return { pathsOf, knownPaths, checkPaths, sampleEvent }
}

/** The catalogue operations. */
export type FieldCatalog = ReturnType<typeof createFieldCatalog>

let shared: FieldCatalog | undefined
/** The app's catalogue (built on first use, once per warm container). */
export function fieldCatalog(): FieldCatalog {
  shared ??= createFieldCatalog(eventRegistry, entityDefinitions)
  return shared
}
