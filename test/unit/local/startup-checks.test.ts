/** What `npm start` refuses to start with, and says how to fix (the actions' own rules). */
import { formatStartupProblems, startupProblems } from '../../../local/startup-checks'

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
const ok = { INGESTION_AUTH: 'hmac', INGESTION_SECRET: SECRET }

describe('startupProblems', () => {
  test.each<[string, NodeJS.ProcessEnv]>([
    ['hmac with a secret', ok],
    ['token with a secret', { INGESTION_AUTH: 'token', INGESTION_SECRET: 's3cret-token-value' }],
    [
      'basic with user and password',
      { INGESTION_AUTH: 'basic', INGESTION_BASIC_USER: 'u', INGESTION_BASIC_PASSWORD: 'p' },
    ],
    ['none (open, warned about at start)', { INGESTION_AUTH: 'none' }],
    [
      'a loopback default subscription that is allow-listed',
      {
        ...ok,
        WEBHOOK_URL: 'http://127.0.0.1:4000/hook',
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_URL_ALLOWLIST: 'http://127.0.0.1:*',
      },
    ],
  ])('accepts %s', (_name, env) => {
    expect(startupProblems(env)).toEqual([])
  })

  test.each<[string, NodeJS.ProcessEnv, string, RegExp]>([
    [
      'an unknown INGESTION_AUTH',
      { INGESTION_AUTH: 'bogus' },
      'Ingestion authentication is misconfigured: INGESTION_AUTH must be one of hmac, token, basic, none',
      /set INGESTION_AUTH to hmac, token, basic or none/,
    ],
    [
      'token without its secret',
      { INGESTION_AUTH: 'token' },
      'Ingestion authentication is misconfigured: INGESTION_AUTH=token needs INGESTION_SECRET',
      /README "Ingestion webhook"/,
    ],
    [
      'a loopback default subscription the URL policy refuses',
      { ...ok, WEBHOOK_URL: 'http://127.0.0.1:4000/hook', WEBHOOK_SECRET: SECRET },
      'the default subscription (WEBHOOK_URL) would not be delivered to: invalid inputs: WEBHOOK_URL: url must use https (or be listed in WEBHOOK_URL_ALLOWLIST)',
      /WEBHOOK_URL_ALLOWLIST=http:\/\/127\.0\.0\.1:\*/,
    ],
    [
      'a default subscription without a secret',
      { ...ok, WEBHOOK_URL: 'https://hooks.example.com/x' },
      'the default subscription (WEBHOOK_URL) would not be delivered to: invalid inputs: WEBHOOK_SECRET: required when WEBHOOK_URL is set',
      /fix the WEBHOOK_\* values/,
    ],
  ])('reports %s with its fix', (_name, env, problem, fix) => {
    const found = startupProblems(env)
    expect(found).toHaveLength(1)
    expect(found[0].problem).toBe(problem)
    expect(found[0].fix).toMatch(fix)
  })

  test('never prints a secret', () => {
    const lines = formatStartupProblems(
      startupProblems({
        INGESTION_AUTH: 'bogus',
        INGESTION_SECRET: SECRET,
        WEBHOOK_URL: 'http://10.0.0.1/?t=tok3n',
      }),
    ).join('\n')
    expect(lines).not.toContain(SECRET)
    expect(lines).not.toContain('tok3n')
    expect(lines).toMatch(/^ {2}1\. /)
  })
})
