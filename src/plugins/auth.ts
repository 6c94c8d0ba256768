import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Errors } from '../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler for writes: a valid bearer token or 401. */
    requireWriter: (request: FastifyRequest) => Promise<void>
  }
  interface FastifyRequest {
    /** A short fingerprint of the writer's token (never the token itself), recorded with imports. */
    writer?: string
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest()

async function authPlugin(app: FastifyInstance, options: { tokens: readonly string[] }): Promise<void> {
  // Comparing fixed-length digests in constant time leaks neither the tokens nor their lengths.
  const allowed = options.tokens.map(digest)
  app.decorateRequest('writer', undefined)
  app.decorate('requireWriter', async (request: FastifyRequest) => {
    const header = request.headers.authorization
    if (!header) throw new Errors.AUTH_REQUIRED()
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match) throw new Errors.AUTH_REQUIRED()
    const presented = digest(match[1])
    let ok = false
    for (const candidate of allowed) ok = timingSafeEqual(candidate, presented) || ok
    if (!ok) throw new Errors.INVALID_TOKEN()
    request.writer = presented.toString('hex').slice(0, 12)
  })
}

export default fp(authPlugin, { name: 'auth' })
