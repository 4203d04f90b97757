/**
 * Debug Tracing (local stack): the last deliveries I/O Events made per registration, with request
 * and response, like the Developer Console's tab (GET /events/tracing, README "Debug Tracing JSON").
 */
import { ActionButton, Flex, Heading } from '@adobe/react-spectrum'
import { useCallback, useEffect, useState } from 'react'
import type { AdminApi } from '../api/admin-api'
import type { TracingRegistration } from '../api/types'
import { ErrorNote, JsonText, when } from '../components/common'

export function Tracing({ api }: { api: AdminApi }) {
  const [regs, setRegs] = useState<TracingRegistration[]>()
  const [error, setError] = useState<unknown>()
  const load = useCallback(() => {
    setError(undefined)
    api
      .tracing<TracingRegistration[] | { registrations: TracingRegistration[] }>()
      .then((r) => setRegs(Array.isArray(r) ? r : r.registrations))
      .catch((e: unknown) => setError(e))
  }, [api])
  useEffect(load, [load])
  return (
    <div className="ceh-page">
      <Flex gap="size-100" marginY="size-150">
        <ActionButton onPress={load}>Refresh</ActionButton>
      </Flex>
      <ErrorNote error={error} title="Could not load Debug Tracing" />
      {(regs ?? []).map((r) => (
        <section key={r.registration_id} aria-label={`Registration ${r.name}`} className="ceh-registration">
          <Heading level={3}>
            {r.name}{' '}
            <span className="ceh-muted">
              ({r.status}, {r.delivery_type} → {r.runtime_action ?? r.webhook_url})
            </span>
          </Heading>
          {r.traces.length === 0 && <p>No deliveries yet.</p>}
          {r.traces.length > 0 && (
            <div className="ceh-scroll">
              <table className="ceh-table" aria-label={`Deliveries of ${r.name}`}>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Event code</th>
                    <th scope="col">Attempt</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Status</th>
                    <th scope="col">Duration</th>
                    <th scope="col">Request / response</th>
                  </tr>
                </thead>
                <tbody>
                  {r.traces.map((t) => (
                    <tr key={t.trace_id}>
                      <td>{when(t.timestamp)}</td>
                      <td>{t.event_code}</td>
                      <td>{t.attempt}</td>
                      <td>{t.outcome}</td>
                      <td>{t.response.status_code}</td>
                      <td>{t.duration_ms} ms</td>
                      <td>
                        <details>
                          <summary>Show</summary>
                          <JsonText label="Request body" value={t.request.body} />
                          <JsonText label="Response body" value={t.response.error ?? t.response.body} />
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </div>
  )
}
