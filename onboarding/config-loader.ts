/**
 * Loads and validates the onboarding config (`onboarding/config/*.json`). Every problem is
 * reported with its file and JSON path, so a typo is found without reading code.
 */
import fs from 'node:fs'
import path from 'node:path'
import Joi from 'joi'
import { createEventRegistry, type EventRegistry, type ProviderKey } from '../actions/lib/event-registry'

/** One I/O Events provider the app owns. */
export interface ProviderConfig {
  key: ProviderKey
  label: string
  description: string
  /** The provider's documentation link (the starter kit's providers.json field; null when none). */
  docs_url?: string | null
}

/** Everything onboarding needs, validated. */
export interface OnboardingConfig {
  registry: EventRegistry
  providers: ProviderConfig[]
  /** entity → the providers whose events of that entity are registered to the consumer. */
  registrations: Record<string, ProviderKey[]>
}

/** Where the config files live by default. */
export const DEFAULT_CONFIG_DIR = path.resolve(__dirname, 'config')

const providersSchema = Joi.array()
  .items(
    Joi.object({
      key: Joi.string().valid('commerce', 'backoffice').required(),
      label: Joi.string().min(3).max(255).required(),
      description: Joi.string().max(255).allow('').required(),
      // The starter kit's providers.json carries it (null by default); I/O Events takes it on create.
      docs_url: Joi.string()
        .uri({ scheme: ['https', 'http'] })
        .max(1024)
        .allow(null, ''),
    }),
  )
  .unique('key')
  .min(1)
  .required()

const registrationsSchema = Joi.object()
  .pattern(Joi.string(), Joi.array().items(Joi.string().valid('commerce', 'backoffice')).unique().min(1))
  .required()

function readJson(file: string): unknown {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    throw new Error(`${file}: cannot be read`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new Error(`${file}: invalid JSON (${(err as Error).message})`)
  }
}

function check(schema: Joi.Schema, value: unknown, file: string): void {
  const { error } = schema.validate(value, { abortEarly: false })
  if (error) {
    throw new Error(
      `${file}: ${error.details.map((d) => `${d.path.join('.') || '(root)'}: ${d.message}`).join('; ')}`,
    )
  }
}

/**
 * The registrations file of `dir`: `registrations.json`, or the starter kit's name for it,
 * `starter-kit-registrations.json` (same format), so a starter-kit config folder loads as it is.
 * @throws Error when both exist (which one is meant cannot be guessed).
 */
export function registrationsFileIn(dir: string): string {
  const [ours, starterKit] = [
    path.join(dir, 'registrations.json'),
    path.join(dir, 'starter-kit-registrations.json'),
  ]
  const hasOurs = fs.existsSync(ours)
  if (hasOurs && fs.existsSync(starterKit))
    throw new Error(`${dir}: both registrations.json and starter-kit-registrations.json exist; keep one`)
  return hasOurs || !fs.existsSync(starterKit) ? ours : starterKit
}

/**
 * Reads `events.json`, `providers.json` and `registrations.json` (or `starter-kit-registrations.json`)
 * from `dir`.
 * @throws Error naming the file and path of every problem, including cross-file ones
 *   (a registration for an unknown entity or for a provider with no events of that entity).
 */
export function loadOnboardingConfig(dir = DEFAULT_CONFIG_DIR): OnboardingConfig {
  const eventsFile = path.join(dir, 'events.json')
  const providersFile = path.join(dir, 'providers.json')
  const registrationsFile = registrationsFileIn(dir)
  const registry = createEventRegistry(readJson(eventsFile), eventsFile)
  const providers = readJson(providersFile)
  check(providersSchema, providers, providersFile)
  const registrations = readJson(registrationsFile)
  check(registrationsSchema, registrations, registrationsFile)
  const problems: string[] = []
  for (const [entity, keys] of Object.entries(registrations as Record<string, ProviderKey[]>)) {
    if (!registry.entities().includes(entity)) problems.push(`${entity}: unknown entity (not in events.json)`)
    for (const key of keys) {
      if (!(providers as ProviderConfig[]).some((p) => p.key === key))
        problems.push(`${entity}: provider ${key} is not in providers.json`)
      else if (!registry.byEntity(entity).some((d) => d.provider === key))
        problems.push(`${entity}: events.json has no ${key} events for it`)
    }
  }
  if (problems.length) throw new Error(`${registrationsFile}: ${problems.join('; ')}`)
  return {
    registry,
    providers: providers as ProviderConfig[],
    registrations: registrations as Record<string, ProviderKey[]>,
  }
}
