/**
 * `subs ls | show | add | edit | enable | disable | rotate | test | rm`: webhook subscriptions of
 * `admin/subscriptions`. A secret is printed once, on stdout, by `add` and `rotate` (the API
 * returns it only then); auth values are never printed (the API never returns them).
 */
import fs from 'node:fs'
import type { SubscriptionView } from '../../actions/lib/subscriptions/subscription-admin'
import { EXIT } from './cli-errors'
import { commaList, list, str, type CommandSpec, type OptionSpec, type OptionValues } from './command-kit'
import { keyValues, table } from './output'

/** Fields of a subscription body, as options (add and edit). */
const BODY_OPTIONS: Record<string, OptionSpec> = {
  name: { type: 'string', value: '<name>', help: 'display name' },
  url: { type: 'string', value: '<url>', help: 'endpoint (https, public; the URL policy applies)' },
  events: { type: 'string', value: '<codes>', help: 'comma list of event codes, or * for every event' },
  fields: {
    type: 'string',
    value: '<paths>',
    help: 'comma list of up to 10 extra entity fields sent in data',
  },
  'auth-bearer': { type: 'string', value: '<token>', help: 'send Authorization: Bearer <token>' },
  'auth-basic': { type: 'string', value: '<user:password>', help: 'send HTTP basic auth' },
  'auth-header': { type: 'string', value: '<Name:value>', help: 'send a custom header' },
  'retry-schedule': { type: 'string', value: '<list>', help: 'own retry schedule, e.g. 5s,5m,1h' },
  format: { type: 'string', value: '<name>', help: 'payload format, e.g. virto' },
  filter: {
    type: 'string',
    multiple: true,
    value: '<field=v1,v2>',
    help: 'deliver only events whose field has one of the values',
  },
  'json-body': {
    type: 'string',
    value: '<json|@file>',
    help: 'any body fields as JSON (or @path to a file: keeps auth values out of the process list)',
  },
}

/**
 * `--retry-schedule`, `--format`, `--filter` → the subscription's `retry`, `format` and `filter`
 * fields (README "Subscription options"); `--json-body` passes any other shape.
 */
const EXTRA_FIELDS: { option: string; toBody: (v: OptionValues) => [string, unknown] | undefined }[] = [
  {
    option: 'retry-schedule',
    toBody: (v) => {
      const s = str(v, 'retry-schedule')
      return s === undefined ? undefined : ['retry', { schedule: commaList(s) }]
    },
  },
  {
    option: 'format',
    toBody: (v) => {
      const s = str(v, 'format')
      return s === undefined ? undefined : ['format', s]
    },
  },
  {
    option: 'filter',
    toBody: (v) => {
      const f = list(v, 'filter')
      if (!f.length) return undefined
      return [
        'filter',
        Object.fromEntries(
          f.map((x) => [x.slice(0, x.indexOf('=')), commaList(x.slice(x.indexOf('=') + 1))]),
        ),
      ]
    },
  },
]

/** Splits `a:b` at the first colon; undefined when either side is empty. */
function pair(v: string): [string, string] | undefined {
  const i = v.indexOf(':')
  return i > 0 && i < v.length - 1 ? [v.slice(0, i), v.slice(i + 1)] : undefined
}

/** Checks the body options (a message = usage error). */
function checkBody(values: OptionValues): string | undefined {
  const auths = ['auth-bearer', 'auth-basic', 'auth-header', 'no-auth'].filter((k) => values[k] !== undefined)
  if (auths.length > 1) return `give one of --${auths.join(', --')}`
  for (const k of ['auth-basic', 'auth-header'])
    if (str(values, k) !== undefined && !pair(str(values, k)!)) return `--${k} takes ${BODY_OPTIONS[k].value}`
  if (list(values, 'filter').some((f) => f.indexOf('=') < 1)) return '--filter takes field=value[,value…]'
  const raw = str(values, 'json-body')
  if (raw !== undefined) {
    try {
      const parsed = readJsonBody(raw)
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        return '--json-body must be a JSON object'
    } catch (err) {
      return `--json-body: ${(err as Error).message}`
    }
  }
  return undefined
}

function readJsonBody(raw: string): unknown {
  const text = raw.startsWith('@') ? fs.readFileSync(raw.slice(1), 'utf8') : raw
  return JSON.parse(text)
}

/** The request body of add/edit: `--json-body` first, then the named options over it. */
function bodyOf(values: OptionValues): Record<string, unknown> {
  const raw = str(values, 'json-body')
  const body: Record<string, unknown> = raw ? { ...(readJsonBody(raw) as Record<string, unknown>) } : {}
  const name = str(values, 'name')
  if (name !== undefined) body.name = name
  const url = str(values, 'url')
  if (url !== undefined) body.url = url
  const events = str(values, 'events')
  if (events !== undefined) body.eventTypes = commaList(events)
  const fields = str(values, 'fields')
  if (fields !== undefined) body.fields = commaList(fields)
  const bearer = str(values, 'auth-bearer')
  if (bearer !== undefined) body.auth = { type: 'bearer', token: bearer }
  const basic = str(values, 'auth-basic')
  if (basic !== undefined) {
    const [username, password] = pair(basic)!
    body.auth = { type: 'basic', username, password }
  }
  const header = str(values, 'auth-header')
  if (header !== undefined) {
    const [hName, value] = pair(header)!
    body.auth = { type: 'header', name: hName.trim(), value: value.trim() }
  }
  if (values['no-auth']) body.auth = null
  for (const extra of EXTRA_FIELDS) {
    const kv = extra.toBody(values)
    if (kv) body[kv[0]] = kv[1]
  }
  return body
}

/** A subscription as `key value` lines (no secret: the API never returns it). */
function describe(s: SubscriptionView): string {
  const st = s.stats
  return keyValues([
    ['id', s.id],
    ['name', s.name],
    ['active', s.active ? 'yes' : `no${s.disabledReason ? ` (${s.disabledReason})` : ''}`],
    ['url', s.url],
    ['events', s.eventTypes.join(', ')],
    ['fields', s.fields.join(', ') || undefined],
    ['auth', s.auth ? `${s.auth.type}${s.auth.name ? ` ${s.auth.name}` : ''}` : undefined],
    ['rotating', s.rotating ? `yes (previous secret valid until ${s.previousSecretExpiresAt})` : undefined],
    ['source', s.source],
    ['created', s.createdAt],
    ['updated', s.updatedAt],
    [
      'deliveries',
      st
        ? `${st.delivered} delivered, ${st.failed} failed, ${st.retrying} retrying, ${st.dead} dead, ${st.pending} pending`
        : undefined,
    ],
    ['last error', st?.lastError],
  ])
}

const ID = { min: 1, max: 1 }

const ls: CommandSpec = {
  group: 'subs',
  name: 'ls',
  summary: 'list subscriptions',
  positionals: { min: 0, max: 0 },
  options: { stats: { type: 'boolean', help: 'add delivery counters (from the delivery-log index)' } },
  async run({ client, out, json, values }) {
    const { items } = await client.subscriptions.list(Boolean(values.stats))
    if (json) return out.json({ items })
    if (!items.length) return out.line('no subscriptions')
    const stats = Boolean(values.stats)
    out.line(
      table(
        [
          'ID',
          'NAME',
          'ACTIVE',
          'EVENTS',
          ...(stats ? ['DELIVERED', 'FAILED', 'RETRYING', 'DEAD'] : []),
          'URL',
        ],
        items.map((s) => [
          s.id,
          s.name,
          s.active ? 'yes' : 'no',
          s.eventTypes.join(','),
          ...(stats ? [s.stats?.delivered, s.stats?.failed, s.stats?.retrying, s.stats?.dead] : []),
          s.url,
        ]),
      ),
    )
  },
}

const show: CommandSpec = {
  group: 'subs',
  name: 'show',
  args: '<id>',
  summary: 'one subscription with its delivery counters and last error',
  positionals: ID,
  options: {},
  async run({ client, out, json, positionals: [id] }) {
    const s = await client.subscriptions.get(id)
    if (json) return out.json(s)
    out.line(describe(s))
  },
}

/** Prints a secret the API returned once, with the reminder that it will not be shown again. */
function printSecret(out: { line(t?: string): void }, secret: string | undefined): void {
  if (!secret) return
  out.line()
  out.line(`secret  ${secret}`)
  out.line('        shown once: store it now (receivers verify signatures with it)')
}

const add: CommandSpec = {
  group: 'subs',
  name: 'add',
  summary: 'create a subscription; prints its signing secret once',
  details: [
    'Required: --name, --url, --events (or the same in --json-body). Example:',
    '  subs add --name Virto --url https://hooks.example.com/in --events be-observer.catalog_product_create --fields sku,name',
  ],
  positionals: { min: 0, max: 0 },
  options: {
    ...BODY_OPTIONS,
    secret: {
      type: 'string',
      value: '<whsec_…>',
      help: 'your own signing secret instead of a generated one',
    },
    inactive: { type: 'boolean', help: 'create it switched off' },
  },
  validate: (_p, values) => {
    const problem = checkBody(values)
    if (problem) return problem
    const body = bodyOf(values)
    const missing = ['name', 'url', 'eventTypes'].filter((k) => body[k] === undefined)
    return missing.length
      ? `missing ${missing.map((k) => (k === 'eventTypes' ? '--events' : `--${k}`)).join(', ')}`
      : undefined
  },
  async run({ client, out, json, values }) {
    const body = bodyOf(values)
    const secret = str(values, 'secret')
    if (secret !== undefined) body.secret = secret
    if (values.inactive) body.active = false
    const created = await client.subscriptions.create(body)
    if (json) return out.json(created)
    out.line(describe(created.subscription))
    printSecret(out, created.secret)
  },
}

const edit: CommandSpec = {
  group: 'subs',
  name: 'edit',
  args: '<id>',
  summary: 'change fields of a subscription (only those given)',
  positionals: ID,
  options: { ...BODY_OPTIONS, 'no-auth': { type: 'boolean', help: 'remove the auth setting' } },
  validate: (_p, values) =>
    checkBody(values) ??
    (Object.keys(bodyOf(values)).length ? undefined : 'nothing to change: give a field option'),
  async run({ client, out, json, positionals: [id], values }) {
    const updated = await client.subscriptions.update(id, bodyOf(values))
    if (json) return out.json(updated)
    out.line(describe(updated))
  },
}

/** `enable` / `disable`: PATCH {active}. */
function toggle(name: 'enable' | 'disable'): CommandSpec {
  const active = name === 'enable'
  return {
    group: 'subs',
    name,
    args: '<id>',
    summary: active
      ? 'switch a subscription on (deliveries resume, parked retries included)'
      : 'switch a subscription off (nothing is delivered to it)',
    positionals: ID,
    options: {},
    async run({ client, out, json, positionals: [id] }) {
      const updated = await client.subscriptions.update(id, { active })
      if (json) return out.json(updated)
      out.line(`${updated.id}  ${active ? 'enabled' : 'disabled'}`)
    },
  }
}

const rotate: CommandSpec = {
  group: 'subs',
  name: 'rotate',
  args: '<id>',
  summary: 'new signing secret, printed once; the previous one keeps signing for the overlap period',
  positionals: ID,
  options: {
    secret: { type: 'string', value: '<whsec_…>', help: 'your own new secret instead of a generated one' },
  },
  async run({ client, out, json, positionals: [id], values }) {
    const secret = str(values, 'secret')
    const rotated = await client.subscriptions.rotateSecret(id, secret !== undefined ? { secret } : {})
    if (json) return out.json(rotated)
    out.line(
      `${rotated.subscription.id}  secret rotated${rotated.previousSecretExpiresAt ? `; the previous one signs too until ${rotated.previousSecretExpiresAt}` : ''}`,
    )
    printSecret(out, rotated.secret)
  },
}

const test: CommandSpec = {
  group: 'subs',
  name: 'test',
  args: '<id>',
  summary: "send a test event to the subscription's endpoint and show its answer (exit 4 unless 2xx)",
  positionals: ID,
  options: { type: { type: 'string', value: '<event code>', help: 'event code of the test event' } },
  async run({ client, out, json, positionals: [id], values }) {
    const type = str(values, 'type')
    const r = await client.subscriptions.test(id, type !== undefined ? { eventType: type } : {})
    if (json) out.json(r)
    else {
      out.line(
        keyValues([
          ['result', r.ok ? 'ok' : 'FAILED'],
          ['status', r.status],
          ['duration', `${r.durationMs} ms`],
          ['error', r.error],
          ['delivery', r.deliveryId],
          ['response', r.bodyExcerpt],
        ]),
      )
    }
    return r.ok ? EXIT.ok : EXIT.deliveryFailed
  },
}

const rm: CommandSpec = {
  group: 'subs',
  name: 'rm',
  args: '<id>',
  summary: 'delete a subscription (its delivery logs stay until they expire)',
  positionals: ID,
  options: {},
  async run({ client, out, json, positionals: [id] }) {
    await client.subscriptions.remove(id)
    if (json) return out.json({ deleted: id })
    out.line(`${id}  deleted`)
  },
}

/** The `subs` commands. */
export const SUBS_COMMANDS: CommandSpec[] = [
  ls,
  show,
  add,
  edit,
  toggle('enable'),
  toggle('disable'),
  rotate,
  test,
  rm,
]
