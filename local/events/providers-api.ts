/**
 * Management API: custom events providers, at the paths `@adobe/aio-lib-events` v4 calls:
 * `GET /events/{org}/providers[?eventmetadata=true&providerMetadataId…&instanceId…]`,
 * `GET /events/providers/{id}[?eventmetadata=true]`, `POST|PUT|DELETE
 * /events/{org}/{project}/{workspace}/providers[/{id}]` and `GET /events/providermetadata`.
 * Event codes are in event-metadata-api.ts.
 *
 * Bodies follow the API's `ProviderInputModel` (events-api-reference.yaml in AdobeDocs/adobe-io-events):
 * `label` (required), `description`, `docs_url`, `provider_metadata` (`3rd_party_custom_events`, the
 * default, or `dx_commerce_events` — Adobe Commerce's eventing module publishes to that type),
 * `instance_id`, `data_residency_region`. Unknown fields are ignored, as the real API does: Adobe's
 * own clients send extra ones (`@adobe/aio-commerce-lib-events` spreads its camel-case parameters,
 * e.g. `consumerOrgId`, `providerType`, into the body; others send `organization_id`).
 * Documented and reproduced: a label already used in the consumer org is a 409 with
 * `x-conflicting-id: <provider id>`, and so is an `instance_id` already used by a provider of the
 * same `provider_metadata` ("must be unique at the provider_metadata level"). The API's other
 * provider types (`acs`, `aem`, `asset_compute`) are Adobe's own, not creatable by a workspace:
 * 404 "provider metadata does not exist", as the API answers for an unknown one. A provider's type
 * and instance id are fixed at creation: an update ignores them.
 * Deleting a provider deletes its event metadata; registrations that named it simply stop
 * matching (ingress refuses events of a provider that no longer exists).
 */
import Joi from 'joi'
import { sendEmpty, sendJson, StackHttpError } from '../http-kit'
import { readValidBody, type EventsDeps } from './deps'
import { CUSTOM_PROVIDER_METADATA, PROVIDER_METADATA, providerView } from './hal'
import type { Route, RouteContext } from './router'
import type { ProviderRow, Store } from './store'

const MGMT = { org: true, apiKey: true }

const providerSchema = Joi.object<{
  label: string
  description?: string
  docs_url?: string | null
  instance_id?: string
  provider_metadata?: string
  data_residency_region?: string
}>({
  label: Joi.string().trim().min(1).max(255).required(),
  description: Joi.string().allow('').max(1024),
  docs_url: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow(null, ''),
  instance_id: Joi.string().max(255),
  provider_metadata: Joi.string().min(1).max(255),
  data_residency_region: Joi.string().max(64),
}).unknown(true)

/** The type of a provider row (rows from before types were kept are custom providers). */
const typeOf = (p: ProviderRow) => p.provider_metadata ?? CUSTOM_PROVIDER_METADATA

/** Provider lookups shared by the provider and event-metadata routes. */
export function providerLookup(store: Store) {
  const providerOr404 = (id: string): ProviderRow => {
    const p = store.provider(id)
    if (!p) throw new StackHttpError(404, `provider ${id} not found`)
    return p
  }
  /** A workspace-scoped call must name the provider's own org/project/workspace. */
  const ownedProvider = ({ params }: RouteContext): ProviderRow => {
    const p = providerOr404(params.id)
    if (p.consumer_org !== params.org || p.project !== params.project || p.workspace !== params.workspace) {
      throw new StackHttpError(403, `provider ${p.id} does not belong to workspace ${params.workspace}`)
    }
    return p
  }
  return { providerOr404, ownedProvider }
}

/** Builds the provider routes. */
export function providerRoutes(deps: EventsDeps, onChange: () => void): Route[] {
  const { store, urls, clock, config } = deps
  const view = (p: ProviderRow, withMetadata: boolean) =>
    providerView(urls, store, p, withMetadata, config.imsOrgId)
  const wantMetadata = (url: URL) => url.searchParams.get('eventmetadata') === 'true'

  const { providerOr404, ownedProvider } = providerLookup(store)

  const listProviders = ({ res, url, params }: RouteContext) => {
    const metadataIds = [
      ...url.searchParams.getAll('providerMetadataIds'),
      ...url.searchParams.getAll('providerMetadataId'),
    ]
    const instanceId = url.searchParams.get('instanceId')
    const rows = store
      .providersOfOrg(params.org)
      .filter((p) => metadataIds.length === 0 || metadataIds.includes(typeOf(p)))
      .filter((p) => !instanceId || p.instance_id === instanceId)
    sendJson(res, 200, {
      _links: { self: { href: urls.providers(params.org) } },
      _embedded: { providers: rows.map((p) => view(p, wantMetadata(url))) },
    })
  }

  const createProvider = async ({ req, res, params }: RouteContext) => {
    const body = await readValidBody(req, providerSchema)
    const type = body.provider_metadata ?? CUSTOM_PROVIDER_METADATA
    if (!PROVIDER_METADATA.some((m) => m.id === type))
      throw new StackHttpError(
        404,
        `provider metadata ${type} does not exist (or cannot be created by a workspace)`,
      )
    const existing = store.providerByLabel(params.org, body.label)
    if (existing) {
      throw new StackHttpError(409, `a provider labelled "${body.label}" already exists`, {
        'x-conflicting-id': existing.id,
      })
    }
    const sameInstance =
      body.instance_id &&
      store.providersOfOrg(params.org).find((p) => typeOf(p) === type && p.instance_id === body.instance_id)
    if (sameInstance) {
      throw new StackHttpError(
        409,
        `a ${type} provider with instance_id "${body.instance_id}" already exists`,
        {
          'x-conflicting-id': sameInstance.id,
        },
      )
    }
    const now = clock.now()
    const row: ProviderRow = {
      id: clock.id(),
      consumer_org: params.org,
      project: params.project,
      workspace: params.workspace,
      label: body.label,
      description: body.description ?? null,
      docs_url: body.docs_url || null,
      // As documented: a custom provider without an instance id gets a random UUID.
      instance_id: body.instance_id ?? (type === CUSTOM_PROVIDER_METADATA ? clock.id() : null),
      provider_metadata: type,
      created_at: now,
      updated_at: now,
    }
    store.insertProvider(row)
    onChange()
    sendJson(res, 201, view(row, false))
  }

  const updateProvider = async (ctx: RouteContext) => {
    const p = ownedProvider(ctx)
    const body = await readValidBody(ctx.req, providerSchema)
    const clash = store.providerByLabel(p.consumer_org, body.label)
    if (clash && clash.id !== p.id) {
      throw new StackHttpError(409, `a provider labelled "${body.label}" already exists`, {
        'x-conflicting-id': clash.id,
      })
    }
    store.updateProvider({
      id: p.id,
      label: body.label,
      description: body.description ?? null,
      docs_url: body.docs_url || null,
      updated_at: clock.now(),
    })
    sendJson(ctx.res, 200, view(store.provider(p.id)!, false))
  }

  return [
    {
      method: 'GET',
      path: '/events/providermetadata',
      auth: MGMT,
      handler: ({ res }) =>
        sendJson(res, 200, {
          _links: { self: { href: `${urls.base}/events/providermetadata` } },
          _embedded: {
            providermetadata: PROVIDER_METADATA.map((m) => ({ ...m, has_multiple_providers: true })),
          },
        }),
    },
    {
      method: 'GET',
      path: '/events/providers/:id',
      auth: MGMT,
      handler: ({ res, url, params }) =>
        sendJson(res, 200, view(providerOr404(params.id), wantMetadata(url))),
    },
    { method: 'GET', path: '/events/:org/providers', auth: MGMT, handler: listProviders },
    {
      method: 'POST',
      path: '/events/:org/:project/:workspace/providers',
      auth: MGMT,
      handler: createProvider,
    },
    {
      method: 'PUT',
      path: '/events/:org/:project/:workspace/providers/:id',
      auth: MGMT,
      handler: updateProvider,
    },
    {
      method: 'DELETE',
      path: '/events/:org/:project/:workspace/providers/:id',
      auth: MGMT,
      handler: (ctx) => {
        store.deleteProvider(ownedProvider(ctx).id)
        sendEmpty(ctx.res, 204)
      },
    },
  ]
}
