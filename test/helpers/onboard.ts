/**
 * Onboards the app's providers, event metadata and consumer registrations into a running
 * test stack, and the local Commerce's eventing, exactly as `npm run onboard -- --local` does
 * (real @adobe/aio-lib-events client, the app's Commerce client).
 */
import type { Stack } from '../../local/stack'
import { connectLocal } from '../../onboarding/events-client'
import { localCommerce } from '../../onboarding/commerce-connection'
import { onboard } from '../../onboarding/onboard'
import type { ReconcileResult } from '../../onboarding/reconcile'

/** Runs onboarding against `stack`; returns steps and provider ids by key. */
export async function onboardLocal(stack: Stack, env: NodeJS.ProcessEnv = {}): Promise<ReconcileResult> {
  const conn = await connectLocal(
    { baseUrl: stack.baseUrl, imsToken: stack.config.imsToken, imsOrgId: stack.config.imsOrgId },
    env,
  )
  return onboard(conn, localCommerce(stack.baseUrl, stack.config.imsToken, env))
}
