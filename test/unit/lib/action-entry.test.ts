/**
 * The entry-point layer through `defineAction(...)(params)`: error mapping, cause-chain logging,
 * 5xx hiding, dependency overrides and container caching, the activation deadline, the request
 * step's ordering before config, and the instrumentation hook.
 */
import { defineAction, installInstrumentation, type ActivationInfo } from '../../../actions/lib/action-entry'
import { parsers } from '../../../actions/lib/config'
import {
  HttpError,
  NotFoundError,
  UpstreamError,
  ValidationError,
  causeChain,
} from '../../../actions/lib/errors'
import type { Logger } from '../../../actions/lib/logger'
import type { Clock } from '../../../actions/lib/clock'

type Line = { level: string; message: string; meta: Record<string, unknown> }

/** A logger factory that records every line with the context the layer gave it. */
function captureLogs() {
  const lines: Line[] = []
  const created: { name: string; level: string; context: Record<string, unknown> }[] = []
  const createLogger = (name: string, level = 'info', context: Record<string, unknown> = {}): Logger => {
    created.push({ name, level, context })
    const at =
      (lvl: string) =>
      (message: string, meta: Record<string, unknown> = {}) =>
        void lines.push({ level: lvl, message, meta: { ...context, ...meta } })
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  }
  return { lines, created, createLogger }
}

const clockAt = (now: number): Clock => ({ now: () => now, sleep: async () => undefined, id: () => 'id-1' })

interface Cfg {
  greeting: string
}

/** A small action valid by default: reads GREETING, has one activation and one container dependency. */
function greeter(handler?: (x: { greeting: string; suffix: string; counter: number }) => Promise<unknown>) {
  let built = 0
  const main = defineAction({
    name: 'test/greeter',
    config: { greeting: { key: 'GREETING', required: true, parse: parsers.string } },
    correlationId: (p) => (typeof p.id === 'string' ? p.id : undefined),
    deps: {
      suffix: () => '!',
      counter: { container: () => ++built },
    },
    handler: async ({ config, deps }: { config: Cfg; deps: { suffix: string; counter: number } }) =>
      handler
        ? handler({ greeting: config.greeting, suffix: deps.suffix, counter: deps.counter })
        : { statusCode: 200, body: `${config.greeting}${deps.suffix} (${deps.counter})` },
  })
  return { main, builds: () => built }
}

describe('defineAction', () => {
  it('loads config, builds deps and calls the handler', async () => {
    const { main } = greeter()
    expect(await main({ GREETING: 'hello' })).toEqual({ statusCode: 200, body: 'hello! (1)' })
  })

  it('names every missing or malformed input (LOG_LEVEL included) in one logged ConfigError, answered as a hidden 500', async () => {
    const logs = captureLogs()
    const { main } = greeter()
    const run = main.withDeps({}, { createLogger: logs.createLogger })
    expect(await run({ LOG_LEVEL: 'chatty', id: 'evt-1' })).toEqual({
      error: { statusCode: 500, body: { error: 'Internal server error' } },
    })
    expect(logs.lines).toEqual([
      {
        level: 'error',
        message: 'test/greeter failed',
        meta: {
          correlationId: 'evt-1',
          activationId: undefined,
          statusCode: 500,
          error:
            'ConfigError: Action configuration error: invalid inputs: LOG_LEVEL: expected one of error, warn, info, verbose, debug, silly',
          remainingMs: undefined,
        },
      },
    ])
  })

  it.each<[string, unknown, number, string]>([
    ['a 4xx HttpError with its message', new ValidationError('sku is required'), 400, 'sku is required'],
    ['a 404', new NotFoundError('no such subscription'), 404, 'no such subscription'],
    [
      'a 5xx with its message hidden',
      new UpstreamError('db password wrong at host x'),
      503,
      'Internal server error',
    ],
    [
      'an exposed 5xx with its message',
      Object.assign(new HttpError(500, 'run npm run onboard'), { expose: true }),
      500,
      'run npm run onboard',
    ],
    ['a plain Error as a hidden 500', new Error('undefined is not a function'), 500, 'Internal server error'],
    ['a thrown string as a hidden 500', 'boom', 500, 'Internal server error'],
  ])('maps %s', async (_name, thrown, statusCode, message) => {
    const { main } = greeter(async () => {
      throw thrown
    })
    const run = main.withDeps({}, { createLogger: captureLogs().createLogger })
    expect(await run({ GREETING: 'hi' })).toEqual({ error: { statusCode, body: { error: message } } })
  })

  it('logs the whole cause chain of a 5xx, and a 4xx only at info with its reason', async () => {
    const root = new Error('ECONNRESET')
    const mid = new UpstreamError('State is unavailable', 503, root)
    const top = new HttpError(500, 'publish failed', mid)
    const failures = [top, new ValidationError('bad sku')]
    const { main } = greeter(async () => {
      throw failures.shift() as Error
    })
    const logs = captureLogs()
    const run = main.withDeps({}, { createLogger: logs.createLogger, env: { __OW_ACTIVATION_ID: 'act-9' } })
    await run({ GREETING: 'hi', id: 'evt-2' })
    await run({ GREETING: 'hi', id: 'evt-3' })
    expect(logs.lines).toEqual([
      {
        level: 'error',
        message: 'test/greeter failed',
        meta: {
          correlationId: 'evt-2',
          activationId: 'act-9',
          statusCode: 500,
          error: 'HttpError: publish failed <- UpstreamError: State is unavailable <- Error: ECONNRESET',
          remainingMs: undefined,
        },
      },
      {
        level: 'info',
        message: 'request rejected',
        meta: { correlationId: 'evt-3', activationId: 'act-9', statusCode: 400, reason: 'bad sku' },
      },
    ])
  })

  it('builds a container dependency once per warm container and config, an activation one every time', async () => {
    const { main, builds } = greeter()
    expect(await main({ GREETING: 'a' })).toEqual({ statusCode: 200, body: 'a! (1)' })
    expect(await main({ GREETING: 'a' })).toEqual({ statusCode: 200, body: 'a! (1)' })
    expect(await main({ GREETING: 'b' })).toEqual({ statusCode: 200, body: 'b! (2)' })
    expect(builds()).toBe(2)
  })

  it('does not keep a container dependency whose build failed', async () => {
    let attempts = 0
    const main = defineAction({
      name: 'test/flaky',
      config: {},
      deps: {
        kv: {
          container: async () => {
            if (++attempts === 1) throw new UpstreamError('State is unavailable', 503, new Error('timeout'))
            return 'kv'
          },
        },
      },
      handler: async ({ deps }) => deps.kv,
    }).withDeps({}, { createLogger: captureLogs().createLogger })
    expect(await main({})).toEqual({ error: { statusCode: 503, body: { error: 'Internal server error' } } })
    expect(await main({})).toBe('kv')
    expect(attempts).toBe(2)
  })

  it('lets tests override any dependency, with a fresh container cache', async () => {
    const { main, builds } = greeter()
    const seen: string[] = []
    const run = main.withDeps({
      suffix: ({ config }) => {
        seen.push(config.greeting)
        return '?'
      },
      counter: () => 42,
    })
    expect(await run({ GREETING: 'hey' })).toEqual({ statusCode: 200, body: 'hey? (42)' })
    expect([seen, builds()]).toEqual([['hey'], 0])
  })

  it.each<[string, NodeJS.ProcessEnv, number | undefined, number]>([
    ['from __OW_DEADLINE', { __OW_DEADLINE: '1060000' }, 1_060_000, 60_000],
    ['never negative once passed', { __OW_DEADLINE: '999000' }, 999_000, 0],
    ['unknown outside Runtime', {}, undefined, Infinity],
    ['unknown when malformed', { __OW_DEADLINE: 'soon' }, undefined, Infinity],
  ])('knows the activation deadline %s', async (_name, env, at, remaining) => {
    const main = defineAction({
      name: 'test/deadline',
      config: {},
      deps: {},
      handler: async ({ deadline }) => ({ at: deadline.at, remaining: deadline.remainingMs() }),
    }).withDeps({}, { env, clock: clockAt(1_000_000) })
    expect(await main({})).toEqual({ at, remaining })
  })

  it('runs the request step before reading config, and hands its result to the handler', async () => {
    const main = defineAction({
      name: 'test/request',
      config: { token: { key: 'TOKEN', required: true } },
      deps: {},
      request: ({ params }) => {
        if (params.auth !== 'ok') throw new HttpError(401, 'Unauthorized')
        return { body: String(params.body) }
      },
      handler: async ({ request }) => request,
    }).withDeps({}, { createLogger: captureLogs().createLogger })
    // No TOKEN configured: an unauthenticated caller still sees 401, not the 500 of the config.
    expect(await main({})).toEqual({ error: { statusCode: 401, body: { error: 'Unauthorized' } } })
    expect(await main({ auth: 'ok' })).toEqual({
      error: { statusCode: 500, body: { error: 'Internal server error' } },
    })
    expect(await main({ auth: 'ok', TOKEN: 't', body: 'x' })).toEqual({ body: 'x' })
  })

  it('uses the action-specific error response shape when declared', async () => {
    const main = defineAction({
      name: 'test/shape',
      config: {},
      deps: {},
      handler: async () => {
        throw new ValidationError('bad')
      },
      errorResponse: (err) => ({ statusCode: (err as HttpError).statusCode, body: { success: false } }),
    }).withDeps({}, { createLogger: captureLogs().createLogger })
    expect(await main({})).toEqual({ statusCode: 400, body: { success: false } })
  })

  describe('instrumentation hook', () => {
    afterEach(() => installInstrumentation(undefined))

    it('wraps every activation with its action, correlation and activation ids', async () => {
      const seen: [ActivationInfo, unknown][] = []
      installInstrumentation({
        activation: async (info, run) => {
          const result = await run()
          seen.push([info, result])
          return result
        },
      })
      const { main } = greeter()
      const run = main.withDeps({}, { env: { __OW_ACTIVATION_ID: 'act-1' } })
      await run({ GREETING: 'hi', id: 'evt-7' })
      expect(seen).toEqual([
        [
          { action: 'test/greeter', correlationId: 'evt-7', activationId: 'act-1' },
          { statusCode: 200, body: 'hi! (1)' },
        ],
      ])
    })
  })
})

describe('causeChain', () => {
  it.each<[string, unknown, string[]]>([
    ['a lone error', new Error('x'), ['Error: x']],
    ['a chain', new UpstreamError('a', 503, new TypeError('b')), ['UpstreamError: a', 'TypeError: b']],
    ['a string cause', new Error('a', { cause: 'socket hang up' }), ['Error: a', 'socket hang up']],
    ['an object cause', new Error('a', { cause: { code: 'E1' } }), ['Error: a', '{"code":"E1"}']],
    ['a thrown string', 'plain', ['plain']],
    ['nothing', undefined, []],
  ])('%s', (_name, err, expected) => {
    expect(causeChain(err)).toEqual(expected)
  })

  it('stops at a cycle', () => {
    const a = new Error('a')
    const b = new Error('b', { cause: a })
    ;(a as { cause?: unknown }).cause = b
    expect(causeChain(a)).toEqual(['Error: a', 'Error: b'])
  })

  it('keeps the pre-ES2022 `detail` readable as the cause', () => {
    const cause = new Error('root')
    expect(new UpstreamError('x', 503, cause).detail).toBe(cause)
  })
})
