/**
 * The demo receiver `npm start` runs: a local webhook endpoint that verifies each delivery's
 * Standard Webhooks signature and prints it, so a newcomer sees the whole flow end to end.
 *
 * It verifies with the third-party `standardwebhooks` package (the reference implementation the
 * Standard Webhooks project publishes), never with the app's own `verifySignature`: a receiver
 * that shares the signer's code would accept whatever that code gets wrong.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { readBody, sendError, sendJson } from './http-kit'

/** Larger than any delivery the publisher sends (the platform caps a result at 1 MB). */
const BODY_LIMIT_BYTES = 2 * 1024 * 1024

/** One delivery as the receiver saw it. */
export interface ReceivedDelivery {
  id: string
  verified: boolean
  reason?: string
  body: unknown
}

/** A running demo receiver. */
export interface DemoReceiver {
  url: string
  received: ReceivedDelivery[]
  close(): Promise<void>
}

/** Why `standardwebhooks` refused the delivery, or undefined when it verified. */
function rejection(webhook: Webhook, raw: Buffer, headers: http.IncomingHttpHeaders): string | undefined {
  try {
    // jsonParse off: a verified but non-JSON body is still a verified delivery.
    webhook.verify(raw, headers as Record<string, string>, { jsonParse: false })
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

function parseForDisplay(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    return raw.toString('utf8').slice(0, 200)
  }
}

/** Starts the receiver on 127.0.0.1 (`port` 0 = any free port). */
export async function startDemoReceiver(
  secret: string,
  port = 0,
  print: (line: string) => void = console.log,
): Promise<DemoReceiver> {
  const webhook = new Webhook(secret)
  const received: ReceivedDelivery[] = []
  const server = http.createServer((req, res) => {
    readBody(req, BODY_LIMIT_BYTES).then(
      (raw) => {
        const reason = rejection(webhook, raw, req.headers)
        const body = parseForDisplay(raw)
        const id = typeof req.headers['webhook-id'] === 'string' ? req.headers['webhook-id'] : ''
        const entry: ReceivedDelivery = { id, verified: !reason, ...(reason ? { reason } : {}), body }
        received.push(entry)
        if (received.length > 1000) received.shift()
        print(
          `[demo-receiver] ${reason ? `REJECTED (${reason})` : 'verified'} delivery ${id}: ${JSON.stringify(body)}`,
        )
        sendJson(res, reason ? 401 : 200, { received: !reason })
      },
      (err: unknown) => sendError(res, err),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
