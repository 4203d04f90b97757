/**
 * Builds every action bundle of one app.config.yaml (used by `npm run build`, the jest global
 * setup and the benchmark; the runtime service does the same at start-up).
 */
import { buildActions, type BuildResult } from './builder'
import { loadManifest } from './manifest'

/** Builds the actions of `manifestPath`; bundles land in `<manifest folder>/dist/actions/`. */
export async function buildApp(
  manifestPath: string,
  projectRoot: string,
  log: (m: string) => void = () => undefined,
): Promise<BuildResult[]> {
  // Only `function:` paths matter for a build: inputs need no real env, triggers are skipped.
  const manifest = await loadManifest(manifestPath, {}, { triggers: false })
  const results = await buildActions([...manifest.actions.values()], {
    root: manifest.root,
    projectRoot,
    log,
  })
  return [...results.values()]
}
