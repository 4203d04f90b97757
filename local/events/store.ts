/**
 * Typed access to the management entities (providers, event metadata, registrations) in the
 * events database. Pure data: no HTTP, no HAL. Statements are prepared once per store.
 */
import type { EventsDb } from './db'

/** Where a provider or registration lives in the Developer Console hierarchy. */
export interface WorkspaceRef {
  consumerOrg: string
  project: string
  workspace: string
}

/** An events provider the workspace created (custom, or Commerce's `dx_commerce_events`). */
export interface ProviderRow {
  id: string
  consumer_org: string
  project: string
  workspace: string
  label: string
  description: string | null
  docs_url: string | null
  instance_id: string | null
  /** `3rd_party_custom_events` or `dx_commerce_events`; null for rows written before the column existed (custom). */
  provider_metadata: string | null
  created_at: number
  updated_at: number
}

/** One event code of a provider. */
export interface EventMetadataRow {
  provider_id: string
  event_code: string
  label: string
  description: string
  /** Base64 of a JSON document, as the API takes it. */
  sample_event_template: string | null
  created_at: number
  updated_at: number
}

/** Registration health as the Developer Console shows it (see registration-delivery-policy.ts). */
export type RegistrationStatus = 'ACTIVE' | 'UNSTABLE' | 'DISABLED'

/** An event registration. */
export interface RegistrationRow {
  seq: number
  registration_id: string
  consumer_org: string
  project: string
  workspace: string
  name: string
  description: string | null
  client_id: string
  delivery_type: 'webhook' | 'webhook_batch' | 'journal'
  webhook_url: string | null
  runtime_action: string | null
  enabled: number
  status: RegistrationStatus
  status_changed_at: number
  created_at: number
  updated_at: number
}

/** An `{provider_id, event_code}` pair a registration subscribes to. */
export interface EventOfInterest {
  provider_id: string
  event_code: string
}

/** Fields a registration create/update writes. */
export interface RegistrationInput {
  name: string
  description: string | null
  client_id: string
  delivery_type: RegistrationRow['delivery_type']
  webhook_url: string | null
  runtime_action: string | null
  enabled: boolean
  events_of_interest: EventOfInterest[]
}

/** Creates the management store over an open database. */
export function createStore(db: EventsDb) {
  const q = {
    providerById: db.prepare<[string], ProviderRow>('SELECT * FROM providers WHERE id = ?'),
    providerByLabel: db.prepare<[string, string], ProviderRow>(
      'SELECT * FROM providers WHERE consumer_org = ? AND label = ?',
    ),
    providersByOrg: db.prepare<[string], ProviderRow>(
      'SELECT * FROM providers WHERE consumer_org = ? ORDER BY created_at, id',
    ),
    insertProvider: db.prepare(
      `INSERT INTO providers (id, consumer_org, project, workspace, label, description, docs_url, instance_id, provider_metadata, created_at, updated_at)
       VALUES (@id, @consumer_org, @project, @workspace, @label, @description, @docs_url, @instance_id, @provider_metadata, @created_at, @updated_at)`,
    ),
    updateProvider: db.prepare(
      'UPDATE providers SET label = @label, description = @description, docs_url = @docs_url, updated_at = @updated_at WHERE id = @id',
    ),
    deleteProvider: db.prepare('DELETE FROM providers WHERE id = ?'),
    metadataOf: db.prepare<[string], EventMetadataRow>(
      'SELECT * FROM event_metadata WHERE provider_id = ? ORDER BY created_at, event_code',
    ),
    metadataOne: db.prepare<[string, string], EventMetadataRow>(
      'SELECT * FROM event_metadata WHERE provider_id = ? AND event_code = ?',
    ),
    insertMetadata: db.prepare(
      `INSERT INTO event_metadata (provider_id, event_code, label, description, sample_event_template, created_at, updated_at)
       VALUES (@provider_id, @event_code, @label, @description, @sample_event_template, @created_at, @updated_at)`,
    ),
    updateMetadata: db.prepare(
      `UPDATE event_metadata SET label = @label, description = @description, sample_event_template = @sample_event_template,
       updated_at = @updated_at WHERE provider_id = @provider_id AND event_code = @event_code`,
    ),
    deleteMetadata: db.prepare('DELETE FROM event_metadata WHERE provider_id = ? AND event_code = ?'),
    deleteAllMetadata: db.prepare('DELETE FROM event_metadata WHERE provider_id = ?'),
    registrationById: db.prepare<[string], RegistrationRow>(
      'SELECT * FROM registrations WHERE registration_id = ?',
    ),
    registrationByName: db.prepare<[string, string, string, string], RegistrationRow>(
      'SELECT * FROM registrations WHERE consumer_org = ? AND project = ? AND workspace = ? AND name = ?',
    ),
    registrationsOfWorkspace: db.prepare<[string, string, string], RegistrationRow>(
      'SELECT * FROM registrations WHERE consumer_org = ? AND project = ? AND workspace = ? ORDER BY seq',
    ),
    registrationsOfOrg: db.prepare<[string, number, number], RegistrationRow>(
      'SELECT * FROM registrations WHERE consumer_org = ? ORDER BY seq LIMIT ? OFFSET ?',
    ),
    countOfOrg: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM registrations WHERE consumer_org = ?',
    ),
    allRegistrations: db.prepare<[], RegistrationRow>('SELECT * FROM registrations ORDER BY seq'),
    insertRegistration: db.prepare(
      `INSERT INTO registrations (registration_id, consumer_org, project, workspace, name, description, client_id, delivery_type,
       webhook_url, runtime_action, enabled, status, status_changed_at, created_at, updated_at)
       VALUES (@registration_id, @consumer_org, @project, @workspace, @name, @description, @client_id, @delivery_type,
       @webhook_url, @runtime_action, @enabled, 'ACTIVE', @now, @now, @now)`,
    ),
    updateRegistration: db.prepare(
      `UPDATE registrations SET name = @name, description = @description, delivery_type = @delivery_type,
       webhook_url = @webhook_url, runtime_action = @runtime_action, enabled = @enabled, updated_at = @now,
       status = CASE WHEN @enabled = 1 AND enabled = 0 THEN 'ACTIVE' WHEN @enabled = 1 AND status = 'DISABLED' THEN 'ACTIVE' ELSE status END,
       status_changed_at = CASE WHEN @enabled = 1 AND (enabled = 0 OR status = 'DISABLED') THEN @now ELSE status_changed_at END
       WHERE registration_id = @registration_id`,
    ),
    deleteRegistration: db.prepare('DELETE FROM registrations WHERE registration_id = ?'),
    eventsOf: db.prepare<[string], EventOfInterest>(
      'SELECT provider_id, event_code FROM registration_events WHERE registration_id = ? ORDER BY provider_id, event_code',
    ),
    clearEvents: db.prepare('DELETE FROM registration_events WHERE registration_id = ?'),
    insertEvent: db.prepare(
      'INSERT OR IGNORE INTO registration_events (registration_id, provider_id, event_code) VALUES (?, ?, ?)',
    ),
    dropPending: db.prepare(
      "UPDATE deliveries SET state = 'dropped', finished_at = ? WHERE registration_id = ? AND state = 'pending'",
    ),
  }

  const writeEvents = (registrationId: string, events: EventOfInterest[]): void => {
    q.clearEvents.run(registrationId)
    for (const e of events) q.insertEvent.run(registrationId, e.provider_id, e.event_code)
  }

  return {
    provider: (id: string) => q.providerById.get(id),
    providerByLabel: (org: string, label: string) => q.providerByLabel.get(org, label),
    providersOfOrg: (org: string) => q.providersByOrg.all(org),
    insertProvider: (row: ProviderRow) => void q.insertProvider.run(row),
    updateProvider: (row: Pick<ProviderRow, 'id' | 'label' | 'description' | 'docs_url' | 'updated_at'>) =>
      void q.updateProvider.run(row),
    /** Deletes a provider and (cascade) its event metadata. */
    deleteProvider: (id: string) => q.deleteProvider.run(id).changes > 0,
    metadataOf: (providerId: string) => q.metadataOf.all(providerId),
    metadata: (providerId: string, code: string) => q.metadataOne.get(providerId, code),
    insertMetadata: (row: EventMetadataRow) => void q.insertMetadata.run(row),
    updateMetadata: (row: Omit<EventMetadataRow, 'created_at'>) => void q.updateMetadata.run(row),
    deleteMetadata: (providerId: string, code: string) => q.deleteMetadata.run(providerId, code).changes > 0,
    deleteAllMetadata: (providerId: string) => void q.deleteAllMetadata.run(providerId),
    registration: (id: string) => q.registrationById.get(id),
    registrationByName: (ws: WorkspaceRef, name: string) =>
      q.registrationByName.get(ws.consumerOrg, ws.project, ws.workspace, name),
    registrationsOfWorkspace: (ws: WorkspaceRef) =>
      q.registrationsOfWorkspace.all(ws.consumerOrg, ws.project, ws.workspace),
    registrationsOfOrg: (org: string, size: number, page: number) => ({
      rows: q.registrationsOfOrg.all(org, size, size * page),
      total: q.countOfOrg.get(org)?.n ?? 0,
    }),
    allRegistrations: () => q.allRegistrations.all(),
    eventsOf: (registrationId: string) => q.eventsOf.all(registrationId),
    /** Inserts a registration and its events of interest atomically. */
    insertRegistration: db.transaction(
      (id: string, ws: WorkspaceRef, input: RegistrationInput, now: number) => {
        const { events_of_interest: _events, ...fields } = input
        q.insertRegistration.run({
          registration_id: id,
          consumer_org: ws.consumerOrg,
          project: ws.project,
          workspace: ws.workspace,
          ...fields,
          enabled: input.enabled ? 1 : 0,
          now,
        })
        writeEvents(id, input.events_of_interest)
      },
    ),
    /** Replaces a registration's updatable fields; disabling it drops its pending deliveries. */
    updateRegistration: db.transaction(
      (id: string, input: Omit<RegistrationInput, 'client_id'>, now: number) => {
        const { events_of_interest, ...fields } = input
        q.updateRegistration.run({ ...fields, enabled: input.enabled ? 1 : 0, registration_id: id, now })
        writeEvents(id, events_of_interest)
      },
    ),
    /** Deletes a registration with its subscriptions, pending deliveries and traces. */
    deleteRegistration: db.transaction((id: string, now: number) => {
      q.dropPending.run(now, id)
      db.prepare('DELETE FROM deliveries WHERE registration_id = ?').run(id)
      db.prepare('DELETE FROM traces WHERE registration_id = ?').run(id)
      db.prepare('DELETE FROM attempts WHERE registration_id = ?').run(id)
      db.prepare('DELETE FROM journal WHERE registration_id = ?').run(id)
      return q.deleteRegistration.run(id).changes > 0
    }),
  }
}

/** The management store. */
export type Store = ReturnType<typeof createStore>
