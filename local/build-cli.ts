/**
 * `npm run build [app.config.yaml …]`: builds the action bundles `aio app build` would deploy
 * (webpack with the project's webpack-config.js) into `<app>/dist/actions/<pkg>/<action>/index.js`.
 * Exits 1 when any action fails to build.
 */
import path from 'node:path'
import { buildApp } from './runtime/build-app'

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(
      'usage: npm run build [-- <app.config.yaml> …]\n\nBuilds the action bundles `aio app build` would deploy (webpack with the root\n' +
        'webpack-config.js) into dist/actions/<package>/<action>/index.js, reusing unchanged ones.\nExit code 1 when an action fails to build.',
    )
    return
  }
  const projectRoot = path.resolve(__dirname, '..')
  const manifests =
    process.argv.slice(2).length > 0 ? process.argv.slice(2) : [path.join(projectRoot, 'app.config.yaml')]
  let failed = 0
  for (const manifest of manifests) {
    const results = await buildApp(path.resolve(manifest), projectRoot, (m) => console.log(`[build] ${m}`))
    for (const r of results) {
      if (!r.ok) failed++
      const where = path.relative(process.cwd(), r.bundlePath)
      console.log(
        `[build] ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.ok ? ` → ${where}${r.cached ? ' (cached)' : ''}` : `: ${r.error}`}`,
      )
    }
  }
  if (failed > 0) {
    console.error(`[build] ${failed} action(s) failed to build`)
    process.exitCode = 1
  }
}

main().catch((err: Error) => {
  console.error(`[build] ${err.message}`)
  process.exit(1)
})
