/**
 * Small shared pieces: the in-place error, the status badge and the text-only JSON view. Event
 * data is always rendered as React text children (escaped), never as HTML.
 */
import { InlineAlert, Heading, Content, StatusLight } from '@adobe/react-spectrum'
import type { DeliveryStatus } from '../api/types'

/** An API or page error, shown where it happened. */
export function ErrorNote({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  if (!error) return null
  const message =
    error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error)
  return (
    <InlineAlert variant="negative" marginY="size-100" UNSAFE_className="ceh-error">
      <Heading>{title}</Heading>
      <Content>{message}</Content>
    </InlineAlert>
  )
}

const VARIANTS: Record<DeliveryStatus, 'positive' | 'negative' | 'notice' | 'neutral' | 'info'> = {
  delivered: 'positive',
  failed: 'negative',
  dead: 'negative',
  retrying: 'notice',
  pending: 'info',
}

/** Status as a labelled light (colour plus the word, never colour alone). */
export function StatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <StatusLight variant={VARIANTS[status] ?? 'neutral'} data-status={status}>
      {status}
    </StatusLight>
  )
}

/** Pretty JSON (or a string) as preformatted text. */
export function JsonText({ value, label }: { value: unknown; label: string }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
  return (
    <pre className="ceh-pre" aria-label={label} tabIndex={0}>
      {text}
    </pre>
  )
}

/** Local date-time of an ISO string. */
export function when(iso: string | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}

/** Saves `data` as a JSON file download (a Blob URL; nothing leaves the browser). */
export function downloadJson(filename: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
