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
  /** e.g. `product`; also the entity handler action name under the `entities` package. */
  entity: string
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
  /** Definitions of one entity. */
  byEntity(entity: string): readonly EventDefinition[]
}

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
        all.push({ code, entity, provider, sampleEventTemplate: def.sampleEventTemplate })
      }
    }
  }
  const byCode = new Map(all.map((d) => [d.code, d]))
  const entities = [...new Set(all.map((d) => d.entity))]
  return {
    get: (code) => byCode.get(code),
    all: () => all,
    entities: () => entities,
    byProvider: (provider) => all.filter((d) => d.provider === provider),
    byEntity: (entity) => all.filter((d) => d.entity === entity),
  }
}

/** The app's registry, built once per warm container. */
export const eventRegistry: EventRegistry = createEventRegistry(catalogue)
