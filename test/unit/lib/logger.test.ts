import { redact } from '../../../actions/lib/logger'

describe('redact', () => {
  it('hides secret-looking keys at any depth and secret-looking values anywhere', () => {
    const input = {
      INGESTION_SECRET: 'whsec_abc',
      nested: { authorization: 'Bearer abc.def', apiKey: 'k', ok: 'visible' },
      __ow_headers: { 'x-any': '1' },
      note: 'sent with Bearer abc.def and whsec_Zm9vYmFy and Basic dXNlcjpwYXNz',
      list: [{ password: 'p' }, 'plain'],
      count: 3,
    }
    expect(redact(input)).toEqual({
      INGESTION_SECRET: '[REDACTED]',
      nested: { authorization: '[REDACTED]', apiKey: '[REDACTED]', ok: 'visible' },
      __ow_headers: '[REDACTED]',
      note: 'sent with [REDACTED] and [REDACTED] and [REDACTED]',
      list: [{ password: '[REDACTED]' }, 'plain'],
      count: 3,
    })
  })
})
