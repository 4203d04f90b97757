/**
 * Resolves the I/O Events provider id of one of the app's providers (`commerce`, `backoffice`)
 * by its label from `onboarding/config/providers.json` — the same label `npm run onboard`
 * creates, so onboarding and runtime agree without copying ids into `.env`.
 *
 * The id is cached per warm container: it never changes for a label unless someone deletes and
 * re-creates the provider, which needs a re-onboarding anyway. A missing provider is NOT cached,
 * so the first request after `npm run onboard` succeeds without waiting for a cold start.
 */
import providersCatalogue from '../../onboarding/config/providers.json'
import { HttpError } from './errors'
import type { ProviderKey } from './event-registry'
import type { ProviderSummary } from './io-events-ingress-client'

/** The label `npm run onboard` gives a provider key. */
export function providerLabel(key: ProviderKey): string {
  const entry = (providersCatalogue as { key: string; label: string }[]).find((p) => p.key === key)
  if (!entry) throw new Error(`onboarding/config/providers.json has no "${key}" entry`)
  return entry.label
}

/** Lists the providers of a consumer org (an `IoEventsIngressClient#listProviders`). */
export type ListProviders = (consumerOrgId: string) => Promise<ProviderSummary[]>

/** Finds provider ids by key. */
export interface ProviderResolver {
  /** The provider id; throws an exposed 500 "run npm run onboard" when the provider does not exist. */
  resolve(key: ProviderKey): Promise<string>
}

const containerCache = new Map<string, string>()

/** Forgets cached ids (tests). */
export function clearProviderCache(): void {
  containerCache.clear()
}

/** Creates a resolver for one consumer org. */
export function createProviderResolver(
  consumerOrgId: string,
  listProviders: ListProviders,
): ProviderResolver {
  return {
    async resolve(key) {
      const label = providerLabel(key)
      const cacheKey = `${consumerOrgId}\u0000${label}`
      const hit = containerCache.get(cacheKey)
      if (hit) return hit
      const found = (await listProviders(consumerOrgId)).find((p) => p.label === label)
      if (!found) {
        const err = new HttpError(
          500,
          `The I/O Events provider "${label}" (${key}) does not exist in this organization: run npm run onboard`,
        )
        // Safe and actionable for callers: it names configuration, not internals.
        err.expose = true
        throw err
      }
      containerCache.set(cacheKey, found.id)
      return found.id
    },
  }
}
