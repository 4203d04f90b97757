/**
 * The credentials `npm run send` presents to the ingestion webhook: whatever `INGESTION_AUTH`
 * configures, read with the same input names the action reads (actions/ingestion/webhook/auth.ts),
 * so a stack configured for token or basic authentication is sent to as it expects.
 */
import { randomUUID } from 'node:crypto'
import { configuredSecrets, DEFAULT_TOKEN_HEADER } from '../actions/ingestion/webhook/auth'
import { signHeaders } from '../actions/lib/webhook-signature'

/** Where the credentials come from: the environment (.env) and npm start's generated secret. */
export interface CredentialSource {
  env: NodeJS.ProcessEnv
  /** The HMAC secret `npm start` generated (DATA_DIR/dev-secrets.json) when .env sets no auth. */
  devSecret?: string
  /** Named in errors: where the dev secret was looked for. */
  devSecretsDir: string
}

/**
 * Request headers that authenticate `body` under the configured strategy.
 * @throws Error naming the missing variable (never a value) when the strategy lacks one.
 */
export function ingestionAuthHeaders(
  source: CredentialSource,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const { env } = source
  const strategy = (env.INGESTION_AUTH ?? '').trim().toLowerCase()
  const secrets = configuredSecrets({ INGESTION_SECRET: env.INGESTION_SECRET })
  switch (strategy) {
    case '': {
      // npm start's default: HMAC with the generated secret.
      const secret = secrets[0] ?? source.devSecret
      if (!secret)
        throw new Error(
          `no INGESTION_SECRET in .env and no generated secret in ${source.devSecretsDir} (dev-secrets.json): ` +
            'start the stack once with `npm start`, or set DATA_DIR to the folder it uses',
        )
      return signHeaders([secret], `msg_${randomUUID()}`, nowSeconds, body)
    }
    case 'hmac':
      if (!secrets.length) throw new Error('INGESTION_AUTH=hmac needs INGESTION_SECRET (whsec_…) in .env')
      return signHeaders(secrets.slice(0, 1), `msg_${randomUUID()}`, nowSeconds, body)
    case 'token': {
      if (!secrets.length) throw new Error('INGESTION_AUTH=token needs INGESTION_SECRET in .env')
      const header = (env.INGESTION_TOKEN_HEADER || DEFAULT_TOKEN_HEADER).toLowerCase()
      return { [header]: header === 'authorization' ? `Bearer ${secrets[0]}` : secrets[0] }
    }
    case 'basic': {
      const user = env.INGESTION_BASIC_USER
      const password = env.INGESTION_BASIC_PASSWORD
      if (!user || !password)
        throw new Error(
          'INGESTION_AUTH=basic needs INGESTION_BASIC_USER and INGESTION_BASIC_PASSWORD in .env',
        )
      return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
    }
    case 'none':
      return {}
    default:
      throw new Error(`INGESTION_AUTH=${strategy} is not a strategy: use hmac, token, basic or none`)
  }
}
