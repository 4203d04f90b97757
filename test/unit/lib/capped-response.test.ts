/** readResponsePrefix: the start of a fetch response body, never more than asked for. */
import { Readable } from 'node:stream'
import { readPrefix, readResponsePrefix } from '../../../actions/lib/capped-response'

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

describe('readPrefix over a node stream (the webhook sender)', () => {
  it('stops an endless stream at the cap and destroys it', async () => {
    let pushed = 0
    const endless = new Readable({
      read() {
        pushed++
        this.push(Buffer.from('0123456789'))
      },
    })
    const got = await readPrefix(endless, 25)
    expect(got.toString('utf8')).toBe('0123456789012345678901234')
    expect(endless.destroyed).toBe(true)
    expect(pushed).toBeLessThan(10)
  })

  it('reads a short stream to its end', async () => {
    expect((await readPrefix(Readable.from([Buffer.from('ab'), Buffer.from('c')]), 10)).toString()).toBe(
      'abc',
    )
  })

  it('passes the stream error on', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('socket hang up'))
      },
    })
    await expect(readPrefix(failing, 10)).rejects.toThrow('socket hang up')
  })
})
