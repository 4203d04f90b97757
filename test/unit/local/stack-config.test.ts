/** The local stack's configuration from the environment: defaults, empty-means-unset, overrides. */
import path from 'node:path'
import { LOCAL_DEFAULTS, loadStackConfig, localWorkspace, parseNamespaces } from '../../../local/stack-config'

const ROOT = path.resolve(__dirname, '../../..')

describe('parseNamespaces', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['a=u1:k1', [['a', 'u1:k1']]],
    [
      ' a=u1:k1 , b=u2:k=2 ,',
      [
        ['a', 'u1:k1'],
        ['b', 'u2:k=2'],
      ],
    ],
  ])('%p → %p', (raw, expected) => {
    expect([...parseNamespaces(raw)]).toEqual(expected)
  })

  it.each([
    ['a', 'LOCAL_NAMESPACES entry "a" must look like ns=uuid:key'],
    ['=u:k', 'LOCAL_NAMESPACES entry "" must look like ns=uuid:key'],
    ['a=nokey', 'LOCAL_NAMESPACES entry "a" must look like ns=uuid:key'],
  ])('rejects %p without echoing the credential', (raw, message) => {
    expect(() => parseNamespaces(raw)).toThrow(new Error(message))
  })
})

describe('loadStackConfig', () => {
  const defaults = {
    port: 9080,
    host: '127.0.0.1',
    dataDir: path.join(ROOT, '.local'),
    namespace: LOCAL_DEFAULTS.namespace,
    auth: LOCAL_DEFAULTS.auth,
    namespaces: new Map([[LOCAL_DEFAULTS.namespace, LOCAL_DEFAULTS.auth]]),
    imsToken: LOCAL_DEFAULTS.imsToken,
    imsOrgId: LOCAL_DEFAULTS.imsOrgId,
    stateMaxKeys: 200_000,
    timeScale: 1,
    projectRoot: ROOT,
  }

  it.each([
    ['defaults', {}, defaults],
    [
      'empty variables mean unset',
      { PORT: '', DATA_DIR: '', LOCAL_IMS_TOKEN: '', AIO_runtime_namespace: '' },
      defaults,
    ],
    [
      'values from the environment',
      {
        PORT: '0',
        HOST: '0.0.0.0',
        DATA_DIR: '/tmp/ceh-data',
        AIO_runtime_namespace: 'ns-1',
        AIO_runtime_auth: 'u:k',
        LOCAL_NAMESPACES: 'other=u2:k2',
        LOCAL_IMS_TOKEN: 'tok',
        LOCAL_IMS_ORG_ID: 'O@AdobeOrg',
        LOCAL_STATE_MAX_KEYS: '50',
        LOCAL_TIME_SCALE: '60',
      },
      {
        ...defaults,
        port: 0,
        host: '0.0.0.0',
        dataDir: '/tmp/ceh-data',
        namespace: 'ns-1',
        auth: 'u:k',
        namespaces: new Map([
          ['other', 'u2:k2'],
          ['ns-1', 'u:k'],
        ]),
        imsToken: 'tok',
        imsOrgId: 'O@AdobeOrg',
        stateMaxKeys: 50,
        timeScale: 60,
      },
    ],
  ])('%s', (_name, env, expected) => {
    expect(loadStackConfig(env)).toEqual(expected)
  })

  it('lets overrides win and resolves a relative DATA_DIR against the project root', () => {
    const config = loadStackConfig({ PORT: '1234', DATA_DIR: 'data' }, { port: 0, projectRoot: '/srv/app' })
    expect([config.port, config.dataDir, config.projectRoot]).toEqual([0, '/srv/app/data', '/srv/app'])
  })

  it("never mutates the caller's namespace map", () => {
    const namespaces = new Map([['other', 'u2:k2']])
    const config = loadStackConfig({}, { namespaces })
    expect([...namespaces]).toEqual([['other', 'u2:k2']])
    expect([...config.namespaces]).toEqual([
      ['other', 'u2:k2'],
      [LOCAL_DEFAULTS.namespace, LOCAL_DEFAULTS.auth],
    ])
  })
})

describe('localWorkspace', () => {
  it.each([
    [
      {},
      {
        consumerOrgId: 'local-consumer',
        projectId: 'local-project',
        workspaceId: 'local-workspace',
        apiKey: 'local-api-key',
      },
    ],
    [
      { IO_CONSUMER_ID: 'c', IO_PROJECT_ID: 'p', IO_WORKSPACE_ID: 'w', OAUTH_CLIENT_ID: 'id' },
      { consumerOrgId: 'c', projectId: 'p', workspaceId: 'w', apiKey: 'id' },
    ],
    [
      { IO_CONSUMER_ID: '' },
      {
        consumerOrgId: 'local-consumer',
        projectId: 'local-project',
        workspaceId: 'local-workspace',
        apiKey: 'local-api-key',
      },
    ],
  ])('%o → %o', (env, expected) => {
    expect(localWorkspace(env)).toEqual(expected)
  })
})
