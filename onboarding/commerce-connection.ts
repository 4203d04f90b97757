/**
 * What onboarding needs to configure Commerce eventing: a Commerce REST client (the app's own,
 * actions/lib/commerce: OAuth 1.0a integration or IMS, from the same `COMMERCE_*` / `OAUTH_*`
 * variables the entity handlers use), the instance id, the app prefix and the workspace
 * configuration Commerce authenticates to I/O Events with.
 *
 * The workspace configuration is built from `.env` like the file the Developer Console's
 * "Download all" gives (project, org, workspace, the OAuth server-to-server credential), as Adobe's
 * `@adobe/aio-commerce-lib-app` builds it; it holds the client secret, so it is never printed.
 */
import { systemClock } from '../actions/lib/clock'
import { createLogger } from '../actions/lib/logger'
import { createCommerceClient, imsAuth, type CommerceClient } from '../actions/lib/commerce/commerce-client'
import { createCommerceClientFromParams } from '../actions/lib/commerce/commerce-config'
import { localWorkspace } from '../local/stack-config'
import { PREFIX_PATTERN } from './commerce-subscriptions'
import { readWorkspaceEnv } from './workspace-env'

/** The Commerce side of an onboarding run. */
export interface CommerceConnection {
  client: CommerceClient
  /** Human description for the progress output. */
  where: string
  workspaceConfiguration: string
  merchantId?: string
  environmentId?: string
}

/** The instance id locally when `COMMERCE_INSTANCE_ID` is unset. */
export const LOCAL_INSTANCE_ID = 'local-commerce'

const logger = () => createLogger('onboarding', 'warn')

/**
 * `COMMERCE_INSTANCE_ID`, checked (Adobe: "English alphanumeric characters, underscores (_), and
 * hyphens (-) only"); undefined when unset — onboarding then stops naming where to find it.
 */
export function commerceInstanceIdOf(env: NodeJS.ProcessEnv, fallback?: string): string | undefined {
  const id = env.COMMERCE_INSTANCE_ID?.trim() || fallback
  if (id !== undefined && !/^[A-Za-z0-9_-]+$/.test(id))
    throw new Error('COMMERCE_INSTANCE_ID is malformed — letters, digits, _ and - only')
  return id
}

/** `COMMERCE_EVENT_PREFIX`, checked. @throws Error naming the variable. */
export function commerceEventPrefix(env: NodeJS.ProcessEnv): string | undefined {
  const prefix = env.COMMERCE_EVENT_PREFIX?.trim()
  if (!prefix) return undefined
  if (!PREFIX_PATTERN.test(prefix))
    throw new Error(
      "COMMERCE_EVENT_PREFIX is malformed — letters, digits and _ only (the starter kit's EVENT_PREFIX)",
    )
  return prefix
}

/** The local Commerce of the local stack at `baseUrl`, with the local IMS token (an admin's bearer). */
export function localCommerce(
  baseUrl: string,
  imsToken: string,
  env: NodeJS.ProcessEnv = {},
): CommerceConnection {
  const ws = localWorkspace(env)
  const commerceUrl = `${baseUrl}/commerce/rest/`
  return {
    client: createCommerceClient({
      baseUrl: commerceUrl,
      auth: imsAuth({ getToken: async () => imsToken }),
      clock: systemClock,
      logger: logger(),
    }),
    where: `local Commerce at ${commerceUrl}`,
    workspaceConfiguration: JSON.stringify({
      project: {
        id: ws.projectId,
        org: { id: ws.consumerOrgId },
        workspace: {
          id: ws.workspaceId,
          details: {
            credentials: [
              {
                integration_type: 'oauth_server_to_server',
                oauth_server_to_server: { client_id: ws.apiKey },
              },
            ],
          },
        },
      },
    }),
  }
}

/** The store in `COMMERCE_BASE_URL` with the app's Commerce credentials. @throws Error naming what is missing. */
export function adobeCommerce(env: NodeJS.ProcessEnv): CommerceConnection {
  const client = createCommerceClientFromParams(env, {
    clock: systemClock,
    logger: logger(),
  })
  if (!client)
    throw new Error(
      "COMMERCE_BASE_URL is missing — the store's REST base, e.g. https://store.example.com/rest/ (onboarding configures " +
        'Commerce eventing through it; pass --no-commerce to configure it in the Commerce Admin yourself)',
    )
  const ws = readWorkspaceEnv(env)
  const ns = env.AIO_runtime_namespace
  return {
    client,
    where: `Commerce at ${env.COMMERCE_BASE_URL}`,
    merchantId: env.COMMERCE_ADOBE_IO_EVENTS_MERCHANT_ID?.trim() || undefined,
    environmentId: env.COMMERCE_ADOBE_IO_EVENTS_ENVIRONMENT_ID?.trim() || undefined,
    workspaceConfiguration: JSON.stringify({
      project: {
        id: ws.projectId,
        org: { id: ws.consumerId, ims_org_id: ws.orgId },
        workspace: {
          id: ws.workspaceId,
          ...(ns && {
            action_url: `https://${ns}.adobeioruntime.net`,
            app_url: `https://${ns}.adobeio-static.net`,
          }),
          details: {
            credentials: [
              {
                integration_type: 'oauth_server_to_server',
                oauth_server_to_server: {
                  client_id: ws.clientId,
                  client_secrets: [ws.clientSecret],
                  technical_account_email: ws.technicalAccountEmail,
                  technical_account_id: ws.technicalAccountId,
                  scopes: ws.scopes,
                },
              },
            ],
          },
        },
      },
    }),
  }
}
