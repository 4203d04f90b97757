/**
 * Which admin API the CLI talks to:
 *
 * - by default the running local stack, found through `DATA_DIR/stack.json` (its URL, namespace,
 *   and the local IMS token and org it accepts);
 * - a deployed app when `--api-url` or `ADMIN_API_URL` names its admin package
 *   (`https://<namespace>.adobeioruntime.net/api/v1/web/admin`), with an IMS token from
 *   `ADMIN_IMS_TOKEN`, or exchanged through `@adobe/aio-lib-ims` from the OAuth server-to-server
 *   credentials `OAUTH_CLIENT_ID`, `OAUTH_CLIENT_SECRET`, `OAUTH_ORG_ID`, `OAUTH_SCOPES` (those
 *   the app itself uses), and the org from `ADMIN_IMS_ORG_ID` (default `OAUTH_ORG_ID`).
 *
 * Tokens are only ever sent as the `Authorization` header; no message names them.
 */
import { createAccessTokenProvider } from '../../actions/lib/ims-token'
import { findRunningStack, StackNotFoundError } from '../../local/stack-info'
import type { AdminTarget } from './admin-client'
import { UnreachableError } from './cli-errors'

/** How the command line chose the target. */
export interface TargetChoice {
  /** `--api-url`: a deployed admin package URL. */
  url?: string
  /** `--local`: the local stack even when `ADMIN_API_URL` is set. */
  local?: boolean
}

const set = (v: string | undefined): string | undefined => (v && v.trim() ? v.trim() : undefined)

/** The local stack running on DATA_DIR. */
function localTarget(env: NodeJS.ProcessEnv): AdminTarget {
  try {
    const info = findRunningStack(env)
    return {
      adminUrl: info.urls.admin,
      orgId: info.ims.orgId,
      token: async () => info.ims.token,
      describe: `the local stack in ${info.paths.dataDir}`,
    }
  } catch (err) {
    if (err instanceof StackNotFoundError) throw new UnreachableError(err.message)
    throw err
  }
}

/** A deployed app's admin package. */
function deployedTarget(rawUrl: string, env: NodeJS.ProcessEnv): AdminTarget {
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    throw new UnreachableError(`ADMIN_API_URL/--api-url is not a URL: ${rawUrl.slice(0, 200)}`)
  }
  const adminUrl = url.toString().replace(/\/+$/, '')
  const staticToken = set(env.ADMIN_IMS_TOKEN)
  const orgId = set(env.ADMIN_IMS_ORG_ID) ?? set(env.OAUTH_ORG_ID)
  const missing =
    'set ADMIN_IMS_TOKEN and ADMIN_IMS_ORG_ID, or OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_ORG_ID'
  if (!orgId) throw new UnreachableError(`no IMS org for ${adminUrl}: ${missing}`)
  let provider
  try {
    provider = createAccessTokenProvider({
      staticToken,
      oauth: {
        clientId: set(env.OAUTH_CLIENT_ID) ?? '',
        clientSecret: set(env.OAUTH_CLIENT_SECRET) ?? '',
        orgId: set(env.OAUTH_ORG_ID) ?? '',
        scopes: (env.OAUTH_SCOPES ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      },
    })
  } catch {
    throw new UnreachableError(`no IMS credentials for ${adminUrl}: ${missing}`)
  }
  return {
    adminUrl,
    orgId,
    token: async () => {
      try {
        return await provider.getToken()
      } catch (err) {
        throw new UnreachableError(`cannot get an IMS token for ${adminUrl}: ${(err as Error).message}`)
      }
    },
    describe: adminUrl,
  }
}

/** Resolves the target from the command line and the environment (`.env` already loaded). */
export function resolveTarget(choice: TargetChoice, env: NodeJS.ProcessEnv): AdminTarget {
  const url = choice.local ? undefined : (set(choice.url) ?? set(env.ADMIN_API_URL))
  return url ? deployedTarget(url, env) : localTarget(env)
}
