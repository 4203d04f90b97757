/**
 * Two-way sync without loops: when we apply a back-office change to Commerce, Commerce emits its
 * own save event for it, which would be forwarded back to the back-office. After a successful
 * apply we record, per entity (the echo signature's key), the digest of the meaningful fields we
 * wrote and the event id; a Commerce event for the same entity whose same fields have the same
 * values within the window is that echo. Whatever the codes on each side: the key and fields are
 * declared per code. Only the latest applied change per entity is kept, so a genuine change made in
 * Commerce (different values) flows. Cost: 1 put per applied change, 1 get per Commerce event.
 */
import { createHash } from 'node:crypto'
import { safeKeyPart, type KvStore } from '../kv-store'
import { stableStringify } from '../loop-breaker'
import type { EchoSignature, EventValue } from './effect-declaration'

/** State key prefix (shares the `loop.` kind with the consumer's loop breaker). */
const ECHO_KEY_PREFIX = 'loop.echo.'

/** Default window in which Commerce's echo is expected (seconds). */
export const DEFAULT_ECHO_WINDOW_SECONDS = 300

interface Mark {
  /** Event id of the applied back-office change. */
  e: string
  /** Field names covered by the digest. */
  f: string[]
  /** Digest of those fields. */
  d: string
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

/** The State key of an entity's mark (hashed when the key is not key-safe or too long). */
export function echoKey(entity: string, key: string): string {
  const readable = safeKeyPart(key) === key && key.length <= 200
  return `${ECHO_KEY_PREFIX}${safeKeyPart(entity)}.${readable ? `id.${key}` : `sha.${sha256(key)}`}`
}

const defined = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null))

/** Records and recognises echoes. */
export interface EchoGuard {
  /** After a back-office change was applied to Commerce. */
  mark(entity: string, sig: EchoSignature, value: EventValue, eventId: string): Promise<void>
  /** For a Commerce event: the id of the back-office event it echoes, or undefined. */
  echoOf(entity: string, sig: EchoSignature, value: EventValue): Promise<string | undefined>
}

/** Creates an echo guard over a State store (opened lazily, on first use). */
export function createEchoGuard(
  store: () => Promise<KvStore>,
  windowSeconds = DEFAULT_ECHO_WINDOW_SECONDS,
): EchoGuard {
  let kv: Promise<KvStore> | undefined
  const open = (): Promise<KvStore> => (kv ??= store())
  return {
    async mark(entity, sig, value, eventId) {
      const key = sig.key(value)
      if (key === undefined) return
      const fields = defined(sig.fields(value))
      const names = Object.keys(fields).sort()
      // Nothing meaningful was written (e.g. a create with only the SKU): every Commerce save of
      // the entity would match, real changes included, so nothing is marked.
      if (!names.length) return
      const mark: Mark = { e: eventId, f: names, d: sha256(stableStringify(fields)) }
      await (await open()).put(echoKey(entity, key), JSON.stringify(mark), windowSeconds)
    },
    async echoOf(entity, sig, value) {
      const key = sig.key(value)
      if (key === undefined) return undefined
      const raw = await (await open()).get(echoKey(entity, key))
      if (!raw) return undefined
      let mark: Mark
      try {
        mark = JSON.parse(raw) as Mark
      } catch {
        return undefined
      }
      const all = sig.fields(value)
      const same: Record<string, unknown> = {}
      for (const name of mark.f) {
        if (all[name] === undefined || all[name] === null) return undefined // cannot confirm: let it flow
        same[name] = all[name]
      }
      return sha256(stableStringify(same)) === mark.d ? mark.e : undefined
    },
  }
}
