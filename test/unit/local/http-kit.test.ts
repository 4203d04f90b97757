/** The stack's one capped body reader, over real HTTP: drains past the limit, then throws the caller's 413. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { StackHttpError, readBody, sendError, sendJson } from '../../../local/http-kit'
import { readLimitedBody } from '../../../local/runtime/ow-http'

type Reader = (req: http.IncomingMessage) => Promise<Buffer>

/** Posts `body` to a one-route server that reads it with `reader` and answers its length or error. */
async function postTo(reader: Reader, body: string, headers: Record<string, string> = {}) {
  const server = http.createServer((req, res) => {
    reader(req).then(
      (b) => sendJson(res, 200, { length: b.length }),
      (err: unknown) =>
        err instanceof StackHttpError
          ? sendError(res, err)
          : sendJson(res, (err as { status: number }).status, { error: (err as Error).message }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
      method: 'POST',
      body,
      headers,
    })
    return { status: res.status, body: await res.json() }
  } finally {
    server.close()
  }
}

describe('readBody', () => {
  it.each<[string, Reader, string, unknown]>([
    [
      'a body within the limit',
      (req) => readBody(req, 10),
      '0123456789',
      { status: 200, body: { length: 10 } },
    ],
    ['no limit', (req) => readBody(req), 'x'.repeat(100_000), { status: 200, body: { length: 100_000 } }],
    [
      'the default 413 past the limit',
      (req) => readBody(req, 5),
      '0123456789',
      { status: 413, body: { error: 'request body of 10 bytes exceeds the limit of 5 bytes' } },
    ],
    [
      "OpenWhisk's 413 message through readLimitedBody",
      (req) => readLimitedBody(req, 5),
      '0123456789',
      { status: 413, body: { error: 'Request larger than allowed: 10 > 5 bytes.' } },
    ],
  ])('answers %s', async (_name, reader, body, expected) => {
    expect(await postTo(reader, body)).toEqual(expected)
  })
})
