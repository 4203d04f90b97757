/**
 * Deploy parity for the REAL app: every action declared in app.config.yaml (one test each, read
 * from the manifest) has a source file, builds into the bundle `aio app build` would deploy, and
 * that bundle loads in the runtime and its `main` answers a dictionary (called with no params it
 * must fail cleanly as an application error, never crash).
 */
import fs from 'node:fs'
import path from 'node:path'
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

it.each(ACTIONS)('%s: builds, loads and answers from main', async (name) => {
  const build = builds.get(name)
  if (!build?.ok) throw new Error(`${name} has no runnable bundle: ${build?.error ?? 'not built'}`)
  expect(fs.existsSync(build.bundlePath)).toBe(true)
  const record = await stack.runtime.invoke({ action: name, params: {} })
  const detail = `${record.response.status}: ${JSON.stringify(record.response.result).slice(0, 300)}`
  expect({
    name,
    outcome: ['success', 'application error'].includes(record.response.status) ? 'clean' : detail,
  }).toEqual({ name, outcome: 'clean' })
})
