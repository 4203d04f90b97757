/**
 * Management API: event registrations (`/events/{org}/{project}/{workspace}/registrations[/{id}]`
 * and `/events/{org}/registrations?page&size`), as `@adobe/aio-lib-events` v4 calls them.
 *
 * A registration delivers through exactly one target: `runtime_action` ("package/action", invoked
 * in the app's namespace, or "namespace/package/action") or `webhook_url`; `journal` registrations
 * have neither (every registration also has a journal, its `rel:events` link, as on Adobe).
 * Bodies follow the API's `RegistrationCreateModel` / `RegistrationUpdateModel`; unknown fields are
 * ignored as the real API does (Adobe's `@adobe/aio-commerce-lib-events` sends `subscriber_filters`
 * and `destination_metadata`, an events-of-interest entry may carry `provider`), and `enabled` may
 * be the string `"true"`/`"false"` (`@adobe/aio-lib-events` types it as a string).
 * `delivery_type: aws_eventbridge` (documented) is refused with a 400 saying so: the local stack
 * cannot deliver to AWS, and accepting it would silently lose the events.
 * Chosen strict where undocumented: names are unique per workspace (409 + `x-conflicting-id`),
 * every `events_of_interest` entry must name an existing provider and event code (400 naming it),
 * `runtime_action` only with `delivery_type: webhook`, and a `webhook_url` must answer I/O Events'
 * challenge (`GET <url>?challenge=<random>` → 200 echoing the value, within 10 s) or the create fails.
 */
import Joi from 'joi'
import { sendEmpty, sendJson, StackHttpError } from '../http-kit'
import { readValidBody, type EventsDeps } from './deps'
import { registrationView } from './hal'
import type { Route, RouteContext } from './router'
import type { RegistrationInput, RegistrationRow, Store, WorkspaceRef } from './store'

const MGMT = { org: true, apiKey: true }
const CHALLENGE_TIMEOUT_MS = 10_000

const eventsOfInterest = Joi.array()
  .items(
    Joi.object({
      provider_id: Joi.string().min(1).max(255).required(),
      event_code: Joi.string().min(1).max(255).required(),
    }).unknown(true),
  )
  .min(1)
  .required()

const fields = {
  name: Joi.string().trim().min(1).max(255).required(),
  description: Joi.string().allow('', null).max(5000),
  delivery_type: Joi.string().valid('webhook', 'webhook_batch', 'journal').required().messages({
    'any.only':
      'delivery_type must be webhook, webhook_batch or journal (aws_eventbridge is not emulated locally)',
  }),
  webhook_url: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow(null),
  runtime_action: Joi.string()
    .pattern(/^(?:[\w@.-]+\/){0,2}[\w@.-]+$/)
    .allow(null)
    .messages({ 'string.pattern.base': 'runtime_action must look like package/action' }),
  events_of_interest: eventsOfInterest,
  enabled: Joi.alternatives(Joi.boolean(), Joi.string().valid('true', 'false')),
}

type Body = Omit<RegistrationInput, 'enabled' | 'description' | 'webhook_url' | 'runtime_action'> & {
  description?: string | null
  webhook_url?: string | null
  runtime_action?: string | null
  enabled?: boolean | 'true' | 'false'
}

const createSchema = Joi.object<Body>({
  ...fields,
  client_id: Joi.string().min(1).max(255).required(),
}).unknown(true)
const updateSchema = Joi.object<Body>({ ...fields, client_id: Joi.string().min(1).max(255) }).unknown(true)

/** Checks the target rules the schema cannot express alone; returns the normalized input. */
function normalizeRegistration(body: Body, clientId: string): RegistrationInput {
  const hasUrl = !!body.webhook_url
  const hasAction = !!body.runtime_action
  if (body.delivery_type === 'journal' && (hasUrl || hasAction)) {
    throw new StackHttpError(400, 'a journal registration takes neither webhook_url nor runtime_action')
  }
  if (body.delivery_type !== 'journal' && hasUrl === hasAction) {
    throw new StackHttpError(
      400,
      `delivery_type ${body.delivery_type} needs exactly one of webhook_url or runtime_action`,
    )
  }
  if (hasAction && body.delivery_type !== 'webhook') {
    throw new StackHttpError(400, 'runtime_action registrations support delivery_type webhook only')
  }
  const seen = new Set<string>()
  const events = body.events_of_interest.filter((e) => {
    const key = `${e.provider_id}\n${e.event_code}`
    return seen.has(key) ? false : (seen.add(key), true)
  })
  return {
    name: body.name,
    description: body.description || null,
    client_id: clientId,
    delivery_type: body.delivery_type,
    webhook_url: body.webhook_url || null,
    runtime_action: body.runtime_action || null,
    enabled: body.enabled === undefined ? true : body.enabled === true || body.enabled === 'true',
    events_of_interest: events,
  }
}

/** Sends I/O Events' webhook challenge; resolves when the receiver echoes it. */
async function verifyWebhook(url: string, challenge: string): Promise<void> {
  const target = new URL(url)
  target.searchParams.set('challenge', challenge)
  let res: Response
  try {
    res = await fetch(target, {
      method: 'GET',
      signal: AbortSignal.timeout(CHALLENGE_TIMEOUT_MS),
      redirect: 'manual',
    })
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? 'timed out after 10 s' : 'could not be reached'
    throw new StackHttpError(400, `webhook_url failed the challenge: it ${reason}`)
  }
  const text = (await res.text().catch(() => '')).slice(0, 4096)
  if (res.status !== 200 || !text.includes(challenge)) {
    throw new StackHttpError(
      400,
      `webhook_url failed the challenge: expected 200 echoing the challenge value, got ${res.status}`,
    )
  }
}

/**
 * The registration `params.id` of the workspace named by `params` (org, project, workspace);
 * 404 when it does not exist there. Shared by the registration and tracing routes.
 */
export function ownedRegistration(store: Store, params: Record<string, string>): RegistrationRow {
  const r = store.registration(params.id)
  if (
    !r ||
    r.consumer_org !== params.org ||
    r.project !== params.project ||
    r.workspace !== params.workspace
  ) {
    throw new StackHttpError(404, `registration ${params.id} not found in workspace ${params.workspace}`)
  }
  return r
}

/** Builds the registration routes. `ensureRegistration` is reused by the manifest sync. */
export function registrationRoutes(deps: EventsDeps) {
  const { store, urls, clock } = deps
  const ws = (p: Record<string, string>): WorkspaceRef => ({
    consumerOrg: p.org,
    project: p.project,
    workspace: p.workspace,
  })
  const view = (r: RegistrationRow) => registrationView(urls, store, r)

  const checkEvents = (input: RegistrationInput): void => {
    for (const e of input.events_of_interest) {
      if (!store.provider(e.provider_id)) {
        throw new StackHttpError(400, `events_of_interest: provider ${e.provider_id} does not exist`)
      }
      if (!store.metadata(e.provider_id, e.event_code)) {
        throw new StackHttpError(
          400,
          `events_of_interest: event code ${e.event_code} is not defined on provider ${e.provider_id}`,
        )
      }
    }
  }

  const owned = ({ params }: RouteContext): RegistrationRow => ownedRegistration(store, params)

  /** Creates a registration after every check; returns the stored row. */
  const create = async (where: WorkspaceRef, input: RegistrationInput): Promise<RegistrationRow> => {
    const clash = store.registrationByName(where, input.name)
    if (clash) {
      throw new StackHttpError(409, `a registration named "${input.name}" already exists in this workspace`, {
        'x-conflicting-id': clash.registration_id,
      })
    }
    checkEvents(input)
    if (input.webhook_url) await verifyWebhook(input.webhook_url, clock.id())
    const id = clock.id()
    store.insertRegistration(id, where, input, clock.now())
    return store.registration(id)!
  }

  /** Replaces a registration's fields after every check; returns the stored row. */
  const update = async (r: RegistrationRow, input: RegistrationInput): Promise<RegistrationRow> => {
    const clash = store.registrationByName(
      { consumerOrg: r.consumer_org, project: r.project, workspace: r.workspace },
      input.name,
    )
    if (clash && clash.registration_id !== r.registration_id) {
      throw new StackHttpError(409, `a registration named "${input.name}" already exists in this workspace`, {
        'x-conflicting-id': clash.registration_id,
      })
    }
    checkEvents(input)
    if (input.webhook_url && input.webhook_url !== r.webhook_url)
      await verifyWebhook(input.webhook_url, clock.id())
    store.updateRegistration(r.registration_id, input, clock.now())
    return store.registration(r.registration_id)!
  }

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/events/:org/registrations',
      auth: MGMT,
      handler: ({ res, url, params }) => {
        const size = Math.min(Math.max(Number(url.searchParams.get('size') ?? 10) || 10, 1), 100)
        const page = Math.max(Number(url.searchParams.get('page') ?? 0) || 0, 0)
        const { rows, total } = store.registrationsOfOrg(params.org, size, page)
        const self = `${urls.base}/events/${encodeURIComponent(params.org)}/registrations`
        const pages = Math.ceil(total / size)
        const at = (n: number) => ({ href: `${self}?page=${n}&size=${size}` })
        sendJson(res, 200, {
          _links: {
            self: at(page),
            first: at(0),
            last: at(Math.max(pages - 1, 0)),
            ...(page + 1 < pages ? { next: at(page + 1) } : {}),
            ...(page > 0 ? { prev: at(page - 1) } : {}),
          },
          _embedded: { registrations: rows.map(view) },
          page: {
            size,
            number: page,
            numberOfElements: rows.length,
            totalElements: total,
            totalPages: pages,
          },
        })
      },
    },
    {
      method: 'GET',
      path: '/events/:org/:project/:workspace/registrations',
      auth: MGMT,
      handler: ({ res, params }) =>
        sendJson(res, 200, {
          _links: { self: { href: urls.registrations(params.org, params.project, params.workspace) } },
          _embedded: { registrations: store.registrationsOfWorkspace(ws(params)).map(view) },
        }),
    },
    {
      method: 'POST',
      path: '/events/:org/:project/:workspace/registrations',
      auth: MGMT,
      handler: async ({ req, res, params }) => {
        const body = await readValidBody(req, createSchema)
        sendJson(res, 201, view(await create(ws(params), normalizeRegistration(body, body.client_id))))
      },
    },
    {
      method: 'GET',
      path: '/events/:org/:project/:workspace/registrations/:id',
      auth: MGMT,
      handler: (ctx) => sendJson(ctx.res, 200, view(owned(ctx))),
    },
    {
      method: 'PUT',
      path: '/events/:org/:project/:workspace/registrations/:id',
      auth: MGMT,
      handler: async (ctx) => {
        const r = owned(ctx)
        const body = await readValidBody(ctx.req, updateSchema)
        sendJson(ctx.res, 200, view(await update(r, normalizeRegistration(body, r.client_id))))
      },
    },
    {
      method: 'DELETE',
      path: '/events/:org/:project/:workspace/registrations/:id',
      auth: MGMT,
      handler: (ctx) => {
        store.deleteRegistration(owned(ctx).registration_id, clock.now())
        sendEmpty(ctx.res, 204)
      },
    },
  ]
  return { routes, create, update, view }
}
