/**
 * Deploy parity for the REAL app: every action declared in app.config.yaml (one test each, read
 * from the manifest) has a source file, builds into the bundle `aio app build` would deploy, that
 * bundle is under 1 MB (the cold-start budget; Runtime's hard code limit is 22 MB), loads
 * in a fresh Node process and exports a `main` function, and in the runtime its `main` answers a
 * dictionary (called with no params it must fail cleanly as an application error, never crash).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import YAML from 'yaml'
import { buildApp } from '../../local/runtime/build-app'
import type { BuildResult } from '../../local/runtime/builder'
import { startTestStack, type TestStack } from '../helpers/stack'

const ROOT = path.resolve(__dirname, '../..')
const MANIFEST = path.join(ROOT, 'app.config.yaml')

/** `pkg/action` names declared by the manifest (following each package's actions `$include`). */
function declaredActions(): string[] {
  const root = YAML.parse(fs.readFileSync(MANIFEST, 'utf8'))
  const names: string[] = []
  for (const [pkg, def] of Object.entries<any>(root.application?.runtimeManifest?.packages ?? {})) {
    let actions = def.actions ?? {}
    if (actions.$include)
      actions = { ...YAML.parse(fs.readFileSync(path.resolve(ROOT, actions.$include), 'utf8')), ...actions }
    for (const name of Object.keys(actions).filter((k) => k !== '$include')) names.push(`${pkg}/${name}`)
  }
  return names
}

/** Largest bundle accepted, in bytes (1 MB counted as 10^6, the stricter reading). */
const MAX_BUNDLE_BYTES = 1_000_000

/**
 * `require`s a bundle in a fresh Node process, outside jest's module registry and with none of
 * the test's env, as the runtime's container does on a cold start; reports `typeof main`.
 */
async function exportedMain(bundlePath: string): Promise<string> {
  const probe =
    'const m = require(process.argv[1]); process.stdout.write("\\n" + JSON.stringify({ main: typeof m.main }))'
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe, path.resolve(bundlePath)], {
    env: { PATH: process.env.PATH ?? '' },
    timeout: 30_000,
  })
  return (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { main?: string }).main ?? 'nothing'
}

const ACTIONS = declaredActions()
let stack: TestStack
let builds: Map<string, BuildResult>

beforeAll(async () => {
  builds = new Map((await buildApp(MANIFEST, ROOT)).map((b) => [b.name, b]))
  stack = await startTestStack()
}, 120_000)
afterAll(async () => {
  await stack?.close()
})

it('finds the actions of the manifest', () => {
  expect(ACTIONS.length).toBeGreaterThan(0)
})

it.each(ACTIONS)('%s: builds under 1 MB, loads, exports main and answers from main', async (name) => {
  const build = builds.get(name)
  if (!build?.ok) throw new Error(`${name} has no runnable bundle: ${build?.error ?? 'not built'}`)
  const bytes = fs.statSync(build.bundlePath).size
  const main = await exportedMain(build.bundlePath)
  const record = await stack.runtime.invoke({ action: name, params: {} })
  const detail = `${record.response.status}: ${JSON.stringify(record.response.result).slice(0, 300)}`
  expect({
    name,
    size: bytes < MAX_BUNDLE_BYTES ? 'under 1 MB' : `${bytes} bytes`,
    main,
    outcome: ['success', 'application error'].includes(record.response.status) ? 'clean' : detail,
  }).toEqual({ name, size: 'under 1 MB', main: 'function', outcome: 'clean' })
})
