/** Web action response transcoding (OpenWhisk WhiskWebActionsApi.resultAs*) and media-type rules. */
import {
  bodyForRequest,
  isBinaryMediaType,
  isJsonFamily,
  respond,
  type WebReply,
} from '../../../local/runtime/web-response'
import { Messages } from '../../../local/runtime/messages'

const text = (s: string) => Buffer.from(s, 'utf8')
const invalid = (media: string): WebReply => ({ status: 400, error: Messages.invalidMedia(media) })

describe('media types', () => {
  it.each([
    ['application/json', false, true],
    ['application/cloudevents+json', true, true],
    ['application/cloudevents+json; charset=utf-8', false, true],
    ['text/plain', false, false],
    ['TEXT/HTML; charset=UTF-8', false, false],
    ['application/x-www-form-urlencoded', false, false],
    ['application/octet-stream', true, false],
    ['image/png', true, false],
  ])('%s: binary %s, JSON family %s', (contentType, binary, jsonFamily) => {
    const mediaType = contentType.split(';')[0].toLowerCase()
    expect([isBinaryMediaType(contentType), isJsonFamily(mediaType)]).toEqual([binary, jsonFamily])
  })

  it.each([
    ['application/json', '{"a":1}', 'eyJhIjoxfQ=='],
    ['text/plain', 'héllo', 'héllo'],
    ['application/octet-stream', 'raw', 'cmF3'],
    ['', 'raw', 'cmF3'],
  ])('__ow_body for %p', (contentType, body, expected) => {
    expect(bodyForRequest(text(body), contentType)).toBe(expected)
  })
})

describe('respond', () => {
  it.each<[string, string, unknown, WebReply]>([
    ['.json', 'an object', { a: 1 }, { status: 200, contentType: 'application/json', body: text('{"a":1}') }],
    ['.json', 'a string', 'x', invalid('application/json')],
    [
      '.html',
      'the html field',
      { html: '<p>hi</p>' },
      { status: 200, contentType: 'text/html; charset=UTF-8', body: text('<p>hi</p>') },
    ],
    ['.html', 'no html', { other: 1 }, invalid('text/html')],
    [
      '.svg',
      'the svg field',
      { svg: '<svg/>' },
      { status: 200, contentType: 'image/svg+xml', body: text('<svg/>') },
    ],
    [
      '.text',
      'the text field',
      { text: 'plain' },
      { status: 200, contentType: 'text/plain; charset=UTF-8', body: text('plain') },
    ],
    [
      '.text',
      'an object body pretty-printed',
      { body: { a: 1 } },
      { status: 200, contentType: 'text/plain; charset=UTF-8', body: text('{\n  "a": 1\n}') },
    ],
    ['.text', 'no text', { other: 1 }, { status: 404, error: Messages.propertyNotFound }],
    [
      '.http',
      'a JSON body',
      { statusCode: 201, headers: { 'x-a': 'b' }, body: { ok: true } },
      { status: 201, headers: [['x-a', 'b']], contentType: 'application/json', body: text('{"ok":true}') },
    ],
    [
      '.http',
      'a string body as html',
      { body: '<b>x</b>' },
      { status: 200, headers: [], contentType: 'text/html; charset=UTF-8', body: text('<b>x</b>') },
    ],
    ['.http', 'no body', { statusCode: '202' }, { status: 202, headers: [] }],
    ['.http', 'an empty result', {}, { status: 204, headers: [] }],
    [
      '.http',
      'repeated headers',
      { headers: { 'set-cookie': ['a=1', 'b=2'] }, body: 'x' },
      {
        status: 200,
        headers: [
          ['set-cookie', 'a=1'],
          ['set-cookie', 'b=2'],
        ],
        contentType: 'text/html; charset=UTF-8',
        body: text('x'),
      },
    ],
    [
      '.http',
      'a binary body from base64',
      { headers: { 'Content-Type': 'image/png' }, body: 'iVBO' },
      { status: 200, headers: [], contentType: 'image/png', body: Buffer.from('iVBO', 'base64') },
    ],
    [
      '.http',
      'a +json type pretty-printed',
      { headers: { 'content-type': 'application/problem+json' }, body: { title: 'x' } },
      {
        status: 200,
        headers: [],
        contentType: 'application/problem+json',
        body: text('{\n  "title": "x"\n}'),
      },
    ],
    ['.http', 'a bad status code', { statusCode: 999 }, invalid('message/http')],
    ['.http', 'a non-object result', 'x', invalid('message/http')],
    ['.http', 'an object header value', { headers: { a: { b: 1 } } }, invalid('message/http')],
    [
      '.http',
      'an unknown content type',
      { headers: { 'content-type': 'nonsense' }, body: 'x' },
      { status: 400, error: Messages.httpUnknownContentType },
    ],
    [
      '.http',
      'invalid base64 for a binary type',
      { headers: { 'content-type': 'image/png' }, body: 'not base64!' },
      { status: 400, error: Messages.httpContentTypeError },
    ],
    [
      '.http',
      'a JSON body with a non-JSON type',
      { headers: { 'content-type': 'text/plain' }, body: { a: 1 } },
      { status: 400, error: Messages.httpContentTypeError },
    ],
  ])('%s with %s', (ext, _name, value, expected) => {
    expect(respond(ext, value)).toEqual(expected)
  })
})
