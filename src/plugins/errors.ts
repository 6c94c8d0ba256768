import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import Router, { type HTTPMethod } from 'find-my-way'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { Errors, type ProblemDetail } from '../errors.js'

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
  406: 'Not Acceptable',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
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
export function toProblem(error: FastifyError & { details?: ProblemDetail[] }): Problem {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = VALIDATION_CONTEXT[error.validationContext ?? ''] ?? error.validationContext ?? 'request'
    const details = error.validation.map((issue) => ({
      path: `/${context}${issue.instancePath}`,
      code: String(
        issue.params?.issue && (issue.params.issue as { code?: string }).code ? (issue.params.issue as { code: string }).code : issue.keyword,
      ).toUpperCase(),
      reason: issue.message ?? 'invalid',
    }))
    const summary = details.map((detail) => `${detail.path}: ${detail.reason}`).join('; ')
    return problem(400, 'INVALID_REQUEST', `Invalid request: ${summary}`, details)
  }
  if (error.code && error.code in Errors && error.statusCode) {
    return problem(error.statusCode, error.code, error.message, error.details)
  }
  switch (error.code) {
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

async function errorsPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError & { details?: ProblemDetail[]; headers?: Record<string, string> }, request: FastifyRequest, reply: FastifyReply) => {
    const body = toProblem(error)
    if (body.status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: body.code, status: body.status }, 'request refused')
    if (error.headers) reply.headers(error.headers)
    return reply
      .status(body.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ ...body, instance: request.url }))
  })
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
    const path = request.url.split('?')[0]
    // A known path asked with a method it does not have is 405 with the methods it does (RFC 9110 §15.5.6).
    const allowed = METHODS.filter((method) => known.find(method, path) !== null)
    if (allowed.length > 0) {
      const allow = allowed.includes('GET') && !allowed.includes('HEAD') ? [...allowed, 'HEAD'] : allowed
      const body = problem(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; allowed: ${allow.join(', ')}`)
      return reply
        .status(405)
        .header('Allow', allow.join(', '))
        .type(PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify({ ...body, instance: request.url }))
    }
    const body = problem(404, 'ROUTE_NOT_FOUND', `No route ${request.method} ${path}`)
    return reply
      .status(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ ...body, instance: request.url }))
  })
}

export default fp(errorsPlugin, { name: 'errors' })
