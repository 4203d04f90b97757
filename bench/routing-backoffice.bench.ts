/**
 * Back-office routing with the Commerce call: a `be-observer.catalog_product_update` CloudEvent
 * published to the local I/O Events → consumer → entities/product → local Commerce (OAuth 1.0a)
 * → publisher, timed until the consumer's attempt is recorded. Baseline, same run: a bare signed
 * `PUT /V1/products/{sku}` to the same local Commerce endpoint. Prints JSON with the ratio.
 */
import { randomUUID } from 'node:crypto'
import { cloudEvent, startRoutingStack, waitForAttempts } from '../test/integration/routing-harness'
import { oauth1Authorization } from '../actions/lib/commerce/oauth1-signer'
import { exitOnHelp } from './help'

exitOnHelp(__filename)

const N = Number(process.env.BENCH_N ?? 30)
const WARMUP = 3

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function main(): Promise<void> {
  const rs = await startRoutingStack({ LOCAL_COMMERCE: 'integration', LOG_LEVEL: 'warn' })
  try {
    const { commerce } = rs.stack
    const creds = commerce.integration
    const bare = async (i: number): Promise<void> => {
      const url = `${commerce.baseUrl}V1/products/BENCH-BARE`
      const res = await fetch(url, {
        method: 'PUT',
        headers: {
          authorization: oauth1Authorization(creds, 'PUT', url),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ product: { sku: 'BENCH-BARE', name: `Bare ${i}`, price: i } }),
      })
      if (res.status !== 200) throw new Error(`bare call answered ${res.status}`)
      await res.arrayBuffer()
    }
    const routed = async (i: number): Promise<void> => {
      const event = cloudEvent(
        rs,
        'backoffice',
        'be-observer.catalog_product_update',
        { sku: 'BENCH-ROUTED', name: `Routed ${i}`, price: i },
        randomUUID(),
      )
      if ((await rs.events.publishEvent(event)) !== 'OK') throw new Error('no registration for the event')
      await waitForAttempts(rs, event.id, 1, 240_000) // cold starts on a busy machine can be slow
      const seen = rs.attempts.get(event.id) ?? []
      if (seen[seen.length - 1]?.statusCode !== 200)
        throw new Error(`routed event answered ${seen[seen.length - 1]?.statusCode}`)
    }
    const time = async (fn: (i: number) => Promise<void>): Promise<number[]> => {
      for (let i = 0; i < WARMUP; i++) await fn(i)
      const out: number[] = []
      for (let i = 0; i < N; i++) {
        const t = process.hrtime.bigint()
        await fn(i)
        out.push(Number(process.hrtime.bigint() - t) / 1e6)
      }
      return out
    }
    const baseline = await time(bare)
    const backoffice = await time(routed)
    console.log(
      JSON.stringify(
        {
          bench: 'routing-backoffice',
          n: N,
          baselineBareCommerceCallMs: { median: +median(baseline).toFixed(2) },
          backofficeRoutedWithCommerceMs: { median: +median(backoffice).toFixed(2) },
          ratio: +(median(backoffice) / median(baseline)).toFixed(1),
        },
        null,
        2,
      ),
    )
  } finally {
    await rs.close()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
