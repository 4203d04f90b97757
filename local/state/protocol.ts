/**
 * The limits and request parameters of the aio-lib-state v5 HTTP protocol, validated the way the
 * real State service validates them. Every parser throws a 400 StackHttpError that names the
 * offending parameter (never echoes a value that could be large or secret).
 *
 * Sources: @adobe/aio-lib-state lib/constants.js and lib/AdobeState.js (what the client sends) and
 * docs/platform-notes.md (what the service answers).
 */
import { StackHttpError } from '../http-kit'

/** Longest key in characters (the client's MAX_KEY_SIZE, 1 KB). */
const MAX_KEY_LENGTH = 1024
/** Largest value in bytes: 1 MiB. One byte more is a 413 (the client's e2e suite uses 1 MiB + 1). */
export const MAX_VALUE_BYTES = 1024 * 1024
/** Longest TTL: 365 days, in seconds (the client's MAX_TTL_SECONDS). */
export const MAX_TTL_SECONDS = 365 * 24 * 60 * 60
/** TTL applied when the put has no `ttl` or `ttl=0`. */
const DEFAULT_TTL_SECONDS = 86_400
/**
 * Keys scanned per list call. Adobe's State service lists like a Redis SCAN: each call scans the
 * next 1,000 keys of the whole container and returns only the matching ones with the next cursor,
 * so a listing costs ceil(keys / 1000) calls whatever `match` is, and pages may be empty before the
 * end (the v5 client's doc: "List keys, returns an iterator. Every call scans 1000 keys"; it loops
 * until the cursor is 0, lib/AdobeState.js `list`).
 */
export const LIST_SCAN_SIZE = 1000

/** Keys: `[a-zA-Z0-9-_.]`, 1 to 1024 characters (REGEX_PATTERN_STORE_KEY). */
const KEY_PATTERN = new RegExp(`^[a-zA-Z0-9-_.]{1,${MAX_KEY_LENGTH}}$`)
/** Globs for list/deleteAll: key characters plus `*`, the only wildcard (REGEX_PATTERN_MATCH_KEY). */
const MATCH_PATTERN = new RegExp(`^[a-zA-Z0-9-_.*]{1,${MAX_KEY_LENGTH}}$`)
/**
 * Runtime namespaces as the State service knows them (REGEX_PATTERN_STORE_NAMESPACE). The v5
 * client declares this pattern but does not check it; the service only ever sees real Runtime
 * namespaces, which all match. We enforce it (the stricter choice) so a local namespace the cloud
 * could never have fails here too.
 */
export const NAMESPACE_PATTERN = /^(development-)?([0-9]{3,10})-([a-z0-9]{1,20})(-([a-z0-9]{1,20}))?$/

/** Decodes one URL path segment; malformed percent-encoding is a 400, not a crash. */
export function decodeSegment(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new StackHttpError(400, `${what} in the URL path is not valid percent-encoding`)
  }
}

/** Checks a key against the key pattern. */
export function parseKey(key: string): string {
  if (!KEY_PATTERN.test(key)) {
    throw new StackHttpError(
      400,
      `key must match ${KEY_PATTERN.source} (letters, digits, '-', '_', '.'; 1 to ${MAX_KEY_LENGTH} characters)`,
    )
  }
  return key
}

/** Checks a namespace against the State namespace pattern. */
export function parseNamespace(namespace: string): string {
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new StackHttpError(400, `namespace must match ${NAMESPACE_PATTERN.source}`)
  }
  return namespace
}

/**
 * The `ttl` query parameter in seconds: absent or 0 means the 1-day default; it must be a whole
 * number no larger than 365 days (there is no infinite TTL in v5).
 */
export function parseTtlSeconds(raw: string | null): number {
  if (raw === null || raw === '') return DEFAULT_TTL_SECONDS
  if (!/^\d{1,12}$/.test(raw)) {
    throw new StackHttpError(400, `ttl must be a whole number of seconds between 0 and ${MAX_TTL_SECONDS}`)
  }
  const ttl = Number(raw)
  if (ttl > MAX_TTL_SECONDS) {
    throw new StackHttpError(
      400,
      `ttl must be <= 365 days (${MAX_TTL_SECONDS} s); infinite TTLs are not supported`,
    )
  }
  return ttl === 0 ? DEFAULT_TTL_SECONDS : ttl
}

/** A `match`/`matchData` glob; `name` is the query parameter, for the message. */
export function parseMatch(raw: string, name: string): string {
  if (!MATCH_PATTERN.test(raw)) {
    throw new StackHttpError(
      400,
      `${name} must match ${MATCH_PATTERN.source} ('*' is the only wildcard; 1 to ${MAX_KEY_LENGTH} characters)`,
    )
  }
  return raw
}

/** The list `cursor`: absent means the start; otherwise a non-negative integer the service handed out. */
export function parseCursor(raw: string | null): number {
  if (raw === null || raw === '') return 0
  if (!/^\d{1,15}$/.test(raw)) throw new StackHttpError(400, 'cursor must be a non-negative integer')
  return Number(raw)
}
