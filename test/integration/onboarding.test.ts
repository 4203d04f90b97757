/**
 * Onboarding against the local I/O Events emulation, through the real @adobe/aio-lib-events client:
 * first run creates everything, a re-run changes nothing, config edits are applied as updates,
 * and --prune removes what config no longer lists.
 */
import { startTestStack, type TestStack } from '../helpers/stack'
import { loadOnboardingConfig, type OnboardingConfig } from '../../onboarding/config-loader'
import { connectLocal, type OnboardingConnection } from '../../onboarding/events-client'
import { reconcile, summarise } from '../../onboarding/reconcile'
import { loadCommerceSubscriptions } from '../../onboarding/commerce-subscriptions'
import { DEFAULT_CONFIG_DIR } from '../../onboarding/config-loader'
import { runOnboard } from '../../onboarding'

describe('onboarding (local stack)', () => {
  let stack: TestStack
  let conn: OnboardingConnection
  const config = loadOnboardingConfig()
  const codes = config.registry.all().length
  const registrations = Object.values(config.registrations).flat().length

  beforeAll(async () => {
    stack = await startTestStack()
    conn = await connectLocal({
      baseUrl: stack.baseUrl,
      imsToken: stack.config.imsToken,
      imsOrgId: stack.config.imsOrgId,
    })
  })
  afterAll(() => stack?.close())

  it('creates everything on the first run and nothing on the second', async () => {
    const first = await reconcile(conn.client, config, conn.target)
    expect(summarise(first.steps)).toEqual({
      create: 2 + codes + registrations,
      update: 0,
      unchanged: 0,
      delete: 0,
    })
    expect(Object.keys(first.providerIds).sort()).toEqual(['backoffice', 'commerce'])

    const second = await reconcile(conn.client, config, conn.target)
    expect(summarise(second.steps)).toEqual({
      create: 0,
      update: 0,
      unchanged: 2 + codes + registrations,
      delete: 0,
    })
    expect(second.providerIds).toEqual(first.providerIds)

    const providers = await conn.client.getAllProviders(conn.target.orgId)
    expect(providers._embedded.providers.map((p: { label: string }) => p.label).sort()).toEqual(
      config.providers.map((p) => p.label).sort(),
    )
  })

  it('prints a dry-run plan without writing', async () => {
    // Commerce eventing first (the previous test onboarded I/O Events only), so the plan is all unchanged.
    expect(await runOnboard(['--url', stack.baseUrl], {}, () => undefined)).toBe(0)
    const subscriptions = loadCommerceSubscriptions(DEFAULT_CONFIG_DIR, config.registry).length
    const lines: string[] = []
    const code = await runOnboard(['--url', stack.baseUrl, '--dry-run'], {}, (l) => lines.push(l))
    expect(code).toBe(0)
    expect(lines[0]).toBe(
      `Onboarding local stack at ${stack.baseUrl} and local Commerce at ${stack.baseUrl}/commerce/rest/ (dry run)`,
    )
    expect(lines.filter((l) => l.includes('would'))).toEqual([])
    const row = (kind: string, unchanged: number) =>
      `${kind.padEnd(22)}${'0'.padStart(8)}${'0'.padStart(8)}${String(unchanged).padStart(10)}${'0'.padStart(8)}`
    expect(lines.at(-1)!.split('\n')).toEqual([
      'Plan (dry run, nothing written):',
      `${''.padEnd(22)} created updated unchanged deleted`,
      row('provider', 2),
      row('metadata', codes),
      row('registration', registrations),
      row('commerce eventing', 1),
      row('commerce subscription', subscriptions),
    ])
  })

  it('updates what drifted and prunes what config no longer lists', async () => {
    const edited: OnboardingConfig = {
      ...config,
      providers: config.providers.map((p) =>
        p.key === 'commerce' ? { ...p, description: 'edited description' } : p,
      ),
      registrations: Object.fromEntries(
        Object.entries(config.registrations).filter(([entity]) => entity !== 'stock'),
      ),
    }
    const dry = await reconcile(conn.client, edited, conn.target, { dryRun: true, prune: true })
    const changed = dry.steps.filter((s) => s.op !== 'unchanged')
    expect(changed).toEqual([
      { kind: 'provider', name: 'commerce', op: 'update' },
      { kind: 'registration', name: 'event-hub-stock-commerce', op: 'delete' },
      { kind: 'registration', name: 'event-hub-stock-backoffice', op: 'delete' },
    ])

    const applied = await reconcile(conn.client, edited, conn.target, { prune: true })
    expect(applied.steps.filter((s) => s.op !== 'unchanged')).toEqual(changed)
    const again = await reconcile(conn.client, edited, conn.target, { prune: true })
    expect(summarise(again.steps)).toMatchObject({ create: 0, update: 0, delete: 0 })

    const regs = await conn.client.getAllRegistrationsForWorkspace(
      conn.target.orgId,
      conn.target.projectId,
      conn.target.workspaceId,
    )
    expect(regs._embedded.registrations.map((r: { name: string }) => r.name)).not.toContain(
      'event-hub-stock-commerce',
    )
  })

  it('exits non-zero with the API error when the stack is unreachable', async () => {
    const lines: string[] = []
    const code = await runOnboard(['--url', 'http://127.0.0.1:1'], {}, (l) => lines.push(l))
    expect(code).toBe(1)
    expect(lines.at(-1)).toMatch(/^Onboarding failed: /)
  })
})
