/**
 * `npm start [-- --no-demo]`: the whole app on one machine. Builds and runs the actions in the
 * local stack (runtime, I/O Events, State) on PORT, onboards the providers and registrations,
 * and (unless --no-demo) starts a demo receiver subscribed to every event.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startStack, type Stack } from './stack'
import { loadStackConfig } from './stack-config'
import { loadOrCreateDevSecrets } from './dev-secrets'
import { startDemoReceiver, type DemoReceiver } from './demo-receiver'
import { loadOnboardingConfig } from '../onboarding/config-loader'
import { connectLocal } from '../onboarding/events-client'
import { reconcile, summarise } from '../onboarding/reconcile'
import { formatStartupProblems, startupProblems } from './startup-checks'

const say = (line = ''): void => console.log(line)

const USAGE = `usage: npm start [-- --no-demo]

Runs the whole app on this machine: builds the actions, starts the local OpenWhisk runtime,
I/O Events, State and Commerce on PORT (default 9080), onboards the providers and
registrations, and starts a demo receiver subscribed to every event.

  --no-demo   no demo receiver (WEBHOOK_URL from .env, if any, is the default subscription)
  --help      this text

Configuration comes from .env (see .env.example); data persists in DATA_DIR (default .local).`

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    say(USAGE)
    return
  }
  const unknown = argv.filter((a) => a !== '--no-demo')
  if (unknown.length) throw new Error(`unknown option ${unknown[0]} (npm start accepts --no-demo and --help)`)
  const demo = !argv.includes('--no-demo')
  const envFile = path.resolve(__dirname, '..', '.env')
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile)
  const env: NodeJS.ProcessEnv = { ...process.env }
  const { dataDir, port } = loadStackConfig(env)
  const secrets = loadOrCreateDevSecrets(dataDir)

  // Secure by default even locally: without explicit config the ingestion webhook requires an
  // HMAC signature made with a generated secret (`npm run send` uses the same file).
  if (!env.INGESTION_AUTH) {
    env.INGESTION_AUTH = 'hmac'
    env.INGESTION_SECRET = secrets.INGESTION_SECRET
  }

  // Commerce: unless .env names a real store, the actions use the local Commerce with the local
  // integration's OAuth 1.0a credentials (generated once into DATA_DIR/commerce-integration.json).
  if (!env.COMMERCE_BASE_URL && !env.LOCAL_COMMERCE) env.LOCAL_COMMERCE = 'integration'

  let receiver: DemoReceiver | undefined
  if (demo) {
    receiver = await startDemoReceiver(secrets.DEMO_WEBHOOK_SECRET)
    if (!env.WEBHOOK_URL) {
      env.WEBHOOK_URL = receiver.url
      env.WEBHOOK_SECRET = secrets.DEMO_WEBHOOK_SECRET
      env.WEBHOOK_EVENTS = '*'
    }
    // The URL policy refuses loopback targets unless allow-listed; the demo receiver is one.
    if (!env.WEBHOOK_URL_ALLOWLIST) env.WEBHOOK_URL_ALLOWLIST = 'http://127.0.0.1:*'
  }

  const problems = startupProblems(env)
  if (problems.length) {
    await receiver?.close()
    console.error(`[local] cannot start: ${problems.length} configuration problem(s)`)
    for (const line of formatStartupProblems(problems)) console.error(line)
    process.exit(1)
  }

  say(`[local] starting the local services on port ${port} (data in ${dataDir})…`)
  let stack: Stack
  try {
    stack = await startStack({ env })
  } catch (err) {
    await receiver?.close()
    throw err
  }
  const stop = async (): Promise<void> => {
    say('\n[local] stopping…')
    await stack.close()
    await receiver?.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())

  say('[local] onboarding the I/O Events providers and registrations (onboarding/config)…')
  const conn = await connectLocal(
    { baseUrl: stack.baseUrl, imsToken: stack.config.imsToken, imsOrgId: stack.config.imsOrgId },
    env,
  )
  const onboarding = await reconcile(conn.client, loadOnboardingConfig(), conn.target)
  const s = summarise(onboarding.steps)

  const ns = stack.config.namespace
  say(`[local] commerce-event-hub is running on ${stack.baseUrl}  (data in ${stack.config.dataDir})`)
  for (const line of stack.banner) say(`[local] ${line}`)
  say(`[local] onboarding: ${s.create} created, ${s.update} updated, ${s.unchanged} unchanged`)
  say('')
  say(
    `  Ingestion webhook:  POST ${stack.baseUrl}/api/v1/web/${ns}/ingestion/webhook  (auth: ${env.INGESTION_AUTH})`,
  )
  if (env.INGESTION_AUTH === 'none') {
    say('  WARNING: INGESTION_AUTH=none — anyone who can reach this URL can publish events.')
  }
  say('  Send a sample event: npm run send -- be-observer.catalog_product_create')
  say(
    env.LOCAL_COMMERCE
      ? `  Commerce (local):   ${stack.commerce.baseUrl}V1/products/PRODUCT_SKU  (Authorization: Bearer ${stack.config.imsToken}; actions use ${env.LOCAL_COMMERCE} auth)`
      : `  Commerce:           ${env.COMMERCE_BASE_URL} (from .env); the local one is still at ${stack.commerce.baseUrl}`,
  )
  if (receiver) {
    say(
      env.WEBHOOK_URL === receiver.url
        ? `  Demo receiver:      ${receiver.url}  (subscribed to every event; deliveries print below)`
        : `  Demo receiver:      ${receiver.url}  (not subscribed: WEBHOOK_URL is set in .env)`,
    )
  }
  say(
    `  Delivery logs:      GET ${stack.baseUrl}/api/v1/web/${ns}/admin/logs  (Authorization: Bearer ${stack.config.imsToken}, x-gw-ims-org-id: ${stack.config.imsOrgId})`,
  )
  say('  Debug Tracing:      npm run trace')
  say('  Stop:               Ctrl-C (data persists in DATA_DIR)')
  say('')
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`[local] failed to start: ${err.message}`)
  process.exit(1)
})
