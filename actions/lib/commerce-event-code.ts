/**
 * Commerce event codes with an app prefix. Adobe Commerce's eventing module names the events of an
 * instance onboarded with a prefix `com.adobe.commerce.<prefix>.observer.<event>` instead of
 * `com.adobe.commerce.observer.<event>` (the starter kit's `EVENT_PREFIX`, which it splices into
 * the same place). The catalogue (events.json) always lists the unprefixed codes; these two
 * functions convert between the forms, so routing, onboarding and the local Commerce agree.
 */

const COMMERCE = 'com.adobe.commerce.'

/**
 * A prefix Commerce and I/O Events accept in an event code: letters, digits and underscores (one
 * segment of the dotted code). The starter kit documents it as a plain string; a dot or a space
 * would change the code's structure, so they are refused.
 */
export const COMMERCE_EVENT_PREFIX_PATTERN = /^[A-Za-z0-9_]{1,64}$/

/**
 * The code Commerce emits for catalogue `code` under `prefix`:
 * `com.adobe.commerce.observer.x` → `com.adobe.commerce.<prefix>.observer.x`. Unchanged when the
 * prefix is empty or the code is not a Commerce code (back-office codes are never prefixed).
 */
export function prefixedCommerceCode(code: string, prefix?: string): string {
  if (!prefix || !code.startsWith(`${COMMERCE}observer.`)) return code
  return `${COMMERCE}${prefix}.${code.slice(COMMERCE.length)}`
}

/**
 * The catalogue code of a code Commerce emitted under `prefix`:
 * `com.adobe.commerce.<prefix>.observer.x` → `com.adobe.commerce.observer.x`. Any other code is
 * returned unchanged, so unprefixed codes keep working when a prefix is set.
 */
export function unprefixCommerceCode(code: string, prefix: string | undefined): string {
  if (!prefix) return code
  const head = `${COMMERCE}${prefix}.observer.`
  return code.startsWith(head) ? `${COMMERCE}${code.slice(head.length - 'observer.'.length)}` : code
}
