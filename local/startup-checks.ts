/**
 * Configuration mistakes `npm start` reports before it starts anything, each with its fix. Without
 * them the stack starts "fine" and then every ingestion request is a 401, or the default
 * subscription is silently not delivered to. The checks reuse the actions' own rules (the
 * ingestion auth strategies, the delivery configuration with its URL policy), so they cannot
 * disagree with what the deployed actions would do.
 */
import { checkAuthentication } from '../actions/ingestion/webhook/auth'
import { loadDeliveryConfig } from '../actions/lib/delivery/delivery-config'

/** One problem and how to fix it. */
export interface StartupProblem {
  problem: string
  fix: string
}

/** Problems of the effective environment `npm start` will give the actions (after its defaults). */
export function startupProblems(env: NodeJS.ProcessEnv): StartupProblem[] {
  const problems: StartupProblem[] = []
  // An empty request: a configured strategy refuses it for a missing credential; a misconfigured
  // one says so first, which is the case we report.
  const auth = checkAuthentication(
    { ...env, __ow_headers: {}, __ow_body: '' },
    { rawBody: Buffer.alloc(0), nowSeconds: Math.floor(Date.now() / 1000) },
  )
  if (!auth.success && /misconfigured|not configured/.test(auth.message)) {
    problems.push({
      problem: auth.message.replace(/;.*$/, ''),
      fix: 'set INGESTION_AUTH to hmac, token, basic or none in .env with what it needs (README "Ingestion webhook"), or remove it to use the generated HMAC secret',
    })
  }
  try {
    loadDeliveryConfig({ ...env })
  } catch (err) {
    const message = (err as Error).message.replace(/^Action configuration error: /, '')
    problems.push({
      problem: `the default subscription (WEBHOOK_URL) would not be delivered to: ${message}`,
      fix: /WEBHOOK_URL:/.test(message)
        ? 'for a receiver on this machine add WEBHOOK_URL_ALLOWLIST=http://127.0.0.1:* to .env (local only; on Adobe use a public https URL)'
        : 'fix the WEBHOOK_* values in .env (see .env.example, section "Publisher and admin")',
    })
  }
  return problems
}

/** The problems as lines for the terminal. */
export function formatStartupProblems(problems: readonly StartupProblem[]): string[] {
  return problems.flatMap((p, i) => [`  ${i + 1}. ${p.problem}`, `     fix: ${p.fix}`])
}
