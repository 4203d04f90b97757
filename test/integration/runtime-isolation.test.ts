/**
 * Isolation of activations: misbehaving actions (throw, reject, exit, unhandled rejection,
 * infinite loop, memory hog, bad result, failing init) yield the OpenWhisk outcome and never take
 * the stack down; warm container reuse, concurrency and log capture.
 */
import { startFixtureStack, owClient, LOG_LINE } from '../fixtures/apps/runtime/fixture-stack'
import type { TestStack } from '../helpers/stack'
import type { ActivationRecord } from '../../local/runtime'

let stack: TestStack

beforeAll(async () => {
  stack = await startFixtureStack({ LOCAL_CONTAINER_IDLE_MS: '400' })
})
afterAll(async () => {
  await stack?.close()
})

const run = (action: string, params: Record<string, unknown> = {}): Promise<ActivationRecord> =>
  stack.runtime.invoke({ action: `fixture/${action}`, params })

async function stackStillServes(): Promise<void> {
  expect((await fetch(`${stack.baseUrl}/health`)).status).toBe(200)
  const ok = await run('misbehave', { mode: 'ok' })
  expect(ok.response).toMatchObject({ status: 'success', result: { body: { ok: true } } })
}

describe('misbehaving actions', () => {
  it.each([
    ['a synchronous throw', 'throw', 'An error has occurred: Error: sync boom'],
    ['process.exit()', 'exit', 'The action did not produce a valid response and exited unexpectedly.'],
    [
      'an unhandled rejection',
      'unhandled',
      'The action did not produce a valid response and exited unexpectedly.',
    ],
    [
      'an infinite loop (killed at limits.timeout)',
      'loop',
      'The action exceeded its time limits of 1500 milliseconds.',
    ],
    ['exhausting its memory limit', 'alloc', 'The action exhausted its memory and was aborted.'],
    ['a non-dictionary result', 'string', 'The action did not return a dictionary.'],
  ])('%s is an action developer error and the stack keeps serving', async (_name, mode, error) => {
    const record = await run('misbehave', { mode })
    expect(record.response).toEqual({
      status: 'action developer error',
      statusCode: 2,
      success: false,
      result: { error },
    })
    await stackStillServes()
  })

  it('kills a looping activation at its timeout and marks it', async () => {
    const record = await run('misbehave', { mode: 'loop' })
    expect(record.duration).toBeGreaterThanOrEqual(1500)
    expect(record.duration).toBeLessThan(5000)
    expect(record.annotations).toContainEqual({ key: 'timeout', value: true })
    expect(record.logs[record.logs.length - 1]).toMatch(
      /stderr: The action did not initialize or run as expected\. Log data might be missing\.$/,
    )
  })

  it('logs the uncaught error of a crashed activation', async () => {
    const record = await run('misbehave', { mode: 'unhandled' })
    expect(record.logs.join('\n')).toContain('stderr: Error: nobody handles me')
  })

  it('turns a rejected promise into an application error with the serialized error', async () => {
    const record = await run('misbehave', { mode: 'reject' })
    expect(record.response.status).toBe('application error')
    expect(record.response.result.error).toMatchObject({
      name: 'Error',
      message: 'async boom',
      stack: expect.stringContaining('async boom'),
    })
  })

  it.each([
    [
      'a module that throws while loading',
      'init-fail',
      /^Initialization has failed due to: Error: cannot initialize/,
    ],
    [
      'a bundle without main',
      'no-main',
      /^Initialization has failed due to: Action entrypoint 'main' is not a function\.$/,
    ],
  ])('reports %s as an initialization failure', async (_name, action, error) => {
    const record = await run(action)
    expect(record.response.status).toBe('action developer error')
    expect(record.response.result.error).toMatch(error)
    await stackStillServes()
  })
})

describe('containers', () => {
  it('reuses a warm container for sequential activations (initTime only on the cold one)', async () => {
    const first = await run('echo')
    const second = await run('echo')
    expect(second.response.result.container).toBe(first.response.result.container)
    expect(second.annotations.find((a) => a.key === 'initTime')).toBeUndefined()
  })

  it('reaps idle containers: the next activation is cold again', async () => {
    const first = await run('echo')
    await new Promise((r) => setTimeout(r, 1000))
    const second = await run('echo')
    expect(second.response.result.container).not.toBe(first.response.result.container)
    expect(second.annotations.find((a) => a.key === 'initTime')).toBeDefined()
  })

  it('runs activations concurrently', async () => {
    const started = Date.now()
    const records = await Promise.all([1, 2, 3, 4].map(() => run('misbehave', { mode: 'sleep', ms: 500 })))
    expect(Date.now() - started).toBeLessThan(1800)
    expect(records.every((r) => r.response.status === 'success')).toBe(true)
  })

  it('captures console output of each activation as its own logs', async () => {
    const [a, b] = await Promise.all([run('misbehave', { mode: 'logs', lines: 2 }), run('echo')])
    expect(a.logs.map((l) => l.replace(LOG_LINE, '$1: '))).toEqual(['stdout: line 0', 'stdout: line 1'])
    expect(b.logs.map((l) => l.replace(LOG_LINE, '$1: '))).toEqual([
      'stdout: echo called',
      'stderr: echo stderr line',
    ])
  })

  it('truncates logs at limits.logs with the OpenWhisk notice', async () => {
    const record = await run('no-logs', { mode: 'logs', lines: 3 })
    expect(record.logs.map((l) => l.replace(LOG_LINE, '$1: '))).toEqual([
      'stderr: Logs were truncated because the total bytes size exceeds the limit of 0 bytes.',
    ])
  })

  it('stores the activation for the REST API', async () => {
    const record = await run('echo', { stored: true })
    const fetched = await owClient(stack).activations.get({ activationId: record.activationId })
    expect(fetched).toEqual(record)
  })

  it('rejects an unknown action with a 404 naming it', async () => {
    await expect(stack.runtime.invoke({ action: 'fixture/missing', params: {} })).rejects.toMatchObject({
      status: 404,
      message: `The requested resource '${stack.config.namespace}/fixture/missing' does not exist.`,
    })
  })
})
