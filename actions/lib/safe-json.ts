/**
 * The one JSON parse for untrusted bodies (admin actions, ingestion, the local stack's HTTP
 * surfaces): `JSON.parse` plus an iterative, depth-bounded walk that refuses prototype keys.
 *
 * Why a walk after `JSON.parse` rather than a reviver: `JSON.parse` itself copes with 100K-deep
 * input (V8's parser is iterative), but whatever touches the document next — `JSON.stringify`,
 * structured clone to a worker, Joi, a recursive merge — is recursive and overflows the stack.
 * Bounding the depth here, without recursion, keeps that from becoming a 500 or a crash.
 *
 * `__proto__`, `constructor` and `prototype` are own data properties after `JSON.parse`, harmless
 * until code copies them with assignment (`obj[k] = v`, `Object.assign`), where `__proto__`
 * replaces the target's prototype and smuggles fields past unknown-key checks. Refusing them at
 * the parse keeps every later copy safe without auditing each one.
 */

/** Keys that reach object prototypes when copied by assignment. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** Default nesting bound for the app's own bodies (events and admin requests are shallow). */
const DEFAULT_MAX_DEPTH = 32

/**
 * Why a body was refused. Messages name the problem and a path, never the payload, and read as a
 * predicate (`is not valid JSON`) so each caller prefixes its subject (`Request body …`).
 */
export class UnsafeJsonError extends Error {
  constructor(
    readonly reason: 'syntax' | 'depth' | 'prototype-key',
    message: string,
    /** Printable paths of the offending keys (`prototype-key`). */
    readonly paths: string[] = [],
  ) {
    super(message)
    this.name = 'UnsafeJsonError'
  }
}

/** Options of a check. */
export interface SafeJsonOptions {
  /** Deepest nesting accepted (objects and arrays count one level each). */
  maxDepth?: number
  /**
   * `refuse` (default): a prototype key anywhere is an error. `keep`: only the depth is checked —
   * for emulated platform surfaces that must pass such keys through as the real service does.
   */
  prototypeKeys?: 'refuse' | 'keep'
}

/** A key safe to quote back: printable ASCII, at most 64 characters. */
function printable(raw: string): string {
  const clean = raw.replace(/[^\x20-\x7e]/g, '?')
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean
}

function pathText(path: (string | number)[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${printable(p)}`)).join('') ||
    '(root)'
  )
}

/**
 * Checks an already parsed value (e.g. web action params the platform parsed) without recursion.
 * @throws UnsafeJsonError (`depth` or `prototype-key`)
 */
export function assertSafeJson(value: unknown, options: SafeJsonOptions = {}): void {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  const refuseKeys = (options.prototypeKeys ?? 'refuse') === 'refuse'
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }]
  const forbidden: string[] = []
  while (stack.length) {
    const { value: v, path } = stack.pop()!
    if (!v || typeof v !== 'object') continue
    if (path.length >= maxDepth)
      throw new UnsafeJsonError('depth', `nests deeper than ${maxDepth} levels at ${pathText(path)}`)
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], path: [...path, i] })
      continue
    }
    for (const k of Object.keys(v)) {
      if (refuseKeys && PROTOTYPE_KEYS.has(k)) forbidden.push(pathText([...path, k]))
      else stack.push({ value: (v as Record<string, unknown>)[k], path: [...path, k] })
    }
  }
  if (forbidden.length)
    throw new UnsafeJsonError(
      'prototype-key',
      `contains forbidden keys: ${forbidden.slice(0, 10).join(', ')}`,
      forbidden,
    )
}

/**
 * Parses untrusted JSON text and checks it (see the module comment).
 * @throws UnsafeJsonError; a `syntax` message never quotes the input
 */
export function parseSafeJson(text: string, options: SafeJsonOptions = {}): unknown {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    // JSON.parse messages quote the input (which may hold secrets), so they are not passed on.
    throw new UnsafeJsonError('syntax', 'is not valid JSON')
  }
  assertSafeJson(doc, options)
  return doc
}
