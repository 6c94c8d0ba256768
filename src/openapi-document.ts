import type { FastifyInstance } from 'fastify'

/** The OpenAPI document as committed in openapi/openapi.json: stable key order, trailing newline. */
export async function openapiDocument(app: FastifyInstance): Promise<string> {
  await app.ready()
  return `${JSON.stringify(app.swagger(), null, 2)}\n`
}
