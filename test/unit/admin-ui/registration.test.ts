/**
 * The Commerce Admin UI SDK registration (extension point `commerce/backend-ui/1`) against the
 * shape Adobe documents for Admin UI SDK 3.x: the registration action's answer (menu and page
 * extension points), the extension config, install.yaml and extension-manifest.json.
 */
import fs from 'node:fs'
import path from 'node:path'
import Joi from 'joi'
import YAML from 'yaml'
import { main } from '../../../actions/admin-ui/registration/index'
import { EXTENSION_ID } from '../../../actions/admin-ui/registration/menu'

const root = path.resolve(__dirname, '../../..')
const readYaml = (file: string): any => YAML.parse(fs.readFileSync(path.join(root, file), 'utf8'))

/** Menu item fields as documented: id (letters, digits, `/`, `:`, `_`), title, parent, isSection, sortOrder, sandbox. */
const menuItem = Joi.object({
  id: Joi.string()
    .pattern(/^[A-Za-z0-9/:_]+$/)
    .required(),
  title: Joi.string(),
  parent: Joi.string(),
  isSection: Joi.boolean(),
  sortOrder: Joi.number().integer(),
  sandbox: Joi.string().pattern(/^(allow-downloads|allow-popups)( (allow-downloads|allow-popups))?$/),
}).unknown(false)

const registrationSchema = Joi.object({
  registration: Joi.object({
    menuItems: Joi.array().items(menuItem).min(1).required(),
    page: Joi.object({ title: Joi.string().required() }).unknown(false),
  })
    .unknown(false)
    .required(),
}).unknown(false)

describe('Commerce Admin UI SDK registration', () => {
  test('the registration action answers the documented menu/page document', async () => {
    const res = (await main({ LOG_LEVEL: 'error' })) as { statusCode: number; body: any }
    expect(res.statusCode).toBe(200)
    expect(registrationSchema.validate(res.body).error).toBeUndefined()
    expect(res.body).toEqual({
      registration: {
        menuItems: [
          {
            id: `${EXTENSION_ID}::event_logs`,
            title: 'Event Logs & Webhooks',
            parent: `${EXTENSION_ID}::event_hub`,
            sortOrder: 1,
            sandbox: 'allow-downloads',
          },
          { id: `${EXTENSION_ID}::event_hub`, title: 'Event Hub', isSection: true, sortOrder: 100 },
        ],
        page: { title: 'Event Hub › Event Logs / Webhooks' },
      },
    })
  })

  test('one section and one menu per application, every parent known, ids unique', async () => {
    const { body } = (await main({})) as { body: any }
    const items = body.registration.menuItems as { id: string; parent?: string; isSection?: boolean }[]
    expect(items.filter((i) => i.isSection).length).toBe(1)
    expect(items.filter((i) => !i.isSection).length).toBe(1)
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length)
    for (const i of items.filter((x) => x.parent)) expect(items.map((x) => x.id)).toContain(i.parent)
    for (const i of items) expect(i.id.startsWith(`${EXTENSION_ID}::`)).toBe(true)
  })

  test('the schema refuses what the SDK refuses', () => {
    const bad = [
      { registration: { menuItems: [{ id: 'has space' }] } },
      { registration: { menuItems: [{ id: 'a', sandbox: 'allow-scripts' }] } },
      { registration: { menuItems: [] } },
      { menuItems: [{ id: 'a' }] },
    ]
    for (const doc of bad)
      expect([doc, registrationSchema.validate(doc).error !== undefined]).toEqual([doc, true])
  })

  test('app.config.yaml declares the extension point with web-src and the registration action', () => {
    const app = readYaml('app.config.yaml')
    expect(app.extensions['commerce/backend-ui/1']).toEqual({
      $include: './src/commerce-backend-ui-1/ext.config.yaml',
    })
    const ext = readYaml('src/commerce-backend-ui-1/ext.config.yaml')
    expect(ext.operations).toEqual({ view: [{ type: 'web', impl: 'index.html' }] })
    const extDir = path.join(root, 'src/commerce-backend-ui-1')
    expect(fs.existsSync(path.join(extDir, ext.web, 'index.html'))).toBe(true)
    const registration = ext.runtimeManifest.packages['admin-ui-sdk'].actions.registration
    expect(registration).toMatchObject({
      web: 'yes',
      runtime: 'nodejs:22',
      annotations: { 'require-adobe-auth': true, final: true },
    })
    expect(fs.existsSync(path.join(extDir, registration.function))).toBe(true)
  })

  test('install.yaml and extension-manifest.json as documented', () => {
    expect(readYaml('install.yaml')).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema',
      $id: 'https://adobe.io/schemas/app-builder-templates/1',
      categories: ['action', 'ui'],
      extensions: [{ extensionPointId: 'commerce/backend-ui/1' }],
    })
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'extension-manifest.json'), 'utf8'))
    expect(Object.keys(manifest).sort()).toEqual([
      'description',
      'displayName',
      'id',
      'name',
      'platform',
      'version',
    ])
    expect(manifest).toMatchObject({ id: EXTENSION_ID, name: EXTENSION_ID, platform: 'web' })
  })
})
