/**
 * The App Builder manifest loads with the aio CLI's own loader and follows the project's rules:
 * every action on nodejs:22 with `final: true`, every function file present, and every `$VAR`
 * documented in .env.example.
 */
import { ENTITY_HANDLER_INPUT_KEYS } from '../../actions/lib/entity-pipeline'
import { DELIVERY_INPUT_KEYS } from '../../actions/lib/delivery/delivery-config'
import { ADMIN_INPUT_KEYS } from '../../actions/admin/admin-action'
import { INGESTION_INPUTS } from '../../actions/ingestion/webhook/config'
import { CONSUMER_INPUT_KEYS } from '../../actions/consumer/index'
import { REGISTRATION_INPUT_KEYS } from '../../actions/admin-ui/registration/index'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(__dirname, '../..')

interface ActionDecl {
  function: string
  web?: string | boolean
  runtime?: string
  inputs?: Record<string, unknown>
  annotations?: Record<string, unknown>
}

async function loadManifest(): Promise<Record<string, { actions?: Record<string, ActionDecl> }>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { load } = require('@adobe/aio-cli-lib-app-config')
  const cwd = process.cwd()
  process.chdir(root)
  try {
    const config = await load({})
    // The application's packages, then each extension's (the Commerce Admin UI SDK registration).
    return Object.assign(
      {},
      ...Object.values(config.all as Record<string, { manifest?: { full?: { packages?: object } } }>).map(
        (c) => c.manifest?.full?.packages ?? {},
      ),
    )
  } finally {
    process.chdir(cwd)
  }
}

describe('app.config.yaml', () => {
  let packages: Awaited<ReturnType<typeof loadManifest>>
  beforeAll(async () => {
    packages = await loadManifest()
  })

  const actions = () =>
    Object.entries(packages).flatMap(([pkg, p]) =>
      Object.entries(p.actions ?? {}).map(([name, a]) => ({ name: `${pkg}/${name}`, ...a })),
    )

  it('declares the app packages', () => {
    expect(Object.keys(packages).sort()).toEqual([
      'admin',
      'admin-ui-sdk',
      'entities',
      'event-hub',
      'ingestion',
      'publisher',
    ])
  })

  it('runs every action on nodejs:22 with final inputs and an existing TypeScript function', () => {
    const problems = actions().flatMap((a) => [
      ...(a.runtime === 'nodejs:22' ? [] : [`${a.name}: runtime ${a.runtime}`]),
      ...(a.annotations?.final === true ? [] : [`${a.name}: final is not true`]),
      ...(fs.existsSync(a.function) && a.function.endsWith('.ts')
        ? []
        : [`${a.name}: missing ${a.function}`]),
    ])
    expect(problems).toEqual([])
  })

  it('keeps non-web actions private and admin actions behind Adobe auth', () => {
    const byName = Object.fromEntries(actions().map((a) => [a.name, a]))
    expect(String(byName['ingestion/webhook'].web)).toBe('raw')
    for (const name of ['event-hub/consumer', 'publisher/publish', 'publisher/sweeper']) {
      expect([name, String(byName[name].web)]).toEqual([name, 'no'])
    }
    for (const a of actions().filter((x) => /^admin(-ui-sdk)?\//.test(x.name))) {
      expect([a.name, a.annotations?.['require-adobe-auth']]).toEqual([a.name, true])
    }
  })

  it('documents every $VAR of the manifest and included files in .env.example', () => {
    const files = [
      path.join(root, 'app.config.yaml'),
      ...fs
        .readdirSync(path.join(root, 'actions'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('actions.config.yaml'))
        .map((f) => path.join(root, 'actions', f)),
      path.join(root, 'src', 'commerce-backend-ui-1', 'ext.config.yaml'),
    ]
    const vars = new Set(
      files.flatMap((f) =>
        [...fs.readFileSync(f, 'utf8').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)]
          .map((m) => m[1])
          .filter((v) => v !== 'include'),
      ),
    )
    const documented = new Set(
      [
        ...fs
          .readFileSync(path.join(root, '.env.example'), 'utf8')
          .matchAll(/^#?\s*([A-Za-z_][A-Za-z0-9_]*)=/gm),
      ].map((m) => m[1]),
    )
    expect([...vars].filter((v) => !documented.has(v)).sort()).toEqual([])
  })

  /** Every package's actions and the input keys their config reads (exported by each action). */
  const INPUTS_BY_PREFIX: [string, Iterable<string>][] = [
    ['ingestion/', INGESTION_INPUTS],
    ['event-hub/', CONSUMER_INPUT_KEYS],
    ['entities/', ENTITY_HANDLER_INPUT_KEYS],
    ['publisher/', DELIVERY_INPUT_KEYS],
    ['admin/', ADMIN_INPUT_KEYS],
    ['admin-ui-sdk/', REGISTRATION_INPUT_KEYS],
  ]

  it('checks the inputs of every action of the manifest', () => {
    const unchecked = actions()
      .map((a) => a.name)
      .filter((name) => !INPUTS_BY_PREFIX.some(([prefix]) => name.startsWith(prefix)))
    expect(unchecked).toEqual([])
  })

  it.each(INPUTS_BY_PREFIX)('gives every %s action exactly the inputs its config reads', (prefix, keys) => {
    const found = actions().filter((a) => a.name.startsWith(prefix))
    expect(found.length).toBeGreaterThan(0)
    for (const a of found)
      expect([a.name, Object.keys(a.inputs ?? {}).sort()]).toEqual([a.name, [...keys].sort()])
  })
})
