/**
 * Builds the admin UI (web-src/) into static assets for the local stack with Vite (a devDependency;
 * `aio app build` builds the same web-src/index.html with Parcel for Adobe's CDN). The build runs
 * in a child process so its progress lines stream to the console and its memory is returned
 * afterwards; a stamp (hash of every source file) skips it when nothing changed.
 */
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** Bump when the build recipe changes so old builds are rebuilt. */
const RECIPE_VERSION = 'ceh-ui-1'
const STAMP = '.build-stamp'

/** Where the UI's sources and output live. */
export interface UiPaths {
  projectRoot: string
  /** `<projectRoot>/web-src`. */
  webSrc: string
  /** Built assets, `<projectRoot>/dist/ui`. */
  outDir: string
}

/** The UI paths of a project. */
export function uiPaths(projectRoot: string): UiPaths {
  return {
    projectRoot,
    webSrc: path.join(projectRoot, 'web-src'),
    outDir: path.join(projectRoot, 'dist', 'ui'),
  }
}

/** Files the build reads besides web-src: the event catalogue the forms offer, the lockfile (versions). */
function inputs(p: UiPaths): string[] {
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const e of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name)
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') walk(full)
      } else files.push(full)
    }
  }
  walk(p.webSrc)
  files.push(path.join(p.projectRoot, 'onboarding', 'config', 'events.json'))
  files.push(path.join(p.projectRoot, 'package-lock.json'))
  return files.filter((f) => fs.existsSync(f))
}

/** Hash of every input file's path and content. */
export function sourceStamp(p: UiPaths): string {
  const h = crypto.createHash('sha256').update(RECIPE_VERSION)
  for (const f of inputs(p)) h.update(path.relative(p.projectRoot, f)).update('\0').update(fs.readFileSync(f))
  return h.digest('hex')
}

/** True when `dist/ui` holds a build of the current sources. */
export function uiIsCurrent(p: UiPaths): boolean {
  try {
    return (
      fs.readFileSync(path.join(p.outDir, STAMP), 'utf8') === sourceStamp(p) &&
      fs.existsSync(path.join(p.outDir, 'index.html'))
    )
  } catch {
    return false
  }
}

/**
 * Builds the UI unless it is current; `log` gets progress lines. Rejects with the build's last
 * output lines when it fails.
 */
export async function buildUi(
  p: UiPaths,
  log: (line: string) => void = () => undefined,
): Promise<'built' | 'current'> {
  if (uiIsCurrent(p)) return 'current'
  const stamp = sourceStamp(p)
  const started = Date.now()
  log(`building the admin UI (web-src/ → ${path.relative(p.projectRoot, p.outDir)}/) with Vite…`)
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js')
  // Built aside and swapped in, so a concurrent start (npm start while tests run) never serves half a build.
  const tmp = `${p.outDir}.build-${process.pid}-${Date.now()}`
  const args = [vite, 'build', '--config', path.join(p.webSrc, 'vite.config.mjs'), '--outDir', tmp]
  const tail: string[] = []
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: p.projectRoot,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        const text = line.trim()
        if (!text) continue
        tail.push(text)
        if (tail.length > 20) tail.shift()
        log(`  ui: ${text}`)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('error', reject)
    child.once('close', resolve)
  })
  if (code !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true })
    throw new Error(`admin UI build failed (exit ${code}):\n${tail.join('\n')}`)
  }
  fs.writeFileSync(path.join(tmp, STAMP), stamp)
  fs.rmSync(p.outDir, { recursive: true, force: true })
  try {
    fs.renameSync(tmp, p.outDir)
  } catch (err) {
    // Another process swapped its build in between: keep it when it is of the same sources.
    fs.rmSync(tmp, { recursive: true, force: true })
    if (!uiIsCurrent(p)) throw err
  }
  log(`admin UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return 'built'
}
