/**
 * Secrets for the local quickstart. With no `.env`, `npm start` must still be secure by default
 * (no open ingestion endpoint), so it generates an ingestion secret and a demo subscription secret
 * once and keeps them in `DATA_DIR/dev-secrets.json`; `npm run send` reads the same file.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { generateSecret } from '../actions/lib/webhook-signature'

/** Secrets generated for local development. */
export interface DevSecrets {
  INGESTION_SECRET: string
  DEMO_WEBHOOK_SECRET: string
}

/** File name inside DATA_DIR. */
const DEV_SECRETS_FILE = 'dev-secrets.json'

/** Reads the dev secrets if `npm start` created them; undefined when absent, incomplete or corrupt. */
export function readDevSecrets(dataDir: string): DevSecrets | undefined {
  const file = path.join(dataDir, DEV_SECRETS_FILE)
  if (!fs.existsSync(file)) return undefined
  try {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DevSecrets> | null
    return saved?.INGESTION_SECRET && saved.DEMO_WEBHOOK_SECRET ? (saved as DevSecrets) : undefined
  } catch {
    return undefined
  }
}

/** Reads the dev secrets of `dataDir`, creating them (mode 0600) when absent or unreadable. */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const saved = readDevSecrets(dataDir)
  if (saved) return saved
  const secrets: DevSecrets = { INGESTION_SECRET: generateSecret(), DEMO_WEBHOOK_SECRET: generateSecret() }
  fs.mkdirSync(dataDir, { recursive: true })
  fs.writeFileSync(path.join(dataDir, DEV_SECRETS_FILE), JSON.stringify(secrets, null, 2), { mode: 0o600 })
  return secrets
}

/** The local Commerce integration's credentials (what Commerce shows under Integration Details). */
export interface CommerceIntegrationSecrets {
  consumerKey: string
  consumerSecret: string
  accessToken: string
  accessTokenSecret: string
}

/** File name inside DATA_DIR of the local Commerce integration. */
const COMMERCE_INTEGRATION_FILE = 'commerce-integration.json'

/**
 * The local Commerce integration of `dataDir`, generated once (mode 0600) like the other dev
 * secrets: 32 lower-case alphanumerics each, the form Commerce generates.
 */
export function loadOrCreateCommerceIntegration(dataDir: string): CommerceIntegrationSecrets {
  const file = path.join(dataDir, COMMERCE_INTEGRATION_FILE)
  try {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<CommerceIntegrationSecrets> | null
    if (saved?.consumerKey && saved.consumerSecret && saved.accessToken && saved.accessTokenSecret)
      return saved as CommerceIntegrationSecrets
  } catch {
    // absent or corrupt: generate
  }
  const token = (): string => randomBytes(16).toString('hex')
  const secrets = {
    consumerKey: token(),
    consumerSecret: token(),
    accessToken: token(),
    accessTokenSecret: token(),
  }
  fs.mkdirSync(dataDir, { recursive: true })
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  return secrets
}
