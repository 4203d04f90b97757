/** readResponsePrefix: the start of a fetch response body, never more than asked for. */
import { readResponsePrefix } from '../../../actions/lib/capped-response'

const response = (body: string | null) => new Response(body)

describe('readResponsePrefix', () => {
  it.each<[string, string | null, number, string]>([
    ['no body', null, 10, ''],
    ['a body shorter than the cap', 'abc', 10, 'abc'],
    ['a body exactly the cap', 'abcdefghij', 10, 'abcdefghij'],
    ['a body longer than the cap, cut at the cap', 'abcdefghijklmnop', 10, 'abcdefghij'],
    ['a large body', 'x'.repeat(1_000_000), 5, 'xxxxx'],
  ])('%s', async (_name, body, cap, expected) => {
    expect((await readResponsePrefix(response(body), cap)).toString('utf8')).toBe(expected)
  })
})
