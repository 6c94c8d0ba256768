import type { Socket } from 'node:net'
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import Router, { type HTTPMethod } from 'find-my-way'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { Errors, type ProblemDetail } from '../errors.js'
import { parameterExample } from './parameters.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance?: string
  errors?: ProblemDetail[]
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

function problem(status: number, code: string, detail: string, errors?: ProblemDetail[]): Problem {
  return {
    type: `https://frontline.invalid/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  }
}

const VALIDATION_CONTEXT: Record<string, string> = { querystring: 'query', body: 'body', params: 'path', headers: 'headers' }

/** Maps whatever was thrown to a problem: declared errors as they are, Fastify's own to our codes, the rest to a bare 500. */
export function toProblem(error: FastifyError & { details?: ProblemDetail[] }, request?: FastifyRequest): Problem {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = VALIDATION_CONTEXT[error.validationContext ?? ''] ?? error.validationContext ?? 'request'
    const details = error.validation.map((issue) => {
      // A refused parameter shows a valid value of it: "required; e.g. dataset=aleppo-2024".
      const name = issue.instancePath.split('/')[1]
      const example = request && name && (context === 'query' || context === 'path') ? parameterExample(request, context, name) : undefined
      const zodIssue = issue.params?.issue as { code?: string; params?: { code?: string } } | undefined
      // A schema may name its own code (a date out of range is INVALID_DATE); otherwise zod's issue code.
      const declared = zodIssue?.params?.code ?? (issue.params as { params?: { code?: string } } | undefined)?.params?.code
      return {
        path: `/${context}${issue.instancePath}`,
        code: String(declared ?? zodIssue?.code ?? issue.keyword).toUpperCase(),
        reason: `${issue.message ?? 'invalid'}${example ? `; e.g. ${example}` : ''}`,
      }
    })
    const summary = details.map((detail) => `${detail.path}: ${detail.reason}`).join('; ')
    // When every problem is one the API declares (a date out of range), the problem carries its code.
    const only = details.every((detail) => detail.code === details[0].code) ? details[0]?.code : undefined
    const code = only === 'INVALID_DATE' ? 'INVALID_DATE' : 'INVALID_REQUEST'
    return problem(400, code, `Invalid request: ${summary}`, details)
  }
  if (error.code && error.code in Errors && error.statusCode) {
    return problem(error.statusCode, error.code, error.message, error.details)
  }
  switch (error.code) {
    // The URL is never echoed: it may carry what its sender should not have put there.
    case 'FST_ERR_BAD_URL':
      return problem(
        400,
        'BAD_URL',
        'The URL is not valid: its path has a malformed percent-encoding (each % must begin an encoded UTF-8 character, e.g. %C3%A9)',
      )
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem(414, 'BAD_URL', 'A segment of the URL path is longer than 100 characters; no id is that long')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'BODY_TOO_LARGE', error.message)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'UNSUPPORTED_MEDIA_TYPE', `${error.message}; send application/json or application/geo+json`)
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'MALFORMED_JSON', 'The body is empty; a JSON document was expected', [{ path: '/body', code: 'EMPTY_BODY', reason: 'empty body' }])
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, 'MALFORMED_JSON', `The body is not valid JSON: ${error.message}`, [{ path: '/body', code: 'MALFORMED_JSON', reason: error.message }])
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return problem(400, 'MALFORMED_JSON', `The body is not valid JSON: ${error.message}`, [{ path: '/body', code: 'MALFORMED_JSON', reason: error.message }])
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return problem(status, 'INVALID_REQUEST', error.message)
  return problem(500, 'INTERNAL_ERROR', 'The service failed to answer; the failure has been logged')
}

/** The path a problem is about: never the query, which may carry what its sender should not have put there. */
const instanceOf = (url: string) => url.split('?', 1)[0]

function sendProblem(request: FastifyRequest, reply: FastifyReply, body: Problem): FastifyReply {
  return reply
    .status(body.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ ...body, instance: instanceOf(request.url) }))
}

function handleError(error: FastifyError & { details?: ProblemDetail[]; headers?: Record<string, string> }, request: FastifyRequest, reply: FastifyReply) {
  const body = toProblem(error, request)
  if (body.status >= 500) request.log.error({ err: error }, 'request failed')
  else request.log.info({ code: body.code, status: body.status }, 'request refused')
  if (error.headers) reply.headers(error.headers)
  return sendProblem(request, reply, body)
}

/** Fastify's `frameworkErrors`: what the router refuses before any route (a malformed URL) is a problem like the rest. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void handleError(error, request, reply)
}

const kAnswered = Symbol('frontline.answered')
// How long a refused connection may still deliver what it was sending, so that closing it does not reset the answer away.
const LINGER_MS = 1_000

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses on the socket, before there is a request (a
 * timeout, headers too large, bytes that are not HTTP/1.1), answered with a problem and a close.
 */
export function clientErrorHandler(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  const state = socket as Socket & { [kAnswered]?: boolean; _httpMessage?: { headersSent?: boolean } }
  if (error.code === 'ECONNRESET' || socket.destroyed || state[kAnswered]) return
  // Nothing to answer: a connection that never sent a byte, or one whose answer has begun.
  if (!socket.writable || socket.bytesRead === 0 || state._httpMessage?.headersSent) {
    socket.destroy()
    return
  }
  state[kAnswered] = true
  const refused = (() => {
    switch (error.code) {
      case 'ERR_HTTP_REQUEST_TIMEOUT':
        return problem(408, 'REQUEST_TIMEOUT', 'The request did not arrive in time: the headers and body must be sent within the configured timeouts')
      case 'HPE_HEADER_OVERFLOW':
        return problem(431, 'HEADERS_TOO_LARGE', 'The request line and headers are larger than the limit (16 KiB)')
      case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
        return problem(413, 'BODY_TOO_LARGE', 'The chunk extensions of the body are larger than the limit')
      default:
        return problem(400, 'INVALID_REQUEST', `The request is not valid HTTP/1.1 (${error.code ?? 'unparsable'})`)
    }
  })()
  this.log.info({ code: refused.code, status: refused.status, parser: error.code }, 'connection refused')
  const json = JSON.stringify(refused)
  socket.end(
    `HTTP/1.1 ${refused.status} ${refused.title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  )
  setTimeout(() => socket.destroy(), LINGER_MS).unref()
}

async function errorsPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(handleError)
  // Every route's path in a router of its own, to tell an unknown path from a known one asked with another method.
  const known = Router({ ignoreTrailingSlash: true })
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      // `/docs` and `/docs/` are one path to a router that ignores trailing slashes: keep the first.
      if ((METHODS as readonly string[]).includes(method) && !known.hasRoute(method as HTTPMethod, route.url))
        known.on(method as HTTPMethod, route.url, () => {})
    }
  })
  app.setNotFoundHandler((request, reply) => {
    const path = instanceOf(request.url)
    // A known path asked with a method it does not have is 405 with the methods it does (RFC 9110 §15.5.6).
    const allowed = METHODS.filter((method) => known.find(method, path) !== null)
    if (allowed.length > 0) {
      const allow = allowed.includes('GET') && !allowed.includes('HEAD') ? [...allowed, 'HEAD'] : allowed
      reply.header('Allow', allow.join(', '))
      return sendProblem(request, reply, problem(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; allowed: ${allow.join(', ')}`))
    }
    return sendProblem(request, reply, problem(404, 'ROUTE_NOT_FOUND', `No route ${request.method} ${path}`))
  })
}

export default fp(errorsPlugin, { name: 'errors' })
