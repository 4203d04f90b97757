import { Webhook } from 'standardwebhooks'
import {
  generateSecret,
  isValidSecret,
  signHeaders,
  verifySignature,
} from '../../../actions/lib/webhook-signature'

const NOW = 1_760_000_000
const body = JSON.stringify({ id: 'evt_1', data: { sku: 'A' } })

describe('Standard Webhooks signing', () => {
  const secret = generateSecret()
  const other = generateSecret()

  it('generates valid whsec_ secrets', () => {
    expect(isValidSecret(secret)).toBe(true)
    expect(isValidSecret('whsec_short')).toBe(false)
    expect(isValidSecret('nope')).toBe(false)
  })

  it('produces signatures the third-party standardwebhooks library accepts', () => {
    const headers = signHeaders([secret], 'msg_1', Math.floor(Date.now() / 1000), body)
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body))
  })

  it('verifies signatures made by the third-party library', () => {
    const wh = new Webhook(secret)
    const date = new Date(NOW * 1000)
    const signature = wh.sign('msg_2', date, body)
    const headers = {
      'webhook-id': 'msg_2',
      'webhook-timestamp': String(NOW),
      'webhook-signature': signature,
    }
    expect(verifySignature([secret], headers, body, NOW)).toEqual({ ok: true })
  })

  it('accepts any of several secrets and several signatures (rotation)', () => {
    const headers = signHeaders([other, secret], 'msg_3', NOW, body)
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2)
    expect(verifySignature([secret], headers, body, NOW)).toEqual({ ok: true })
    expect(verifySignature([generateSecret(), other], headers, body, NOW)).toEqual({ ok: true })
  })

  const good = signHeaders([secret], 'msg_4', NOW, body)
  it.each([
    ['wrong secret', [other], good, body, 'webhook-signature does not match'],
    ['tampered body', [secret], good, body + ' ', 'webhook-signature does not match'],
    [
      'stale timestamp',
      [secret],
      signHeaders([secret], 'm', NOW - 301, body),
      body,
      'webhook-timestamp is too old',
    ],
    [
      'future timestamp',
      [secret],
      signHeaders([secret], 'm', NOW + 301, body),
      body,
      'webhook-timestamp is in the future',
    ],
    [
      'missing headers',
      [secret],
      {},
      body,
      'missing header(s): webhook-id, webhook-timestamp, webhook-signature',
    ],
    [
      'non-numeric timestamp',
      [secret],
      { ...good, 'webhook-timestamp': 'soon' },
      body,
      'webhook-timestamp must be Unix seconds',
    ],
    [
      'no v1 signature',
      [secret],
      { ...good, 'webhook-signature': 'v2,abc' },
      body,
      'webhook-signature has no v1 signature',
    ],
  ])('rejects %s', (_name, secrets, headers, raw, reason) => {
    expect(verifySignature(secrets, headers as Record<string, string>, raw, NOW)).toEqual({
      ok: false,
      reason,
    })
  })
})
