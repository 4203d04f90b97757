/**
 * HAL views of the management entities, shaped like the real I/O Events Management API answers
 * (as `@adobe/aio-lib-events` and the Developer Console read them): `_links` with `self`,
 * `rel:update`, `rel:eventmetadata`, `rel:sample_event`, and for registrations `rel:events` (the
 * journal) and `rel:trace` (Debug Tracing). Collections put items under `_embedded.<name>`.
 */
import type { EventMetadataRow, EventOfInterest, ProviderRow, RegistrationRow, Store } from './store'

/** The provider metadata of a custom events provider (the default when a create names none). */
export const CUSTOM_PROVIDER_METADATA = '3rd_party_custom_events'

/** Adobe Commerce's eventing module publishes to providers of this type (with an `instance_id`). */
export const COMMERCE_PROVIDER_METADATA = 'dx_commerce_events'

/** The provider types a workspace can create locally, as `GET /events/providermetadata` lists them. */
export const PROVIDER_METADATA = [
  { id: CUSTOM_PROVIDER_METADATA, label: 'Custom Events', description: 'Custom events providers' },
  {
    id: COMMERCE_PROVIDER_METADATA,
    label: 'Commerce Events',
    description: 'Adobe Commerce events providers (one per Commerce instance id)',
  },
] as const

const link = (href: string) => ({ href })
const iso = (ms: number) => new Date(ms).toISOString()
/** Path-segment encoding; `@` is a legal path character and appears in IMS org ids. */
const enc = (v: string) => encodeURIComponent(v).replace(/%40/g, '@')

/** Builds every URL the API hands out, from the stack's base URL. */
export function createUrls(baseUrl: string) {
  const ws = (o: string, p: string, w: string) => `${baseUrl}/events/${enc(o)}/${enc(p)}/${enc(w)}`
  return {
    base: baseUrl,
    provider: (id: string) => `${baseUrl}/events/providers/${enc(id)}`,
    providerUpdate: (p: ProviderRow) =>
      `${ws(p.consumer_org, p.project, p.workspace)}/providers/${enc(p.id)}`,
    providers: (org: string) => `${baseUrl}/events/${enc(org)}/providers`,
    metadataList: (providerId: string) => `${baseUrl}/events/providers/${enc(providerId)}/eventmetadata`,
    registration: (r: RegistrationRow) =>
      `${ws(r.consumer_org, r.project, r.workspace)}/registrations/${enc(r.registration_id)}`,
    registrations: (o: string, p: string, w: string) => `${ws(o, p, w)}/registrations`,
    /** The journal of a registration (real host: events-va6.adobe.io/events/organizations/…). */
    journal: (r: RegistrationRow) =>
      `${baseUrl}/events/organizations/${enc(r.consumer_org)}/integrations/${enc(r.workspace)}/${enc(r.registration_id)}`,
    trace: (r: RegistrationRow) =>
      `${ws(r.consumer_org, r.project, r.workspace)}/registrations/${enc(r.registration_id)}/tracing`,
  }
}

/** The URL builders. */
export type Urls = ReturnType<typeof createUrls>

/** Renders one event metadata. */
export function eventMetadataView(urls: Urls, provider: ProviderRow, m: EventMetadataRow) {
  const self = `${urls.metadataList(provider.id)}/${enc(m.event_code)}`
  return {
    ...(m.sample_event_template
      ? { _embedded: { sample_event: sampleEventView(self, m.sample_event_template) } }
      : {}),
    _links: {
      'rel:sample_event': link(`${self}/sample_event`),
      'rel:update': link(`${urls.providerUpdate(provider)}/eventmetadata/${enc(m.event_code)}`),
      self: link(self),
    },
    description: m.description,
    label: m.label,
    event_code: m.event_code,
  }
}

/** The sample event of an event metadata: its base64 template as `sample_payload`. */
export function sampleEventView(metadataSelf: string, template: string) {
  return { format: 'json', sample_payload: template, _links: { self: link(`${metadataSelf}/sample_event`) } }
}

/** Renders a provider, optionally with its event metadata embedded (`?eventmetadata=true`). */
export function providerView(
  urls: Urls,
  store: Pick<Store, 'metadataOf'>,
  p: ProviderRow,
  withMetadata: boolean,
  imsOrgId: string,
) {
  const view: Record<string, unknown> = {
    _links: {
      'rel:eventmetadata': link(urls.metadataList(p.id)),
      'rel:update': link(urls.providerUpdate(p)),
      self: link(urls.provider(p.id) + (withMetadata ? '?eventmetadata=true' : '')),
    },
    id: p.id,
    label: p.label,
    description: p.description ?? undefined,
    source: `urn:uuid:${p.id}`,
    docs_url: p.docs_url ?? undefined,
    publisher: imsOrgId,
    provider_metadata: p.provider_metadata ?? CUSTOM_PROVIDER_METADATA,
    instance_id: p.instance_id ?? undefined,
    event_delivery_format: 'cloud_events_v1',
  }
  if (withMetadata) {
    view._embedded = { eventmetadata: store.metadataOf(p.id).map((m) => eventMetadataView(urls, p, m)) }
  }
  return view
}

/** Lower-case `webhook_status` the API reports for each registration status. */
const WEBHOOK_STATUS: Record<RegistrationRow['status'], string> = {
  ACTIVE: 'verified',
  UNSTABLE: 'unstable',
  DISABLED: 'disabled',
}

/** Renders a registration with its events of interest expanded (labels from the metadata). */
export function registrationView(
  urls: Urls,
  store: Pick<Store, 'eventsOf' | 'metadata' | 'provider'>,
  r: RegistrationRow,
) {
  const events = store.eventsOf(r.registration_id).map((e: EventOfInterest) => {
    const m = store.metadata(e.provider_id, e.event_code)
    const p = store.provider(e.provider_id)
    return {
      event_code: e.event_code,
      event_label: m?.label,
      event_description: m?.description,
      provider_id: e.provider_id,
      provider: p?.label,
      provider_label: p?.label,
      provider_description: p?.description ?? undefined,
      provider_docs_url: p?.docs_url ?? undefined,
      event_delivery_format: 'cloud_events_v1',
    }
  })
  return {
    _links: {
      'rel:events': link(urls.journal(r)),
      'rel:trace': link(urls.trace(r)),
      self: link(urls.registration(r)),
    },
    id: r.seq,
    name: r.name,
    description: r.description ?? undefined,
    client_id: r.client_id,
    registration_id: r.registration_id,
    events_of_interest: events,
    webhook_status: WEBHOOK_STATUS[r.status],
    /** Local addition: the Developer Console's ACTIVE / UNSTABLE / DISABLED. */
    status: r.status,
    created_date: iso(r.created_at),
    updated_date: iso(r.updated_at),
    consumer_id: r.consumer_org,
    project_id: r.project,
    workspace_id: r.workspace,
    webhook_url: r.webhook_url ?? undefined,
    runtime_action: r.runtime_action ?? undefined,
    delivery_type: r.delivery_type,
    events_url: urls.journal(r),
    enabled: r.enabled === 1,
  }
}
