/**
 * The stack info file, `DATA_DIR/stack.json`: a running local stack writes where it listens, its
 * namespace, the local IMS token and org, and its paths; clean shutdown removes it. Commands run
 * from another shell (`npm run send`, `npm run trace`, `npm run admin`) find the stack through it,
 * so only `DATA_DIR` has to agree between shells (and it defaults to the same folder), not `PORT`.
 *
 * The file holds the local IMS token (a loopback-only dev credential, as in `dev-secrets.json`),
 * so it is written with mode 0600. A stack killed with `kill -9` leaves it behind; readers tell a
 * stale file from a live stack by its process id.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { loadStackConfig } from './stack-config'

/** File name inside DATA_DIR. */
export const STACK_INFO_FILE = 'stack.json'

/** What a running stack publishes about itself. */
export interface StackInfo {
  /** Bumped when a field changes meaning. */
  format: 1
  /** Distinguishes this start from a later one on the same DATA_DIR (removal only removes its own file). */
  instanceId: string
  /** The process serving the stack (a stale file names a process that is gone). */
  pid: number
  startedAt: string
  /** `http://127.0.0.1:PORT` */
  baseUrl: string
  port: number
  /** The app's namespace (`AIO_runtime_namespace`). */
  namespace: string
  /** Credentials the stack's IMS-protected APIs accept (`LOCAL_IMS_TOKEN`, `LOCAL_IMS_ORG_ID`). */
  ims: { token: string; orgId: string }
  /** `INGESTION_AUTH` the ingestion webhook runs with, when configured. */
  ingestionAuth?: string
  urls: {
    health: string
    /** Web actions of the app: `<baseUrl>/api/v1/web/<namespace>`. */
    web: string
    ingestion: string
    /** The admin package: append `/logs` or `/subscriptions`. */
    admin: string
    tracing: string
  }
  paths: {
    dataDir: string
    projectRoot: string
    manifest: string
    /** Secrets `npm start` generated when `.env` configures none (ingestion HMAC, demo receiver). */
    devSecrets: string
  }
}

/** What the stack knows when it is ready. */
export interface StackInfoSource {
  baseUrl: string
  port: number
  namespace: string
  imsToken: string
  imsOrgId: string
  dataDir: string
  projectRoot: string
  manifestPath: string
  ingestionAuth?: string
}

/** Builds the info of a stack that just became ready. */
export function stackInfoOf(s: StackInfoSource): StackInfo {
  const web = `${s.baseUrl}/api/v1/web/${s.namespace}`
  return {
    format: 1,
    instanceId: randomUUID(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
    baseUrl: s.baseUrl,
    port: s.port,
    namespace: s.namespace,
    ims: { token: s.imsToken, orgId: s.imsOrgId },
    ...(s.ingestionAuth ? { ingestionAuth: s.ingestionAuth } : {}),
    urls: {
      health: `${s.baseUrl}/health`,
      web,
      ingestion: `${web}/ingestion/webhook`,
      admin: `${web}/admin`,
      tracing: `${s.baseUrl}/events/tracing`,
    },
    paths: {
      dataDir: s.dataDir,
      projectRoot: s.projectRoot,
      manifest: s.manifestPath,
      devSecrets: path.join(s.dataDir, 'dev-secrets.json'),
    },
  }
}

/** Writes the file atomically (temp file + rename), mode 0600. */
export function writeStackInfo(info: StackInfo): void {
  const file = path.join(info.paths.dataDir, STACK_INFO_FILE)
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 })
  fs.renameSync(tmp, file)
}

/** Removes the file if it is still this instance's (a later start on the same DATA_DIR keeps its own). */
export function removeStackInfo(info: StackInfo): void {
  const file = path.join(info.paths.dataDir, STACK_INFO_FILE)
  try {
    if (readStackInfoFile(info.paths.dataDir)?.instanceId === info.instanceId) fs.unlinkSync(file)
  } catch {
    // already gone or unreadable: nothing of ours to remove
  }
}

/** The parsed file of `dataDir`, or undefined when absent or not a stack info file. */
export function readStackInfoFile(dataDir: string): StackInfo | undefined {
  let raw: string
  try {
    raw = fs.readFileSync(path.join(dataDir, STACK_INFO_FILE), 'utf8')
  } catch {
    return undefined
  }
  try {
    const info = JSON.parse(raw) as Partial<StackInfo> | null
    return info?.format === 1 && info.baseUrl && info.urls && info.ims ? (info as StackInfo) : undefined
  } catch {
    return undefined
  }
}

/** No running stack in the folder looked in; the message names it and the fix. */
export class StackNotFoundError extends Error {
  constructor(
    message: string,
    readonly dataDir: string,
  ) {
    super(message)
    this.name = 'StackNotFoundError'
  }
}

/** The DATA_DIR a command looks in: `DATA_DIR` from `env` (or `.env`), else the default, as `npm start` resolves it. */
export function stackDataDir(env: NodeJS.ProcessEnv): string {
  return loadStackConfig(env).dataDir
}

/** True when a process with this id exists (EPERM: it exists but belongs to someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The running stack recorded in `DATA_DIR` (resolved from `env` as `npm start` does).
 * @throws StackNotFoundError naming the folder when there is no file, it is unreadable, or its process is gone.
 */
export function findRunningStack(env: NodeJS.ProcessEnv): StackInfo {
  const dataDir = stackDataDir(env)
  const fix = 'start it with `npm start`, or set DATA_DIR to the folder the running stack uses'
  if (!fs.existsSync(path.join(dataDir, STACK_INFO_FILE)))
    throw new StackNotFoundError(
      `no running stack found in ${dataDir} (no ${STACK_INFO_FILE}); ${fix}`,
      dataDir,
    )
  const info = readStackInfoFile(dataDir)
  if (!info)
    throw new StackNotFoundError(
      `no running stack found in ${dataDir} (${STACK_INFO_FILE} is not readable); ${fix}`,
      dataDir,
    )
  if (!processAlive(info.pid))
    throw new StackNotFoundError(
      `no running stack found in ${dataDir} (${STACK_INFO_FILE} names process ${info.pid}, which has exited); ${fix}`,
      dataDir,
    )
  return info
}
