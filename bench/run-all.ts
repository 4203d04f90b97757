/**
 * `npm run bench`: runs every component benchmark in turn (each in its own process, so one's
 * warm caches don't flatter the next) and prints one JSON object keyed by benchmark name.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { exitOnHelp } from './help'

exitOnHelp(__filename)

const names = ['state', 'runtime', 'events', 'ingestion', 'routing', 'routing-backoffice', 'publish', 'scale']
/** Node flags a benchmark needs (scale measures memory after forced GCs). */
const FLAGS: Record<string, string[]> = { scale: ['--expose-gc'] }
const results: Record<string, unknown> = {}
for (const name of names) {
  const file = path.join(__dirname, `${name}.bench.ts`)
  if (!fs.existsSync(file)) {
    results[name] = { error: 'benchmark file missing' }
    continue
  }
  try {
    const out = execFileSync(
      process.execPath,
      [...(FLAGS[name] ?? []), '-r', 'ts-node/register/transpile-only', file],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        timeout: 600_000,
      },
    )
    // Each benchmark prints one JSON object; take the last JSON-looking block.
    const start = out.lastIndexOf('\n{')
    results[name] = JSON.parse(start >= 0 ? out.slice(start + 1) : out)
  } catch (err) {
    results[name] = { error: (err as Error).message.split('\n')[0] }
  }
}
console.log(JSON.stringify(results, null, 2))
