/**
 * The contract between the stack's HTTP front door and each emulated Adobe service.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { StackConfig } from './stack-config'

/** What every service is given when the stack starts. */
export interface StackContext {
  config: StackConfig
  /** `http://127.0.0.1:PORT`, known once the server listens. */
  baseUrl: string
  /**
   * Environment for `$VAR` substitution in app.config.yaml (the aio CLI uses process env + .env).
   * `npm start` passes process.env (with .env loaded); tests pass exactly what they need.
   */
  env: NodeJS.ProcessEnv
  /** Path of the app.config.yaml to run (default `<projectRoot>/app.config.yaml`; tests use fixture apps). */
  manifestPath: string
  /** Stack-level log line (stdout unless quiet). */
  log: (message: string) => void
}

/** One emulated service mounted on the stack's single port. */
export interface LocalService {
  /** Human name for logs, e.g. "state". */
  readonly name: string
  /** Handles the request and returns true, or returns false when the path is not this service's. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>
  /** Lines printed once at start-up (URLs, hints). */
  banner?(): string[]
  /** Stops timers and workers, closes databases. */
  close(): Promise<void>
}
