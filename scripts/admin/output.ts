/**
 * What the CLI writes: results on stdout (tables for people, JSON with `--json`), messages and
 * progress on stderr, progress only when stderr is a terminal (never in a pipe or a log file).
 */

/** The CLI's two streams. */
export interface Output {
  /** True when stderr is a terminal (progress is shown). */
  readonly interactive: boolean
  /** A line (or lines) on stdout. */
  line(text?: string): void
  /** A value as pretty JSON on stdout. */
  json(value: unknown): void
  /** Raw text on stdout, waiting for the pipe to drain (streams of any size). */
  write(text: string): Promise<void>
  /** A note for people on stderr (hints, counts), never part of the result. */
  note(text: string): void
  /** Replaces the progress line on stderr when it is a terminal; `done` ends it. */
  progress(text: string, done?: boolean): void
}

/** The process's streams. */
export function processOutput(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): Output {
  const tty = Boolean(stderr.isTTY)
  return {
    interactive: tty,
    line: (text = '') => void stdout.write(`${text}\n`),
    json: (value) => void stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    write: (text) =>
      new Promise<void>((resolve, reject) => {
        const ok = stdout.write(text, (err) => (err ? reject(err) : undefined))
        if (ok) resolve()
        else stdout.once('drain', () => resolve())
      }),
    note: (text) => void stderr.write(`${text}\n`),
    progress: (text, done = false) => {
      if (!tty) return
      stderr.write(`\r\x1b[2K${text}${done ? '\n' : ''}`)
    },
  }
}

/** A progress bar `[#####-----] 50 %` when the total is known, else just the count. */
export function progressBar(done: number, total: number | undefined, label: string): string {
  if (!total) return `${label}: ${done}`
  const ratio = Math.min(1, done / total)
  const width = 24
  const filled = Math.round(ratio * width)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(ratio * 100)} %  ${label}: ${done}/${total}`
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/g

/** Any value as one line of text (objects as JSON). */
function textOf(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)
}

/** Longest a table cell gets before it is cut with `…` (full values: `--json` or `show`). */
const MAX_CELL = 48

/** Cells are printed as text: control characters (from event data or receiver answers) become `?`. */
export function cell(v: unknown, max = MAX_CELL): string {
  const clean = textOf(v).replace(CONTROL, ' ')
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}

/** A plain text table: a header row, then one row per item, columns padded to their widest cell. */
export function table(headers: string[], rows: unknown[][]): string {
  // The last column (an id or URL people copy) is never cut.
  const cells = rows.map((r) => r.map((v, i) => cell(v, i === r.length - 1 ? Infinity : MAX_CELL)))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)))
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [fmt(headers), ...cells.map(fmt)].join('\n')
}

/** `key  value` lines, keys aligned; undefined values are left out. */
export function keyValues(pairs: [string, unknown][]): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== '')
  const width = Math.max(...shown.map(([k]) => k.length))
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${textOf(v).replace(CONTROL, ' ')}`).join('\n')
}
