/**
 * Prototype keys in admin bodies: refused with 400 whether they arrive as params (the platform's
 * parse of a JSON body) or inside a string `__ow_body`, so `{"__proto__":{"auth":…}}` can no longer
 * set fields past the schema's unknown-key check.
 */
import { harness, inputs, subscriptionsApi as api } from '../publisher/fixtures'

const ORG = 'TESTORG@AdobeOrg'
type Res = { statusCode?: number; body?: any; error?: { statusCode: number; body: { error: string } } }

function call(h: ReturnType<typeof harness>, method: string, path: string, fields: object, extra = {}) {
  return api(
    {
      ...inputs({ ADMIN_ALLOWED_ORGS: ORG }),
      __ow_method: method,
      __ow_path: path,
      __ow_headers: { authorization: 'Bearer x', 'x-gw-ims-org-id': ORG },
      ...fields,
      ...extra,
    },
    h.overrides,
  ) as Promise<Res>
}

const valid = { name: 'K', eventTypes: ['*'], url: 'https://hooks.example.com/in' }

describe('admin bodies with prototype keys', () => {
  test.each([
    [
      'PATCH with __proto__.auth as params',
      'patch',
      '{"__proto__":{"auth":{"type":"bearer","token":"t"}}}',
      'request body contains forbidden keys: __proto__',
    ],
    [
      'PATCH with constructor.prototype',
      'patch',
      '{"name":"x","constructor":{"prototype":{"auth":1}}}',
      'request body contains forbidden keys: constructor',
    ],
    [
      'POST with nested prototype key',
      'post',
      `{"name":"K","eventTypes":["*"],"url":"https://hooks.example.com/in","fields":[],"auth":{"type":"bearer","token":"t","prototype":1}}`,
      'request body contains forbidden keys: auth.prototype',
    ],
  ])('%s → 400', async (_label, method, json, message) => {
    const h = harness()
    const created = await call(h, 'post', '', valid)
    const path = method === 'post' ? '' : `/${created.body.subscription.id}`
    const res = await call(h, method, path, JSON.parse(json))
    expect(res).toEqual({ error: { statusCode: 400, body: { error: message } } })
    const after = await call(h, 'get', `/${created.body.subscription.id}`, {})
    expect(after.body.auth).toBeUndefined()
  })

  test('a string __ow_body with __proto__ is refused too; a deep one is a 400, not a crash', async () => {
    const h = harness()
    const proto = await call(h, 'post', '', {}, { __ow_body: '{"__proto__":{"x":1}}' })
    expect(proto.error).toEqual({
      statusCode: 400,
      body: { error: 'request body contains forbidden keys: __proto__' },
    })
    const deep = await call(h, 'post', '', { deep: JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`) })
    expect(deep.error?.statusCode).toBe(400)
    expect(deep.error?.body.error).toMatch(/^request body nests deeper than 32 levels at deep/)
  })
})
