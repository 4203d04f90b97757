/**
 * One typed loader for action inputs. Actions declare what they need; the loader reads
 * `params` once and reports *every* missing or malformed key in a single error, so a
 * misconfigured deployment is fixed in one round trip.
 */
import { ConfigError } from './errors'

/** How to read one config key from params. */
export interface ConfigField<T> {
  /** The param name, e.g. `INGESTION_SECRET`. */
  key: string
  /** Required keys missing from params are reported together. */
  required?: boolean
  /** Used when the key is absent or empty. */
  default?: T
  /** Converts the raw string (or value) into T; throw an Error whose message explains the expected form. */
  parse?: (raw: unknown) => T
}

/** A spec maps config property names to fields. */
export type ConfigSpec<C> = { [K in keyof C]: ConfigField<C[K]> }

function isEmpty(v: unknown): boolean {
  // `$VAR` placeholders that aio could not substitute arrive as empty strings.
  return v === undefined || v === null || v === ''
}

/**
 * Reads a typed config from action params.
 * @throws ConfigError naming every missing key and every key that failed to parse (values are never shown).
 */
export function loadConfig<C>(params: Record<string, unknown>, spec: ConfigSpec<C>): C {
  const out: Partial<C> = {}
  const missing: string[] = []
  const invalid: string[] = []
  for (const name of Object.keys(spec) as (keyof C)[]) {
    const field = spec[name]
    const raw = params[field.key]
    if (isEmpty(raw)) {
      if (field.required && field.default === undefined) missing.push(field.key)
      else out[name] = field.default
      continue
    }
    try {
      out[name] = (field.parse ? field.parse(raw) : raw) as C[keyof C]
    } catch (err) {
      invalid.push(`${field.key}: ${(err as Error).message}`)
    }
  }
  if (missing.length || invalid.length) {
    const parts: string[] = []
    if (missing.length) parts.push(`missing required inputs: ${missing.join(', ')}`)
    if (invalid.length) parts.push(`invalid inputs: ${invalid.join('; ')}`)
    throw new ConfigError(`Action configuration error: ${parts.join('; ')}`, missing)
  }
  return out as C
}

/** Parsers for common input types. */
export const parsers = {
  string: (raw: unknown): string => String(raw),
  int: (raw: unknown): number => {
    const n = typeof raw === 'number' ? raw : Number(String(raw).trim())
    if (!Number.isInteger(n)) throw new Error('expected an integer')
    return n
  },
  bool: (raw: unknown): boolean => {
    if (typeof raw === 'boolean') return raw
    const s = String(raw).trim().toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(s)) return true
    if (['false', '0', 'no', 'off'].includes(s)) return false
    throw new Error('expected true or false')
  },
  list: (raw: unknown): string[] =>
    (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((s) => s.trim()).filter(Boolean),
  oneOf:
    <T extends string>(...allowed: T[]) =>
    (raw: unknown): T => {
      const s = String(raw).trim() as T
      if (!allowed.includes(s)) throw new Error(`expected one of ${allowed.join(', ')}`)
      return s
    },
}

/** The log levels `@adobe/aio-lib-core-logging` (winston) understands. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'verbose', 'debug', 'silly'] as const

/** The `LOG_LEVEL` input every action reads (default `info`; a typo is a config error, not silence). */
export const logLevelField: ConfigField<string> = {
  key: 'LOG_LEVEL',
  default: 'info',
  parse: parsers.oneOf(...LOG_LEVELS),
}
