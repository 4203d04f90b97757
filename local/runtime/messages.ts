/**
 * OpenWhisk's user-facing messages (org.apache.openwhisk.http.Messages), verbatim, so clients and
 * tests that match on them behave as against Adobe I/O Runtime.
 */
export const Messages = {
  resourceDoesNotExist: 'The requested resource does not exist.',
  resourceDoesntExist: (v: string) => `The requested resource '${v}' does not exist.`,
  authenticationInvalid: 'The supplied authentication is invalid.',
  notAuthorized: 'The supplied authentication is not authorized to access this resource.',
  tooManyConcurrentRequests: (count: number, allowed: number) =>
    `Too many concurrent requests in flight (count: ${count}, allowed: ${allowed}).`,
  parametersNotAllowed: 'Request defines parameters that are not allowed (e.g., reserved properties).',
  entityTooBig: (field: string, is: number, allowed: number) =>
    `${field} larger than allowed: ${is} > ${allowed} bytes.`,
  abnormalInitialization: 'The action did not initialize and exited unexpectedly.',
  abnormalRun: 'The action did not produce a valid response and exited unexpectedly.',
  memoryExhausted: 'The action exhausted its memory and was aborted.',
  invalidRunResponse: (s: string) => `The action did not produce a valid JSON response${s ? `: ${s}` : '.'}`,
  truncatedResponse: (length: number, max: number) =>
    `The action produced a response that exceeded the allowed length: ${length} > ${max} bytes.`,
  timedoutActivation: (ms: number, init: boolean) =>
    `The action exceeded its time limits of ${ms} milliseconds${init ? ' during initialization.' : '.'}`,
  logWarningDeveloperError: 'The action did not initialize or run as expected. Log data might be missing.',
  activationIdIllegal: 'The activation id is not valid.',
  badNameFilter: (v: string) => `Parameter may be a 'simple' name or 'package-name/simple' name: ${v}`,
  badEpoch: (v: string) => `Parameter is not a valid value for epoch seconds: ${v}`,
  listLimitOutOfRange: (c: string, v: number, max: number) =>
    `The value '${v}' is not in the range of 0 to ${max} for ${c}.`,
  listSkipOutOfRange: (c: string, v: number) =>
    `The value '${v}' is not greater than or equal to 0 for ${c}.`,
  argumentNotInteger: (c: string, v: string) => `The value '${v}' is not an integer for ${c}.`,
  propertyNotFound: 'Response does not include requested property.',
  invalidMedia: (m: string) => `Response is not valid '${m}'.`,
  httpUnknownContentType: 'Response did not specify a known content-type.',
  httpContentTypeError: 'Response type in header did not match generated content type.',
  errorProcessingRequest: 'There was an error processing your request.',
  responseNotReady: 'Response not yet ready.',
  malformedRequest: 'The request content was malformed:',
}
