/**
 * State durability: what a put acknowledged with 2xx leaves in DATA_DIR survives a clean restart
 * and a kill -9 of the stack process.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { loadStackConfig } from '../../local/stack-config'
import { startTestStack, tempDataDir, type TestStack } from '../helpers/stack'
import { stateClient } from '../helpers/state-client'

const PROJECT_ROOT = path.resolve(__dirname, '../..')
const CHILD_READY_TIMEOUT_MS = 45_000

/** Spawns test/helpers/stack-child.ts on `dataDir` and resolves with its base URL once it is ready. */
function spawnStack(dataDir: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'test/helpers/stack-child.ts'],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(
      () => reject(new Error(`stack child not ready after ${CHILD_READY_TIMEOUT_MS} ms: ${err}`)),
      CHILD_READY_TIMEOUT_MS,
    )
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) {
        clearTimeout(timer)
        resolve({ child, baseUrl: (JSON.parse(line) as { baseUrl: string }).baseUrl })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`stack child exited with ${code} before it was ready: ${err}`))
    })
  })
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode)
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
}

describe('State durability', () => {
  const dataDir = tempDataDir('ceh-state-durable-')
  let stack: TestStack | undefined
  let child: ChildProcess | undefined

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited(child)
    }
    child = undefined
    await stack?.close()
    stack = undefined
  })
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('keeps values, expirations and the quota count across a clean restart', async () => {
    const dir = tempDataDir('ceh-state-restart-')
    try {
      stack = await startTestStack({ config: { dataDir: dir, stateMaxKeys: 3 } })
      let state = await stateClient(stack)
      await state.put('r.1', 'one', { ttl: 3600 })
      await state.put('r.2', 'two')
      await state.put('r.3', 'three')
      await state.delete('r.3')
      await state.put('r.3', 'three again')
      const before = await Promise.all(['r.1', 'r.2', 'r.3'].map((k) => state.get(k)))
      await stack.close()

      stack = await startTestStack({ config: { dataDir: dir, stateMaxKeys: 3 } })
      state = await stateClient(stack)
      expect(await Promise.all(['r.1', 'r.2', 'r.3'].map((k) => state.get(k)))).toEqual(before)
      expect(await state.stats()).toEqual({ keys: 3, bytesKeys: 9, bytesValues: 3 + 3 + 11 })
      await expect(state.put('r.4', 'over the quota')).rejects.toMatchObject({
        code: 'ERROR_BAD_CREDENTIALS',
      })
      expect(stack.state.counters(stack.config.namespace)).toEqual({ gets: 3, puts: 0, deletes: 0, lists: 0 })
    } finally {
      await stack?.close()
      stack = undefined
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('every acknowledged put survives kill -9 of the stack process', async () => {
    const spawned = await spawnStack(dataDir)
    child = spawned.child
    const childConfig = loadStackConfig({}, { dataDir })
    const state = await stateClient({ baseUrl: spawned.baseUrl, config: childConfig })

    const keys = Array.from({ length: 200 }, (_, i) => `crash.${i}`)
    let next = 0
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < keys.length) {
          const k = keys[next++]
          await state.put(k, `value of ${k}`)
        }
      }),
    )
    await state.put('crash.overwritten', 'first')
    await state.put('crash.overwritten', 'second')
    await state.put('crash.deleted', 'soon gone')
    await state.delete('crash.deleted')

    // No graceful shutdown: the last acknowledgement is the last thing that happened.
    child.kill('SIGKILL')
    expect(await exited(child)).toBe('SIGKILL')

    stack = await startTestStack({ config: { dataDir } })
    const after = await stateClient(stack)
    const values = await Promise.all(keys.map((k) => after.get(k).then((r) => r?.value)))
    expect(values).toEqual(keys.map((k) => `value of ${k}`))
    expect((await after.get('crash.overwritten'))?.value).toBe('second')
    expect(await after.get('crash.deleted')).toBeUndefined()
    expect((await after.stats()).keys).toBe(201)
  }, 180_000)
})
