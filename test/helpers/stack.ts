/**
 * Starts the real local stack for an integration test: free port, temp DATA_DIR, quiet.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startStack, type Stack, type StartOptions } from '../../local/stack'

/** A stack plus the temp folder it owns. */
export interface TestStack extends Stack {
  dataDir: string
}

/** Creates an empty temp directory for a stack's DATA_DIR. */
export function tempDataDir(prefix = 'ceh-'): string {
  // Under the run's temp root (set by global-setup, removed by global-teardown) when there is one.
  return fs.mkdtempSync(path.join(process.env.CEH_TEST_TMP ?? os.tmpdir(), prefix))
}

/** Starts a stack on a free port. Pass `config.dataDir` to reuse a folder (restart tests). */
export async function startTestStack(options: StartOptions = {}): Promise<TestStack> {
  const dataDir = options.config?.dataDir ?? tempDataDir()
  const stack = await startStack({
    quiet: true,
    env: {},
    ...options,
    config: { port: 0, ...options.config, dataDir },
  })
  return { ...stack, dataDir }
}

/** The env a Runtime action (or a client in a test) would have to talk to this stack. */
export function clientEnv(stack: Stack, namespace = stack.config.namespace): Record<string, string> {
  return {
    __OW_API_HOST: stack.baseUrl,
    __OW_API_KEY: stack.config.namespaces.get(namespace) ?? '',
    __OW_NAMESPACE: namespace,
    AIO_STATE_ENDPOINT: `${stack.baseUrl}/state`,
  }
}
