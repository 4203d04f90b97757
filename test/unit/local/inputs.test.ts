/** `$VAR` substitution in manifest inputs, as `aio app deploy` (aio-lib-runtime processInputs) does it. */
import { localSubstitutionEnv, substituteInputs, substituteString } from '../../../local/runtime/inputs'

describe('substituteString', () => {
  const env = { A: 'alpha', B_2: 'beta', EMPTY: '' }
  it.each([
    ['$A', 'alpha', []],
    ['${A}', 'alpha', []],
    ['${ A }', 'alpha', []],
    ['x/$A/${B_2}/y', 'x/alpha/beta/y', []],
    ['$MISSING', '', ['MISSING']],
    ['pre$EMPTY', 'pre', ['EMPTY']],
    ['no references', 'no references', []],
  ])('%s → %s (missing %o)', (input, expected, missing) => {
    const seen = new Set<string>()
    expect(substituteString(input, env, seen)).toBe(expected)
    expect([...seen]).toEqual(missing)
  })
})

describe('substituteInputs', () => {
  it('substitutes every shape aio accepts, without mutating the manifest', () => {
    const inputs = {
      plain: '$URL',
      typeString: 'string',
      typeInteger: 'integer',
      typeNumber: 'number',
      advancedValue: { value: '${TOKEN}' },
      advancedDefault: { default: 42 },
      nested: { inner: '$URL', list: ['$TOKEN', 3] },
      flag: true,
      nothing: null,
    }
    const copy = structuredClone(inputs)
    const missing = new Set<string>()
    expect(substituteInputs(inputs, { URL: 'https://x.test', TOKEN: 't0k' }, missing)).toEqual({
      plain: 'https://x.test',
      typeString: '',
      typeInteger: 0,
      typeNumber: 0,
      advancedValue: 't0k',
      advancedDefault: 42,
      nested: { inner: 'https://x.test', list: ['t0k', 3] },
      flag: true,
      nothing: null,
    })
    expect(inputs).toEqual(copy)
    expect([...missing]).toEqual([])
  })

  it('treats absent inputs as none', () => {
    expect(substituteInputs(undefined, {})).toEqual({})
  })
})

describe('localSubstitutionEnv', () => {
  const ctx = (env: NodeJS.ProcessEnv) => ({
    env,
    baseUrl: 'http://127.0.0.1:9080',
    config: { imsOrgId: 'LOCALORG@AdobeOrg', imsToken: 'local-ims-token' },
  })
  const emulation = {
    IO_EVENTS_BASE_URL: 'http://127.0.0.1:9080',
    IO_EVENTS_INGRESS_URL: 'http://127.0.0.1:9080/ingress',
    IO_EVENTS_ACCESS_TOKEN: 'local-ims-token',
    // Locally the admin API serves the local org (the one the local IMS token belongs to).
    ADMIN_ALLOWED_ORGS: 'LOCALORG@AdobeOrg',
  }

  it.each([
    [
      'fills the workspace ids when unset',
      {},
      {
        OAUTH_ORG_ID: 'LOCALORG@AdobeOrg',
        IO_CONSUMER_ID: 'local-consumer',
        IO_PROJECT_ID: 'local-project',
        IO_WORKSPACE_ID: 'local-workspace',
        ...emulation,
      },
    ],
    [
      'keeps ids from .env, treating empty as unset',
      { OAUTH_ORG_ID: 'REAL@AdobeOrg', IO_CONSUMER_ID: 'c-9', IO_PROJECT_ID: '', OTHER: 'kept' },
      {
        OAUTH_ORG_ID: 'REAL@AdobeOrg',
        IO_CONSUMER_ID: 'c-9',
        IO_PROJECT_ID: 'local-project',
        IO_WORKSPACE_ID: 'local-workspace',
        OTHER: 'kept',
        ...emulation,
      },
    ],
    [
      'never lets an action reach the real I/O Events',
      { IO_EVENTS_BASE_URL: 'https://api.adobe.io', IO_EVENTS_ACCESS_TOKEN: 'real-token' },
      {
        OAUTH_ORG_ID: 'LOCALORG@AdobeOrg',
        IO_CONSUMER_ID: 'local-consumer',
        IO_PROJECT_ID: 'local-project',
        IO_WORKSPACE_ID: 'local-workspace',
        ...emulation,
      },
    ],
  ])('%s', (_name, env, expected) => {
    expect(localSubstitutionEnv(ctx(env))).toEqual(expected)
  })
})
