/**
 * `--help` for the benchmark commands: prints the benchmark file's own header comment (which says
 * what it measures and against which baseline) and exits, so the help cannot drift from the code.
 */
import fs from 'node:fs'
import path from 'node:path'

/** The leading block comment of `file`, without its comment markers. */
export function headerComment(file: string): string {
  const match = /^\s*\/\*\*?([\s\S]*?)\*\//.exec(fs.readFileSync(file, 'utf8'))
  return (match?.[1] ?? '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim()
}

/** When `--help` or `-h` is on the command line: prints the file's header and exits 0. */
export function exitOnHelp(file: string, argv = process.argv.slice(2)): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return
  const name = path.basename(file).replace(/\.bench\.ts$|\.ts$/, '')
  const command = name === 'run-all' ? 'npm run bench' : `npm run bench:${name}`
  process.stdout.write(
    `usage: ${command}\n\n${headerComment(file)}\n\nPrints JSON on stdout; progress on stderr.\n`,
  )
  process.exit(0)
}
