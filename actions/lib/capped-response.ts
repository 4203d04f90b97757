/**
 * Reads the start of a fetch response body and stops: a large or endless body from someone
 * else's endpoint must not fill memory or hold the caller. The connection is cancelled rather
 * than drained.
 */

/** At most the first `maxBytes` bytes of `res`'s body (empty when it has none). */
export async function readResponsePrefix(res: Response, maxBytes: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0)
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < maxBytes) {
      const { done, value } = (await reader.read()) as { done: boolean; value: Uint8Array }
      if (done) break
      chunks.push(value)
      size += value.length
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return Buffer.concat(chunks).subarray(0, maxBytes)
}
