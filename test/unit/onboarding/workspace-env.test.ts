import { readWorkspaceEnv } from '../../../onboarding/workspace-env'

const valid = {
  OAUTH_CLIENT_ID: 'abc123',
  OAUTH_CLIENT_SECRET: 'p8e-secret',
  OAUTH_ORG_ID: '12345ABCDE@AdobeOrg',
  OAUTH_SCOPES: 'AdobeID, openid,adobeio_api',
  OAUTH_TECHNICAL_ACCOUNT_ID: 'ABC123@techacct.adobe.com',
  OAUTH_TECHNICAL_ACCOUNT_EMAIL: 'a-b-c@techacct.adobe.com',
  IO_CONSUMER_ID: '111',
  IO_PROJECT_ID: '222',
  IO_WORKSPACE_ID: '333',
}

describe('readWorkspaceEnv', () => {
  it('reads a complete environment', () => {
    expect(readWorkspaceEnv(valid)).toEqual({
      clientId: 'abc123',
      clientSecret: 'p8e-secret',
      orgId: '12345ABCDE@AdobeOrg',
      scopes: ['AdobeID', 'openid', 'adobeio_api'],
      technicalAccountId: 'ABC123@techacct.adobe.com',
      technicalAccountEmail: 'a-b-c@techacct.adobe.com',
      consumerId: '111',
      projectId: '222',
      workspaceId: '333',
    })
  })

  it.each([
    [
      'OAUTH_CLIENT_SECRET',
      '',
      'OAUTH_CLIENT_SECRET is missing — find it in same credential → "Retrieve client secret"',
    ],
    ['OAUTH_ORG_ID', '12345', 'OAUTH_ORG_ID is malformed'],
    ['IO_PROJECT_ID', 'my-project', 'IO_PROJECT_ID is malformed'],
  ])('names %s when it is wrong, without printing secrets', (name, value, message) => {
    let text = ''
    try {
      readWorkspaceEnv({ ...valid, [name]: value })
    } catch (err) {
      text = (err as Error).message
    }
    expect(text).toContain(message)
    expect(text).not.toContain('p8e-secret')
  })
})
