/**
 * Opens the real `@adobe/aio-lib-events` client, either against Adobe (OAuth server-to-server
 * token from `@adobe/aio-lib-ims`) or against the local stack (its configured token, no Adobe account).
 */
import type { EventsManagement, OnboardingTarget } from './reconcile'
import { readWorkspaceEnv } from './workspace-env'
import { localWorkspace } from '../local/stack-config'
import { commerceEventPrefix, commerceInstanceIdOf, LOCAL_INSTANCE_ID } from './commerce-connection'

/** The consumer action every registration delivers to. */
const CONSUMER_ACTION = 'event-hub/consumer'

/** A client plus the workspace it targets. */
export interface OnboardingConnection {
  client: EventsManagement
  target: OnboardingTarget
  /** Human description for the progress output. */
  where: string
}

/** Settings to reach the local stack. */
export interface LocalStackTarget {
  baseUrl: string
  imsToken: string
  imsOrgId: string
}

// Loaded on first use: `npm run onboard --local` never pays for it when it is not needed.
const eventsLib = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@adobe/aio-lib-events') as {
    init: (orgId: string, apiKey: string, token: string, httpOptions?: object) => Promise<EventsManagement>
  }

/** Connects to the local stack's I/O Events emulation, in the workspace the local runtime's actions use. */
export async function connectLocal(
  local: LocalStackTarget,
  env: NodeJS.ProcessEnv = {},
): Promise<OnboardingConnection> {
  const ws = localWorkspace(env)
  const client = await eventsLib().init(local.imsOrgId, ws.apiKey, local.imsToken, {
    eventsBaseURL: local.baseUrl,
    eventsIngressURL: `${local.baseUrl}/ingress`,
  })
  return {
    client,
    where: `local stack at ${local.baseUrl}`,
    target: {
      orgId: ws.consumerOrgId,
      projectId: ws.projectId,
      workspaceId: ws.workspaceId,
      clientId: ws.apiKey,
      runtimeAction: CONSUMER_ACTION,
      commerceInstanceId: commerceInstanceIdOf(env, LOCAL_INSTANCE_ID),
      commerceEventPrefix: commerceEventPrefix(env),
    },
  }
}

/** Connects to Adobe I/O Events with the OAuth server-to-server credentials from `.env`. */
export async function connectAdobe(env: NodeJS.ProcessEnv): Promise<OnboardingConnection> {
  const ws = readWorkspaceEnv(env)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ims = require('@adobe/aio-lib-ims') as {
    context: { set: (name: string, value: object, local?: boolean) => Promise<void> }
    getToken: (name: string) => Promise<string>
  }
  await ims.context.set(
    'commerce-event-hub-onboarding',
    {
      client_id: ws.clientId,
      client_secrets: [ws.clientSecret],
      technical_account_id: ws.technicalAccountId,
      technical_account_email: ws.technicalAccountEmail,
      ims_org_id: ws.orgId,
      scopes: ws.scopes,
    },
    true,
  )
  const token = await ims.getToken('commerce-event-hub-onboarding')
  const client = await eventsLib().init(ws.orgId, ws.clientId, token)
  return {
    client,
    where: `Adobe workspace ${ws.projectId}/${ws.workspaceId}`,
    target: {
      orgId: ws.consumerId,
      projectId: ws.projectId,
      workspaceId: ws.workspaceId,
      clientId: ws.clientId,
      runtimeAction: CONSUMER_ACTION,
      commerceInstanceId: commerceInstanceIdOf(env),
      commerceEventPrefix: commerceEventPrefix(env),
    },
  }
}
