import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Writer } from '../config.js'
import { Errors, withDetails, withHeaders } from '../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook of writes: a valid bearer token or 401 (429 for an address that failed too often). */
    requireWriter: (request: FastifyRequest) => Promise<void>
  }
  interface FastifyRequest {
    /** The label of the writer's token (never the token, nor a hash of it), recorded with imports. */
    writer?: string
  }
}

export interface AuthOptions {
  writers: readonly Writer[]
  /** Failed authentications an address may make within windowMs before its writes are answered 429. */
  failureLimit: number
  failureWindowMs: number
}

/**
 * Query parameters that carry credentials by some convention (OAuth's access_token, API keys): refused on every
 * request, since a URL ends up in logs, proxies and browser history, and redacted wherever a URL is logged.
 */
export const SECRET_QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  'access_token',
  'token',
  'api_token',
  'api_key',
  'apikey',
  'api-key',
  'key',
  'auth',
  'authorization',
  'bearer',
  'password',
  'secret',
])

const isSecretParameter = (name: string) => SECRET_QUERY_PARAMETERS.has(name.toLowerCase().replace(/\[\]$/, ''))

function queryNames(url: string): string[] {
  const mark = url.indexOf('?')
  if (mark < 0) return []
  return [...new URLSearchParams(url.slice(mark + 1)).keys()]
}

/** The URL with the value of every credential-like query parameter replaced, for logs. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?')
  if (mark < 0) return url
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      const raw = equals < 0 ? pair : pair.slice(0, equals)
      let name = raw
      try {
        name = decodeURIComponent(raw.replaceAll('+', ' '))
      } catch {
        // a malformed name is kept as sent: it is only compared, never decoded further
      }
      return isSecretParameter(name) ? `${raw}=[redacted]` : pair
    })
  return `${url.slice(0, mark)}?${query.join('&')}`
}

const CHALLENGE = 'Bearer realm="frontline"'
const digest = (token: string) => createHash('sha256').update(token).digest()

/** Failures per client address in a sliding window; bounded in memory however many addresses try. */
class FailureLog {
  private readonly failures = new Map<string, number[]>()
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Seconds until the address may try again, or 0 when it may now. */
  retryAfterS(address: string, now: number): number {
    const times = this.recent(address, now)
    if (times.length < this.limit) return 0
    return Math.max(1, Math.ceil((times[0] + this.windowMs - now) / 1000))
  }

  record(address: string, now: number): void {
    const times = this.recent(address, now)
    times.push(now)
    if (times.length > this.limit) times.shift()
    this.failures.delete(address)
    this.failures.set(address, times)
    if (this.failures.size > this.maxAddresses) {
      for (const [other, otherTimes] of this.failures) if (otherTimes.at(-1)! <= now - this.windowMs) this.failures.delete(other)
      // Still too many (a flood from many addresses): forget the least recently failed.
      while (this.failures.size > this.maxAddresses) this.failures.delete(this.failures.keys().next().value!)
    }
  }

  private recent(address: string, now: number): number[] {
    const times = (this.failures.get(address) ?? []).filter((time) => time > now - this.windowMs)
    if (times.length === 0) this.failures.delete(address)
    return times
  }
}

async function authPlugin(app: FastifyInstance, options: AuthOptions): Promise<void> {
  // Comparing fixed-length digests in constant time leaks neither the tokens nor their lengths.
  const allowed = options.writers.map((writer) => ({ label: writer.label, digest: digest(writer.token) }))
  const failures = new FailureLog(options.failureLimit, options.failureWindowMs)
  app.decorateRequest('writer', undefined)

  // Every request, reads included: a credential in a URL is refused before anything else looks at it.
  app.addHook('onRequest', async (request) => {
    const names = queryNames(request.url).filter(isSecretParameter)
    if (names.length === 0) return
    const details = [...new Set(names)].map((name) => ({
      path: `/query/${name}`,
      code: 'TOKEN_IN_QUERY',
      reason: 'credentials go in the Authorization header (Bearer), never in the URL',
    }))
    throw withDetails(new Errors.TOKEN_IN_QUERY(), details)
  })

  app.decorate('requireWriter', async (request: FastifyRequest) => {
    const now = Date.now()
    const retryAfter = failures.retryAfterS(request.ip, now)
    if (retryAfter > 0) throw withHeaders(new Errors.TOO_MANY_AUTH_FAILURES(retryAfter), { 'retry-after': String(retryAfter) })
    const header = request.headers.authorization
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
    // No credentials is not a guess: only a presented token that is wrong counts as a failure (RFC 6750 §3.1).
    if (!match) throw withHeaders(new Errors.AUTH_REQUIRED(), { 'www-authenticate': CHALLENGE })
    const presented = digest(match[1])
    let label: string | undefined
    for (const candidate of allowed) if (timingSafeEqual(candidate.digest, presented)) label = candidate.label
    if (label === undefined) {
      failures.record(request.ip, now)
      throw withHeaders(new Errors.INVALID_TOKEN(), { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` })
    }
    request.writer = label
  })
}

export default fp(authPlugin, { name: 'auth' })
