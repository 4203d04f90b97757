/**
 * State API authentication: `Authorization: Basic base64(uuid:key)` must be exactly the credential
 * configured for the namespace named in the URL. Anything else (no header, an unknown pair, or a
 * valid pair of another namespace) is 401, so namespaces are fully isolated.
 */
import type { IncomingMessage } from 'node:http'
import { basicCredentials, safeEqual, StackHttpError } from '../http-kit'
import type { NamespaceAuth } from '../stack-config'

/** Throws a 401 StackHttpError unless the request carries `namespace`'s credential. */
export function authenticate(req: IncomingMessage, namespace: string, namespaces: NamespaceAuth): void {
  const presented = basicCredentials(req)
  if (presented === undefined) {
    throw new StackHttpError(401, 'missing Basic credentials (Authorization: Basic base64(uuid:key))', {
      'www-authenticate': 'Basic realm="state"',
    })
  }
  const expected = namespaces.get(namespace)
  // Compare even when the namespace is unknown so timing does not reveal which namespaces exist.
  const match = safeEqual(presented, expected ?? '\u0000unknown-namespace')
  if (!match || expected === undefined) {
    throw new StackHttpError(401, 'credentials are not valid for this namespace')
  }
}
