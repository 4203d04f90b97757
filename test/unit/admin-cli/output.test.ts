/**
 * The admin CLI's text output: tables (cells cut except the last column, control characters
 * neutralised), `key value` lines, and the progress line shown only when stderr is a terminal.
 */
import { PassThrough } from 'node:stream'
import { keyValues, processOutput, progressBar, table } from '../../../scripts/admin/output'

/** A stream standing in for stdout/stderr, terminal or not. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text: () => string }
  let text = ''
  ;(s as unknown as PassThrough).on('data', (d: Buffer) => (text += d.toString()))
  Object.assign(s, { isTTY, text: () => text })
  return s
}

describe('admin CLI output', () => {
  test('a table pads columns, cuts long cells with … except the last column, and prints event data as plain text', () => {
    const long = 'x'.repeat(60)
    expect(
      table(
        ['A', 'B', 'ID'],
        [
          [long, 'ok\x1b[31m<script>\n', long],
          [1, undefined, 'id-2'],
        ],
      ).split('\n'),
    ).toEqual([
      `A${' '.repeat(49)}B${' '.repeat(17)}ID`,
      `${'x'.repeat(47)}…  ok [31m<script>   ${long}`,
      `1${' '.repeat(67)}id-2`,
    ])
  })

  test('key value lines align keys and leave out empty values', () => {
    expect(
      keyValues([
        ['id', 'a'],
        ['last error', 'HTTP 500\nboom'],
        ['skipped', undefined],
        ['n', 3],
      ]),
    ).toBe('id          a\nlast error  HTTP 500 boom\nn           3')
  })

  test.each([
    [10, 40, '[######------------------] 25 %  exported: 10/40'],
    [40, 40, '[########################] 100 %  exported: 40/40'],
    [7, undefined, 'exported: 7'],
  ])('progress bar of %s of %s', (done, total, expected) => {
    expect(progressBar(done, total, 'exported')).toBe(expected)
  })

  test.each([
    [true, '\r\x1b[2Kpage 1\r\x1b[2Kdone\n'],
    [false, ''],
  ])('progress on stderr only when it is a terminal (isTTY %s); stdout is untouched', (tty, expected) => {
    const stdout = stream(false)
    const stderr = stream(tty)
    const out = processOutput(stdout, stderr)
    out.progress('page 1')
    out.progress('done', true)
    expect([out.interactive, stderr.text(), stdout.text()]).toEqual([tty, expected, ''])
  })
})
