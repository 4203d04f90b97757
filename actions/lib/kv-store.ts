/**
 * The key-value interface the core uses for durable records (delivery logs, subscriptions,
 * idempotency and loop-breaker keys). Production code gets it backed by `@adobe/aio-lib-state`;
 * unit tests get the in-memory store, with an injected clock for TTLs.
 *
 * Keys must match `^[a-zA-Z0-9-_.]{1,1024}$`, values are strings ≤ 1 MB, TTL ≤ 365 days
 * (docs/platform-notes.md): callers build keys with `safeKeyPart`.
 */
import type { Clock } from './clock'

/** Max TTL the State service accepts. */
export const MAX_TTL_SECONDS = 365 * 24 * 3600

/** Durable key-value store (the subset of aio-lib-state the app uses). */
export interface KvStore {
  /** The value, or undefined when missing or expired. */
  get(key: string): Promise<string | undefined>
  /** Writes a value with a TTL in seconds (default 1 day, like the State service). */
  put(key: string, value: string, ttlSeconds?: number): Promise<void>
  /** Deletes a key; missing keys are not an error. */
  delete(key: string): Promise<void>
  /** Every key matching a glob (`*` wildcard only), at most `limit` of them. */
  keys(glob: string, limit?: number): Promise<string[]>
}

/** Replaces characters State keys do not allow with `_` (keys are then still unique enough for ids). */
export function safeKeyPart(raw: string): string {
  return raw.replace(/[^a-zA-Z0-9-_.]/g, '_')
}

interface StateLike {
  get(key: string): Promise<{ value: string } | undefined>
  put(key: string, value: string, opts?: { ttl?: number }): Promise<string>
  delete(key: string): Promise<string | null>
  list(opts: { match: string }): AsyncGenerator<{ keys: string[] }>
}

/** Wraps an initialised aio-lib-state client. */
export function fromAioState(state: StateLike): KvStore {
  return {
    async get(key) {
      const res = await state.get(key)
      return res?.value
    },
    async put(key, value, ttlSeconds) {
      await state.put(
        key,
        value,
        ttlSeconds === undefined ? undefined : { ttl: Math.min(ttlSeconds, MAX_TTL_SECONDS) },
      )
    },
    async delete(key) {
      await state.delete(key)
    },
    async keys(glob, limit = Infinity) {
      const out: string[] = []
      for await (const { keys } of state.list({ match: glob })) {
        for (const k of keys) {
          out.push(k)
          if (out.length >= limit) return out
        }
      }
      return out
    },
  }
}

/** The warm container's State client, and the credentials/endpoint it was opened for. */
let opened: { identity: string; store: Promise<KvStore> } | undefined

/**
 * Opens the State store of the current Runtime namespace (credentials from `__OW_*` env,
 * endpoint from `AIO_STATE_ENDPOINT` when set — the local stack sets it).
 *
 * One client per warm container: the first call's promise is kept at module level and shared by
 * every later activation (and concurrent callers) of the container; a failed init is forgotten so
 * the next call retries. Should the namespace, credentials or endpoint in the env change (only
 * in-process tests and benches do that), a new client is opened for them.
 */
export function openStateStore(): Promise<KvStore> {
  const env = process.env
  const identity = [env.__OW_NAMESPACE, env.__OW_API_KEY, env.AIO_STATE_ENDPOINT].join('\u0000')
  if (opened?.identity === identity) return opened.store
  const store = (async () => {
    // Required lazily so unit tests of modules that import this file do not load the client.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stateLib = require('@adobe/aio-lib-state') as { init: () => Promise<StateLike> }
    return fromAioState(await stateLib.init())
  })()
  const entry = { identity, store }
  opened = entry
  store.catch(() => {
    if (opened === entry) opened = undefined
  })
  return store
}

/** In-memory store for unit tests; honours TTLs against the injected clock. */
export function createMemoryStore(clock: Pick<Clock, 'now'>): KvStore & { dump(): Map<string, string> } {
  const data = new Map<string, { value: string; expiresAt: number }>()
  const live = (key: string) => {
    const e = data.get(key)
    if (e && e.expiresAt <= clock.now()) data.delete(key)
    return data.get(key)
  }
  const toRegex = (glob: string) =>
    new RegExp(
      `^${glob
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
        .join('.*')}$`,
    )
  return {
    async get(key) {
      return live(key)?.value
    },
    async put(key, value, ttlSeconds) {
      const ttl = ttlSeconds === undefined || ttlSeconds === 0 ? 86400 : ttlSeconds
      data.set(key, { value, expiresAt: clock.now() + ttl * 1000 })
    },
    async delete(key) {
      data.delete(key)
    },
    async keys(glob, limit = Infinity) {
      const re = toRegex(glob)
      return [...data.keys()].filter((k) => live(k) && re.test(k)).slice(0, limit)
    },
    dump: () => new Map([...data.keys()].filter((k) => live(k)).map((k) => [k, data.get(k)!.value])),
  }
}
