/** The one status rule: what a downstream status means for the caller and for I/O Events' retries. */
import { judgeStatus } from '../../../actions/lib/status-rule'

describe('judgeStatus', () => {
  it.each([
    [200, { kind: 'success', statusCode: 200 }],
    [204, { kind: 'success', statusCode: 204 }],
    [400, { kind: 'rejected', statusCode: 400 }],
    [404, { kind: 'rejected', statusCode: 404 }],
    [499, { kind: 'rejected', statusCode: 499 }],
    [429, { kind: 'transient', statusCode: 429 }],
    [500, { kind: 'transient', statusCode: 500 }],
    [503, { kind: 'transient', statusCode: 503 }],
    [100, { kind: 'transient', statusCode: 502 }],
    [302, { kind: 'transient', statusCode: 502 }],
    [600, { kind: 'transient', statusCode: 502 }],
    [0, { kind: 'transient', statusCode: 502 }],
  ])('%i → %o', (status, expected) => {
    expect(judgeStatus(status)).toEqual(expected)
  })
})
