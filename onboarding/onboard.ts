/**
 * One onboarding run, written once for the CLI, `npm start` and the test harnesses: the I/O Events
 * providers, event metadata and registrations (reconcile.ts), then the Commerce instance's eventing
 * configuration and subscriptions (commerce-eventing.ts) for the `commerce` provider it created.
 */
import { DEFAULT_CONFIG_DIR, loadOnboardingConfig } from './config-loader'
import { reconcile, type ReconcileOptions, type ReconcileResult } from './reconcile'
import { reconcileCommerceEventing } from './commerce-eventing'
import { loadCommerceSubscriptions, withPrefix } from './commerce-subscriptions'
import type { CommerceConnection } from './commerce-connection'
import type { OnboardingConnection } from './events-client'

/** Options of a whole run. */
export interface OnboardOptions extends ReconcileOptions {
  /** Where the config files are (default `onboarding/config`). */
  configDir?: string
}

/**
 * Onboards I/O Events through `conn` and, when `commerce` is given, Commerce eventing.
 * Commerce is configured only after I/O Events, because it needs the `commerce` provider's id.
 */
export async function onboard(
  conn: OnboardingConnection,
  commerce: CommerceConnection | undefined,
  options: OnboardOptions = {},
): Promise<ReconcileResult> {
  const dir = options.configDir ?? DEFAULT_CONFIG_DIR
  const config = loadOnboardingConfig(dir)
  // Read (and checked) before anything is written: a broken subscribe file must not leave a half run.
  const subscriptions = commerce
    ? withPrefix(loadCommerceSubscriptions(dir, config.registry), conn.target.commerceEventPrefix)
    : []
  const result = await reconcile(conn.client, config, conn.target, options)
  if (!commerce) return result
  const provider = config.providers.find((p) => p.key === 'commerce')
  if (!provider) return result
  const steps = await reconcileCommerceEventing(
    commerce.client,
    {
      // A dry run that would create the provider has no id yet: the plan still lists every step.
      providerId: result.providerIds.commerce ?? '<new commerce provider>',
      instanceId: conn.target.commerceInstanceId ?? '',
      label: provider.label,
      description: provider.description,
      workspaceConfiguration: commerce.workspaceConfiguration,
      merchantId: commerce.merchantId,
      environmentId: commerce.environmentId,
    },
    subscriptions,
    options,
  )
  return { ...result, steps: [...result.steps, ...steps] }
}
