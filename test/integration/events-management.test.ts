/**
 * Local I/O Events Management API through the real `@adobe/aio-lib-events` client: providers,
 * event metadata, registrations, conflicts, validation, auth and manifest registrations.
 */
import type { TestStack } from '../helpers/stack'
import {
  API_KEY,
  createProvider,
  errorOf,
  eventsClient,
  rawFetch,
  registrationBody,
  startEventsStack,
  startReceiver,
  WS,
  type EventsClient,
} from '../fixtures/apps/events/harness'

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64')

describe('I/O Events management API (real aio-lib-events client)', () => {
  let stack: TestStack
  let client: EventsClient

  beforeAll(async () => {
    stack = await startEventsStack()
    client = await eventsClient(stack)
  })
  afterAll(async () => {
    await stack.close()
  })

  describe('authentication', () => {
    it('rejects a wrong bearer token with 401', async () => {
      const intruder = await eventsClient(stack, 'not-the-token')
      await expect(intruder.getAllProviders(WS.org)).rejects.toThrow(/401 - Unauthorized/)
    })

    it.each([
      ['authorization', 'Authorization: Bearer'],
      ['x-api-key', 'x-api-key'],
      ['x-ims-org-id', 'x-ims-org-id'],
    ])('answers 401 naming a missing %s header', async (missing, named) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${stack.config.imsToken}`,
        'x-api-key': API_KEY,
        'x-ims-org-id': stack.config.imsOrgId,
      }
      delete headers[missing]
      const res = await rawFetch(stack, `/events/${WS.org}/providers`, { auth: false, headers })
      expect(res.status).toBe(401)
      expect(await errorOf(res)).toContain(named)
    })

    it('answers 403 when the org header is another org', async () => {
      const res = await rawFetch(stack, `/events/${WS.org}/providers`, {
        headers: { 'x-ims-org-id': 'OTHER@AdobeOrg' },
      })
      expect(res.status).toBe(403)
    })
  })

  describe('providers', () => {
    it('creates, reads, lists with event metadata, updates and deletes a provider', async () => {
      const created = await client.createProvider(WS.org, WS.project, WS.workspace, {
        label: 'Back office',
        description: 'ERP events',
        docs_url: 'https://example.com/docs',
      })
      const id = created.id as string
      // Documented: a custom provider created without an instance id gets a random UUID.
      expect(created.instance_id).toMatch(/^[0-9a-f-]{36}$/)
      const self = `${stack.baseUrl}/events/providers/${id}`
      expect(created).toEqual({
        _links: {
          'rel:eventmetadata': { href: `${self}/eventmetadata` },
          'rel:update': {
            href: `${stack.baseUrl}/events/${WS.org}/${WS.project}/${WS.workspace}/providers/${id}`,
          },
          self: { href: self },
        },
        id,
        label: 'Back office',
        description: 'ERP events',
        source: `urn:uuid:${id}`,
        docs_url: 'https://example.com/docs',
        publisher: stack.config.imsOrgId,
        provider_metadata: '3rd_party_custom_events',
        instance_id: created.instance_id,
        event_delivery_format: 'cloud_events_v1',
      })

      await client.createEventMetadataForProvider(WS.org, WS.project, WS.workspace, id, {
        event_code: 'be-observer.product_create',
        label: 'Product created',
        description: 'A product was created',
      })
      const withMetadata = await client.getProvider(id, true)
      expect(withMetadata._embedded.eventmetadata.map((m: { event_code: string }) => m.event_code)).toEqual([
        'be-observer.product_create',
      ])
      expect((await client.getProvider(id))._embedded).toBeUndefined()

      const all = await client.getAllProviders(WS.org, { fetchEventMetadata: true })
      const listed = all._embedded.providers.find((p: { id: string }) => p.id === id)
      expect(listed._embedded.eventmetadata).toHaveLength(1)
      const filtered = await client.getAllProviders(WS.org, {
        filterBy: { providerMetadataId: 'dx_commerce_events' },
      })
      expect(filtered._embedded.providers).toEqual([])

      const updated = await client.updateProvider(WS.org, WS.project, WS.workspace, id, {
        label: 'Back office v2',
      })
      expect(updated.label).toBe('Back office v2')
      expect(updated.description).toBeUndefined()

      await expect(client.deleteProvider(WS.org, WS.project, WS.workspace, id)).resolves.toBeUndefined()
      await expect(client.getProvider(id)).rejects.toThrow(/404 - Not Found/)
      await expect(client.getAllEventMetadataForProvider(id)).rejects.toThrow(/404/)
    })

    it('answers 409 with x-conflicting-id for a duplicate label', async () => {
      const first = await client.createProvider(WS.org, WS.project, WS.workspace, { label: 'Duplicate me' })
      const err = await client
        .createProvider(WS.org, WS.project, WS.workspace, { label: 'Duplicate me' })
        .catch((e: unknown) => e)
      expect(err.message).toMatch(/409 - Conflict/)
      expect(err.sdkDetails.conflictingId).toBe(first.id)
    })

    it.each([
      [{ description: 'no label' }, 'label is required'],
      [{ label: 'x', docs_url: 'not a url' }, 'docs_url'],
      [{ label: 'x', provider_metadata: 'nope' }, 'provider metadata nope does not exist'],
    ])('answers 4xx naming the problem for %j', async (body, named) => {
      const res = await rawFetch(stack, `/events/${WS.org}/${WS.project}/${WS.workspace}/providers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      expect(res.status).toBe(named.startsWith('provider metadata') ? 404 : 400)
      expect(await errorOf(res)).toContain(named)
    })

    it('accepts a Commerce events provider with unknown body fields, as the real API and Adobe clients send them', async () => {
      // organization_id and the camel-case keys are what Adobe's own clients add; the API ignores them.
      const created = await client.createProvider(WS.org, WS.project, WS.workspace, {
        label: 'Commerce store A',
        provider_metadata: 'dx_commerce_events',
        instance_id: 'store-a',
        organization_id: stack.config.imsOrgId,
        consumerOrgId: WS.org,
        providerType: 'dx_commerce_events',
        data_residency_region: 'va6',
      })
      expect([created.label, created.provider_metadata, created.instance_id]).toEqual([
        'Commerce store A',
        'dx_commerce_events',
        'store-a',
      ])
      const typed = await client.getAllProviders(WS.org, {
        filterBy: { providerMetadataId: 'dx_commerce_events', instanceId: 'store-a' },
      })
      expect(typed._embedded.providers.map((p: { id: string }) => p.id)).toEqual([created.id])
      // An update cannot change the type or instance id, and still ignores unknown fields.
      const updated = await client.updateProvider(WS.org, WS.project, WS.workspace, created.id, {
        label: 'Commerce store A',
        description: 'Store A',
        organization_id: stack.config.imsOrgId,
      })
      expect([updated.provider_metadata, updated.instance_id, updated.description]).toEqual([
        'dx_commerce_events',
        'store-a',
        'Store A',
      ])
      // Documented: the instance id is unique per provider type (409 with the conflicting provider).
      const err = await client
        .createProvider(WS.org, WS.project, WS.workspace, {
          label: 'Commerce store A again',
          provider_metadata: 'dx_commerce_events',
          instance_id: 'store-a',
        })
        .catch((e: any) => e)
      expect(err.message).toMatch(/409/)
      expect(err.sdkDetails.conflictingId).toBe(created.id)
      const types = await rawFetch(stack, '/events/providermetadata')
      expect(
        ((await types.json()) as any)._embedded.providermetadata.map((m: { id: string }) => m.id),
      ).toEqual(['3rd_party_custom_events', 'dx_commerce_events'])
    })
  })

  describe('event metadata', () => {
    let providerId: string
    beforeAll(async () => {
      providerId = await createProvider(client, [])
    })

    it('creates with a base64 sample event template, gets, lists, updates and deletes', async () => {
      const template = { sku: 'SKU-1', price: 1 }
      const created = await client.createEventMetadataForProvider(
        WS.org,
        WS.project,
        WS.workspace,
        providerId,
        {
          event_code: 'be-observer.catalog_product_update',
          label: 'Product updated',
          description: 'A product was updated',
          sample_event_template: b64(template),
        },
      )
      const self = `${stack.baseUrl}/events/providers/${providerId}/eventmetadata/be-observer.catalog_product_update`
      const sampleEvent = {
        format: 'json',
        sample_payload: b64(template),
        _links: { self: { href: `${self}/sample_event` } },
      }
      expect(created).toEqual({
        _embedded: { sample_event: sampleEvent },
        _links: {
          'rel:sample_event': { href: `${self}/sample_event` },
          'rel:update': {
            href: `${stack.baseUrl}/events/${WS.org}/${WS.project}/${WS.workspace}/providers/${providerId}/eventmetadata/be-observer.catalog_product_update`,
          },
          self: { href: self },
        },
        description: 'A product was updated',
        label: 'Product updated',
        event_code: 'be-observer.catalog_product_update',
      })
      const sample = await rawFetch(stack, new URL(`${self}/sample_event`).pathname)
      expect(await sample.json()).toEqual(sampleEvent)

      expect(
        await client.getEventMetadataForProvider(providerId, 'be-observer.catalog_product_update'),
      ).toEqual(created)
      const list = await client.getAllEventMetadataForProvider(providerId)
      expect(list._embedded.eventmetadata).toEqual([created])

      const updated = await client.updateEventMetadataForProvider(
        WS.org,
        WS.project,
        WS.workspace,
        providerId,
        'be-observer.catalog_product_update',
        { event_code: 'be-observer.catalog_product_update', label: 'Renamed', description: 'Still updated' },
      )
      expect(updated.label).toBe('Renamed')

      await client.deleteEventMetadata(
        WS.org,
        WS.project,
        WS.workspace,
        providerId,
        'be-observer.catalog_product_update',
      )
      await expect(
        client.getEventMetadataForProvider(providerId, 'be-observer.catalog_product_update'),
      ).rejects.toThrow(/404/)
    })

    it('answers 409 with x-conflicting-id for a duplicate event code, and deletes all metadata', async () => {
      const body = { event_code: 'dup.code', label: 'Dup', description: 'Dup' }
      await client.createEventMetadataForProvider(WS.org, WS.project, WS.workspace, providerId, body)
      const err = await client
        .createEventMetadataForProvider(WS.org, WS.project, WS.workspace, providerId, body)
        .catch((e: unknown) => e)
      expect(err.message).toMatch(/409 - Conflict/)
      expect(err.sdkDetails.conflictingId).toBe('dup.code')
      await client.deleteAllEventMetadata(WS.org, WS.project, WS.workspace, providerId)
      expect((await client.getAllEventMetadataForProvider(providerId))._embedded.eventmetadata).toEqual([])
    })

    it.each([
      [{ label: 'l', description: 'd' }, 'event_code is required'],
      [
        { event_code: 'c', label: 'l', description: 'd', sample_event_template: '{"not":"base64"}' },
        'sample_event_template must be base64-encoded',
      ],
    ])('answers 400 naming the problem for %j', async (body, named) => {
      const res = await rawFetch(
        stack,
        `/events/${WS.org}/${WS.project}/${WS.workspace}/providers/${providerId}/eventmetadata`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
      )
      expect(res.status).toBe(400)
      expect(await errorOf(res)).toContain(named)
    })

    it('accepts any base64 template (the API documents only base64) and ignores unknown fields', async () => {
      const template = Buffer.from('plain text').toString('base64')
      const created = await client.createEventMetadataForProvider(
        WS.org,
        WS.project,
        WS.workspace,
        providerId,
        {
          event_code: 'meta.plain',
          label: 'Plain',
          description: 'A plain-text template',
          sample_event_template: template,
          eventCode: 'meta.plain',
        },
      )
      expect([created.event_code, created._embedded.sample_event.sample_payload]).toEqual([
        'meta.plain',
        template,
      ])
    })
  })

  describe('registrations', () => {
    let providerId: string
    const codes = ['reg.created', 'reg.updated']
    beforeAll(async () => {
      providerId = await createProvider(client, codes)
    })

    it('creates a runtime-action registration with the HAL shape the client expects', async () => {
      const body = registrationBody(providerId, ['reg.created'], { name: 'Consumer' })
      const reg = await client.createRegistration(WS.org, WS.project, WS.workspace, body)
      const id = reg.registration_id as string
      const self = `${stack.baseUrl}/events/${WS.org}/${WS.project}/${WS.workspace}/registrations/${id}`
      const journal = `${stack.baseUrl}/events/organizations/${WS.org}/integrations/${WS.workspace}/${id}`
      expect(reg).toEqual({
        _links: {
          'rel:events': { href: journal },
          'rel:trace': { href: `${self}/tracing` },
          self: { href: self },
        },
        id: expect.any(Number),
        name: 'Consumer',
        description: 'test registration',
        client_id: API_KEY,
        registration_id: id,
        events_of_interest: [
          {
            event_code: 'reg.created',
            event_label: 'reg.created',
            event_description: 'reg.created event',
            provider_id: providerId,
            provider: expect.any(String),
            provider_label: expect.any(String),
            provider_description: 'test provider',
            event_delivery_format: 'cloud_events_v1',
          },
        ],
        webhook_status: 'verified',
        status: 'ACTIVE',
        created_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        updated_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        consumer_id: WS.org,
        project_id: WS.project,
        workspace_id: WS.workspace,
        runtime_action: 'fixture/echo',
        delivery_type: 'webhook',
        events_url: journal,
        enabled: true,
      })
      expect(await client.getRegistration(WS.org, WS.project, WS.workspace, id)).toEqual(reg)
      const list = await client.getAllRegistrationsForWorkspace(WS.org, WS.project, WS.workspace)
      expect(
        list._embedded.registrations.map((r: { registration_id: string }) => r.registration_id),
      ).toContain(id)

      const updated = await client.updateRegistration(WS.org, WS.project, WS.workspace, id, {
        ...body,
        client_id: undefined,
        name: 'Consumer renamed',
        enabled: false,
        events_of_interest: codes.map((event_code) => ({ provider_id: providerId, event_code })),
      })
      expect(updated).toMatchObject({ name: 'Consumer renamed', enabled: false, registration_id: id })
      expect(updated.events_of_interest.map((e: { event_code: string }) => e.event_code)).toEqual(codes)

      await expect(client.deleteRegistration(WS.org, WS.project, WS.workspace, id)).resolves.toBeUndefined()
      await expect(client.getRegistration(WS.org, WS.project, WS.workspace, id)).rejects.toThrow(/404/)
    })

    it('ignores unknown fields and takes enabled as the string aio-lib-events types it as', async () => {
      const base = registrationBody(providerId, ['reg.updated'], { name: 'Filtered' })
      const body = {
        ...base,
        enabled: 'false',
        subscriber_filters: [{ name: 'f', subscriber_filter: '{}' }],
        destination_metadata: { aws_region: 'us-east-1' },
        events_of_interest: base.events_of_interest.map((e) => ({ ...e, provider: 'ignored' })),
      }
      const reg = await client.createRegistration(WS.org, WS.project, WS.workspace, body)
      expect([
        reg.name,
        reg.enabled,
        reg.events_of_interest.map((e: { event_code: string }) => e.event_code),
      ]).toEqual(['Filtered', false, ['reg.updated']])
      await client.deleteRegistration(WS.org, WS.project, WS.workspace, reg.registration_id)
    })

    it('answers 409 with x-conflicting-id for a duplicate name in the workspace', async () => {
      const body = registrationBody(providerId, ['reg.created'], { name: 'Same name' })
      const first = await client.createRegistration(WS.org, WS.project, WS.workspace, body)
      const err = await client
        .createRegistration(WS.org, WS.project, WS.workspace, body)
        .catch((e: unknown) => e)
      expect(err.message).toMatch(/409 - Conflict/)
      expect(err.sdkDetails.conflictingId).toBe(first.registration_id)
    })

    it('pages registrations of the org', async () => {
      for (let i = 0; i < 2; i++) {
        await client.createRegistration(
          WS.org,
          WS.project,
          WS.workspace,
          registrationBody(providerId, ['reg.updated']),
        )
      }
      const page = await client.getAllRegistrationsForOrg(WS.org, { page: 0, size: 1 })
      expect(page.page).toMatchObject({ size: 1, number: 0, numberOfElements: 1 })
      expect(page._embedded.registrations).toHaveLength(1)
      expect(page._links.next.href).toContain('page=1&size=1')
    })

    it('verifies a webhook_url with the challenge, and refuses one that does not answer it', async () => {
      const receiver = await startReceiver()
      try {
        const ok = await client.createRegistration(
          WS.org,
          WS.project,
          WS.workspace,
          registrationBody(providerId, ['reg.created'], {
            runtime_action: undefined,
            webhook_url: receiver.url,
            delivery_type: 'webhook_batch',
          }),
        )
        expect(ok).toMatchObject({
          webhook_url: receiver.url,
          delivery_type: 'webhook_batch',
          webhook_status: 'verified',
        })
      } finally {
        await receiver.close()
      }
      const dead = await client
        .createRegistration(
          WS.org,
          WS.project,
          WS.workspace,
          registrationBody(providerId, ['reg.created'], {
            runtime_action: undefined,
            webhook_url: receiver.url,
          }),
        )
        .catch((e: Error) => e)
      expect(dead.message).toMatch(/400 - Bad Request/)
    })

    it.each([
      ['no events of interest', { events_of_interest: [] }, 'events_of_interest'],
      [
        'an unknown provider',
        { events_of_interest: [{ provider_id: 'nope', event_code: 'reg.created' }] },
        'provider nope does not exist',
      ],
      [
        'an unknown event code',
        { events_of_interest: [{ provider_id: 'PID', event_code: 'nope' }] },
        'event code nope is not defined',
      ],
      [
        'journal with a runtime action',
        { delivery_type: 'journal' },
        'neither webhook_url nor runtime_action',
      ],
      ['batch with a runtime action', { delivery_type: 'webhook_batch' }, 'delivery_type webhook only'],
      [
        'webhook without a target',
        { runtime_action: undefined },
        'exactly one of webhook_url or runtime_action',
      ],
      [
        'an unknown delivery type',
        { delivery_type: 'WEBHOOK' },
        'delivery_type must be webhook, webhook_batch or journal',
      ],
      [
        'aws_eventbridge (not emulated)',
        { delivery_type: 'aws_eventbridge' },
        'aws_eventbridge is not emulated locally',
      ],
      ['no client_id', { client_id: undefined }, 'client_id is required'],
    ])('answers 400 for %s', async (_what, overrides, named) => {
      const body = JSON.parse(
        JSON.stringify(registrationBody(providerId, ['reg.created'], overrides)).replace(
          '"PID"',
          JSON.stringify(providerId),
        ),
      )
      const res = await rawFetch(stack, `/events/${WS.org}/${WS.project}/${WS.workspace}/registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      expect(res.status).toBe(400)
      expect(await errorOf(res)).toContain(named)
    })
  })
})

describe('registrations declared in app.config.yaml', () => {
  it('are created on start once their provider exists, and kept (updated, not duplicated) on restart', async () => {
    const first = await startEventsStack()
    const client = await eventsClient(first)
    const providerId = await createProvider(client, ['fixture.manifest'])
    expect(first.events.registrationByName('Fixture manifest registration')).toBeUndefined()
    await first.close()

    const env = { AIO_EVENTS_PROVIDERMETADATA_TO_PROVIDER_MAPPING: `fixture_events:${providerId}` }
    for (let run = 0; run < 2; run++) {
      const stack = await startEventsStack({ dataDir: first.dataDir }, env)
      try {
        const reg = stack.events.registrationByName('Fixture manifest registration')
        expect(reg).toMatchObject({
          runtime_action: 'fixture/echo',
          delivery_type: 'webhook',
          enabled: true,
          events_of_interest: [
            expect.objectContaining({ provider_id: providerId, event_code: 'fixture.manifest' }),
          ],
        })
        const all = await (
          await eventsClient(stack)
        ).getAllRegistrationsForWorkspace(WS.org, WS.project, WS.workspace)
        expect(all._embedded.registrations).toHaveLength(1)
      } finally {
        await stack.close()
      }
    }
  })
})
