/**
 * The action's entry point `main(params)` for everything decided before any network call:
 * method, size, input overrides, authentication, JSON parsing, configuration. (Publishing
 * through main is covered by the integration tests against the local stack.)
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'
import { main } from '../../../actions/ingestion/webhook/index'
import { INGESTION_INPUTS } from '../../../actions/ingestion/webhook/config'
import { MAX_BODY_BYTES, parseJsonBody, rawBodyOf } from '../../../actions/ingestion/webhook/request'
import { SECRET, eventBody, rawParams, signedParams } from './fixtures'

const nowSigned = (body: string | Buffer, opts: Parameters<typeof signedParams>[1] = {}) =>
  signedParams(body, { ts: Math.floor(Date.now() / 1000), ...opts })

describe('ingestion/webhook main: before publishing', () => {
  it.each<[string, () => Record<string, unknown>, unknown]>([
    [
      'a GET',
      () => ({ ...nowSigned(''), __ow_method: 'get' }),
      { error: { statusCode: 405, body: { error: 'Method GET not allowed: POST events as JSON' } } },
    ],
    [
      'a body over 1 MB',
      () => nowSigned(JSON.stringify({ data: { uid: 'x', event: 'e', value: 'x'.repeat(MAX_BODY_BYTES) } })),
      {
        error: {
          statusCode: 413,
          body: {
            error: expect.stringMatching(/^Request body of \d+ bytes exceeds the limit of 1048576 bytes$/),
          },
        },
      },
    ],
    [
      'INGESTION_SECRET in the query string (even unsigned)',
      () =>
        rawParams(
          JSON.stringify(eventBody()),
          {},
          { INGESTION_AUTH: 'hmac', INGESTION_SECRET: SECRET },
          'INGESTION_SECRET=whsec_attacker&x=1',
        ),
      {
        error: {
          statusCode: 400,
          body: { error: 'Request parameters may not override action inputs (final): INGESTION_SECRET' },
        },
      },
    ],
    [
      'INGESTION_AUTH and a __ow_ key in the body',
      () => nowSigned(JSON.stringify({ ...eventBody(), INGESTION_AUTH: 'none', __ow_headers: {} })),
      {
        error: {
          statusCode: 400,
          body: {
            error: 'Request parameters may not override action inputs (final): INGESTION_AUTH, __ow_headers',
          },
        },
      },
    ],
    [
      'no authentication configured',
      () => rawParams(JSON.stringify(eventBody())),
      {
        error: {
          statusCode: 401,
          body: { error: expect.stringMatching(/^Ingestion authentication is not configured/) },
        },
      },
    ],
    [
      'a bad signature',
      () => ({
        ...nowSigned(JSON.stringify(eventBody())),
        INGESTION_SECRET: 'whsec_' + Buffer.alloc(32, 1).toString('base64'),
      }),
      {
        error: {
          statusCode: 401,
          body: { error: 'Invalid webhook signature: webhook-signature does not match' },
        },
      },
    ],
    [
      'an empty signed body',
      () => nowSigned(''),
      { error: { statusCode: 400, body: { error: expect.stringMatching(/^Request body is empty/) } } },
    ],
    [
      'signed non-JSON',
      () => nowSigned('{"data": nope}'),
      { error: { statusCode: 400, body: { error: 'Request body is not valid JSON' } } },
    ],
    [
      'a signed __proto__ key',
      () =>
        nowSigned(
          '{"data":{"uid":"u","event":"be-observer.catalog_product_create","value":{"sku":"A","__proto__":{"admin":true}}}}',
        ),
      {
        error: {
          statusCode: 400,
          body: { error: 'Request body contains forbidden keys: data.value.__proto__' },
        },
      },
    ],
    [
      'missing publishing configuration (logged, not shown)',
      () => nowSigned(JSON.stringify(eventBody())),
      { error: { statusCode: 500, body: { error: 'Internal server error' } } },
    ],
  ])('answers %s', async (_name, build, expected) => {
    expect(await main(build())).toEqual(expected)
  })

  it('never returns a configured secret in any response', async () => {
    const params = rawParams(
      '{}',
      {},
      { INGESTION_AUTH: 'hmac', INGESTION_SECRET: 'not-a-whsec-secret-value' },
    )
    expect(JSON.stringify(await main(params))).not.toContain('not-a-whsec-secret-value')
  })
})

describe('request reading', () => {
  it.each<[string, string, Record<string, string>, string]>([
    [
      'base64 for application/json',
      Buffer.from('{"a":1}').toString('base64'),
      { 'content-type': 'application/json' },
      '{"a":1}',
    ],
    [
      'base64 for application/octet-stream',
      Buffer.from('{"a":1}').toString('base64'),
      { 'content-type': 'application/octet-stream' },
      '{"a":1}',
    ],
    ['text as is for text/plain', '{"a":1}', { 'content-type': 'text/plain; charset=utf-8' }, '{"a":1}'],
    ['a JSON string as is even without content-type', '{"a":1}', {}, '{"a":1}'],
    ['text that looks like base64 as is for text/plain', 'abcd', { 'content-type': 'text/plain' }, 'abcd'],
  ])('decodes __ow_body: %s', (_name, owBody, headers, expected) => {
    expect(rawBodyOf({ __ow_body: owBody, __ow_headers: headers }).toString('utf8')).toBe(expected)
  })

  it('treats a missing body as empty', () => {
    expect(rawBodyOf({}).length).toBe(0)
  })

  it('rejects nesting deeper than 32 levels without recursing', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000)
    expect(() => parseJsonBody(Buffer.from(deep))).toThrow(
      'Request body nests deeper than 32 levels at [0][0]',
    )
  })

  it('the list of protected inputs is exactly the manifest inputs of ingestion/webhook', () => {
    const manifest = YAML.parse(
      readFileSync(path.join(__dirname, '../../../actions/ingestion/actions.config.yaml'), 'utf8'),
    )
    expect(Object.keys(manifest.webhook.inputs).sort()).toEqual([...INGESTION_INPUTS].sort())
    expect(manifest.webhook).toMatchObject({
      web: 'raw',
      annotations: { final: true, 'require-adobe-auth': false },
    })
  })
})
