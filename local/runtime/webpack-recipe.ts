/**
 * The webpack side of `aio app build`, reproduced: where the webpack config is found, how
 * aio-lib-runtime overrides it for actions, and how a multi-entry compilation's errors and input
 * files map back to each action.
 */
import path from 'node:path'
import fs from 'node:fs'
import type { ActionSpec } from './manifest'

/** aio's search: `*webpack-config.js` (or .cjs) from the action's folder up to the project root. */
export function findWebpackConfig(functionPath: string, projectRoot: string): string | undefined {
  const top = path.resolve(projectRoot)
  let dir = path.dirname(path.resolve(functionPath))
  for (;;) {
    const hit = fs
      .readdirSync(dir)
      .filter((f) => /webpack-config\.c?js$/.test(f))
      .sort()[0]
    if (hit) return path.join(dir, hit)
    if (dir === top || path.dirname(dir) === dir || !dir.startsWith(top)) return undefined
    dir = path.dirname(dir)
  }
}

/** The user's webpack config with aio-lib-runtime's overrides, one entry per action. */
export function mergedConfig(
  webpack: typeof import('webpack'),
  configPath: string | undefined,
  actions: ActionSpec[],
  outDir: string,
): import('webpack').Configuration {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const user = configPath ? (require(configPath) as Record<string, any>) : {}
  const config: Record<string, any> = { ...user }
  const baseEntries: string[] = Array.isArray(user.entry) ? user.entry : user.entry ? [user.entry] : []
  const resolveFromConfig = (f: string): string =>
    path.isAbsolute(f) ? f : path.resolve(path.dirname(configPath ?? outDir), f)
  config.entry = Object.fromEntries(
    actions.map((a) => [a.name, [...new Set([...baseEntries.map(resolveFromConfig), a.functionPath])]]),
  )
  config.output = { ...(user.output ?? {}), path: outDir, filename: '[name]/index.js' }
  if (config.output.libraryTarget === undefined) config.output.libraryTarget = 'commonjs2'
  config.target = 'node'
  config.mode = user.mode ?? 'production'
  config.optimization = { ...(user.optimization ?? {}) }
  if (config.optimization.minimize === undefined) config.optimization.minimize = false
  config.resolve = { ...(user.resolve ?? {}) }
  config.resolve.extensions = [...new Set([...(user.resolve?.extensions ?? []), '.js', '.json'])]
  config.resolve.mainFields = [...new Set([...(user.resolve?.mainFields ?? []), 'main'])]
  config.plugins = [
    ...(user.plugins ?? []),
    new webpack.DefinePlugin({ WEBPACK_ACTION_BUILD: 'true', 'process.env.AIO_CLI_ENV': '"prod"' }),
  ]
  config.infrastructureLogging = { level: 'none' }
  return config as import('webpack').Configuration
}

/** Maps compilation errors to the entries whose chunks contain the failing module (else to all). */
export function attributeErrors(
  compilation: import('webpack').Compilation,
  actions: ActionSpec[],
): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of compilation.errors) {
    const module = (e as { module?: import('webpack').Module }).module
    const where = (module as { resource?: string } | undefined)?.resource ?? (e as { file?: string }).file
    const text = String(e.message).split('\n').slice(0, 6).join('\n')
    const message = where ? `${where}: ${text}` : text
    const names = new Set<string>()
    if (module) {
      for (const chunk of compilation.chunkGraph.getModuleChunksIterable(module)) {
        for (const group of chunk.groupsIterable) if (group.name) names.add(group.name)
      }
    }
    const targets = names.size > 0 ? [...names] : actions.map((a) => a.name)
    for (const n of targets) if (!out.has(n)) out.set(n, message)
  }
  return out
}

/** Adds the source files a (possibly concatenated) module was built from. */
export function collectFiles(m: import('webpack').Module, into: Set<string>): void {
  const anyM = m as unknown as {
    resource?: string
    modules?: import('webpack').Module[]
    buildInfo?: { fileDependencies?: Iterable<string> }
  }
  if (anyM.resource) into.add(anyM.resource.split('?')[0])
  for (const f of anyM.buildInfo?.fileDependencies ?? []) into.add(f)
  for (const inner of anyM.modules ?? []) collectFiles(inner, into)
}
