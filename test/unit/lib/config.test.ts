import { loadConfig, parsers } from '../../../actions/lib/config'
import { ConfigError } from '../../../actions/lib/errors'

interface Cfg {
  secret: string
  retries: number
  enabled: boolean
  events: string[]
  mode: 'a' | 'b'
}
const spec = {
  secret: { key: 'SECRET', required: true },
  retries: { key: 'RETRIES', default: 3, parse: parsers.int },
  enabled: { key: 'ENABLED', default: false, parse: parsers.bool },
  events: { key: 'EVENTS', default: [] as string[], parse: parsers.list },
  mode: { key: 'MODE', default: 'a' as const, parse: parsers.oneOf('a', 'b') },
}

describe('loadConfig', () => {
  it('reads and parses every key', () => {
    expect(
      loadConfig<Cfg>({ SECRET: 's', RETRIES: '5', ENABLED: 'yes', EVENTS: 'x, y,,z', MODE: 'b' }, spec),
    ).toEqual({ secret: 's', retries: 5, enabled: true, events: ['x', 'y', 'z'], mode: 'b' })
  })

  it('applies defaults for absent and empty values (unsubstituted $VARS arrive empty)', () => {
    expect(loadConfig<Cfg>({ SECRET: 's', RETRIES: '' }, spec)).toEqual({
      secret: 's',
      retries: 3,
      enabled: false,
      events: [],
      mode: 'a',
    })
  })

  it('names every missing and invalid key in one error without showing values', () => {
    let caught: unknown
    try {
      loadConfig<Cfg>({ RETRIES: 'many', MODE: 'c', ENABLED: 'hunter2' }, spec)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(ConfigError)
    const message = (caught as ConfigError).message
    expect(message).toBe(
      'Action configuration error: missing required inputs: SECRET; invalid inputs: RETRIES: expected an integer; ENABLED: expected true or false; MODE: expected one of a, b',
    )
    expect(message).not.toContain('hunter2')
    expect((caught as ConfigError).missing).toEqual(['SECRET'])
  })
})
