/**
 * `npm start`: runs the local stack on PORT until Ctrl-C.
 */
import { startStack } from './stack'

async function main(): Promise<void> {
  const stack = await startStack()
  console.log(`[local] commerce-event-hub local stack on ${stack.baseUrl}`)
  for (const line of stack.banner) console.log(`[local] ${line}`)
  console.log('[local] press Ctrl-C to stop')
  const stop = async (): Promise<void> => {
    console.log('[local] stopping…')
    await stack.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

main().catch((err: Error) => {
  console.error(`[local] failed to start: ${err.message}`)
  process.exit(1)
})
