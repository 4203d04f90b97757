/** HAL views of the I/O Events management entities, as the real API and aio-lib-events shape them. */
import {
  CUSTOM_PROVIDER_METADATA,
  createUrls,
  eventMetadataView,
  providerView,
  registrationView,
} from '../../../local/events/hal'
import type { EventMetadataRow, ProviderRow, RegistrationRow } from '../../../local/events/store'

const BASE = 'http://127.0.0.1:9080'
const urls = createUrls(BASE)
const WS = `${BASE}/events/ORG@AdobeOrg/proj-1/ws-1`

const provider = (over: Partial<ProviderRow> = {}): ProviderRow => ({
  id: 'prov-1',
  consumer_org: 'ORG@AdobeOrg',
  project: 'proj-1',
  workspace: 'ws-1',
  label: 'Commerce',
  description: null,
  docs_url: null,
  instance_id: null,
  provider_metadata: null,
  created_at: 0,
  updated_at: 0,
  ...over,
})

const metadata = (over: Partial<EventMetadataRow> = {}): EventMetadataRow => ({
  provider_id: 'prov-1',
  event_code: 'be-observer.customer_create',
  label: 'Customer created',
  description: 'A customer was created',
  sample_event_template: null,
  created_at: 0,
  updated_at: 0,
  ...over,
})

const registration = (over: Partial<RegistrationRow> = {}): RegistrationRow => ({
  seq: 7,
  registration_id: 'reg-1',
  consumer_org: 'ORG@AdobeOrg',
  project: 'proj-1',
  workspace: 'ws-1',
  name: 'consumer',
  description: null,
  client_id: 'client-1',
  delivery_type: 'webhook',
  webhook_url: null,
  runtime_action: 'event-hub/consumer',
  enabled: 1,
  status: 'UNSTABLE',
  status_changed_at: 0,
  created_at: Date.parse('2026-01-01T00:00:00Z'),
  updated_at: Date.parse('2026-01-02T00:00:00Z'),
  ...over,
})

describe('createUrls', () => {
  it.each([
    ['provider', urls.provider('p 1'), `${BASE}/events/providers/p%201`],
    ['providerUpdate', urls.providerUpdate(provider()), `${WS}/providers/prov-1`],
    ['providers', urls.providers('ORG@AdobeOrg'), `${BASE}/events/ORG@AdobeOrg/providers`],
    ['metadataList', urls.metadataList('prov-1'), `${BASE}/events/providers/prov-1/eventmetadata`],
    ['registration', urls.registration(registration()), `${WS}/registrations/reg-1`],
    ['registrations', urls.registrations('ORG@AdobeOrg', 'proj-1', 'ws-1'), `${WS}/registrations`],
    [
      'journal',
      urls.journal(registration()),
      `${BASE}/events/organizations/ORG@AdobeOrg/integrations/ws-1/reg-1`,
    ],
    ['trace', urls.trace(registration()), `${WS}/registrations/reg-1/tracing`],
  ])('%s keeps @ and encodes the rest', (_name, actual, expected) => {
    expect(actual).toBe(expected)
  })
})

describe('eventMetadataView', () => {
  const self = `${BASE}/events/providers/prov-1/eventmetadata/be-observer.customer_create`
  it.each([
    ['without a sample', metadata(), {}],
    [
      'with its sample embedded',
      metadata({ sample_event_template: 'eyJhIjoxfQ==' }),
      {
        _embedded: {
          sample_event: {
            format: 'json',
            sample_payload: 'eyJhIjoxfQ==',
            _links: { self: { href: `${self}/sample_event` } },
          },
        },
      },
    ],
  ])('renders one %s', (_name, row, extra) => {
    expect(eventMetadataView(urls, provider(), row)).toEqual({
      ...extra,
      _links: {
        'rel:sample_event': { href: `${self}/sample_event` },
        'rel:update': { href: `${WS}/providers/prov-1/eventmetadata/be-observer.customer_create` },
        self: { href: self },
      },
      description: 'A customer was created',
      label: 'Customer created',
      event_code: 'be-observer.customer_create',
    })
  })
})

describe('providerView', () => {
  const store = { metadataOf: (id: string) => (id === 'prov-1' ? [metadata()] : []) }
  const base = {
    id: 'prov-1',
    label: 'Commerce',
    description: undefined,
    source: 'urn:uuid:prov-1',
    docs_url: undefined,
    publisher: 'ORG@AdobeOrg',
    provider_metadata: CUSTOM_PROVIDER_METADATA,
    instance_id: undefined,
    event_delivery_format: 'cloud_events_v1',
  }
  const links = (selfSuffix: string) => ({
    'rel:eventmetadata': { href: `${BASE}/events/providers/prov-1/eventmetadata` },
    'rel:update': { href: `${WS}/providers/prov-1` },
    self: { href: `${BASE}/events/providers/prov-1${selfSuffix}` },
  })

  it.each([
    ['alone', false, { ...base, _links: links('') }],
    [
      'with its event metadata',
      true,
      {
        ...base,
        _links: links('?eventmetadata=true'),
        _embedded: { eventmetadata: [eventMetadataView(urls, provider(), metadata())] },
      },
    ],
  ])('renders a provider %s', (_name, withMetadata, expected) => {
    expect(providerView(urls, store, provider(), withMetadata, 'ORG@AdobeOrg')).toEqual(expected)
  })

  it('renders a Commerce events provider with its type and instance id', () => {
    const commerce = provider({ provider_metadata: 'dx_commerce_events', instance_id: 'store-1' })
    expect(providerView(urls, store, commerce, false, 'ORG@AdobeOrg')).toEqual({
      ...base,
      provider_metadata: 'dx_commerce_events',
      instance_id: 'store-1',
      _links: links(''),
    })
  })
})

describe('registrationView', () => {
  const store = {
    eventsOf: () => [
      { provider_id: 'prov-1', event_code: 'be-observer.customer_create' },
      { provider_id: 'gone', event_code: 'x.unknown' },
    ],
    metadata: (p: string, code: string) =>
      p === 'prov-1' && code === 'be-observer.customer_create' ? metadata() : undefined,
    provider: (id: string) => (id === 'prov-1' ? provider({ description: 'Back office' }) : undefined),
  }

  it.each([
    ['ACTIVE', 'verified'],
    ['UNSTABLE', 'unstable'],
    ['DISABLED', 'disabled'],
  ] as const)('renders a %s registration with webhook_status %s', (status, webhookStatus) => {
    expect(registrationView(urls, store, registration({ status }))).toEqual({
      _links: {
        'rel:events': { href: urls.journal(registration()) },
        'rel:trace': { href: `${WS}/registrations/reg-1/tracing` },
        self: { href: `${WS}/registrations/reg-1` },
      },
      id: 7,
      name: 'consumer',
      description: undefined,
      client_id: 'client-1',
      registration_id: 'reg-1',
      events_of_interest: [
        {
          event_code: 'be-observer.customer_create',
          event_label: 'Customer created',
          event_description: 'A customer was created',
          provider_id: 'prov-1',
          provider: 'Commerce',
          provider_label: 'Commerce',
          provider_description: 'Back office',
          provider_docs_url: undefined,
          event_delivery_format: 'cloud_events_v1',
        },
        {
          event_code: 'x.unknown',
          event_label: undefined,
          event_description: undefined,
          provider_id: 'gone',
          provider: undefined,
          provider_label: undefined,
          provider_description: undefined,
          provider_docs_url: undefined,
          event_delivery_format: 'cloud_events_v1',
        },
      ],
      webhook_status: webhookStatus,
      status,
      created_date: '2026-01-01T00:00:00.000Z',
      updated_date: '2026-01-02T00:00:00.000Z',
      consumer_id: 'ORG@AdobeOrg',
      project_id: 'proj-1',
      workspace_id: 'ws-1',
      webhook_url: undefined,
      runtime_action: 'event-hub/consumer',
      delivery_type: 'webhook',
      events_url: urls.journal(registration()),
      enabled: true,
    })
  })
})
