import createError from '@fastify/error'

/** One entry of a problem's `errors[]`: what is wrong and where (a JSON Pointer into the request). */
export interface ProblemDetail {
  path: string
  code: string
  reason: string
  index?: number
}

/**
 * Every error the API can return, declared once with a stable code and HTTP status.
 * The message template takes the arguments given to the constructor (util.format style).
 */
export const Errors = {
  INVALID_REQUEST: createError('INVALID_REQUEST', 'Invalid request: %s', 400),
  UNKNOWN_PARAMETER: createError('UNKNOWN_PARAMETER', '%s', 400),
  MALFORMED_JSON: createError('MALFORMED_JSON', 'The body is not valid JSON: %s', 400),
  INVALID_DATE: createError('INVALID_DATE', '%s', 400),
  INVALID_BBOX: createError('INVALID_BBOX', '%s', 400),
  INVALID_REFERENCE: createError('INVALID_REFERENCE', '%s', 400),
  INVALID_FILTER: createError('INVALID_FILTER', '%s', 400),
  UNSUPPORTED_CRS: createError('UNSUPPORTED_CRS', '%s', 400),
  JSON_TOO_DEEP: createError('JSON_TOO_DEEP', '%s', 400),
  INVALID_TEXT: createError('INVALID_TEXT', '%s', 400),
  TOKEN_IN_QUERY: createError(
    'TOKEN_IN_QUERY',
    'Tokens are accepted only in the Authorization header, never in the query string; this request was refused',
    400,
  ),
  BAD_URL: createError('BAD_URL', '%s', 400),
  INVALID_RULES: createError('INVALID_RULES', '%s', 400),
  UNKNOWN_PROFILE: createError('UNKNOWN_PROFILE', '%s', 400),
  INVALID_EVENT_IMPORT: createError(
    'INVALID_EVENT_IMPORT',
    'The event or tally file was refused: %s problem(s), each in errors[] by row or feature and column or member; nothing was written',
    400,
  ),
  SERIES_TOO_LONG: createError('SERIES_TOO_LONG', 'The series has %s steps, more than the limit of %s', 400),
  AUTH_REQUIRED: createError('AUTH_REQUIRED', 'This operation needs an Authorization: Bearer <token> header', 401),
  INVALID_TOKEN: createError('INVALID_TOKEN', 'The bearer token is not one this service accepts', 401),
  DATASET_NOT_FOUND: createError('DATASET_NOT_FOUND', "Dataset '%s' does not exist", 404),
  ACTOR_NOT_FOUND: createError('ACTOR_NOT_FOUND', "Actor '%s' does not exist in dataset '%s'", 404),
  SIDE_NOT_FOUND: createError('SIDE_NOT_FOUND', "No actor belongs to side '%s' in dataset '%s'", 404),
  FEATURE_NOT_FOUND: createError('FEATURE_NOT_FOUND', "Feature '%s' does not exist in dataset '%s'", 404),
  COLLECTION_NOT_FOUND: createError('COLLECTION_NOT_FOUND', '%s', 404),
  ITEM_NOT_FOUND: createError('ITEM_NOT_FOUND', "Item '%s' does not exist in collection '%s'", 404),
  TILE_NOT_FOUND: createError('TILE_NOT_FOUND', '%s', 404),
  SOURCE_NOT_FOUND: createError('SOURCE_NOT_FOUND', "Source '%s' does not exist in dataset '%s'", 404),
  EVENT_NOT_FOUND: createError('EVENT_NOT_FOUND', "Event '%s' does not exist in dataset '%s'", 404),
  IMPORT_NOT_FOUND: createError('IMPORT_NOT_FOUND', "Import '%s' does not exist", 404),
  ROUTE_NOT_FOUND: createError('ROUTE_NOT_FOUND', 'No route %s %s', 404),
  METHOD_NOT_ALLOWED: createError('METHOD_NOT_ALLOWED', '%s is not allowed on %s; allowed: %s', 405),
  NOT_ACCEPTABLE: createError('NOT_ACCEPTABLE', 'This resource is available as %s', 406),
  ACTOR_IN_USE: createError(
    'ACTOR_IN_USE',
    "Actor '%s' holds %s area(s) of current knowledge, written by import(s) %s: revert those imports or delete the dataset first",
    409,
  ),
  IMPORT_NOT_REVERTIBLE: createError('IMPORT_NOT_REVERTIBLE', '%s', 409),
  BODY_TOO_LARGE: createError('BODY_TOO_LARGE', 'The body is larger than the limit of %s bytes', 413),
  TOO_MANY_FEATURES: createError('TOO_MANY_FEATURES', 'The import has %s features, more than the limit of %s', 413),
  TOO_MANY_VERTICES: createError('TOO_MANY_VERTICES', 'The import has %s vertices, more than the limit of %s', 413),
  UNSUPPORTED_MEDIA_TYPE: createError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type %s is not accepted here; send application/json or application/geo+json', 415),
  INVALID_IMPORT: createError('INVALID_IMPORT', 'The import was refused: %s problem(s) in the file; nothing was written', 422),
  WRONG_GEOMETRY_TYPE: createError('WRONG_GEOMETRY_TYPE', '%s', 422),
  OVERLAPPING_AREAS: createError('OVERLAPPING_AREAS', '%s', 422),
  INVALID_OUTLINE: createError('INVALID_OUTLINE', '%s', 422),
  REQUEST_TIMEOUT: createError('REQUEST_TIMEOUT', '%s', 408),
  HEADERS_TOO_LARGE: createError('HEADERS_TOO_LARGE', '%s', 431),
  EMPTY_SNAPSHOT: createError('EMPTY_SNAPSHOT', '%s', 422),
  ANALYSIS_TOO_COSTLY: createError('ANALYSIS_TOO_COSTLY', '%s', 422),
  ANALYSIS_BUSY: createError('ANALYSIS_BUSY', 'Too many analyses are running; retry shortly', 429),
  TILES_BUSY: createError('TILES_BUSY', '%s tiles are already waiting to be cut; retry shortly', 429),
  CLIENT_BUSY: createError('CLIENT_BUSY', '%s', 429),
  TOO_MANY_AUTH_FAILURES: createError('TOO_MANY_AUTH_FAILURES', 'Too many failed authentications from this client; retry after %s s', 429),
  TOO_MANY_CONNECTIONS: createError('TOO_MANY_CONNECTIONS', '%s', 503),
  ANALYSIS_TIMEOUT: createError('ANALYSIS_TIMEOUT', 'The analysis took longer than %s ms and was abandoned', 503),
  NOT_READY: createError('NOT_READY', 'The service is not ready: %s', 503),
  DATASET_CHANGING: createError('DATASET_CHANGING', "Dataset '%s' changed while each of %s attempts at this answer was made; retry shortly", 503),
} as const

export type ErrorCode = keyof typeof Errors

/** Attaches per-item details (`errors[]` of the problem body) to a declared error. */
export function withDetails<E extends Error>(error: E, details: ProblemDetail[]): E & { details: ProblemDetail[] } {
  return Object.assign(error, { details })
}

/** Adds headers (e.g. Retry-After) that the error handler sends with the problem. */
export function withHeaders<E extends Error>(error: E, headers: Record<string, string>): E & { headers: Record<string, string> } {
  return Object.assign(error, { headers })
}
