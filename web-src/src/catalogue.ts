/**
 * The event catalogue the webhook form offers: every event code of onboarding/config/events.json
 * (the app's single source of truth, bundled at build time) with the fields its sample carries.
 */
import events from '../../onboarding/config/events.json'

/** One event code and its known fields. */
export interface CatalogueEntry {
  code: string
  entity: string
  fields: string[]
}

type Templates = Record<string, Record<string, Record<string, { sampleEventTemplate: unknown }>>>

function fieldsOf(template: unknown): string[] {
  let value = template
  if (value && typeof value === 'object' && 'value' in value) value = value.value
  if (Array.isArray(value)) value = value[0]
  if (!value || typeof value !== 'object') return []
  // `id` and `type` are always sent (the entity's identity); the API refuses them as extra fields.
  return Object.keys(value).filter((k) => k !== 'id' && k !== 'type')
}

/** Every event code, sorted. */
export const CATALOGUE: CatalogueEntry[] = Object.entries(events as unknown as Templates)
  .flatMap(([entity, providers]) =>
    Object.values(providers).flatMap((codes) =>
      Object.entries(codes).map(([code, def]) => ({
        code,
        entity,
        fields: fieldsOf(def.sampleEventTemplate),
      })),
    ),
  )
  .sort((a, b) => a.code.localeCompare(b.code))

/** The union of the known fields of `codes` (`*`: every code). */
export function fieldsFor(codes: readonly string[]): string[] {
  const picked = codes.includes('*') ? CATALOGUE : CATALOGUE.filter((e) => codes.includes(e.code))
  return [...new Set(picked.flatMap((e) => e.fields))].sort()
}
