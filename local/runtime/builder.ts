/**
 * Builds each action's `function:` into the bundle `aio app build` would deploy: webpack with the
 * nearest `*webpack-config.{js,cjs}` (searched from the action folder up to the project root) and
 * the same overrides aio-lib-runtime applies (target node, commonjs2, production, no minify,
 * WEBPACK_ACTION_BUILD). All stale actions sharing a config compile in ONE webpack run
 * (multi-entry); results are cached by the content of every file each bundle was built from, so
 * a warm start costs a few hundred `stat` calls instead of a compile.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { ActionSpec } from './manifest'
import { attributeErrors, collectFiles, findWebpackConfig, mergedConfig } from './webpack-recipe'

export { findWebpackConfig }

/** Bump when the build recipe changes so old caches are ignored. */
const RECIPE_VERSION = 'ceh-build-1'

/** Outcome for one action. */
export interface BuildResult {
  name: string
  bundlePath: string
  ok: boolean
  /** Why the build failed (first compiler error, or a missing source file). */
  error?: string
  /** True when the bundle came from the cache. */
  cached: boolean
}

interface DepStamp {
  size: number
  mtimeMs: number
  hash: string
}
interface CacheEntry {
  key: string
  ok: boolean
  error?: string
  deps: Record<string, DepStamp>
}
interface CacheFile {
  recipe: string
  entries: Record<string, CacheEntry>
}

/** Where the bundle of action `pkg/name` of the app rooted at `root` lives. */
function bundlePathFor(root: string, name: string): string {
  return path.join(root, 'dist', 'actions', name, 'index.js')
}

/** Options for `buildActions`. */
export interface BuildOptions {
  /** Folder of app.config.yaml (dist/ goes here). */
  root: string
  /** Highest folder searched for a webpack config (the repository root). */
  projectRoot: string
  log?: (m: string) => void
}

/** Builds (or reuses cached bundles for) `actions`; never throws for a per-action failure. */
export async function buildActions(
  actions: ActionSpec[],
  options: BuildOptions,
): Promise<Map<string, BuildResult>> {
  const log = options.log ?? (() => undefined)
  const cachePath = path.join(options.root, 'dist', 'actions', '.build-cache.json')
  const cache = readCache(cachePath)
  const results = new Map<string, BuildResult>()
  const stale = new Map<string, { config: string | undefined; actions: ActionSpec[] }>()
  const stampMemo = new Map<string, DepStamp | undefined>()

  for (const action of actions) {
    const bundlePath = bundlePathFor(options.root, action.name)
    if (!fs.existsSync(action.functionPath)) {
      results.set(action.name, {
        name: action.name,
        bundlePath,
        ok: false,
        cached: false,
        error: `source file not found: ${action.functionPath}`,
      })
      continue
    }
    const configPath = findWebpackConfig(action.functionPath, options.projectRoot)
    const key = recipeKey(action, configPath, options.projectRoot)
    const hit = cache.entries[action.name]
    if (
      hit &&
      hit.key === key &&
      (!hit.ok || fs.existsSync(bundlePath)) &&
      depsUnchanged(hit.deps, stampMemo)
    ) {
      results.set(action.name, { name: action.name, bundlePath, ok: hit.ok, error: hit.error, cached: true })
      continue
    }
    const group = stale.get(configPath ?? '') ?? { config: configPath, actions: [] }
    group.actions.push(action)
    stale.set(configPath ?? '', group)
  }

  const cachedCount = results.size
  const staleCount = [...stale.values()].reduce((n, g) => n + g.actions.length, 0)
  if (staleCount > 0) {
    log(
      `building ${staleCount} action bundle(s) with webpack${cachedCount ? ` (${cachedCount} cached)` : ''}: ` +
        'a first build takes about 30 s, minutes on a busy machine; later starts reuse the cache',
    )
  } else if (cachedCount > 0) log(`${cachedCount} action bundle(s) up to date (build cache)`)
  for (const group of stale.values()) {
    const started = Date.now()
    const built = await compileGroup(group.config, group.actions, options, progressReporter(log, started))
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    log(`built ${group.actions.length} action bundle(s) in ${seconds} s`)
    for (const [name, entry] of built) {
      const bundle = bundlePathFor(options.root, name)
      log(
        entry.ok
          ? `  ok   ${name}  ${Math.round(fileSize(bundle) / 1024)} KB`
          : `  FAIL ${name}: ${entry.error ?? 'build failed'}`,
      )
      const action = group.actions.find((a) => a.name === name)!
      entry.key = recipeKey(action, group.config, options.projectRoot)
      cache.entries[name] = entry
      results.set(name, {
        name,
        bundlePath: bundlePathFor(options.root, name),
        ok: entry.ok,
        error: entry.error,
        cached: false,
      })
    }
  }
  if (stale.size > 0) {
    // Re-read before writing so a concurrent build (another jest worker) does not lose its entries.
    const latest = readCache(cachePath)
    for (const group of stale.values())
      for (const a of group.actions) latest.entries[a.name] = cache.entries[a.name]
    writeAtomic(cachePath, JSON.stringify(latest))
  }
  return results
}

function recipeKey(action: ActionSpec, configPath: string | undefined, projectRoot: string): string {
  const h = crypto.createHash('sha256').update(RECIPE_VERSION).update(action.functionPath)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  h.update(String((require('webpack/package.json') as { version: string }).version))
  for (const f of [configPath, path.join(projectRoot, 'tsconfig.json')]) {
    if (f && fs.existsSync(f)) h.update(f).update(fs.readFileSync(f))
  }
  return h.digest('hex')
}

/** Bytes of a file, 0 when it is missing. */
function fileSize(file: string): number {
  try {
    return fs.statSync(file).size
  } catch {
    return 0
  }
}

/**
 * Webpack's progress (0–1 and the phase it is in) as a log line at each new tenth, with the time
 * since the build started, so a long first build does not look hung.
 */
function progressReporter(log: (m: string) => void, started: number): (pct: number, phase: string) => void {
  let lastTenth = 0
  return (pct, phase) => {
    const tenth = Math.floor(pct * 10)
    if (tenth <= lastTenth || tenth >= 10) return
    lastTenth = tenth
    log(`  ${tenth * 10}% ${phase || 'building'} (${((Date.now() - started) / 1000).toFixed(0)} s)`)
  }
}

async function compileGroup(
  configPath: string | undefined,
  actions: ActionSpec[],
  options: BuildOptions,
  onProgress: (pct: number, phase: string) => void,
): Promise<Map<string, CacheEntry>> {
  // Lazy: webpack is only loaded when something must be compiled.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const webpack = require('webpack') as typeof import('webpack')
  const tmp = path.join(
    options.root,
    'dist',
    `.build-tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`,
  )
  const config = mergedConfig(webpack, configPath, actions, tmp)
  config.plugins = [...(config.plugins ?? []), new webpack.ProgressPlugin((pct, msg) => onProgress(pct, msg))]
  const out = new Map<string, CacheEntry>()
  // A source edited while webpack runs may be in the bundle in its old form but stamped in its new
  // one, so the cache would keep a stale bundle forever: such a file gets a stamp that never matches.
  const startedMs = Date.now()
  try {
    const stats = await new Promise<import('webpack').Stats>((resolve, reject) => {
      webpack(config).run((err, s) =>
        err || !s ? reject(err ?? new Error('webpack returned no stats')) : resolve(s),
      )
    })
    const compilation = stats.compilation
    const errorsByEntry = attributeErrors(compilation, actions)
    for (const action of actions) {
      const deps = new Set<string>([action.functionPath])
      const entrypoint = compilation.entrypoints.get(action.name)
      for (const chunk of entrypoint?.chunks ?? []) {
        for (const m of compilation.chunkGraph.getChunkModulesIterable(chunk)) collectFiles(m, deps)
      }
      const error = errorsByEntry.get(action.name)
      const target = bundlePathFor(options.root, action.name)
      if (error) {
        fs.rmSync(target, { force: true })
      } else {
        fs.mkdirSync(path.dirname(target), { recursive: true })
        // rename is atomic: a concurrent reader sees the old or the new bundle, never half of one.
        fs.renameSync(path.join(tmp, action.name, 'index.js'), target)
      }
      const stamps: Record<string, DepStamp> = {}
      for (const file of deps) {
        const s = stamp(file)
        if (s) stamps[file] = s.mtimeMs >= startedMs - 1 ? { ...s, hash: CHANGED_DURING_BUILD } : s
      }
      out.set(action.name, { key: '', ok: !error, error, deps: stamps })
    }
  } catch (err) {
    for (const action of actions)
      out.set(action.name, {
        key: '',
        ok: false,
        error: `webpack failed: ${(err as Error).message}`,
        deps: {},
      })
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  return out
}

/** The hash recorded for a file modified while its bundle was being built: never a cache hit. */
const CHANGED_DURING_BUILD = 'changed-during-build'

function stamp(file: string): DepStamp | undefined {
  try {
    const st = fs.statSync(file)
    if (!st.isFile()) return undefined
    return {
      size: st.size,
      mtimeMs: st.mtimeMs,
      hash: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
    }
  } catch {
    return undefined
  }
}

/** True when every recorded file still has the same content (stat first; hash only if stat moved). */
function depsUnchanged(deps: Record<string, DepStamp>, memo: Map<string, DepStamp | undefined>): boolean {
  for (const [file, old] of Object.entries(deps)) {
    let st: fs.Stats
    try {
      st = fs.statSync(file)
    } catch {
      return false
    }
    if (old.hash === CHANGED_DURING_BUILD) return false
    if (st.size === old.size && st.mtimeMs === old.mtimeMs) continue
    if (!memo.has(file)) memo.set(file, stamp(file))
    if (memo.get(file)?.hash !== old.hash) return false
  }
  return true
}

function readCache(file: string): CacheFile {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile
    if (parsed.recipe === RECIPE_VERSION && parsed.entries) return parsed
  } catch {
    /* no or unreadable cache: rebuild */
  }
  return { recipe: RECIPE_VERSION, entries: {} }
}

function writeAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(3).toString('hex')}`
  fs.writeFileSync(tmp, content)
  fs.renameSync(tmp, file)
}
