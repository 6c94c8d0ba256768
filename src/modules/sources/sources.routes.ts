import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { answeredAt, notModified } from '../../plugins/views.js'
import { toCsv } from '../common/csv.js'
import { tableFormat } from '../../plugins/formats.js'
import { CSV_CONTENT_TYPE } from '../common/media-types.js'
import { pageOf } from '../common/paging.js'
import { contentResponse, CsvSchema, notModifiedResponses, problemResponses } from '../common/schemas.js'
import {
  DatasetSourcesParamsSchema,
  SOURCE_COLUMNS,
  SourceDeletedSchema,
  SourceInputSchema,
  SourceListQuerySchema,
  SourceListSchema,
  SourceParamsSchema,
  SourceReadParamsSchema,
  SourceSchema,
} from './sources.schemas.js'
import * as sourcesService from './sources.service.js'

export default async function sourcesRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/datasets/:id/sources',
    {
      schema: {
        tags: ['sources'],
        summary: "A dataset's sources: its records, and every id its areas cite",
        description:
          'Each source record (title, publisher, url, date, what it was used for), and each id that areas of current knowledge cite ' +
          'without a record, listed with registered: false and null members, so nothing cited is hidden; citingAreas counts the areas ' +
          'citing each. By id, paged by limit and offset; as CSV (every member but properties) for Accept: text/csv or f=csv.',
        params: DatasetSourcesParamsSchema,
        querystring: SourceListQuerySchema,
        response: {
          200: contentResponse('a page of sources (as CSV for Accept: text/csv or f=csv)', { 'application/json': SourceListSchema, 'text/csv': CsvSchema }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { limit, offset, f } = request.query
      const format = tableFormat(request, f)
      const view = await app.readModel.open(request.params.id)
      if (notModified(request, reply, view)) return reply
      const page = { limit, offset }
      const { view: answered, value } = await app.readModel.answer(view, 'sources', [page], (current) => sourcesService.listSources(current, page))
      if (format === 'csv') return reply.type(CSV_CONTENT_TYPE).send(answeredAt(request, reply, answered, toCsv(SOURCE_COLUMNS, value.sources)))
      // The links are the request's own (its host, its parameters): made for each request, not kept with the page.
      return answeredAt(request, reply, answered, {
        dataset: answered.datasetId,
        revision: answered.revision,
        sources: value.sources,
        ...pageOf(request, { ...page, matched: value.matched }, value.sources.length, 'application/json'),
      })
    },
  )

  routes.get(
    '/datasets/:id/sources/:source',
    {
      schema: {
        tags: ['sources'],
        summary: "One of a dataset's sources",
        description: 'A record, or an id areas cite without one (registered: false); 404 SOURCE_NOT_FOUND when it is neither.',
        params: SourceReadParamsSchema,
        response: { 200: SourceSchema, ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const view = await app.readModel.open(request.params.id)
      if (notModified(request, reply, view)) return reply
      const { view: answered, value } = await app.readModel.answer(view, 'source', [request.params.source], (current) =>
        sourcesService.getSource(current, request.params.source),
      )
      return answeredAt(request, reply, answered, value)
    },
  )

  routes.put(
    '/datasets/:id/sources/:source',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['sources'],
        summary: "Create or replace one of a dataset's sources",
        description: 'The whole record is replaced: members left out take their defaults (null, or {} for properties). Areas cite it by its id.',
        security: [{ bearer: [] }],
        params: SourceParamsSchema,
        body: SourceInputSchema,
        response: { 200: SourceSchema, 201: SourceSchema, ...problemResponses(400, 401, 404, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { source, created, revision } = await sourcesService.putSource(app.db, request.params.id, request.params.source, request.body)
      app.readModel.revised(request.params.id, revision)
      return reply.status(created ? 201 : 200).send(source)
    },
  )

  routes.delete(
    '/datasets/:id/sources/:source',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['sources'],
        summary: "Delete one of a dataset's source records",
        description: 'Areas that cite the id keep citing it: the list shows it on, as registered: false. 404 SOURCE_NOT_FOUND when there is no record.',
        security: [{ bearer: [] }],
        params: SourceParamsSchema,
        response: { 200: SourceDeletedSchema, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const { citingAreas, revision } = await sourcesService.deleteSource(app.db, request.params.id, request.params.source)
      app.readModel.revised(request.params.id, revision)
      return { dataset: request.params.id, source: request.params.source, citingAreas, revision }
    },
  )
}
