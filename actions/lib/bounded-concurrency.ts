/**
 * Runs async work over a list with at most `limit` in flight, preserving result order: a batch
 * or a fan-out never opens hundreds of sockets at once, and a slow item only occupies one slot.
 */

/** Maps `items` through `fn` with bounded concurrency. `fn` should not throw (errors are its result). */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}
