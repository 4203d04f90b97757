/**
 * The event registry: every entity and event code the app knows, built once from
 * `onboarding/config/events.json` (the single source of truth, starter-kit compatible:
 * entity → provider → event code → `{sampleEventTemplate}`). Routing, validation, onboarding
 * and the docs all read this table instead of hard-coding codes.
 */
import Joi from 'joi'
import catalogue from '../../onboarding/config/events.json'

/** The two I/O Events providers of the app. */
export type ProviderKey = 'commerce' | 'backoffice'

/** One event code and where it belongs. */
export interface EventDefinition {
  /** e.g. `be-observer.catalog_product_create`. */
  code: string
  /**
   * The entity events.json lists the code under, e.g. `product`: what registrations group by
   * (registrations.json maps these names to providers).
   */
  entity: string
  /**
   * The entity whose handler (`entities/<handlerEntity>`, `actions/entities/<handlerEntity>/`) takes
   * the code: `entity`, except for the codes HANDLER_ENTITY_SPLITS moves (a starter-kit events.json
   * lists customer-group codes under `customer`).
   */
  handlerEntity: string
  provider: ProviderKey
  /** The CloudEvent `data` of a representative event (I/O Events metadata sample). */
  sampleEventTemplate: unknown
}

/** Read-only view over the catalogue. */
export interface EventRegistry {
  /** The definition of `code`, or undefined when the code is unknown. */
  get(code: string): EventDefinition | undefined
  /** Every definition, in catalogue order. */
  all(): readonly EventDefinition[]
  /** Every entity name, in catalogue order. */
  entities(): readonly string[]
  /** Definitions of one provider (e.g. the `backoffice` codes ingestion accepts). */
  byProvider(provider: ProviderKey): readonly EventDefinition[]
  /** Definitions listed under one entity of events.json (what a registration of that entity gets). */
  byEntity(entity: string): readonly EventDefinition[]
  /** Every entity with a handler, in catalogue order (the folders and actions the app needs). */
  handlerEntities(): readonly string[]
  /** Definitions one entity handler takes. */
  byHandlerEntity(entity: string): readonly EventDefinition[]
}

/**
 * Codes a catalogue may list under a broader entity than the one whose handler takes them. The
 * starter kit's events.json lists the customer-group codes (Commerce and back-office) under
 * `customer`, where its customer actions handle both; here they belong to `entities/customer-group`.
 * A row moves a code listed under `listedUnder` whose name matches `code`; a code already listed
 * under its handler entity is unaffected, so both layouts of events.json load.
 */
export const HANDLER_ENTITY_SPLITS: readonly { listedUnder: string; code: RegExp; handlerEntity: string }[] =
  [{ listedUnder: 'customer', code: /(?:^|\.)customer_group_[a-z0-9_]+$/, handlerEntity: 'customer-group' }]

const handlerEntityOf = (entity: string, code: string): string =>
  HANDLER_ENTITY_SPLITS.find((s) => s.listedUnder === entity && s.code.test(code))?.handlerEntity ?? entity

const codeSchema = Joi.object({ sampleEventTemplate: Joi.alternatives(Joi.object(), Joi.array()).required() })
const entitySchema = Joi.object({
  commerce: Joi.object().pattern(Joi.string().pattern(/^com\.adobe\.commerce\.[a-z0-9_.]+$/), codeSchema),
  backoffice: Joi.object().pattern(Joi.string().pattern(/^be-observer\.[a-z0-9_]+$/), codeSchema),
})
const catalogueSchema = Joi.object()
  .pattern(Joi.string().pattern(/^[a-z][a-z0-9-]*$/), entitySchema)
  .min(1)

/**
 * Builds a registry from a catalogue object.
 * @throws Error naming the path of every problem (`events.json: "product.backoffice.x" ...`).
 */
export function createEventRegistry(raw: unknown, source = 'events.json'): EventRegistry {
  const { error } = catalogueSchema.validate(raw, { abortEarly: false })
  if (error) {
    throw new Error(`${source}: ${error.details.map((d) => `${d.path.join('.')}: ${d.message}`).join('; ')}`)
  }
  const all: EventDefinition[] = []
  const seen = new Map<string, string>()
  for (const [entity, providers] of Object.entries(
    raw as Record<string, Record<string, Record<string, { sampleEventTemplate: unknown }>>>,
  )) {
    for (const provider of ['commerce', 'backoffice'] as const) {
      for (const [code, def] of Object.entries(providers[provider] ?? {})) {
        if (seen.has(code))
          throw new Error(
            `${source}: event code ${code} is listed under both ${seen.get(code)} and ${entity}`,
          )
        seen.set(code, entity)
        all.push({
          code,
          entity,
          handlerEntity: handlerEntityOf(entity, code),
          provider,
          sampleEventTemplate: def.sampleEventTemplate,
        })
      }
    }
  }
  const byCode = new Map(all.map((d) => [d.code, d]))
  const entities = [...new Set(all.map((d) => d.entity))]
  const handlerEntities = [...new Set(all.map((d) => d.handlerEntity))]
  return {
    handlerEntities: () => handlerEntities,
    byHandlerEntity: (entity) => all.filter((d) => d.handlerEntity === entity),
    get: (code) => byCode.get(code),
    all: () => all,
    entities: () => entities,
    byProvider: (provider) => all.filter((d) => d.provider === provider),
    byEntity: (entity) => all.filter((d) => d.entity === entity),
  }
}

/** The app's registry, built once per warm container. */
export const eventRegistry: EventRegistry = createEventRegistry(catalogue)
