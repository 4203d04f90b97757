/**
 * Management API: event metadata (the event codes of a provider), at the paths
 * `@adobe/aio-lib-events` v4 calls: `GET /events/providers/{id}/eventmetadata[/{code}[/sample_event]]`,
 * `POST|PUT|DELETE /events/{org}/{project}/{workspace}/providers/{id}/eventmetadata[/{code}]`.
 *
 * An event code already defined on the provider is a 409 with `x-conflicting-id: <code>`.
 * As the API's `EventMetadataInputModel` documents it: `sample_event_template` is base64 (its
 * pattern, up to 87,382 characters); what it encodes is not checked, as the API documents none (it
 * comes back as `_embedded.sample_event.sample_payload`). Unknown body fields are ignored.
 */
import Joi from 'joi'
import { sendEmpty, sendJson, StackHttpError } from '../http-kit'
import { readValidBody, type EventsDeps } from './deps'
import { eventMetadataView, sampleEventView } from './hal'
import { providerLookup } from './providers-api'
import type { Route, RouteContext } from './router'

const MGMT = { org: true, apiKey: true }

/** The API's documented pattern for `sample_event_template` (events-api-reference.yaml). */
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)?$/

const metadataSchema = Joi.object<{
  event_code: string
  label: string
  description: string
  sample_event_template?: string | null
}>({
  event_code: Joi.string()
    .trim()
    .min(1)
    .max(255)
    .pattern(/^[^\s/?#]+$/)
    .required(),
  label: Joi.string().trim().min(1).max(255).required(),
  description: Joi.string().trim().min(1).max(1024).required(),
  sample_event_template: Joi.string()
    .allow(null, '')
    .max(87_382)
    .pattern(BASE64)
    .messages({ 'string.pattern.base': 'sample_event_template must be base64-encoded' }),
}).unknown(true)

const metadataUpdateSchema = metadataSchema.fork(['event_code'], (s) => s.optional())

/** Builds the event-metadata routes; `onChange` runs after a code is created. */
export function eventMetadataRoutes(deps: EventsDeps, onChange: () => void): Route[] {
  const { store, urls, clock } = deps
  const { providerOr404, ownedProvider } = providerLookup(store)

  const metadataOr404 = (providerId: string, code: string) => {
    const m = store.metadata(providerId, code)
    if (!m) throw new StackHttpError(404, `event code ${code} not found on provider ${providerId}`)
    return m
  }

  const createMetadata = async (ctx: RouteContext) => {
    const p = ownedProvider(ctx)
    const body = await readValidBody(ctx.req, metadataSchema)
    if (store.metadata(p.id, body.event_code)) {
      throw new StackHttpError(409, `event code ${body.event_code} already exists on provider ${p.id}`, {
        'x-conflicting-id': body.event_code,
      })
    }
    const now = clock.now()
    const row = {
      provider_id: p.id,
      event_code: body.event_code,
      label: body.label,
      description: body.description,
      sample_event_template: body.sample_event_template ?? null,
      created_at: now,
      updated_at: now,
    }
    store.insertMetadata(row)
    onChange()
    sendJson(ctx.res, 201, eventMetadataView(urls, p, row))
  }

  const updateMetadata = async (ctx: RouteContext) => {
    const p = ownedProvider(ctx)
    metadataOr404(p.id, ctx.params.code)
    const body = await readValidBody(ctx.req, metadataUpdateSchema)
    if (body.event_code !== undefined && body.event_code !== ctx.params.code) {
      throw new StackHttpError(400, 'event_code in the body must match the event code in the path')
    }
    store.updateMetadata({
      provider_id: p.id,
      event_code: ctx.params.code,
      label: body.label,
      description: body.description,
      sample_event_template: body.sample_event_template ?? null,
      updated_at: clock.now(),
    })
    sendJson(ctx.res, 200, eventMetadataView(urls, p, store.metadata(p.id, ctx.params.code)!))
  }

  return [
    {
      method: 'GET',
      path: '/events/providers/:id/eventmetadata',
      auth: MGMT,
      handler: ({ res, params }) => {
        const p = providerOr404(params.id)
        sendJson(res, 200, {
          _links: { self: { href: urls.metadataList(p.id) } },
          _embedded: { eventmetadata: store.metadataOf(p.id).map((m) => eventMetadataView(urls, p, m)) },
        })
      },
    },
    {
      method: 'GET',
      path: '/events/providers/:id/eventmetadata/:code',
      auth: MGMT,
      handler: ({ res, params }) => {
        const p = providerOr404(params.id)
        sendJson(res, 200, eventMetadataView(urls, p, metadataOr404(p.id, params.code)))
      },
    },
    {
      method: 'GET',
      path: '/events/providers/:id/eventmetadata/:code/sample_event',
      auth: MGMT,
      handler: ({ res, params }) => {
        const m = metadataOr404(providerOr404(params.id).id, params.code)
        if (!m.sample_event_template)
          throw new StackHttpError(404, `event code ${params.code} has no sample event`)
        sendJson(
          res,
          200,
          sampleEventView(
            `${urls.metadataList(params.id)}/${encodeURIComponent(m.event_code)}`,
            m.sample_event_template,
          ),
        )
      },
    },
    {
      method: 'POST',
      path: '/events/:org/:project/:workspace/providers/:id/eventmetadata',
      auth: MGMT,
      handler: createMetadata,
    },
    {
      method: 'DELETE',
      path: '/events/:org/:project/:workspace/providers/:id/eventmetadata',
      auth: MGMT,
      handler: (ctx) => {
        store.deleteAllMetadata(ownedProvider(ctx).id)
        sendEmpty(ctx.res, 204)
      },
    },
    {
      method: 'PUT',
      path: '/events/:org/:project/:workspace/providers/:id/eventmetadata/:code',
      auth: MGMT,
      handler: updateMetadata,
    },
    {
      method: 'DELETE',
      path: '/events/:org/:project/:workspace/providers/:id/eventmetadata/:code',
      auth: MGMT,
      handler: (ctx) => {
        const p = ownedProvider(ctx)
        metadataOr404(p.id, ctx.params.code)
        store.deleteMetadata(p.id, ctx.params.code)
        sendEmpty(ctx.res, 204)
      },
    },
  ]
}
