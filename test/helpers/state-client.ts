/**
 * The real `@adobe/aio-lib-state` client pointed at a local stack. The library reads
 * AIO_STATE_ENDPOINT once, when its module loads, so each stack (each port) gets its own fresh copy
 * of the module through jest.isolateModules (or a plain require outside jest).
 */
import type { AdobeState } from '@adobe/aio-lib-state'
import type { Stack } from '../../local/stack'

type StateLib = typeof import('@adobe/aio-lib-state')

const libs = new WeakMap<object, StateLib>()

/** Loads a copy of the library whose endpoint is `baseUrl/state`. */
export function loadStateLib(baseUrl: string): StateLib {
  const previous = process.env.AIO_STATE_ENDPOINT
  process.env.AIO_STATE_ENDPOINT = `${baseUrl}/state`
  try {
    let lib: StateLib | undefined
    const load = (): void => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      lib = require('@adobe/aio-lib-state') as StateLib
    }
    if (typeof jest !== 'undefined') jest.isolateModules(load)
    else load()
    return lib as StateLib
  } finally {
    if (previous === undefined) delete process.env.AIO_STATE_ENDPOINT
    else process.env.AIO_STATE_ENDPOINT = previous
  }
}

/**
 * A client for `namespace` of `stack` (default: the app's namespace), authenticated with `auth`
 * (default: that namespace's configured `uuid:key`).
 */
export async function stateClient(
  stack: Pick<Stack, 'baseUrl' | 'config'>,
  namespace = stack.config.namespace,
  auth = stack.config.namespaces.get(namespace) ?? '',
): Promise<AdobeState> {
  let lib = libs.get(stack)
  if (!lib) libs.set(stack, (lib = loadStateLib(stack.baseUrl)))
  return lib.init({ ow: { namespace, auth } })
}
