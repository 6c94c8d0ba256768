import type { FastifyInstance } from 'fastify'

export default async function analysisRoutes(_app: FastifyInstance): Promise<void> {}
