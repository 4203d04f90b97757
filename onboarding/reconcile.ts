/**
 * Idempotent onboarding: compares what `onboarding/config` declares with what I/O Events has
 * (providers, event metadata, registrations to the consumer action) and creates or updates only
 * what is missing or drifted. Re-running with unchanged config performs no writes.
 *
 * Talks to I/O Events only through `EventsManagement`, the subset of the real
 * `@adobe/aio-lib-events` client it needs.
 */
import type { OnboardingConfig } from './config-loader'
import type { EventDefinition, ProviderKey } from '../actions/lib/event-registry'
import { prefixedCommerceCode } from './commerce-subscriptions'

/** The subset of `@adobe/aio-lib-events` onboarding uses. */
export interface EventsManagement {
  getAllProviders(orgId: string): Promise<any>
  createProvider(orgId: string, projectId: string, workspaceId: string, body: object): Promise<any>
  updateProvider(
    orgId: string,
    projectId: string,
    workspaceId: string,
    providerId: string,
    body: object,
  ): Promise<any>
  deleteProvider(orgId: string, projectId: string, workspaceId: string, providerId: string): Promise<any>
  getAllEventMetadataForProvider(providerId: string): Promise<any>
  createEventMetadataForProvider(
    orgId: string,
    projectId: string,
    workspaceId: string,
    providerId: string,
    body: object,
  ): Promise<any>
  updateEventMetadataForProvider(
    orgId: string,
    projectId: string,
    workspaceId: string,
    providerId: string,
    eventCode: string,
    body: object,
  ): Promise<any>
  deleteEventMetadata(
    orgId: string,
    projectId: string,
    workspaceId: string,
    providerId: string,
    eventCode: string,
  ): Promise<any>
  getAllRegistrationsForWorkspace(orgId: string, projectId: string, workspaceId: string): Promise<any>
  createRegistration(orgId: string, projectId: string, workspaceId: string, body: object): Promise<any>
  updateRegistration(
    orgId: string,
    projectId: string,
    workspaceId: string,
    registrationId: string,
    body: object,
  ): Promise<any>
  deleteRegistration(
    orgId: string,
    projectId: string,
    workspaceId: string,
    registrationId: string,
  ): Promise<any>
}

/** Which workspace to onboard, and the consumer that registrations deliver to. */
export interface OnboardingTarget {
  orgId: string
  projectId: string
  workspaceId: string
  /** The workspace credential's client id (I/O Events registrations carry it). */
  clientId: string
  /** `package/action` of the consumer. */
  runtimeAction: string
  /**
   * The Commerce instance's id (`COMMERCE_INSTANCE_ID`): the `commerce` provider is created as a
   * Commerce events provider (`provider_metadata: dx_commerce_events`) with this `instance_id`.
   */
  commerceInstanceId?: string
  /** `COMMERCE_EVENT_PREFIX`: Commerce codes become `com.adobe.commerce.<prefix>.observer.*`. */
  commerceEventPrefix?: string
}

/** I/O Events' provider type of Adobe Commerce's eventing module (the starter kit creates it so). */
export const COMMERCE_PROVIDER_METADATA = 'dx_commerce_events'

/** One line of the plan / summary. */
export interface Step {
  kind: 'provider' | 'metadata' | 'registration' | 'commerce-eventing' | 'commerce-subscription'
  name: string
  op: 'create' | 'update' | 'unchanged' | 'delete'
}

/** Options of a run. */
export interface ReconcileOptions {
  /** Record the plan without writing. */
  dryRun?: boolean
  /** Delete metadata and registrations (with our name prefix) that config no longer lists. */
  prune?: boolean
  /** Called after each step (progress output). */
  onStep?: (step: Step) => void
  /**
   * Replace a provider whose type or instance id differs from config (I/O Events cannot change
   * them in place): delete it (with its event metadata) and create it again. Without it such a
   * provider is an error naming the fix. `--prune` implies it.
   */
  replaceProviders?: boolean
}

/** Result: every step and the provider ids by key (used by tests and `npm start`). */
export interface ReconcileResult {
  steps: Step[]
  providerIds: Partial<Record<ProviderKey, string>>
}

/** Registrations we own start with this, so `--prune` never touches anyone else's. */
const REGISTRATION_PREFIX = 'event-hub-'

const embedded = (res: any, key: string): any[] => res?._embedded?.[key] ?? (Array.isArray(res) ? res : [])

/** Decodes a sample template whether the API returns it base64-encoded, as JSON text or as an object. */
function normaliseTemplate(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') return JSON.stringify(value)
  for (const text of [Buffer.from(value, 'base64').toString('utf8'), value]) {
    try {
      return JSON.stringify(JSON.parse(text))
    } catch {
      /* try the next form */
    }
  }
  return value
}

function desiredRegistrations(
  config: OnboardingConfig,
  ids: Partial<Record<ProviderKey, string>>,
  target: OnboardingTarget,
) {
  return Object.entries(config.registrations).flatMap(([entity, keys]) =>
    keys.map((key) => ({
      name: `${REGISTRATION_PREFIX}${entity}-${key}`,
      description: `${entity} events from ${key}, routed by commerce-event-hub`,
      client_id: target.clientId,
      delivery_type: 'webhook',
      runtime_action: target.runtimeAction,
      enabled: true,
      events_of_interest: config.registry
        .byEntity(entity)
        .filter((d) => d.provider === key)
        .map((d) => ({
          provider_id: ids[key] ?? `<new ${key} provider>`,
          event_code: codeOf(d, target.commerceEventPrefix),
        })),
    })),
  )
}

/** The I/O Events code of a definition: Commerce codes carry the app prefix when there is one. */
const codeOf = (d: EventDefinition, prefix?: string) =>
  d.provider === 'commerce' ? prefixedCommerceCode(d.code, prefix) : d.code

const interestKey = (list: { provider_id: string; event_code: string }[] = []) =>
  list
    .map((e) => `${e.provider_id}/${e.event_code}`)
    .sort()
    .join(',')

/** Runs onboarding against `client`; see the module comment. */
export async function reconcile(
  client: EventsManagement,
  config: OnboardingConfig,
  target: OnboardingTarget,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const { orgId, projectId, workspaceId } = target
  const steps: Step[] = []
  const record = async (step: Step, write?: () => Promise<unknown>) => {
    if (write && !options.dryRun && step.op !== 'unchanged') await write()
    steps.push(step)
    options.onStep?.(step)
  }

  // 1. Providers, matched by label (labels are unique per org in I/O Events). The `commerce`
  //    provider is a Commerce events provider with the instance id, as Commerce's eventing module
  //    publishes to (the starter kit's onboarding creates it so); type and instance id are fixed at
  //    creation, so a provider created otherwise must be replaced.
  const providerIds: Partial<Record<ProviderKey, string>> = {}
  const existingProviders = embedded(await client.getAllProviders(orgId), 'providers')
  for (const p of config.providers) {
    let found = existingProviders.find((e) => e.label === p.label)
    const body = { label: p.label, description: p.description }
    const typed =
      p.key === 'commerce'
        ? { provider_metadata: COMMERCE_PROVIDER_METADATA, instance_id: commerceInstanceId(target) }
        : {}
    if (
      found &&
      p.key === 'commerce' &&
      (found.provider_metadata !== typed.provider_metadata || found.instance_id !== typed.instance_id)
    ) {
      if (!options.replaceProviders && !options.prune) {
        throw new Error(
          `the "${p.label}" provider (${found.id}) is a ${found.provider_metadata ?? 'custom'} provider with instance id ` +
            `${found.instance_id ?? '(none)'}; Commerce needs ${typed.provider_metadata} with instance id ${typed.instance_id}. ` +
            'Re-run with --prune to replace it (its event metadata is re-created and the registrations re-pointed).',
        )
      }
      const stale = found
      await record({ kind: 'provider', name: p.key, op: 'delete' }, () =>
        client.deleteProvider(orgId, projectId, workspaceId, stale.id),
      )
      found = undefined
    }
    if (!found) {
      await record({ kind: 'provider', name: p.key, op: 'create' }, async () => {
        providerIds[p.key] = (
          await client.createProvider(orgId, projectId, workspaceId, { ...body, ...typed })
        ).id
      })
    } else {
      providerIds[p.key] = found.id
      const drift = (found.description ?? '') !== p.description
      await record({ kind: 'provider', name: p.key, op: drift ? 'update' : 'unchanged' }, () =>
        client.updateProvider(orgId, projectId, workspaceId, found.id, body),
      )
    }
  }

  // 2. Event metadata per provider, with the sample template (Developer Console "send sample event").
  for (const p of config.providers) {
    const providerId = providerIds[p.key]
    const existing = providerId
      ? embedded(await client.getAllEventMetadataForProvider(providerId), 'eventmetadata')
      : []
    const wanted = config.registry
      .byProvider(p.key)
      .map((d) => ({ ...d, code: codeOf(d, target.commerceEventPrefix) }))
    for (const def of wanted) {
      const body = {
        event_code: def.code,
        label: def.code,
        description: `${def.entity} event ${def.code}`,
        sample_event_template: Buffer.from(JSON.stringify(def.sampleEventTemplate)).toString('base64'),
      }
      const found = existing.find((e) => e.event_code === def.code)
      const name = `${p.key}/${def.code}`
      if (!found) {
        await record({ kind: 'metadata', name, op: 'create' }, () =>
          client.createEventMetadataForProvider(orgId, projectId, workspaceId, providerId!, body),
        )
        continue
      }
      const foundTemplate = normaliseTemplate(found.sample_event_template)
      const drift =
        found.label !== body.label ||
        (found.description ?? '') !== body.description ||
        (foundTemplate !== undefined && foundTemplate !== JSON.stringify(def.sampleEventTemplate))
      await record({ kind: 'metadata', name, op: drift ? 'update' : 'unchanged' }, () =>
        client.updateEventMetadataForProvider(orgId, projectId, workspaceId, providerId!, def.code, body),
      )
    }
    if (options.prune) {
      for (const extra of existing.filter((e) => !wanted.some((d) => d.code === e.event_code))) {
        await record({ kind: 'metadata', name: `${p.key}/${extra.event_code}`, op: 'delete' }, () =>
          client.deleteEventMetadata(orgId, projectId, workspaceId, providerId!, extra.event_code),
        )
      }
    }
  }

  // 3. Registrations delivering to the consumer action.
  const existingRegs = embedded(
    await client.getAllRegistrationsForWorkspace(orgId, projectId, workspaceId),
    'registrations',
  )
  const wantedRegs = desiredRegistrations(config, providerIds, target)
  for (const reg of wantedRegs) {
    const found = existingRegs.find((e) => e.name === reg.name)
    if (!found) {
      await record({ kind: 'registration', name: reg.name, op: 'create' }, () =>
        client.createRegistration(orgId, projectId, workspaceId, reg),
      )
      continue
    }
    const drift =
      found.runtime_action !== reg.runtime_action ||
      found.delivery_type !== reg.delivery_type ||
      (found.description ?? '') !== reg.description ||
      found.enabled === false ||
      interestKey(found.events_of_interest) !== interestKey(reg.events_of_interest)
    await record({ kind: 'registration', name: reg.name, op: drift ? 'update' : 'unchanged' }, () =>
      client.updateRegistration(orgId, projectId, workspaceId, found.registration_id ?? found.id, reg),
    )
  }
  if (options.prune) {
    for (const extra of existingRegs.filter(
      (e) => String(e.name).startsWith(REGISTRATION_PREFIX) && !wantedRegs.some((r) => r.name === e.name),
    )) {
      await record({ kind: 'registration', name: extra.name, op: 'delete' }, () =>
        client.deleteRegistration(orgId, projectId, workspaceId, extra.registration_id ?? extra.id),
      )
    }
  }
  return { steps, providerIds }
}

/** The instance id of the `commerce` provider; the error says where to find it. */
export function commerceInstanceId(target: OnboardingTarget): string {
  if (!target.commerceInstanceId)
    throw new Error(
      'COMMERCE_INSTANCE_ID is missing — the Commerce instance id: Commerce Admin → Stores → Settings → Configuration → ' +
        'Adobe Services → Adobe I/O Events → General configuration → Adobe Commerce Instance ID (or choose one: ' +
        'letters, digits, _ and -, unique per Commerce instance; onboarding writes it there)',
    )
  return target.commerceInstanceId
}

/** Counts of steps per op, for the summary line. */
export function summarise(steps: Step[]): Record<Step['op'], number> {
  const out = { create: 0, update: 0, unchanged: 0, delete: 0 }
  for (const s of steps) out[s.op]++
  return out
}
