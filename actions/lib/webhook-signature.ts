/**
 * The Standard Webhooks signing scheme (https://www.standardwebhooks.com), used both to sign
 * our outgoing deliveries and to verify signed ingestion requests. Signed content is
 * `${id}.${timestamp}.${body}`, HMAC-SHA256 keyed with the base64-decoded `whsec_` secret.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const PREFIX = 'whsec_'

/** Default tolerance between the sender's timestamp and our clock. */
const DEFAULT_TOLERANCE_SECONDS = 5 * 60

/** Generates a new `whsec_` secret from 32 random bytes. */
export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString('base64')
}

/** True when `secret` is a `whsec_` secret whose key decodes to 24–64 bytes. */
export function isValidSecret(secret: string): boolean {
  if (!secret.startsWith(PREFIX)) return false
  const b64 = secret.slice(PREFIX.length)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false
  const len = Buffer.from(b64, 'base64').length
  return len >= 24 && len <= 64
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64')
}

/** `v1,<base64 HMAC>` for one secret. */
function signOne(secret: string, id: string, timestampSeconds: number, body: string | Buffer): string {
  const mac = createHmac('sha256', keyOf(secret))
  mac.update(`${id}.${timestampSeconds}.`)
  mac.update(body)
  return `v1,${mac.digest('base64')}`
}

/** The three Standard Webhooks headers. */
export type SignatureHeaders = {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/**
 * Signs a body with one or more secrets (several during rotation: receivers accept any match).
 */
export function signHeaders(
  secrets: string[],
  id: string,
  timestampSeconds: number,
  body: string | Buffer,
): SignatureHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signOne(s, id, timestampSeconds, body)).join(' '),
  }
}

/** Why a verification failed; messages are safe to return to the caller (no secrets). */
export type VerifyResult = { ok: true } | { ok: false; reason: string }

/**
 * Verifies Standard Webhooks headers against a raw body and any of `secrets`.
 * Compares in constant time; rejects timestamps outside `toleranceSeconds` of `nowSeconds`.
 */
export function verifySignature(
  secrets: string[],
  headers: Record<string, string | undefined>,
  body: string | Buffer,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
  const id = headers['webhook-id']
  const ts = headers['webhook-timestamp']
  const sig = headers['webhook-signature']
  const missing = [!id && 'webhook-id', !ts && 'webhook-timestamp', !sig && 'webhook-signature'].filter(
    Boolean,
  )
  if (missing.length) return { ok: false, reason: `missing header(s): ${missing.join(', ')}` }
  if (!/^\d{1,12}$/.test(ts!)) return { ok: false, reason: 'webhook-timestamp must be Unix seconds' }
  const t = Number(ts)
  if (t < nowSeconds - toleranceSeconds) return { ok: false, reason: 'webhook-timestamp is too old' }
  if (t > nowSeconds + toleranceSeconds) return { ok: false, reason: 'webhook-timestamp is in the future' }
  const candidates = sig!
    .split(' ')
    .filter((p) => p.startsWith('v1,'))
    .map((p) => Buffer.from(p.slice(3), 'base64'))
  if (!candidates.length) return { ok: false, reason: 'webhook-signature has no v1 signature' }
  for (const secret of secrets) {
    const expected = Buffer.from(signOne(secret, id!, t, body).slice(3), 'base64')
    for (const c of candidates) {
      if (c.length === expected.length && timingSafeEqual(c, expected)) return { ok: true }
    }
  }
  return { ok: false, reason: 'webhook-signature does not match' }
}
