/**
 * Registrations declared in the app manifest, created (or updated, matched by name) when the
 * stack starts, as `aio app deploy` does with `application.events.registrations`:
 *
 * ```yaml
 * application:
 *   events:
 *     registrations:
 *       Commerce events:
 *         description: …
 *         events_of_interest:
 *           - provider_metadata: dx_commerce_events     # or provider_id: <id>
 *             event_codes: [com.adobe.commerce.observer.catalog_product_save_commit_after]
 *         runtime_action: event-hub/consumer
 * ```
 * `provider_metadata` is resolved to a provider id through
 * `AIO_EVENTS_PROVIDERMETADATA_TO_PROVIDER_MAPPING=meta:providerId,…` (the variable the aio CLI
 * hook reads; the `AIO_events_…` spelling is accepted too). The registrations go to the shared
 * local workspace (`localWorkspace()` in stack-config.ts: `IO_CONSUMER_ID / IO_PROJECT_ID /
 * IO_WORKSPACE_ID`, the workspace `npm start`'s onboarding uses) with client id `SERVICE_API_KEY`
 * (default: the workspace's api key). A registration whose provider or event codes do not exist yet is skipped with a log line and retried whenever a
 * provider or event metadata is created, so `npm start` then onboarding works without a restart.
 */
import { localWorkspace } from '../stack-config'
import fs from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'
import type { StackContext } from '../service'
import type { RegistrationInput, RegistrationRow, Store, WorkspaceRef } from './store'

/** One registration as declared in the manifest. */
export interface DeclaredRegistration {
  name: string
  description?: string
  events_of_interest: { provider_metadata?: string; provider_id?: string; event_codes: string[] }[]
  runtime_action?: string
  webhook_url?: string
  delivery_type?: RegistrationRow['delivery_type']
}

/** Parses a YAML file, replacing every `{$include: file}` node with that file's content. */
function loadYaml(file: string, depth = 0): unknown {
  if (depth > 10) throw new Error(`$include nesting too deep at ${file}`)
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as unknown
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve)
    if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>
      if (typeof obj.$include === 'string')
        return loadYaml(path.resolve(path.dirname(file), obj.$include), depth + 1)
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolve(v)]))
    }
    return node
  }
  return resolve(doc)
}

/** Reads `events.registrations` of the application and of every extension; [] when none. */
function readDeclaredRegistrations(manifestPath: string): DeclaredRegistration[] {
  if (!fs.existsSync(manifestPath)) return []
  const doc = (loadYaml(manifestPath) ?? {}) as Record<string, any>
  const sections = [doc.application, ...Object.values((doc.extensions ?? {}) as Record<string, unknown>)]
  const out: DeclaredRegistration[] = []
  for (const section of sections) {
    const regs = section?.events?.registrations
    if (!regs || typeof regs !== 'object') continue
    for (const [name, value] of Object.entries(regs as Record<string, any>)) {
      out.push({
        name,
        ...(value ?? {}),
        events_of_interest: Array.isArray(value?.events_of_interest) ? value.events_of_interest : [],
      })
    }
  }
  return out
}

/** Parses `meta:providerId,meta2:providerId2`. */
function parseProviderMapping(raw: string | undefined): Map<string, string> {
  const map = new Map<string, string>()
  for (const entry of (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = entry.indexOf(':')
    if (i > 0) map.set(entry.slice(0, i).trim(), entry.slice(i + 1).trim())
  }
  return map
}

/** The workspace and client id manifest registrations belong to. */
export function manifestWorkspace(env: NodeJS.ProcessEnv): { ws: WorkspaceRef; clientId: string } {
  const local = localWorkspace(env)
  return {
    ws: { consumerOrg: local.consumerOrgId, project: local.projectId, workspace: local.workspaceId },
    clientId: env.SERVICE_API_KEY || local.apiKey,
  }
}

type Upsert = {
  create(ws: WorkspaceRef, input: RegistrationInput): Promise<RegistrationRow>
  update(row: RegistrationRow, input: RegistrationInput): Promise<RegistrationRow>
}

/** Creates the syncer; `sync()` creates/updates what it can and reports one line per registration. */
export function createManifestSync(ctx: StackContext, store: Store, upsert: Upsert) {
  let declared: DeclaredRegistration[] = []
  try {
    declared = readDeclaredRegistrations(ctx.manifestPath)
  } catch (err) {
    ctx.log(`events: could not read event registrations from ${ctx.manifestPath}: ${(err as Error).message}`)
  }
  const mapping = parseProviderMapping(
    ctx.env.AIO_EVENTS_PROVIDERMETADATA_TO_PROVIDER_MAPPING ??
      ctx.env.AIO_events_providermetadata_to_provider_mapping,
  )
  const { ws, clientId } = manifestWorkspace(ctx.env)
  const unresolved = new Set(declared.map((d) => d.name))
  const lines = new Map<string, string>()

  const toInput = (d: DeclaredRegistration): RegistrationInput | string => {
    const events: RegistrationInput['events_of_interest'] = []
    for (const e of d.events_of_interest) {
      const providerId = e.provider_id ?? (e.provider_metadata ? mapping.get(e.provider_metadata) : undefined)
      if (!providerId)
        return `no provider id for provider_metadata "${e.provider_metadata}" (set AIO_EVENTS_PROVIDERMETADATA_TO_PROVIDER_MAPPING)`
      if (!store.provider(providerId)) return `provider ${providerId} does not exist yet`
      for (const code of e.event_codes ?? []) {
        if (!store.metadata(providerId, code))
          return `event code ${code} is not defined on provider ${providerId} yet`
        events.push({ provider_id: providerId, event_code: code })
      }
    }
    if (events.length === 0) return 'no events_of_interest'
    return {
      name: d.name,
      description: d.description ?? null,
      client_id: clientId,
      delivery_type: d.delivery_type ?? (d.runtime_action || d.webhook_url ? 'webhook' : 'journal'),
      webhook_url: d.webhook_url ?? null,
      runtime_action: d.runtime_action ?? null,
      enabled: true,
      events_of_interest: events,
    }
  }

  return {
    /** Registrations still waiting for their provider/event metadata. */
    pending: () => unresolved.size,
    /** Human lines for the stack banner. */
    banner: () => [...lines.values()],
    async sync(): Promise<void> {
      for (const d of declared) {
        if (!unresolved.has(d.name)) continue
        const input = toInput(d)
        if (typeof input === 'string') {
          lines.set(d.name, `events: registration "${d.name}" waiting: ${input}`)
          continue
        }
        try {
          const existing = store.registrationByName(ws, d.name)
          const row = existing ? await upsert.update(existing, input) : await upsert.create(ws, input)
          unresolved.delete(d.name)
          lines.set(
            d.name,
            `events: registration "${d.name}" → ${row.runtime_action ?? row.webhook_url ?? 'journal'} (${row.registration_id})`,
          )
        } catch (err) {
          unresolved.delete(d.name) // a definite error (bad declaration): do not retry in a loop
          lines.set(d.name, `events: registration "${d.name}" not created: ${(err as Error).message}`)
        }
        ctx.log(lines.get(d.name)!)
      }
    },
  }
}
