/**
 * Runs once before all test files: builds the action bundles of the app manifest and of every
 * fixture app (test/fixtures/apps/**\/app.config.yaml) so each test's stack start finds them in
 * the build cache. A failing build is reported, not fatal: the bundle tests name it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildApp } from '../local/runtime/build-app'
import { buildUi, uiPaths } from '../local/ui/ui-build'

function findManifests(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) findManifests(full, out)
    else if (entry.name === 'app.config.yaml') out.push(full)
  }
  return out
}

export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '..')
  // Every temp DATA_DIR of this run goes under one folder that global-teardown removes.
  process.env.CEH_TEST_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'ceh-run-'))
  const manifests = [
    path.join(root, 'app.config.yaml'),
    ...findManifests(path.join(root, 'test', 'fixtures', 'apps')),
  ]
  const started = Date.now()
  const problems: string[] = []
  for (const manifest of manifests) {
    try {
      const results = await buildApp(manifest, root)
      for (const r of results)
        if (!r.ok) problems.push(`${r.name} (${path.relative(root, manifest)}): ${r.error?.split('\n')[0]}`)
    } catch (err) {
      // Fixtures of invalid manifests exist on purpose; their tests assert the start-up error.
      problems.push(`${path.relative(root, manifest)}: ${(err as Error).message.split('\n')[0]}`)
    }
  }
  // The admin UI (web-src/) once, so every stack start finds it current (the browser tests use it).
  try {
    await buildUi(uiPaths(root))
  } catch (err) {
    problems.push(`admin UI: ${(err as Error).message.split('\n')[0]}`)
  }
  const summary = `\n[global-setup] action bundles and admin UI ready in ${Date.now() - started} ms`
  console.log(problems.length ? `${summary}; not built:\n  ${problems.join('\n  ')}` : summary)
}
