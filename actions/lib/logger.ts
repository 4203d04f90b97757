/**
 * Logger factory with secret redaction. Every log line goes through `redact`, so a secret
 * passed by mistake (a whole params object, a header map) never reaches Runtime's logs.
 */
import aioLogger from '@adobe/aio-lib-core-logging'

/** Minimal logger interface the core depends on (so tests can pass a capturing fake). */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void
  info(message: string, meta?: Record<string, unknown>): void
  warn(message: string, meta?: Record<string, unknown>): void
  error(message: string, meta?: Record<string, unknown>): void
}

const SECRET_KEY =
  /secret|password|passwd|token|authorization|api[-_]?key|signature|credential|private|cookie|^__ow_headers$|^__adobe_headers$/i
const SECRET_VALUE = /(whsec_[A-Za-z0-9+/=]+)|(Bearer\s+[A-Za-z0-9._~+/=-]+)|(Basic\s+[A-Za-z0-9+/=]+)/g

/** Returns a copy of `value` with secret-looking keys and values replaced by `[REDACTED]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[…]'
  if (typeof value === 'string') return value.replace(SECRET_VALUE, '[REDACTED]')
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) ? '[REDACTED]' : redact(v, depth + 1)
    }
    return out
  }
  return value
}

/** Structured fields every line of one activation carries, such as the correlation id. */
export type LogContext = Record<string, string | number | undefined>

/**
 * Creates a logger writing through `@adobe/aio-lib-core-logging` (not the aio-sdk meta package:
 * it would add ~6 MB to each bundle). Meta objects are redacted and serialised as JSON.
 */
export function createLogger(name: string, level = 'info', context: LogContext = {}): Logger {
  const base = aioLogger(name, { level, provider: 'winston' })
  const line = (message: string, meta?: Record<string, unknown>): string => {
    const merged = { ...context, ...(meta ?? {}) }
    const clean = Object.keys(merged).length ? ` ${JSON.stringify(redact(merged))}` : ''
    return `${redact(message) as string}${clean}`
  }
  return {
    debug: (m, meta) => base.debug(line(m, meta)),
    info: (m, meta) => base.info(line(m, meta)),
    warn: (m, meta) => base.warn(line(m, meta)),
    error: (m, meta) => base.error(line(m, meta)),
  }
}
