/**
 * Runs the real local stack in a child process for crash tests (kill -9). Configured by env:
 * DATA_DIR (required) and PORT (default 0 = a free port). Prints one JSON line
 * `{"port", "baseUrl"}` to stdout once the stack is ready, then serves until killed.
 *
 * Usage: node -r ts-node/register/transpile-only test/helpers/stack-child.ts
 */
import { startStack } from '../../local/stack'

const dataDir = process.env.DATA_DIR
if (!dataDir) {
  console.error('stack-child: DATA_DIR is required')
  process.exit(2)
}

startStack({ quiet: true, env: {}, config: { port: Number(process.env.PORT ?? 0), dataDir } }).then(
  (stack) => {
    process.stdout.write(`${JSON.stringify({ port: stack.port, baseUrl: stack.baseUrl })}\n`)
    const stop = (): void => void stack.close().then(() => process.exit(0))
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  },
  (err: Error) => {
    console.error(`stack-child: failed to start: ${err.message}`)
    process.exit(1)
  },
)
