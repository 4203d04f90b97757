/**
 * Commerce events of the local Commerce, as the Adobe I/O Events module for Commerce sends them:
 * a CloudEvent of type `com.adobe.commerce.observer.<event>` from the `commerce` provider, with
 * `data = {key, value: <subscribed entity fields>, source, _metadata}`. Commerce sends events
 * asynchronously (a cron/queue after the save commits), so publishing happens after the REST
 * reply, in order, through the local I/O Events ingress over HTTP. The provider is the one
 * onboarding created for the `commerce` key (found by label, as `npm run onboard` matches it);
 * until it exists nothing is sent, like a Commerce instance whose eventing is not configured yet.
 */
import { randomUUID } from 'node:crypto'
import { loadOnboardingConfig } from '../../onboarding/config-loader'

/** Where and how to publish. */
export interface EmitterConfig {
  baseUrl: string
  imsToken: string
  imsOrgId: string
  apiKey: string
  consumerOrgId: string
  log: (m: string) => void
}

/** `_metadata` Commerce adds to every event. */
const COMMERCE_METADATA = {
  commerceEdition: 'Adobe Commerce',
  commerceVersion: '2.4.7',
  eventsClientVersion: '1.12.0',
  storeId: '1',
  websiteId: '1',
  storeGroupId: '1',
}

/** Creates the emitter; `idle()` resolves when every queued event was published (or dropped). */
export function createEventEmitter(config: EmitterConfig) {
  const label = loadOnboardingConfig().providers.find((p) => p.key === 'commerce')?.label
  let providerId: string | undefined
  let chain: Promise<void> = Promise.resolve()
  let published = 0
  const headers = {
    authorization: `Bearer ${config.imsToken}`,
    'x-api-key': config.apiKey,
    'x-ims-org-id': config.imsOrgId,
  }

  async function provider(): Promise<string | undefined> {
    if (providerId) return providerId
    const res = await fetch(`${config.baseUrl}/events/${config.consumerOrgId}/providers`, { headers })
    if (res.status !== 200) return undefined
    const body = (await res.json()) as { _embedded?: { providers?: { id: string; label: string }[] } }
    providerId = body._embedded?.providers?.find((p) => p.label === label)?.id
    return providerId
  }

  async function publish(event: string, value: Record<string, unknown>): Promise<void> {
    const id = await provider()
    if (!id) {
      config.log(`commerce: no "${label}" provider yet (run npm run onboard -- --local); ${event} not sent`)
      return
    }
    const cloudEvent = {
      specversion: '1.0',
      id: randomUUID(),
      source: `urn:uuid:${id}`,
      type: `com.adobe.commerce.observer.${event}`,
      datacontenttype: 'application/json',
      time: new Date().toISOString(),
      data: { key: randomUUID(), value, source: 'local.commerce', _metadata: COMMERCE_METADATA },
    }
    const res = await fetch(`${config.baseUrl}/ingress`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent),
    })
    if (res.status >= 300) config.log(`commerce: publishing ${cloudEvent.type} answered ${res.status}`)
    else published++
  }

  return {
    emit(event: string, value: Record<string, unknown>): void {
      chain = chain
        .then(() => publish(event, value))
        .catch((err: Error) => config.log(`commerce: event ${event} not sent: ${err.message}`))
    },
    idle: (): Promise<void> => chain,
    published: (): number => published,
  }
}
