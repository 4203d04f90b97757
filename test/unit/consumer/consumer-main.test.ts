/**
 * The consumer action's adapter (`main`): configuration errors and a missing Runtime environment
 * become a 500 error response (I/O Events retries), never a crash; details stay in the logs.
 */
import { main } from '../../../actions/consumer'
import { cloudEventParams } from '../../fixtures/entity-events'

const CODE = 'be-observer.catalog_product_create'
const internal = { error: { statusCode: 500, body: { error: 'Internal server error' } } }

describe('event-hub/consumer main', () => {
  const saved = { ...process.env }
  beforeEach(() => {
    for (const k of ['__OW_API_HOST', '__OW_API_KEY', '__OW_NAMESPACE']) delete process.env[k]
  })
  afterEach(() => {
    process.env = { ...saved }
  })

  const cases: [string, Record<string, unknown>][] = [
    ['no Runtime environment (openwhisk client cannot be built)', cloudEventParams(CODE)],
    ['LOOP_BREAKER_TTL_SECONDS out of range', cloudEventParams(CODE, { LOOP_BREAKER_TTL_SECONDS: '0' })],
    ['LOOP_BREAKER_TTL_SECONDS not a number', cloudEventParams(CODE, { LOOP_BREAKER_TTL_SECONDS: 'soon' })],
    ['LOG_LEVEL unknown', cloudEventParams(CODE, { LOG_LEVEL: 'chatty' })],
  ]
  test.each(cases)('%s → 500', async (_name, params) => {
    expect(await main(params)).toEqual(internal)
  })
})
