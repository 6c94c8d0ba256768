import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { answeredAt, openView, sendBody, sendStream } from '../../plugins/views.js'
import { tableFormat } from '../../plugins/formats.js'
import { CSV_CONTENT_TYPE, GEOJSON_CONTENT_TYPE } from '../common/media-types.js'
import { baseUrl, pageOf } from '../common/paging.js'
import { contentResponse, CsvSchema, notModifiedResponses, parseBbox, problemResponses, splitCsv } from '../common/schemas.js'
import { queryInstants } from '../common/time.js'
import { ControlMapSchema, ControlQuerySchema, PointControlSchema, PointQuerySchema } from './control.schemas.js'
import * as controlService from './control.service.js'
import { streamBatchBytes } from './control.stream.js'

function distinctSorted(list: string[] | undefined): string[] | undefined {
  return list === undefined ? undefined : [...new Set(list)].sort()
}

export default async function controlRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/control',
    {
      schema: {
        tags: ['control'],
        summary: 'The control map at a date',
        description:
          'Every area held at `at` as application/geo+json: each feature carries actor, side, status (controlled/contested), ' +
          'validFrom, validTo, areaKm2 and the ids of its sources. `bbox` keeps areas whose shape meets the box; `actor` and `side` filter holders. ' +
          'Paged with limit and offset (the default page holds a whole map); coverage and notes say why a map is empty. ' +
          'As CSV (f=csv or Accept: text/csv): a row per area without geometry.',
        querystring: ControlQuerySchema,
        response: {
          200: contentResponse('GeoJSON (RFC 7946; WGS84 [lon, lat]), or the areas without geometry as CSV', {
            'application/geo+json': ControlMapSchema,
            'text/csv': CsvSchema,
          }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const format = tableFormat(request, query.f, GEOJSON_CONTENT_TYPE)
      const { at, knownAt } = queryInstants(query)
      const view = await openView(request, reply, query.dataset, knownAt)
      if (!view) return reply
      const map = {
        at,
        bbox: query.bbox ? parseBbox(query.bbox) : undefined,
        // One list, one entry: actor=sna,hts and actor=hts,sna,hts are the same filter.
        actorIds: distinctSorted(splitCsv(query.actor)),
        sides: distinctSorted(splitCsv(query.side)),
      }
      const page = { limit: query.limit, offset: query.offset }
      const selection = [at.toISOString(), map.bbox ?? null, map.actorIds ?? null, map.sides ?? null, page]
      // A map's links are absolute (self is the URL asked): the URL and the host the client used are part of it. CSV has no links.
      const parts = [format, ...selection, format === 'json' ? `${baseUrl(request)}${request.url}` : null]
      if (format === 'csv') {
        const { view: answered, body } = await app.readModel.body(view, 'control', parts, (current) => controlService.renderControlCsv(current, map, page))
        return sendBody(request, reply, answered, body, CSV_CONTENT_TYPE)
      }
      const mapPage = { ...page, members: (matched: number, returned: number) => pageOf(request, { ...page, matched }, returned, GEOJSON_CONTENT_TYPE) }
      const streamFromBytes = app.config.STREAM_FROM_MB * 1024 * 1024
      // What is estimated is kept apart from the URL: every host and link of one selection has one size.
      const size = app.readModel.has(view, 'control', parts)
        ? undefined
        : (await app.readModel.answer(view, 'control-size', selection, (current) => controlService.estimateControlMap(current, map, page))).value
      if (size && size.pageBytes > streamFromBytes) {
        const { view: answered, value: plan } = await app.readModel.answer(view, 'control-stream', parts, (current) =>
          controlService.planControlMapStream(current, map, mapPage),
        )
        // The opened view reads outside any snapshot, as a stream must: each batch's geometries are fetched when the socket has taken the last.
        return sendStream(request, reply, answered, controlService.controlMapPieces(view, plan, streamBatchBytes(streamFromBytes)), GEOJSON_CONTENT_TYPE)
      }
      const { view: answered, body } = await app.readModel.body(view, 'control', parts, (current) =>
        // A small page of a map too large to build whole is made from its rows; otherwise the map's kept features serve every page.
        size && size.mapBytes > streamFromBytes
          ? controlService.renderControlMapPage(current, map, mapPage)
          : controlService.renderControlMapBody(current, map, mapPage),
      )
      // Already serialised once for this view (the features once for their validity interval): no response schema on the way out.
      return sendBody(request, reply, answered, body, GEOJSON_CONTENT_TYPE)
    },
  )

  routes.get(
    '/control/point',
    {
      schema: {
        tags: ['control'],
        summary: 'Who holds a point at a date, since when and until when',
        description:
          'Every area covering the point at `at`, with since/until of the uninterrupted holding; `holder` is the first of them by the rule ' +
          'the schema states, and where several cover the point `holderRule` says which step of it picked `holder`. Notes say why there is none (a date outside the data, a point outside it, lon and lat swapped) and flag a ' +
          "`since` that is the dataset's first map as a lower bound. As CSV (f=csv or Accept: text/csv): a row per holder.",
        querystring: PointQuerySchema,
        response: {
          200: contentResponse('who holds the point, or its holders as CSV', { 'application/json': PointControlSchema, 'text/csv': CsvSchema }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const format = tableFormat(request, query.f)
      const { at, knownAt } = queryInstants(query)
      const view = await openView(request, reply, query.dataset, knownAt)
      if (!view) return reply
      const point = [query.lon, query.lat]
      const { view: answered, value } = await app.readModel.answer(view, 'point', [point, at.toISOString()], (current) =>
        controlService.getPointControl(current, { point, at }),
      )
      if (format === 'csv') return reply.type(CSV_CONTENT_TYPE).send(answeredAt(request, reply, answered, controlService.pointControlCsv(value)))
      return answeredAt(request, reply, answered, value)
    },
  )
}
