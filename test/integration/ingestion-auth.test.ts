/**
 * Every built-in authentication strategy of the ingestion webhook, each configured the way a
 * user would (env → the manifest's `$VAR` inputs) on its own local stack, driven over plain HTTP.
 * (hmac is covered in depth by ingestion.test.ts.)
 */
import { execFile } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { eventIdFor } from '../../actions/ingestion/webhook/cloud-event'
import {
  eventBody,
  ingestionEnv,
  journalEvents,
  journalFor,
  onboardBackoffice,
  post,
  startIngestionStack,
  waitFor,
  type IngestionStack,
} from './ingestion-harness'

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
})
const published = {
  status: 200,
  body: {
    type: 'be-observer.catalog_product_create',
    response: { success: true, message: 'Event published successfully' },
  },
}
const denied = (error: string | RegExp) => ({
  status: 401,
  body: { error: typeof error === 'string' ? error : expect.stringMatching(error) },
})

interface Case {
  name: string
  env: NodeJS.ProcessEnv
  /** Headers that authenticate. */
  valid?: Record<string, string>
  /** Requests that must be refused: name, headers, expected 401 message. */
  invalid: [string, Record<string, string>, string | RegExp][]
}

const CASES: Case[] = [
  {
    name: 'token (default header x-webhook-token)',
    env: ingestionEnv({
      INGESTION_AUTH: 'token',
      INGESTION_SECRET: 'tok-new-0123456789',
      INGESTION_SECRETS_PREVIOUS: 'tok-old-0123456789',
    }),
    valid: { 'x-webhook-token': 'tok-new-0123456789' },
    invalid: [
      [
        'a wrong token',
        { 'x-webhook-token': 'tok-new-0123456780' },
        'Invalid token in header x-webhook-token',
      ],
      ['no token', {}, 'Missing authentication header x-webhook-token'],
      [
        'the token as a Bearer',
        { authorization: 'Bearer tok-new-0123456789' },
        'Missing authentication header x-webhook-token',
      ],
    ],
  },
  {
    name: 'token (configured header, rotated previous token)',
    env: ingestionEnv({
      INGESTION_AUTH: 'token',
      INGESTION_SECRET: 'tok-new-0123456789',
      INGESTION_SECRETS_PREVIOUS: 'tok-old-0123456789',
      INGESTION_TOKEN_HEADER: 'X-Backoffice-Key',
    }),
    valid: { 'x-backoffice-key': 'tok-old-0123456789' },
    invalid: [
      [
        'the default header',
        { 'x-webhook-token': 'tok-new-0123456789' },
        'Missing authentication header x-backoffice-key',
      ],
    ],
  },
  {
    name: 'basic',
    env: ingestionEnv({
      INGESTION_AUTH: 'basic',
      INGESTION_BASIC_USER: 'backoffice',
      INGESTION_BASIC_PASSWORD: 'correct horse:battery',
    }),
    valid: basic('backoffice', 'correct horse:battery'),
    invalid: [
      ['a wrong password', basic('backoffice', 'correct horse'), 'Invalid Basic credentials'],
      ['a wrong user', basic('admin', 'correct horse:battery'), 'Invalid Basic credentials'],
      ['no credentials', {}, 'Missing Basic credentials (Authorization: Basic base64(user:password))'],
    ],
  },
  {
    name: 'none (explicit)',
    env: ingestionEnv({ INGESTION_AUTH: 'none', INGESTION_SECRET: '' }),
    valid: {},
    invalid: [],
  },
  {
    name: 'nothing configured (secure by default)',
    env: ingestionEnv({ INGESTION_AUTH: '', INGESTION_SECRET: '' }),
    invalid: [
      [
        'an unauthenticated request',
        {},
        /^Ingestion authentication is not configured: set INGESTION_AUTH to hmac/,
      ],
      [
        'any credentials',
        { 'x-webhook-token': 'x', ...basic('a', 'b') },
        /^Ingestion authentication is not configured/,
      ],
    ],
  },
  {
    name: 'hmac without a secret (misconfigured: fails closed)',
    env: ingestionEnv({ INGESTION_AUTH: 'hmac', INGESTION_SECRET: '', INGESTION_SECRETS_PREVIOUS: '' }),
    invalid: [
      [
        'a request',
        {},
        /^Ingestion authentication is misconfigured: INGESTION_AUTH=hmac needs INGESTION_SECRET/,
      ],
    ],
  },
]

describe.each(CASES)('INGESTION_AUTH $name', ({ env, valid, invalid }) => {
  let app: IngestionStack
  let journal: string
  beforeAll(async () => {
    app = await startIngestionStack(env)
    const providerId = await onboardBackoffice(app.events)
    journal = await journalFor(app.events, providerId)
  })
  afterAll(async () => {
    await app?.close()
  })

  if (valid) {
    it('publishes an authenticated request', async () => {
      const body = eventBody()
      expect(await post(app.url, body, valid)).toEqual(published)
      const id = eventIdFor(body.data.uid as string)
      await waitFor(
        async () => (await journalEvents(app.events, journal)).some((e) => e.id === id),
        10_000,
        'the event in the journal',
      )
    })
  }

  if (valid) {
    it('npm run send authenticates as INGESTION_AUTH configures', async () => {
      // Only the ingestion variables of this case reach the script (plus PATH): hermetic.
      const childEnv: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        DATA_DIR: path.join(os.tmpdir(), 'no-dev-secrets-here'),
        ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('INGESTION_'))),
      }
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          'scripts/send.ts',
          'be-observer.catalog_product_create',
          '--url',
          app.url,
        ],
        { cwd: path.resolve(__dirname, '../..'), env: childEnv, timeout: 60_000 },
      )
      expect(stdout).toContain('200 OK')
      expect(stdout).toContain('"message": "Event published successfully"')
    })
  }

  if (invalid.length) {
    it.each(invalid)('refuses %s with 401 and publishes nothing', async (_n, headers, message) => {
      const body = eventBody()
      expect(await post(app.url, body, headers)).toEqual(denied(message))
      expect((await journalEvents(app.events, journal)).map((e) => e.id)).not.toContain(
        eventIdFor(body.data.uid as string),
      )
    })
  }
})
