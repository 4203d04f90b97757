import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DEFAULT_CONFIG_DIR, loadOnboardingConfig } from '../../../onboarding/config-loader'
import { parseArgs } from '../../../onboarding'

/** Copies the real config to a temp dir and applies one edit. */
function configWith(file: string, edit: (json: any) => any): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onb-'))
  for (const f of ['events.json', 'providers.json', 'registrations.json']) {
    fs.copyFileSync(path.join(DEFAULT_CONFIG_DIR, f), path.join(dir, f))
  }
  const p = path.join(dir, file)
  fs.writeFileSync(p, JSON.stringify(edit(JSON.parse(fs.readFileSync(p, 'utf8')))))
  return dir
}

describe('onboarding config', () => {
  it('loads the shipped config', () => {
    const config = loadOnboardingConfig()
    expect(config.providers.map((p) => p.key)).toEqual(['commerce', 'backoffice'])
    expect(Object.keys(config.registrations)).toEqual(config.registry.entities())
  })

  it.each([
    [
      'providers.json',
      (j: any) => [{ ...j[0], key: 'erp' }, j[1]],
      'providers.json: 0.key: "[0].key" must be one of [commerce, backoffice]',
    ],
    [
      'providers.json',
      (j: any) => [j[0], { ...j[1], label: undefined }],
      'providers.json: 1.label: "[1].label" is required',
    ],
    [
      'registrations.json',
      (j: any) => ({ ...j, invoice: ['commerce'] }),
      'registrations.json: invoice: unknown entity (not in events.json)',
    ],
    [
      'registrations.json',
      (j: any) => ({ ...j, product: ['erp'] }),
      'registrations.json: product.0: "product[0]" must be one of [commerce, backoffice]',
    ],
    [
      'events.json',
      (j: any) => ({ ...j, product: { ...j.product, erp: {} } }),
      'events.json: product.erp: "product.erp" is not allowed',
    ],
  ])('rejects a bad %s naming the file and path', (file, edit, message) => {
    const dir = configWith(file, edit)
    expect(() => loadOnboardingConfig(dir)).toThrow(path.join(dir, message))
  })

  it('rejects invalid JSON naming the file', () => {
    const dir = configWith('providers.json', (j) => j)
    fs.writeFileSync(path.join(dir, 'providers.json'), '{ nope')
    expect(() => loadOnboardingConfig(dir)).toThrow(`${path.join(dir, 'providers.json')}: invalid JSON`)
  })
})

describe('onboard command line', () => {
  it.each([
    [[], {}],
    [['--local', '--dry-run'], { local: true, dryRun: true }],
    [['--prune', '--yes'], { prune: true, yes: true }],
    [['--url', 'http://127.0.0.1:1'], { local: true, url: 'http://127.0.0.1:1' }],
    [['--no-commerce'], { noCommerce: true }],
    [['--help'], { help: true }],
    [['-h'], { help: true }],
  ])('parses %j', (argv, expected) => {
    const defaults = { local: false, dryRun: false, prune: false, yes: false, noCommerce: false, help: false }
    expect(parseArgs(argv)).toEqual({ ...defaults, ...expected })
  })

  it('refuses unknown flags', () => {
    expect(() => parseArgs(['--dryrun'])).toThrow('unknown option --dryrun')
  })

  it.each([[['--url']], [['--url', '--yes']]])(
    'refuses %j without a URL (never falls back to Adobe)',
    (argv) => {
      expect(() => parseArgs(argv)).toThrow('--url needs a value')
    },
  )
})
