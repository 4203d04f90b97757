/**
 * Reads the start of a response body and stops: a large or endless body from someone else's
 * endpoint must not fill memory or hold the caller. The one capped reader of the code base, for
 * both kinds of body it meets: a fetch `Response` (I/O Events, Commerce, the emulator's webhook
 * targets) and a node `http.IncomingMessage` (the webhook sender, which uses node's http to pin
 * the checked address). Both are async iterables of bytes; leaving the loop early cancels a fetch
 * body and destroys a node stream, so the connection is dropped rather than drained.
 */

/** At most the first `maxBytes` bytes of `body` (empty when there is none). */
export async function readPrefix(
  body: AsyncIterable<Uint8Array> | null | undefined,
  maxBytes: number,
): Promise<Buffer> {
  if (!body) return Buffer.alloc(0)
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of body) {
    chunks.push(chunk)
    size += chunk.length
    if (size >= maxBytes) break
  }
  return Buffer.concat(chunks).subarray(0, maxBytes)
}

/** At most the first `maxBytes` bytes of a fetch response's body. */
export function readResponsePrefix(res: Response, maxBytes: number): Promise<Buffer> {
  return readPrefix(res.body, maxBytes)
}
