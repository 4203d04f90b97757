/**
 * Reads the Adobe workspace and OAuth server-to-server credentials onboarding needs from the
 * environment (`.env`). A missing or malformed variable stops with a message naming it and where
 * to find its value in the Adobe Developer Console.
 */

/** Where each variable comes from in the Developer Console. */
const WHERE: Record<string, string> = {
  OAUTH_CLIENT_ID:
    'Developer Console → your project → workspace → OAuth Server-to-Server credential → Client ID',
  OAUTH_CLIENT_SECRET: 'same credential → "Retrieve client secret"',
  OAUTH_ORG_ID: 'same credential → Credential details → Organization ID (ends with @AdobeOrg)',
  OAUTH_SCOPES:
    'same credential → Scopes (comma-separated, e.g. AdobeID,openid,adobeio_api,read_client_secret,manage_client_secrets)',
  OAUTH_TECHNICAL_ACCOUNT_ID: 'same credential → Technical account ID (ends with @techacct.adobe.com)',
  OAUTH_TECHNICAL_ACCOUNT_EMAIL: 'same credential → Technical account email',
  IO_CONSUMER_ID: 'Developer Console → Download all (workspace JSON) → project.org.id',
  IO_PROJECT_ID: 'workspace JSON → project.id',
  IO_WORKSPACE_ID: 'workspace JSON → project.workspace.id',
}

const FORMAT: Record<string, RegExp> = {
  OAUTH_ORG_ID: /^[A-Za-z0-9]+@AdobeOrg$/,
  OAUTH_TECHNICAL_ACCOUNT_ID: /^[A-Za-z0-9]+@techacct\.adobe\.com$/,
  OAUTH_TECHNICAL_ACCOUNT_EMAIL: /^\S+@\S+$/,
  IO_CONSUMER_ID: /^\d+$/,
  IO_PROJECT_ID: /^\d+$/,
  IO_WORKSPACE_ID: /^\d+$/,
}

/** Validated credentials and workspace ids for a real Adobe workspace. */
export interface AdobeWorkspaceEnv {
  clientId: string
  clientSecret: string
  orgId: string
  scopes: string[]
  technicalAccountId: string
  technicalAccountEmail: string
  consumerId: string
  projectId: string
  workspaceId: string
}

/**
 * @throws Error listing every missing or malformed variable and where to find it.
 */
export function readWorkspaceEnv(env: NodeJS.ProcessEnv): AdobeWorkspaceEnv {
  const problems: string[] = []
  for (const name of Object.keys(WHERE)) {
    const value = env[name]?.trim()
    if (!value) problems.push(`${name} is missing — find it in ${WHERE[name]}`)
    else if (FORMAT[name] && !FORMAT[name].test(value))
      problems.push(`${name} is malformed — expected ${FORMAT[name]} (${WHERE[name]})`)
  }
  if (problems.length) throw new Error(`Cannot onboard: fix .env:\n  - ${problems.join('\n  - ')}`)
  const v = (name: string) => env[name]!.trim()
  return {
    clientId: v('OAUTH_CLIENT_ID'),
    clientSecret: v('OAUTH_CLIENT_SECRET'),
    orgId: v('OAUTH_ORG_ID'),
    scopes: v('OAUTH_SCOPES')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    technicalAccountId: v('OAUTH_TECHNICAL_ACCOUNT_ID'),
    technicalAccountEmail: v('OAUTH_TECHNICAL_ACCOUNT_EMAIL'),
    consumerId: v('IO_CONSUMER_ID'),
    projectId: v('IO_PROJECT_ID'),
    workspaceId: v('IO_WORKSPACE_ID'),
  }
}
