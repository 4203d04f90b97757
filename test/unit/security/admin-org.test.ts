/**
 * The admin layer's own authorization: the caller's IMS org (x-gw-ims-org-id, validated with the
 * token by require-adobe-auth) must be in ADMIN_ALLOWED_ORGS, by default the workspace org
 * (OAUTH_ORG_ID). Checked before routing, for both admin actions.
 */
import {
  harness,
  inputs,
  TEST_ORG,
  subscriptionsApi as subscriptions,
  logsApi as logs,
} from '../publisher/fixtures'

const FORBIDDEN = {
  error: {
    statusCode: 403,
    body: {
      error:
        "the caller's IMS org (x-gw-ims-org-id) is not allowed to use the admin API; see ADMIN_ALLOWED_ORGS",
    },
  },
}

describe('admin org check', () => {
  test.each([
    ['workspace org (default)', {}, TEST_ORG, 200],
    ['another org', {}, 'OTHER@AdobeOrg', 403],
    ['no org header', {}, undefined, 403],
    ['org listed in ADMIN_ALLOWED_ORGS', { ADMIN_ALLOWED_ORGS: 'A@AdobeOrg, B@AdobeOrg' }, 'B@AdobeOrg', 200],
    ['ADMIN_ALLOWED_ORGS replaces the default', { ADMIN_ALLOWED_ORGS: 'A@AdobeOrg' }, TEST_ORG, 403],
  ])('%s', async (_label, extra, org, status) => {
    for (const main of [subscriptions, logs]) {
      const res = (await main(
        {
          ...inputs(extra),
          __ow_method: 'get',
          __ow_path: '/no-such-route-yet/x/y',
          __ow_headers: org === undefined ? {} : { 'x-gw-ims-org-id': org },
        },
        harness().overrides,
      )) as { error?: { statusCode: number } }
      // Allowed callers reach routing (404 for this path); refused ones never do.
      if (status === 403) expect(res).toEqual(FORBIDDEN)
      else expect(res.error?.statusCode).toBe(404)
    }
  })

  test('no org configured at all fails closed with a message naming the input', async () => {
    const res = await subscriptions(
      { ...inputs({ OAUTH_ORG_ID: '' }), __ow_method: 'get', __ow_path: '' },
      harness().overrides,
    )
    expect(res).toEqual({
      error: {
        statusCode: 500,
        body: { error: 'no admin org configured: set ADMIN_ALLOWED_ORGS or OAUTH_ORG_ID' },
      },
    })
  })
})
