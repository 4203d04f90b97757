/**
 * Start-up of the local runtime from app.config.yaml: `$include`, `$VAR` substitution, the banner,
 * and start-up failures that name the file and key of an invalid entry.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import YAML from 'yaml'
import { startTestStack } from '../helpers/stack'
import { startFixtureStack } from '../fixtures/apps/runtime/fixture-stack'

const PARAMS = path.resolve(__dirname, '../fixtures/apps/runtime/actions/params.ts')

/** A valid two-file app (root manifest + included actions file); each test breaks one thing. */
function validApp(): { root: any; actions: any } {
  return {
    root: {
      application: {
        runtimeManifest: {
          packages: {
            pkg: {
              license: 'Apache-2.0',
              actions: { $include: './actions.config.yaml' },
              triggers: { tick: { feed: '/whisk.system/alarms/interval', inputs: { minutes: 1 } } },
              rules: { tickRule: { trigger: 'tick', action: 'hello' } },
            },
          },
        },
      },
    },
    actions: {
      hello: {
        function: PARAMS,
        web: 'yes',
        runtime: 'nodejs:22',
        inputs: { GREETING: 'hi ${WHO}' },
        annotations: { final: true },
      },
    },
  }
}

function writeApp(app: { root: any; actions: any }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ceh-manifest-'))
  fs.writeFileSync(path.join(dir, 'app.config.yaml'), YAML.stringify(app.root))
  fs.writeFileSync(path.join(dir, 'actions.config.yaml'), YAML.stringify(app.actions))
  return dir
}

describe('manifest loading', () => {
  it('starts from a valid app, substitutes $VARs and prints each web action URL', async () => {
    const dir = writeApp(validApp())
    const stack = await startTestStack({
      manifestPath: path.join(dir, 'app.config.yaml'),
      env: { WHO: 'there' },
    })
    try {
      const url = `${stack.baseUrl}/api/v1/web/${stack.config.namespace}/pkg/hello`
      expect(stack.banner).toContain(`  web action pkg/hello: ${url}`)
      const res = await fetch(url)
      const body = (await res.json()) as { params: Record<string, unknown> }
      expect(body.params.GREETING).toBe('hi there')
    } finally {
      await stack.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  /** The valid app plus an extension (as the Commerce Admin UI SDK's commerce/backend-ui/1) declaring `packages`. */
  function withExtension(packages: Record<string, unknown>): { root: any; actions: any } {
    const app = validApp()
    app.root.extensions = {
      'commerce/backend-ui/1': {
        operations: { view: [{ type: 'web', impl: 'index.html' }] },
        runtimeManifest: { packages },
      },
    }
    return app
  }

  it('runs the actions of extensions as well as of the application', async () => {
    const dir = writeApp(
      withExtension({
        'admin-ui-sdk': {
          license: 'Apache-2.0',
          actions: {
            registration: {
              function: PARAMS,
              web: 'yes',
              runtime: 'nodejs:22',
              inputs: { GREETING: 'from the extension' },
              annotations: { final: true },
            },
          },
        },
      }),
    )
    const stack = await startTestStack({ manifestPath: path.join(dir, 'app.config.yaml'), env: { WHO: 'x' } })
    try {
      const base = `${stack.baseUrl}/api/v1/web/${stack.config.namespace}`
      const ext = (await (await fetch(`${base}/admin-ui-sdk/registration`)).json()) as { params: any }
      const app = (await (await fetch(`${base}/pkg/hello`)).json()) as { params: any }
      expect([ext.params.GREETING, app.params.GREETING]).toEqual(['from the extension', 'hi x'])
      expect(stack.banner).toContain(
        `  web action admin-ui-sdk/registration: ${base}/admin-ui-sdk/registration`,
      )
    } finally {
      await stack.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails start-up on a package declared by the application and an extension', async () => {
    const dir = writeApp(withExtension({ pkg: { license: 'Apache-2.0', actions: {} } }))
    try {
      await expect(startTestStack({ manifestPath: path.join(dir, 'app.config.yaml') })).rejects.toThrow(
        /app\.config\.yaml: extensions\.commerce\/backend-ui\/1\.runtimeManifest\.packages\.pkg: package "pkg" is declared twice/,
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('lists only web actions in the banner', async () => {
    const stack = await startFixtureStack()
    try {
      expect(stack.banner.some((l) => l.includes('/fixture/raw'))).toBe(true)
      expect(stack.banner.some((l) => l.includes('/fixture/echo'))).toBe(false)
    } finally {
      await stack.close()
    }
  })

  const breakers: [string, (app: { root: any; actions: any }) => void, RegExp][] = [
    [
      'an unknown action key',
      (a) => (a.actions.hello.limit = { timeout: 1 }),
      /actions\.config\.yaml: hello\.limit: unknown key/,
    ],
    [
      'an unknown limits key',
      (a) => (a.actions.hello.limits = { timeot: 100 }),
      /actions\.config\.yaml: hello\.limits\.timeot: unknown key/,
    ],
    [
      'a timeout out of range',
      (a) => (a.actions.hello.limits = { timeout: 50 }),
      /actions\.config\.yaml: hello\.limits\.timeout: .*greater than or equal to 100/,
    ],
    [
      'an unsupported runtime',
      (a) => (a.actions.hello.runtime = 'python:3'),
      /actions\.config\.yaml: hello\.runtime: .*must be one of/,
    ],
    ['a bad web value', (a) => (a.actions.hello.web = 'maybe'), /actions\.config\.yaml: hello\.web/],
    [
      'a non-boolean final annotation',
      (a) => (a.actions.hello.annotations.final = 'yes'),
      /actions\.config\.yaml: hello\.annotations\.final/,
    ],
    [
      'an unknown package key',
      (a) => (a.root.application.runtimeManifest.packages.pkg.sequences = {}),
      /app\.config\.yaml: application\.runtimeManifest\.packages\.pkg\.sequences: unknown key/,
    ],
    [
      'an unsupported feed',
      (a) =>
        (a.root.application.runtimeManifest.packages.pkg.triggers.tick.feed = '/whisk.system/kafka/feed'),
      /app\.config\.yaml: application\.runtimeManifest\.packages\.pkg\.triggers\.tick\.feed/,
    ],
    [
      'a bad cron',
      (a) =>
        (a.root.application.runtimeManifest.packages.pkg.triggers.tick = {
          feed: '/whisk.system/alarms/alarm',
          inputs: { cron: '61 * * * *' },
        }),
      /triggers\.tick\.inputs\.cron: cron minute: "61" is out of range/,
    ],
    [
      'a rule to an unknown action',
      (a) => (a.root.application.runtimeManifest.packages.pkg.rules.tickRule.action = 'ghost'),
      /rules\.tickRule\.action: unknown action "ghost"/,
    ],
    [
      'a rule to an unknown trigger',
      (a) => (a.root.application.runtimeManifest.packages.pkg.rules.tickRule.trigger = 'ghost'),
      /rules\.tickRule\.trigger: unknown trigger "ghost"/,
    ],
    [
      'a missing include',
      (a) => (a.root.application.runtimeManifest.packages.pkg.actions.$include = './nope.yaml'),
      /nope\.yaml' cannot be resolved/,
    ],
  ]

  it.each(breakers)('fails start-up on %s, naming the file and key', async (_name, breakIt, message) => {
    const app = validApp()
    breakIt(app)
    const dir = writeApp(app)
    try {
      await expect(startTestStack({ manifestPath: path.join(dir, 'app.config.yaml') })).rejects.toThrow(
        message,
      )
      await expect(startTestStack({ manifestPath: path.join(dir, 'app.config.yaml') })).rejects.toThrow(dir)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rebuilds a bundle when a file it imports changes, and reports a build error as a failed init', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ceh-rebuild-'))
    const manifestPath = path.join(dir, 'app.config.yaml')
    const app = {
      application: {
        runtimeManifest: {
          packages: { p: { actions: { a: { function: './a.js', runtime: 'nodejs:22' } } } },
        },
      },
    }
    fs.writeFileSync(manifestPath, YAML.stringify(app))
    fs.writeFileSync(path.join(dir, 'a.js'), "const { v } = require('./lib')\nexports.main = () => ({ v })\n")
    const runOnce = async (): Promise<unknown> => {
      const stack = await startTestStack({ manifestPath })
      try {
        return (await stack.runtime.invoke({ action: 'p/a', params: {} })).response
      } finally {
        await stack.close()
      }
    }
    try {
      fs.writeFileSync(path.join(dir, 'lib.js'), 'exports.v = 1\n')
      expect(await runOnce()).toMatchObject({ status: 'success', result: { v: 1 } })
      fs.writeFileSync(path.join(dir, 'lib.js'), 'exports.v = 2\n')
      expect(await runOnce()).toMatchObject({ status: 'success', result: { v: 2 } })
      fs.writeFileSync(path.join(dir, 'lib.js'), 'exports.v = (\n')
      expect(await runOnce()).toMatchObject({
        status: 'action developer error',
        result: {
          error: expect.stringMatching(
            /^Initialization has failed due to: the action bundle could not be built \(.*lib\.js/s,
          ),
        },
      })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails start-up with a clear error when the port is taken', async () => {
    const blocker = http.createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const port = (blocker.address() as AddressInfo).port
    try {
      await expect(startFixtureStack({}, { config: { port } })).rejects.toThrow(
        `port ${port} is already in use`,
      )
    } finally {
      await new Promise((r) => blocker.close(r))
    }
  })
})
