/**
 * The detail panel of one delivery: what was sent (the payload, as text) and every attempt (time,
 * HTTP status, duration, error, response excerpt). Read by id, so it is current even before the
 * sweeper has indexed the latest attempt.
 */
import { ActionButton, Heading, ProgressCircle, View } from '@adobe/react-spectrum'
import { useEffect, useRef, useState } from 'react'
import type { AdminApi } from '../api/admin-api'
import type { DeliveryRecord } from '../api/types'
import { ErrorNote, JsonText, StatusBadge, when } from '../components/common'

export function LogDetail(props: { api: AdminApi; id: string; version: number; onClose: () => void }) {
  const [record, setRecord] = useState<DeliveryRecord>()
  const [error, setError] = useState<unknown>()
  const heading = useRef<HTMLDivElement>(null)
  // Keyboard and narrow-window users land on the panel when it opens (it may be below the table).
  useEffect(() => {
    heading.current?.focus()
    heading.current?.scrollIntoView({ block: 'nearest' })
  }, [props.id])
  useEffect(() => {
    let live = true
    setError(undefined)
    props.api
      .call<DeliveryRecord>('logs', 'get', `/${encodeURIComponent(props.id)}`)
      .then((r) => live && setRecord(r))
      .catch((e: unknown) => live && setError(e))
    return () => {
      live = false
    }
  }, [props.api, props.id, props.version])

  return (
    <section className="ceh-detail" aria-labelledby="ceh-detail-title">
      <View padding="size-200" borderWidth="thin" borderColor="dark" borderRadius="medium">
        <div className="ceh-detail-head" ref={heading} tabIndex={-1}>
          <Heading level={3} id="ceh-detail-title">
            Delivery details
          </Heading>
          <ActionButton onPress={props.onClose} aria-label="Close details">
            Close
          </ActionButton>
        </div>
        <ErrorNote error={error} title="Could not load the delivery" />
        {!record && !error && <ProgressCircle aria-label="Loading the delivery" isIndeterminate size="S" />}
        {record && record.id === props.id && (
          <>
            <dl className="ceh-dl">
              <dt>Delivery id</dt>
              <dd>{record.id}</dd>
              <dt>Event</dt>
              <dd>
                {record.eventType} · {record.eventId}
              </dd>
              <dt>Entity id</dt>
              <dd>{record.entityId}</dd>
              <dt>Subscription</dt>
              <dd>{record.subscriptionId}</dd>
              <dt>URL</dt>
              <dd>{record.url}</dd>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={record.status} />
              </dd>
              {record.nextAttemptAt && (
                <>
                  <dt>Next attempt</dt>
                  <dd>{when(record.nextAttemptAt)}</dd>
                </>
              )}
              {record.lastError && (
                <>
                  <dt>Last error</dt>
                  <dd className="ceh-last-error">{record.lastError}</dd>
                </>
              )}
            </dl>
            <Heading level={4}>Payload sent{record.payloadTruncated ? ' (excerpt)' : ''}</Heading>
            <JsonText value={record.payload} label="Payload sent" />
            <Heading level={4}>
              Attempts{record.attemptsOmitted ? ` (${record.attemptsOmitted} older attempts omitted)` : ''}
            </Heading>
            <div className="ceh-scroll">
              <table className="ceh-table" aria-label="Attempts">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Time</th>
                    <th scope="col">HTTP status</th>
                    <th scope="col">Duration</th>
                    <th scope="col">By</th>
                    <th scope="col">Error</th>
                    <th scope="col">Response excerpt</th>
                  </tr>
                </thead>
                <tbody>
                  {record.attempts.map((a) => (
                    <tr key={`${a.attempt}-${a.at}`}>
                      <td>{a.attempt}</td>
                      <td>{when(a.at)}</td>
                      <td>{a.statusCode ?? '—'}</td>
                      <td>{a.durationMs} ms</td>
                      <td>{a.trigger}</td>
                      <td>{a.error ?? ''}</td>
                      <td>
                        <code className="ceh-snippet">{a.responseSnippet ?? ''}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </View>
    </section>
  )
}
