/**
 * Inside the Commerce Admin (Admin UI SDK 3.x, extension point commerce/backend-ui/1) the page is
 * an iframe of the host; it registers with the extension id the registration action uses and
 * reads the logged-in user's IMS token and org from the shared context (`imsToken`, `imsOrgId`,
 * as the Admin UI SDK documents for menu pages).
 */
import { attach, register } from '@adobe/uix-guest'

/** Same id as actions/admin-ui/registration/menu.ts `EXTENSION_ID`. */
export const EXTENSION_ID = 'CommerceEventHub'

/** How long to wait for the host before telling the user (the host answers in well under a second). */
const ATTACH_TIMEOUT_MS = 15_000

/** Registers with the host and returns the IMS token and org of its shared context. */
export async function attachToCommerceAdmin(): Promise<{ imsToken: string; imsOrgId: string }> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error('the Commerce Admin did not answer (Admin UI SDK)')),
      ATTACH_TIMEOUT_MS,
    ),
  )
  const connect = async (): Promise<{ imsToken: string; imsOrgId: string }> => {
    await register({ id: EXTENSION_ID, methods: {} })
    const guest = await attach({ id: EXTENSION_ID })
    const imsToken: unknown = guest.sharedContext.get('imsToken')
    const imsOrgId: unknown = guest.sharedContext.get('imsOrgId')
    if (typeof imsToken !== 'string' || typeof imsOrgId !== 'string')
      throw new Error('the Commerce Admin shared no IMS token/org (check the Admin UI SDK configuration)')
    return { imsToken, imsOrgId }
  }
  return Promise.race([connect(), timeout])
}
