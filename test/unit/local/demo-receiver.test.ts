/**
 * The demo receiver verifies with the independent `standardwebhooks` package, so it rejects
 * deliveries signed the wrong way, including the classic signing bugs a receiver sharing the
 * signer's code would accept. Real HTTP on 127.0.0.1.
 */
import { createHmac } from 'node:crypto'
import { signHeaders, generateSecret } from '../../../actions/lib/webhook-signature'
import { startDemoReceiver, type DemoReceiver } from '../../../local/demo-receiver'

const SECRET = generateSecret()
const OTHER_SECRET = generateSecret()
const BODY = JSON.stringify({ event: 'be-observer.catalog_product_create', data: { sku: 'SKU-1' } })
const ID = 'msg_demo_1'

function now(): number {
  return Math.floor(Date.now() / 1000)
}

/** Standard Webhooks headers whose signature is `v1,<base64 mac>` with the given key and content. */
function headersWith(
  key: Buffer | string,
  content: string,
  ts = now(),
  encoding: 'base64' | 'hex' = 'base64',
) {
  const mac = createHmac('sha256', key).update(content).digest(encoding)
  return { 'webhook-id': ID, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${mac}` }
}

const decodedKey = (secret: string): Buffer => Buffer.from(secret.slice('whsec_'.length), 'base64')

let receiver: DemoReceiver
const lines: string[] = []

beforeAll(async () => {
  receiver = await startDemoReceiver(SECRET, 0, (line) => lines.push(line))
})
afterAll(() => receiver.close())

async function post(
  headers: Record<string, string>,
  body = BODY,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(receiver.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })
  return { status: res.status, body: await res.json() }
}

describe('demo receiver', () => {
  it("accepts the app's own signature (the signer agrees with the reference implementation)", async () => {
    const ts = now()
    expect(await post(signHeaders([SECRET], ID, ts, BODY))).toEqual({ status: 200, body: { received: true } })
    expect(receiver.received.at(-1)).toEqual({ id: ID, verified: true, body: JSON.parse(BODY) })
    expect(lines.at(-1)).toBe(`[demo-receiver] verified delivery ${ID}: ${BODY}`)
  })

  it.each([
    ['a different secret', () => signHeaders([OTHER_SECRET], ID, now(), BODY)],
    [
      'the key not base64-decoded (HMAC keyed with the whsec_ string)',
      () => headersWith(SECRET, `${ID}.${now()}.${BODY}`),
    ],
    ['the timestamp left out of the signed content', () => headersWith(decodedKey(SECRET), `${ID}.${BODY}`)],
    [
      'a hex digest instead of base64',
      () => headersWith(decodedKey(SECRET), `${ID}.${now()}.${BODY}`, now(), 'hex'),
    ],
    [
      'another body than the one sent',
      () => signHeaders([SECRET], ID, now(), BODY.replace('SKU-1', 'SKU-2')),
    ],
    ['a timestamp ten minutes old', () => signHeaders([SECRET], ID, now() - 600, BODY)],
  ])('rejects a delivery signed with %s', async (_name, sign) => {
    expect(await post(sign())).toEqual({ status: 401, body: { received: false } })
    const last = receiver.received.at(-1)!
    expect(last).toEqual({ id: ID, verified: false, reason: expect.any(String), body: JSON.parse(BODY) })
    expect(lines.at(-1)).toMatch(/^\[demo-receiver\] REJECTED \(.+\) delivery msg_demo_1: /)
  })

  it('rejects a delivery without signature headers', async () => {
    expect(await post({})).toEqual({ status: 401, body: { received: false } })
    expect(receiver.received.at(-1)).toEqual({
      id: '',
      verified: false,
      reason: 'Missing required headers',
      body: JSON.parse(BODY),
    })
  })
})

describe('demo receiver independence', () => {
  it("still rejects a bad signature when the app's own signing module has the same bug on both sides", async () => {
    // A consistently wrong signer/verifier pair (HMAC keyed with the undecoded whsec_ string): a
    // receiver built on the app's verifySignature would accept this delivery.
    const buggySign = (secret: string, id: string, ts: number, body: string) =>
      headersWith(secret, `${id}.${ts}.${body}`, ts)
    await jest.isolateModulesAsync(async () => {
      jest.doMock('../../../actions/lib/webhook-signature', () => ({
        signHeaders: (secrets: string[], id: string, ts: number, body: string) =>
          buggySign(secrets[0], id, ts, body),
        verifySignature: (secrets: string[], headers: Record<string, string>, body: Buffer) =>
          headers['webhook-signature'] ===
          buggySign(secrets[0], headers['webhook-id'], Number(headers['webhook-timestamp']), body.toString())[
            'webhook-signature'
          ]
            ? { ok: true }
            : { ok: false, reason: 'no match' },
      }))
      const isolated = await import('../../../local/demo-receiver')
      const r = await isolated.startDemoReceiver(SECRET, 0, () => undefined)
      try {
        const res = await fetch(r.url, {
          method: 'POST',
          body: BODY,
          headers: buggySign(SECRET, ID, now(), BODY),
        })
        expect(res.status).toBe(401)
      } finally {
        await r.close()
      }
    })
  })
})
