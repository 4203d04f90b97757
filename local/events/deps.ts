/**
 * What the events service's parts share, and request-body validation with joi (schemas are built
 * once at module load by each API file; issues are reported by path, never with the payload).
 */
import type Joi from 'joi'
import type { IncomingMessage } from 'node:http'
import type { Clock } from '../../actions/lib/clock'
import { QUIET_MESSAGES } from '../../actions/lib/joi-messages'
import { parseJson, readBody, StackHttpError } from '../http-kit'
import type { StackConfig } from '../stack-config'
import type { EventsDb } from './db'
import type { Urls } from './hal'
import type { Store } from './store'

/** Shared dependencies of the management, ingress, journal and tracing routes. */
export interface EventsDeps {
  db: EventsDb
  store: Store
  urls: Urls
  config: StackConfig
  clock: Clock
  log: (message: string) => void
}

/** Management bodies are small JSON documents; 1 MB is generous and bounds memory. */
const MAX_BODY = 1024 * 1024

/** Reads and validates a JSON body against `schema`; 400 lists every issue by path. */
export async function readValidBody<T>(req: IncomingMessage, schema: Joi.ObjectSchema<T>): Promise<T> {
  const body = parseJson(await readBody(req, MAX_BODY))
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new StackHttpError(400, 'request body must be a JSON object')
  }
  const checked = schema.validate(body, {
    abortEarly: false,
    convert: false,
    errors: { wrap: { label: false } },
    // joi's messages name the path; the app's quiet table replaces those that would echo the value.
    messages: QUIET_MESSAGES,
  })
  if (checked.error) {
    const issues = checked.error.details.map((d) => d.message)
    throw new StackHttpError(400, `invalid request body: ${issues.join('; ')}`)
  }
  return checked.value
}
