/**
 * Overview: deliveries over time by status (an SVG stacked bar chart of the latest records, with
 * the same numbers in a table for screen readers), success rate and latency per subscription,
 * retry backlog and dead letters.
 */
import { ActionButton, Flex, Heading } from '@adobe/react-spectrum'
import { useCallback, useEffect, useState } from 'react'
import type { AdminApi } from '../api/admin-api'
import type { DeliveryRecord, ExportPage, Subscription } from '../api/types'
import { ErrorNote, when } from '../components/common'
import { bucketsOf, figuresOf, STATUSES, type Bucket } from './overview-data'

/** Records sampled for the chart and latency: the latest two export pages. */
const SAMPLE_PAGES = 2

const COLORS: Record<string, string> = {
  delivered: '#2d9d78',
  pending: '#2680eb',
  retrying: '#e68619',
  failed: '#e34850',
  dead: '#6e6e6e',
}

export function Overview({ api }: { api: AdminApi }) {
  const [subs, setSubs] = useState<Subscription[]>()
  const [records, setRecords] = useState<DeliveryRecord[]>()
  const [error, setError] = useState<unknown>()
  const load = useCallback(() => {
    setError(undefined)
    const sample = async (): Promise<DeliveryRecord[]> => {
      const out: DeliveryRecord[] = []
      let cursor: string | undefined
      for (let i = 0; i < SAMPLE_PAGES; i++) {
        const page = await api.call<ExportPage>('logs', 'get', '/export', { query: { limit: 100, cursor } })
        out.push(...page.items)
        cursor = page.nextCursor
        if (!cursor) break
      }
      return out
    }
    Promise.all([
      api.call<{ items: Subscription[] }>('subscriptions', 'get', '', { query: { stats: 'true' } }),
      sample(),
    ])
      .then(([s, r]) => {
        setSubs(s.items)
        setRecords(r)
      })
      .catch((e: unknown) => setError(e))
  }, [api])
  useEffect(load, [load])

  const figures = subs && records ? figuresOf(subs, records) : []
  const buckets = records ? bucketsOf(records) : []
  const backlog = figures.reduce((n, f) => n + f.backlog, 0)
  const dead = figures.reduce((n, f) => n + f.dead, 0)
  return (
    <div className="ceh-page">
      <Flex gap="size-100" marginY="size-150" alignItems="center">
        <ActionButton onPress={load}>Refresh</ActionButton>
      </Flex>
      <ErrorNote error={error} title="Could not load the overview" />
      <div className="ceh-cards">
        <div className="ceh-card" aria-label="Retry backlog">
          <div className="ceh-card-value">{subs ? backlog : '…'}</div>
          <div>Retry backlog (pending + retrying)</div>
        </div>
        <div className="ceh-card" aria-label="Dead letters">
          <div className="ceh-card-value">{subs ? dead : '…'}</div>
          <div>Dead letters</div>
        </div>
      </div>
      <Heading level={3}>Deliveries over time by status</Heading>
      <p className="ceh-muted">The latest {records?.length ?? '…'} deliveries (indexed), by creation time.</p>
      <Chart buckets={buckets} />
      <Heading level={3}>Per subscription</Heading>
      <div className="ceh-scroll">
        <table className="ceh-table" aria-label="Per subscription">
          <thead>
            <tr>
              <th scope="col">Subscription</th>
              <th scope="col">Success rate</th>
              <th scope="col">Latency p50 / p95</th>
              <th scope="col">Retry backlog</th>
              <th scope="col">Dead letters</th>
            </tr>
          </thead>
          <tbody>
            {figures.map((f) => (
              <tr key={f.id} data-id={f.id}>
                <td>{f.name}</td>
                <td>{f.successRate === undefined ? '—' : `${(100 * f.successRate).toFixed(1)} %`}</td>
                <td>{f.p50 === undefined ? '—' : `${f.p50} / ${f.p95} ms (${f.sampled} sampled)`}</td>
                <td>{f.backlog}</td>
                <td>{f.dead}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

function Chart({ buckets }: { buckets: Bucket[] }) {
  if (!buckets.length) return <p>No deliveries indexed yet.</p>
  const W = 720
  const H = 220
  const pad = 28
  const max = Math.max(1, ...buckets.map((b) => STATUSES.reduce((n, s) => n + b.counts[s], 0)))
  const bw = (W - pad * 2) / buckets.length
  const summary = buckets
    .map(
      (b) =>
        `${when(new Date(b.start).toISOString())}: ${STATUSES.map((s) => `${b.counts[s]} ${s}`).join(', ')}`,
    )
    .join('; ')
  return (
    <figure className="ceh-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Deliveries over time by status. ${summary}`}
        width="100%"
      >
        <line x1={pad} y1={H - pad} x2={W - pad} y2={H - pad} stroke="#999" />
        <text x={4} y={pad} fontSize="11">
          {max}
        </text>
        {buckets.map((b, i) => {
          let y = H - pad
          return (
            <g key={b.start}>
              {STATUSES.map((s) => {
                const h = ((H - pad * 2) * b.counts[s]) / max
                y -= h
                return h > 0 ? (
                  <rect key={s} x={pad + i * bw + 2} y={y} width={bw - 4} height={h} fill={COLORS[s]}>
                    <title>{`${b.counts[s]} ${s}`}</title>
                  </rect>
                ) : null
              })}
            </g>
          )
        })}
      </svg>
      <figcaption className="ceh-legend">
        {STATUSES.map((s) => (
          <span key={s}>
            <span className="ceh-swatch" style={{ background: COLORS[s] }} aria-hidden="true" /> {s}
          </span>
        ))}
      </figcaption>
    </figure>
  )
}
