/**
 * Onboards the app's providers, event metadata and consumer registrations into a running
 * test stack, exactly as `npm run onboard -- --local` does (real @adobe/aio-lib-events client).
 */
import type { Stack } from '../../local/stack'
import { loadOnboardingConfig } from '../../onboarding/config-loader'
import { connectLocal } from '../../onboarding/events-client'
import { reconcile, type ReconcileResult } from '../../onboarding/reconcile'

/** Runs onboarding against `stack`; returns steps and provider ids by key. */
export async function onboardLocal(stack: Stack): Promise<ReconcileResult> {
  const conn = await connectLocal({
    baseUrl: stack.baseUrl,
    imsToken: stack.config.imsToken,
    imsOrgId: stack.config.imsOrgId,
  })
  return reconcile(conn.client, loadOnboardingConfig(), conn.target)
}
