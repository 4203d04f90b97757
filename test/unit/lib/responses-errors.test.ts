import {
  actionErrorResponse,
  actionSuccessResponse,
  errorResponse,
  successResponse,
} from '../../../actions/lib/responses'
import {
  AuthenticationError,
  ConfigError,
  HttpError,
  INTERNAL_ERROR_MESSAGE,
  PayloadTooLargeError,
  UpstreamError,
  ValidationError,
  toActionErrorResponse,
  toErrorResponse,
} from '../../../actions/lib/errors'

describe('response builders (starter-kit shapes)', () => {
  it.each([
    [
      'actionSuccessResponse',
      actionSuccessResponse('done'),
      { statusCode: 200, body: { success: true, message: 'done' } },
    ],
    [
      'actionErrorResponse',
      actionErrorResponse(404, 'nope'),
      { statusCode: 404, body: { success: false, error: 'nope' } },
    ],
    [
      'successResponse',
      successResponse('be-observer.x', { success: true, message: 'ok' }),
      { statusCode: 200, body: { type: 'be-observer.x', response: { success: true, message: 'ok' } } },
    ],
    ['errorResponse', errorResponse(400, 'bad'), { error: { statusCode: 400, body: { error: 'bad' } } }],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected)
  })
})

describe('error mapping', () => {
  it.each([
    ['4xx message is shown', new ValidationError('data.uid is required'), 400, 'data.uid is required'],
    ['401', new AuthenticationError('bad signature'), 401, 'bad signature'],
    ['413', new PayloadTooLargeError('too big'), 413, 'too big'],
    ['5xx message is hidden', new UpstreamError('db password wrong at host x'), 503, INTERNAL_ERROR_MESSAGE],
    ['config error is hidden', new ConfigError('missing SECRET'), 500, INTERNAL_ERROR_MESSAGE],
    ['unknown throwables are 500', new TypeError('x is undefined'), 500, INTERNAL_ERROR_MESSAGE],
    ['non-errors are 500', 'boom', 500, INTERNAL_ERROR_MESSAGE],
  ])('%s', (_name, err, statusCode, message) => {
    expect(toErrorResponse(err)).toEqual({ error: { statusCode, body: { error: message } } })
    expect(toActionErrorResponse(err)).toEqual({ statusCode, body: { success: false, error: message } })
  })

  it('shows a 5xx message only when explicitly exposed', () => {
    const err = new HttpError(500, 'backoffice provider not found: run npm run onboard')
    err.expose = true
    expect(toErrorResponse(err)).toEqual({
      error: { statusCode: 500, body: { error: 'backoffice provider not found: run npm run onboard' } },
    })
  })
})
