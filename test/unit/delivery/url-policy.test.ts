import {
  checkUrl,
  checkUrlBeforeSend,
  isNonPublicAddress,
  parseAllowlist,
} from '../../../actions/lib/delivery/url-policy'

const strict = { allowlist: [] }
const local = { allowlist: parseAllowlist('http://127.0.0.1') }

describe('URL policy', () => {
  test.each([
    ['https://hooks.example.com/in', strict, true],
    ['https://93.184.216.34/in', strict, true],
    ['http://hooks.example.com/in', strict, 'url must use https (or be listed in WEBHOOK_URL_ALLOWLIST)'],
    ['https://127.0.0.1/in', strict, 'private, loopback or link-local'],
    ['https://localhost/in', strict, 'private, loopback or link-local'],
    ['https://api.localhost/in', strict, 'private, loopback or link-local'],
    ['https://10.1.2.3/in', strict, 'private'],
    ['https://172.20.0.1/in', strict, 'private'],
    ['https://192.168.1.1/in', strict, 'private'],
    ['https://169.254.169.254/latest/meta-data', strict, 'link-local'],
    ['https://0x7f.1/in', strict, 'loopback'],
    ['https://2130706433/in', strict, 'loopback'],
    ['https://[::1]/in', strict, 'loopback'],
    ['https://[fe80::1]/in', strict, 'link-local'],
    ['https://[fd00::1]/in', strict, 'private'],
    ['https://[::ffff:127.0.0.1]/in', strict, 'loopback'],
    ['https://user:pw@hooks.example.com/in', strict, 'must not contain credentials'],
    ['https://hooks.example.com/in#x', strict, 'fragment'],
    ['ftp://hooks.example.com/in', strict, 'url must use https'],
    ['not-a-url', strict, 'not a valid absolute URL'],
    ['', strict, 'url is required'],
    [`https://hooks.example.com/${'a'.repeat(2100)}`, strict, 'longer than 2048'],
    ['http://127.0.0.1:4567/hook', local, true],
    ['http://127.0.0.1/hook', local, true],
    ['http://127.0.0.2/hook', local, 'must use https'],
    ['http://localhost:4567/hook', local, 'must use https'],
  ])('%s', (url, policy, expected) => {
    const result = checkUrl(url, policy)
    if (expected === true) expect(result.ok).toBe(true)
    else expect(result).toEqual({ ok: false, reason: expect.stringContaining(expected as string) })
  })

  test('allow-list entries: port, any port, path prefix, wildcard host, bare host (https)', () => {
    const policy = {
      allowlist: parseAllowlist('http://127.0.0.1:8080/hooks, https://*.corp.internal, hooks.lan'),
    }
    expect(policy.allowlist).toEqual([
      { protocol: 'http:', host: '127.0.0.1', port: '8080', pathPrefix: '/hooks' },
      { protocol: 'https:', host: '*.corp.internal', port: undefined, pathPrefix: '' },
      { protocol: 'https:', host: 'hooks.lan', port: undefined, pathPrefix: '' },
    ])
    expect(checkUrl('http://127.0.0.1:8080/hooks/a', policy).ok).toBe(true)
    expect(checkUrl('http://127.0.0.1:8081/hooks/a', policy).ok).toBe(false)
    expect(checkUrl('http://127.0.0.1:8080/other', policy).ok).toBe(false)
    expect(checkUrl('https://a.corp.internal/x', policy).ok).toBe(true)
    expect(checkUrl('https://corp.internal/x', policy).ok).toBe(true) // public-looking name: allowed by the static rules anyway
    expect(checkUrl('http://hooks.lan/x', policy).ok).toBe(false)
    expect(parseAllowlist('http://127.0.0.1:*')[0].port).toBeUndefined()
    expect(() => parseAllowlist('ftp://x')).toThrow('entry 1 must be http or https')
  })

  test.each([
    ['8.8.8.8', false],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['2606:4700::1111', false],
    ['::ffff:7f00:1', true],
    ['64:ff9b::10.0.0.1', true],
    ['not-an-ip', false],
  ])('isNonPublicAddress(%s) = %s', (ip, expected) => expect(isNonPublicAddress(ip)).toBe(expected))

  test('before sending, a public name resolving to a private address is refused; DNS failure is left to the attempt', async () => {
    const resolveTo = (addrs: string[]) => async () => addrs
    expect(
      await checkUrlBeforeSend('https://hooks.example.com/x', {
        allowlist: [],
        resolve: resolveTo(['93.184.216.34']),
      }),
    ).toBeUndefined()
    expect(
      await checkUrlBeforeSend('https://rebind.example.com/x', {
        allowlist: [],
        resolve: resolveTo(['93.184.216.34', '10.0.0.5']),
      }),
    ).toBe('url resolves to a private, loopback or link-local address')
    expect(
      await checkUrlBeforeSend('https://nx.example.com/x', {
        allowlist: [],
        resolve: async () => {
          throw new Error('ENOTFOUND')
        },
      }),
    ).toBeUndefined()
    expect(
      await checkUrlBeforeSend('http://127.0.0.1:1/x', { ...local, resolve: resolveTo(['10.0.0.1']) }),
    ).toBeUndefined()
  })
})
