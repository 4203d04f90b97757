/**
 * The demo receiver `npm start` runs: a local webhook endpoint that verifies each delivery's
 * Standard Webhooks signature and prints it, so a newcomer sees the whole flow end to end.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../actions/lib/webhook-signature'

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

/** Starts the receiver on 127.0.0.1 (`port` 0 = any free port). */
export async function startDemoReceiver(
  secret: string,
  port = 0,
  print: (line: string) => void = console.log,
): Promise<DemoReceiver> {
  const received: ReceivedDelivery[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const headers = req.headers as Record<string, string | undefined>
      const check = verifySignature([secret], headers, raw, Math.floor(Date.now() / 1000))
      let body: unknown
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        body = raw.toString('utf8').slice(0, 200)
      }
      const entry: ReceivedDelivery = {
        id: headers['webhook-id'] ?? '',
        verified: check.ok,
        ...(check.ok ? {} : { reason: check.reason }),
        body,
      }
      received.push(entry)
      if (received.length > 1000) received.shift()
      print(
        `[demo-receiver] ${check.ok ? 'verified' : `REJECTED (${check.reason})`} delivery ${entry.id}: ${JSON.stringify(body)}`,
      )
      res.writeHead(check.ok ? 200 : 401, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ received: check.ok }))
    })
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
