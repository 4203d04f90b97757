/**
 * `--help` works on every command of package.json (start, build, send, trace, onboard, the
 * benchmarks, …): it prints a usage and exits 0 without starting anything.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import pkg from '../../package.json'

const root = path.resolve(__dirname, '../..')
/** Scripts that are not commands of this project (tool runners with their own --help) or hooks. */
const NOT_OURS = new Set(['test', 'test:unit', 'test:integration', 'lint', 'format', 'prestart'])

/** `node [flags] <file>` of a script (the first command of an `a && b` chain). */
function nodeCommand(script: string): string[] | undefined {
  const first = script.split('&&')[0].trim().split(/\s+/)
  return first[0] === 'node' ? first.slice(1) : undefined
}

const commands = Object.entries(pkg.scripts as Record<string, string>)
  .filter(([name]) => !NOT_OURS.has(name))
  .map(([name, script]) => [name, nodeCommand(script)] as const)

describe('--help', () => {
  test('every command of package.json runs a node script', () => {
    expect(commands.filter(([, argv]) => !argv).map(([name]) => name)).toEqual([])
  })

  test.concurrent.each(commands.map(([name, argv]) => [name, argv ?? []]))(
    'npm run %s -- --help prints a usage and exits 0',
    async (_name, argv) => {
      const { stdout } = await promisify(execFile)(process.execPath, [...argv, '--help'], {
        cwd: root,
        env: { PATH: process.env.PATH, DATA_DIR: path.join(root, 'no-such-data-dir'), PORT: '1' },
        timeout: 90_000,
      })
      expect(stdout).toMatch(/^usage: /im)
    },
    120_000,
  )
})
