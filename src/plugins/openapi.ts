import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

export const OPENAPI_INFO = {
  title: 'Frontline API',
  version: '1.0.0',
  description:
    'Dated territorial control: which armed actor holds which ground, since when, and what that means for the roads, ' +
    'bases and cities around it. Coordinates are WGS84 [lon, lat]; instants are UTC; a bare date in a query means the ' +
    'end of that day (the map published for it), in an import the start of it. Errors are RFC 9457 problem+json with a stable `code`.',
}

const SCHEMA_REF = '#/components/schemas/'

interface WithSchemas {
  components?: { schemas?: Record<string, unknown> }
}

/**
 * Keeps only the schema components the document refers to. The type provider emits every schema
 * registered with an id twice, for input (`XInput`) and for output, whether a route uses it or not.
 */
export function pruneSchemaComponents<D extends object>(document: D): D {
  const { components } = document as WithSchemas
  const schemas = components?.schemas
  if (!components || !schemas) return document
  const used = new Set<string>()
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item)
    else if (value !== null && typeof value === 'object') {
      for (const [key, member] of Object.entries(value)) {
        if (key === '$ref' && typeof member === 'string' && member.startsWith(SCHEMA_REF)) {
          const id = member.slice(SCHEMA_REF.length)
          if (!used.has(id)) {
            used.add(id)
            visit(schemas[id])
          }
        } else visit(member)
      }
    }
  }
  visit({ ...document, components: { ...components, schemas: {} } })
  const kept = Object.fromEntries(Object.entries(schemas).filter(([id]) => used.has(id)))
  return { ...document, components: { ...components, schemas: kept } }
}

async function openapiPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      tags: [
        { name: 'datasets', description: 'maps of one theatre from one source' },
        { name: 'actors', description: 'armed actors and the sides they belong to' },
        { name: 'imports', description: 'GeoJSON uploads: snapshots, histories, reference features' },
        { name: 'control', description: 'who holds what at a date' },
        { name: 'features', description: 'reference features: cities, outskirts, highways, bases' },
        { name: 'analysis', description: 'fronts, distances, route severance, territorial change' },
        { name: 'sources', description: "the reports and maps a dataset's areas cite, as records" },
        { name: 'service', description: 'health and readiness' },
        { name: 'ogc', description: 'OGC API – Features: landing page, conformance, collections of areas and reference features, items at any date' },
        { name: 'tiles', description: 'OGC API – Tiles: vector tiles (MVT) of each collection at any date, TileJSON' },
      ],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from API_TOKENS' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => pruneSchemaComponents(jsonSchemaTransformObject(document)),
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

export default fp(openapiPlugin, { name: 'openapi' })
