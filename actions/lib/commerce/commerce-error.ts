/**
 * Adobe Commerce's REST error body: `{"message": "...", "parameters": [...] | {...}}` where the
 * message has `%1`, `%2`… placeholders (filled from a `parameters` array, 1-based) or `%name`
 * placeholders (filled from a `parameters` object), as Magento\Framework\Phrase renders them.
 * Example (docs, "Error format"): `{"message": "No such entity with %fieldName = %fieldValue",
 * "parameters": {"fieldName": "email", "fieldValue": "x@example.com"}}`.
 */

/** The readable message of a Commerce error body, or undefined when the body is not one. */
export function commerceErrorMessage(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined
  const { message, parameters } = body as { message?: unknown; parameters?: unknown }
  if (typeof message !== 'string') return undefined
  return fillPlaceholders(message, parameters)
}

/** Replaces `%1`/`%name` placeholders; unknown placeholders stay as they are. */
function fillPlaceholders(message: string, parameters: unknown): string {
  if (Array.isArray(parameters)) {
    return message.replace(/%(\d+)/g, (m, n: string) => {
      const v: unknown = parameters[Number(n) - 1]
      // Scalars print as String() would; an object prints as JSON rather than `[object Object]`.
      return v === undefined ? m : typeof v === 'string' ? v : JSON.stringify(v)
    })
  }
  if (parameters !== null && typeof parameters === 'object') {
    const p = parameters as Record<string, unknown>
    // Longest names first would matter for `%field` vs `%fieldName`; a word-boundary regex avoids it.
    return message.replace(/%([A-Za-z_][A-Za-z0-9_]*)/g, (m, name: string) =>
      Object.prototype.hasOwnProperty.call(p, name) ? String(p[name]) : m,
    )
  }
  return message
}
