/**
 * OAuth 1.0a signing for Commerce integrations, checked against the worked example of RFC 5849
 * §3.4.1.1 (the specification Commerce's integration auth implements; its REST docs refer to it).
 */
import { createHmac } from 'node:crypto'
import {
  baseStringUri,
  oauth1Authorization,
  percentEncode,
  signatureBaseString,
} from '../../../actions/lib/commerce/oauth1-signer'

describe('signature base string', () => {
  test('RFC 5849 §3.4.1.1: query, form body and oauth parameters, encoded and sorted', () => {
    const url = 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b'
    const params: [string, string][] = [
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
      // the form-encoded body `c2&a3=2+q`
      ['c2', ''],
      ['a3', '2 q'],
    ]
    expect(signatureBaseString('post', url, params)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    )
  })

  test.each([
    ['HTTP://EXAMPLE.COM:80/r%20v/X?id=123', 'http://example.com/r%20v/X'],
    ['https://www.example.net:8080/?q=1', 'https://www.example.net:8080/'],
    ['https://store.example.com:443/rest/V1/products', 'https://store.example.com/rest/V1/products'],
  ])('base string URI of %s (RFC 5849 §3.4.1.2)', (url, expected) => {
    expect(baseStringUri(new URL(url))).toBe(expected)
  })

  test.each([
    ['abc-._~XYZ019', 'abc-._~XYZ019'],
    ["!*'()", '%21%2A%27%28%29'],
    ['a b+c&d=e/f', 'a%20b%2Bc%26d%3De%2Ff'],
    ['é', '%C3%A9'],
  ])('percent-encoding of %j (RFC 5849 §3.6)', (raw, encoded) => {
    expect(percentEncode(raw)).toBe(encoded)
  })
})

describe('Authorization header', () => {
  const creds = { consumerKey: 'ck', consumerSecret: 'c s', accessToken: 'at', accessTokenSecret: 'a&s' }

  test('HMAC-SHA256 over the base string with key encode(consumerSecret)&encode(tokenSecret)', () => {
    const url = 'https://store.example.com/rest/V1/products/SKU%201?searchCriteria[pageSize]=1'
    const header = oauth1Authorization(creds, 'GET', url, { nonce: 'n0nce', timestamp: 1700000000 })
    const fields = Object.fromEntries(
      [...header.replace(/^OAuth /, '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [
        m[1],
        decodeURIComponent(m[2]),
      ]),
    )
    const { oauth_signature: signature, ...signed } = fields
    expect(signed).toEqual({
      oauth_consumer_key: 'ck',
      oauth_nonce: 'n0nce',
      oauth_signature_method: 'HMAC-SHA256',
      oauth_timestamp: '1700000000',
      oauth_token: 'at',
      oauth_version: '1.0',
    })
    const base =
      'GET&https%3A%2F%2Fstore.example.com%2Frest%2FV1%2Fproducts%2FSKU%25201&oauth_consumer_key%3Dck%26oauth_nonce%3Dn0nce%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_token%3Dat%26oauth_version%3D1.0%26searchCriteria%255BpageSize%255D%3D1'
    expect(signature).toBe(createHmac('sha256', 'c%20s&a%26s').update(base).digest('base64'))
  })
})
