import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { answeredAt, notModified, sendBody } from '../../plugins/views.js'
import { toCsv } from '../common/csv.js'
import { tableFormat } from '../../plugins/formats.js'
import { CSV_CONTENT_TYPE } from '../common/media-types.js'
import { baseUrl, pageOf } from '../common/paging.js'
import { contentResponse, CsvSchema, DatasetParamSchema, notModifiedResponses, problemResponses } from '../common/schemas.js'
import { parseInstant } from '../common/time.js'
import {
  DATASET_COLUMNS,
  DatasetDeletedSchema,
  DatasetDetailSchema,
  DatasetInputSchema,
  DatasetListQuerySchema,
  DatasetListSchema,
  DatasetSchema,
  TIMELINE_COLUMNS,
  TimelineQuerySchema,
  TimelineSchema,
} from './datasets.schemas.js'
import * as datasetsService from './datasets.service.js'

const IdParams = z.object({ id: DatasetParamSchema })

export default async function datasetsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/datasets',
    {
      schema: {
        tags: ['datasets'],
        summary: 'List datasets',
        description: 'In id order, paged by limit and offset; as CSV (every member but properties) for Accept: text/csv or f=csv.',
        querystring: DatasetListQuerySchema,
        response: {
          200: contentResponse('a page of datasets (as CSV for Accept: text/csv or f=csv)', { 'application/json': DatasetListSchema, 'text/csv': CsvSchema }),
          ...problemResponses(400, 406),
        },
      },
    },
    async (request, reply) => {
      const { limit, offset, f } = request.query
      const format = tableFormat(request, f)
      const { datasets, matched } = await datasetsService.listDatasets(app.db, { limit, offset })
      if (format === 'csv') return reply.type(CSV_CONTENT_TYPE).send(toCsv(DATASET_COLUMNS, datasets))
      return { datasets, ...pageOf(request, { limit, offset, matched }, datasets.length, 'application/json') }
    },
  )

  routes.get(
    '/datasets/:id',
    {
      schema: {
        tags: ['datasets'],
        summary: 'One dataset, with what its areas cover',
        params: IdParams,
        response: { 200: DatasetDetailSchema, ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const view = await app.readModel.open(request.params.id)
      if (notModified(request, reply, view)) return reply
      const { view: answered, value } = await app.readModel.answer(view, 'dataset', [], datasetsService.getDataset)
      return answeredAt(request, reply, answered, value)
    },
  )

  routes.put(
    '/datasets/:id',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['datasets'],
        summary: 'Create or update a dataset',
        description:
          'A full replace: a member the body leaves out takes its default (description empty; licence, sourceUrl, outlineFeature and ' +
          'complementActor null; properties {}), so an update that leaves out the outline clears it. To change one member, GET the dataset and PUT it back changed.',
        security: [{ bearer: [] }],
        params: IdParams,
        body: DatasetInputSchema,
        response: { 200: DatasetSchema, 201: DatasetSchema, ...problemResponses(400, 401, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const { dataset, created } = await datasetsService.putDataset(app.db, request.params.id, request.body)
      app.readModel.revised(dataset.id, dataset.revision)
      return reply.status(created ? 201 : 200).send(dataset)
    },
  )

  routes.delete(
    '/datasets/:id',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['datasets'],
        summary: 'Delete a dataset and everything of it',
        description: 'Its areas, reference features, imports and actors, in one transaction; geometries no other dataset uses go with them.',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: DatasetDeletedSchema, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const answer = await datasetsService.deleteDataset(app.db, request.params.id)
      app.readModel.revised(request.params.id, -1)
      return answer
    },
  )

  routes.get(
    '/datasets/:id/timeline',
    {
      schema: {
        tags: ['datasets'],
        summary: 'The instants at which the map changed, for date pickers',
        description: 'Paged by limit and offset (the default page holds years of daily maps); as CSV, one instant a row, for Accept: text/csv or f=csv.',
        params: IdParams,
        querystring: TimelineQuerySchema,
        response: {
          200: contentResponse('a page of the timeline (as CSV for Accept: text/csv or f=csv)', { 'application/json': TimelineSchema, 'text/csv': CsvSchema }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { known_at, limit, offset, f } = request.query
      const format = tableFormat(request, f)
      const knownAt = known_at ? parseInstant(known_at, 'end-of-day') : undefined
      const view = await app.readModel.open(request.params.id, knownAt)
      if (notModified(request, reply, view)) return reply
      if (format === 'csv') {
        const { view: answered, body } = await app.readModel.body(view, 'timeline-csv', [limit, offset], async (current) =>
          toCsv(TIMELINE_COLUMNS, (await datasetsService.getTimeline(current, { limit, offset })).instants),
        )
        return sendBody(request, reply, answered, body, CSV_CONTENT_TYPE)
      }
      // The links are absolute: the scheme and host the client used are part of the bytes.
      const { view: answered, value } = await app.readModel.answer(view, 'timeline', [baseUrl(request), request.url], async (current) => {
        const timeline = await datasetsService.getTimeline(current, { limit, offset })
        return { ...timeline, ...pageOf(request, { limit, offset, matched: timeline.numberMatched }, timeline.instants.length, 'application/json') }
      })
      return answeredAt(request, reply, answered, value)
    },
  )
}
