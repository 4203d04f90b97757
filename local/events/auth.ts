/**
 * The IMS checks the I/O Events gateway does, played locally: every management, journal and
 * ingress call carries `Authorization: Bearer <token>` and `x-api-key`; management calls also carry
 * `x-ims-org-id`. Locally the one valid token is `config.imsToken` and the one org `config.imsOrgId`.
 */
import type { IncomingMessage } from 'node:http'
import { safeEqual, StackHttpError } from '../http-kit'

/** What a route requires. */
export interface AuthRule {
  /** Require `x-ims-org-id` (management API). */
  org: boolean
  /** Require `x-api-key`. */
  apiKey: boolean
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name]
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
}

/**
 * Checks the request's credentials; returns the API key (the ingress throttling key).
 * Missing or wrong credentials → 401; a valid token for another org → 403. Never echoes a secret.
 */
export function authenticate(
  req: IncomingMessage,
  expected: { imsToken: string; imsOrgId: string },
  rule: AuthRule,
): string {
  const missing: string[] = []
  const auth = header(req, 'authorization')
  const apiKey = header(req, 'x-api-key')
  const org = header(req, 'x-ims-org-id')
  if (!auth || !/^bearer\s+\S/i.test(auth)) missing.push('Authorization: Bearer <token>')
  if (rule.apiKey && !apiKey) missing.push('x-api-key')
  if (rule.org && !org) missing.push('x-ims-org-id')
  if (missing.length) throw new StackHttpError(401, `missing required header(s): ${missing.join(', ')}`)
  const token = auth!.replace(/^bearer\s+/i, '')
  if (!safeEqual(token, expected.imsToken)) throw new StackHttpError(401, 'invalid or expired access token')
  if (rule.org && org !== expected.imsOrgId) {
    throw new StackHttpError(403, 'x-ims-org-id does not match the organization of the access token')
  }
  return apiKey ?? ''
}
