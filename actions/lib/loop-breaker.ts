/**
 * The infinite-loop breaker of two-way syncs (the starter kit's known problem): Commerce saves a
 * product → we propagate it to the back-office → the back-office reports its update → we
 * propagate it to Commerce → Commerce saves again and emits an event identical to the first…
 *
 * For the configured event codes, the fingerprint of the change's *meaningful* fields (its
 * canonical form without timestamps) is kept per event code and entity under a `loop.` key with a
 * short TTL. An event whose fingerprint equals the last one seen for that code and entity, under
 * a different event id, is an echo and is skipped. The same event id again is an I/O Events
 * redelivery and is processed (the publisher dedupes by event id). Keeping only the *latest*
 * fingerprint per entity means a genuine A → B → A change sequence is never mistaken for an echo.
 */
import { createHash } from 'node:crypto'
import { safeKeyPart, type KvStore } from './kv-store'
import { validateWith, type EntityDefinition } from './entity-definition'

/** Default TTL of a fingerprint: long enough for a round trip through the other system. */
export const DEFAULT_LOOP_TTL_SECONDS = 300

/** State key prefix of the loop breaker. */
const LOOP_KEY_PREFIX = 'loop.'

/** Fields that change on every save without being part of the change itself. */
const VOLATILE_FIELDS: ReadonlySet<string> = new Set(['updatedAt', 'createdAt', 'updated_at', 'created_at'])

/** What identifies a change: which entity, and a digest of what changed. */
export interface ChangeFingerprint {
  entityKey: string
  digest: string
}

/** Computes a fingerprint, or undefined when the data is not a valid change (nothing to compare). */
export type Fingerprinter = (code: string, data: unknown) => ChangeFingerprint | undefined

/** The loop breaker's decision about one event. */
export type LoopVerdict =
  | { action: 'process'; reason: 'not-configured' | 'no-fingerprint' | 'first' | 'redelivery' }
  | { action: 'skip'; reason: 'echo'; key: string; firstEventId: string }

/** Decides whether an event is an echo. */
export interface LoopBreaker {
  check(event: { type: string; id: string; data: unknown }): Promise<LoopVerdict>
}

/** JSON with sorted object keys, so equal values always give equal digests. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

/**
 * A Fingerprinter over the entities' own schemas and transforms: the digest covers the canonical
 * entity type, id and fields minus VOLATILE_FIELDS, so representation noise (`"29.00"` vs
 * `29`, key order, timestamps) does not hide an echo.
 */
export function createCanonicalFingerprinter(definitions: readonly EntityDefinition[]): Fingerprinter {
  const byCode = new Map(definitions.flatMap((d) => Object.keys(d.schemas).map((code) => [code, d] as const)))
  return (code, data) => {
    const def = byCode.get(code)
    const transform = def?.transforms[code]
    if (!def || !transform) return undefined
    const checked = validateWith(def.schemas[code], data)
    if (!checked.ok) return undefined
    const change = transform(checked.value)
    const fields = Object.fromEntries(Object.entries(change.fields).filter(([k]) => !VOLATILE_FIELDS.has(k)))
    const entityType = change.entityType ?? def.entity
    return {
      entityKey: `${entityType}.${change.entityId}`,
      digest: sha256(stableStringify({ entityType, entityId: change.entityId, fields })),
    }
  }
}

/** The State key of (code, entity): readable when the id is key-safe and short, hashed otherwise. */
export function loopKey(code: string, entityKey: string): string {
  const readable = safeKeyPart(entityKey) === entityKey && entityKey.length <= 200
  return `${LOOP_KEY_PREFIX}${safeKeyPart(code)}.${readable ? `id.${entityKey}` : `sha.${sha256(entityKey)}`}`
}

/** Which codes are checked: explicit codes, or `*` for all. */
export interface LoopBreakerConfig {
  events: readonly string[]
  ttlSeconds: number
}

/**
 * Creates a loop breaker. `store` is opened lazily, on the first configured event, so
 * unconfigured codes never touch State. Store failures propagate (the caller decides).
 */
export function createLoopBreaker(deps: {
  store: () => Promise<KvStore>
  fingerprint: Fingerprinter
  config: LoopBreakerConfig
}): LoopBreaker {
  const all = deps.config.events.includes('*')
  const codes = new Set(deps.config.events)
  let store: Promise<KvStore> | undefined
  return {
    async check({ type, id, data }) {
      if (!all && !codes.has(type)) return { action: 'process', reason: 'not-configured' }
      const fp = deps.fingerprint(type, data)
      if (!fp) return { action: 'process', reason: 'no-fingerprint' }
      store ??= deps.store()
      const kv = await store
      const key = loopKey(type, fp.entityKey)
      const seen = await kv.get(key)
      if (seen) {
        const sep = seen.indexOf(' ')
        const [digest, firstEventId] = [seen.slice(0, sep), seen.slice(sep + 1)]
        if (digest === fp.digest) {
          return firstEventId === id
            ? { action: 'process', reason: 'redelivery' }
            : { action: 'skip', reason: 'echo', key, firstEventId }
        }
      }
      await kv.put(key, `${fp.digest} ${id}`, deps.config.ttlSeconds)
      return { action: 'process', reason: 'first' }
    },
  }
}
