// OGC API – Features at the service root: landing page, conformance, API definition, collections and their items.
import type { FastifyInstance } from 'fastify'
import ogcItemsRoutes from './ogc.items.js'
import ogcRoutes from './ogc.routes.js'

export default async function ogcFace(app: FastifyInstance): Promise<void> {
  await app.register(ogcRoutes)
  await app.register(ogcItemsRoutes)
}
