/**
 * Exit codes of the admin CLI and the errors that carry them. Scripts branch on the code, so each
 * one means one thing (also listed by `--help` and in the README).
 */

/** What a non-zero exit means. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The admin API refused or failed the request (4xx/5xx); its message is printed. */
  api: 1,
  /** The command line is wrong (unknown command or option, missing argument). */
  usage: 2,
  /** No admin API to talk to: no running local stack, nothing answers at the URL, or no credentials. */
  unreachable: 3,
  /** The request was carried out but deliveries failed: a test send or a retried delivery did not reach the receiver. */
  deliveryFailed: 4,
} as const

/** The exit codes as `--help` prints them. */
export const EXIT_HELP = [
  'Exit codes:',
  '  0  done',
  "  1  the admin API answered with an error (4xx/5xx); the API's message is printed",
  '  2  usage error (unknown command or option, missing or bad argument)',
  '  3  no admin API reachable: no running local stack in DATA_DIR, connection refused, or no credentials',
  '  4  carried out, but a delivery failed (subs test not 2xx, logs retry with failed deliveries)',
].join('\n')

/** An error that ends the CLI with `exitCode` and prints only its message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** A bad command line (exit 2); the message ends with the command's usage line. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage)
    this.name = 'UsageError'
  }
}

/** The admin API answered 4xx/5xx (exit 1). */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message, EXIT.api)
    this.name = 'ApiError'
  }
}

/** No API to talk to (exit 3). */
export class UnreachableError extends CliError {
  constructor(message: string) {
    super(message, EXIT.unreachable)
    this.name = 'UnreachableError'
  }
}
