import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { Errors, withDetails } from '../../errors.js'
import { answeredAt, openView, sendBody } from '../../plugins/views.js'
import { tableFormat } from '../../plugins/formats.js'
import { CSV_CONTENT_TYPE, GEOJSON_CONTENT_TYPE } from '../common/media-types.js'
import { baseUrl, pageOf } from '../common/paging.js'
import { contentResponse, CsvSchema, geoJsonResponse, notModifiedResponses, parseBbox, problemResponses, splitCsv } from '../common/schemas.js'
import { parseInstant } from '../common/time.js'
import {
  EventAggregateQuerySchema,
  EventAggregatesSchema,
  EventCollectionSchema,
  EventFeatureSchema,
  EventParamsSchema,
  EventQuerySchema,
  EventsQuerySchema,
  TalliesQuerySchema,
  TalliesSchema,
} from './events.schemas.js'
import * as eventsService from './events.service.js'
import type { EventFilter } from './events.service.js'
import * as talliesService from './tallies.service.js'

/** A date parameter as a calendar day (YYYY-MM-DD, UTC): a bare date is itself, an instant its UTC day. */
function dayOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  // The schema has checked it parses.
  return parseInstant(value, 'start-of-day')!.toISOString().slice(0, 10)
}

/** Sorted and without repeats: type=a,b and type=b,a,b are one filter, one cache entry. */
function list(value: string | undefined): string[] | undefined {
  const items = splitCsv(value)
  return items === undefined ? undefined : [...new Set(items)].sort()
}

function knownAtOf(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : parseInstant(value, 'end-of-day')
}

function filterOf(query: {
  start?: string
  end?: string
  bbox?: string
  type?: string
  sub_type?: string
  actor?: string
  side?: string
  held_by?: string
  held_by_side?: string
}): EventFilter {
  const start = dayOf(query.start)
  const end = dayOf(query.end)
  // As on every other range of the service: a range that ends before it starts is a mistake, not an empty answer.
  if (start !== undefined && end !== undefined && start > end)
    throw withDetails(new Errors.INVALID_DATE(`start (${start}) is after end (${end})`), [
      { path: '/query/start', code: 'INVALID_DATE', reason: `start ${start} is after end ${end}; e.g. start=2024-11-27&end=2024-11-28` },
    ])
  return {
    start,
    end,
    bbox: query.bbox ? parseBbox(query.bbox) : undefined,
    types: list(query.type),
    subTypes: list(query.sub_type),
    actors: list(query.actor),
    sides: list(query.side),
    heldBy: list(query.held_by),
    heldBySides: list(query.held_by_side),
  }
}

const HELD_BY_RULE =
  "Each event's held_by says who held its place (the Point, or a point inside a polygon) on its date: the map in force at the end of its " +
  'date_start day (UTC), answered exactly as /v1/control/point?at=<date_start> answers: where areas overlap, controlled ground before ' +
  "contested, then the longest-standing holding, then the lowest area id; inside a single-actor map's outline, its complement actor; " +
  'contested ground says status contested (actor null); null with held_by_note where no area covers the place.'

export default async function eventsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()
  const linksBase = (request: FastifyRequest) => `${baseUrl(request)}${request.url}`

  routes.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Events, filtered, each with who held its place on its date',
        description:
          "A GeoJSON FeatureCollection of the dataset's events in date and id order, paged with limit and offset (numberMatched, links). " +
          'start/end are calendar days, inclusive: an event matches when its dates [date_start, date_end] meet them. actor and side match ' +
          'an actor named in any role; held_by and held_by_side filter by the holder of the place (contested, none). ' +
          `${HELD_BY_RULE} As CSV (f=csv or Accept: text/csv): a row per event, its point as lon and lat.`,
        querystring: EventsQuerySchema,
        response: {
          200: contentResponse('GeoJSON (RFC 7946; WGS84 [lon, lat]), or a row per event as CSV', {
            'application/geo+json': EventCollectionSchema,
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
      const view = await openView(request, reply, query.dataset, knownAtOf(query.known_at))
      if (!view) return reply
      const filter = filterOf(query)
      const page = { limit: query.limit, offset: query.offset }
      const parts = [format, filter, page, format === 'json' ? linksBase(request) : null]
      const { view: answered, body } = await app.readModel.body(view, 'events', parts, (current) =>
        format === 'csv'
          ? eventsService.renderEventsCsv(current, filter, page)
          : eventsService.renderEvents(current, filter, {
              ...page,
              members: (matched, returned) => pageOf(request, { ...page, matched }, returned, GEOJSON_CONTENT_TYPE),
            }),
      )
      return sendBody(request, reply, answered, body, format === 'csv' ? CSV_CONTENT_TYPE : GEOJSON_CONTENT_TYPE)
    },
  )

  routes.get(
    '/events/:event',
    {
      schema: {
        tags: ['events'],
        summary: 'One event, with who held its place on its date',
        description: HELD_BY_RULE,
        params: EventParamsSchema,
        querystring: EventQuerySchema,
        response: {
          200: geoJsonResponse(EventFeatureSchema, 'the event as a GeoJSON Feature (RFC 7946; WGS84 [lon, lat])'),
          ...notModifiedResponses(),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const view = await openView(request, reply, request.query.dataset, knownAtOf(request.query.known_at))
      if (!view) return reply
      const { view: answered, value } = await app.readModel.answer(view, 'event', [request.params.event], (current) =>
        eventsService.getEvent(current, request.params.event),
      )
      return answeredAt(request, reply, answered, value, GEOJSON_CONTENT_TYPE)
    },
  )

  routes.get(
    '/analysis/events',
    {
      schema: {
        tags: ['analysis', 'events'],
        summary: 'Events counted and their tolls summed, in all and by group',
        description:
          'The events /v1/events would list for the same filters, counted, with fatalities, civilian fatalities and injured summed as ranges: ' +
          'low sums the low figures (the best where an event gives no low), high likewise, best the best figures; unknown counts the events ' +
          'that give no figure. Grouped by day, actor, held_by, held_by_side, source (publisher), type or sub_type; each group lists its ' +
          'publishers. Tallies are never added in. As CSV: the total first (empty key), then a row per group.',
        querystring: EventAggregateQuerySchema,
        response: {
          200: contentResponse('the aggregates, or as CSV', { 'application/json': EventAggregatesSchema, 'text/csv': CsvSchema }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const format = tableFormat(request, query.f)
      const view = await openView(request, reply, query.dataset, knownAtOf(query.known_at))
      if (!view) return reply
      const filter = filterOf(query)
      const { view: answered, value } = await app.readModel.answer(view, 'event-aggregates', [filter, query.group_by ?? null], (current) =>
        eventsService.getEventAggregates(current, filter, query.group_by),
      )
      if (format === 'csv') return reply.type(CSV_CONTENT_TYPE).send(answeredAt(request, reply, answered, eventsService.eventAggregatesCsv(value)))
      return answeredAt(request, reply, answered, value)
    },
  )

  routes.get(
    '/tallies',
    {
      schema: {
        tags: ['events'],
        summary: 'Tallies as of a date: every source side by side, never summed',
        description:
          "Running or aggregate statements (tolls, the displaced) of the dataset, each one source's figure with its source record. By default " +
          'the latest statement of each source for each metric and scope dated by as_of; all=true lists every statement. groups says, for ' +
          'each metric and scope, which publishers state a figure: they are kept apart, never added. As CSV: a row per statement.',
        querystring: TalliesQuerySchema,
        response: {
          200: contentResponse('the statements, or as CSV', { 'application/json': TalliesSchema, 'text/csv': CsvSchema }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const format = tableFormat(request, query.f)
      const view = await openView(request, reply, query.dataset, knownAtOf(query.known_at))
      if (!view) return reply
      const filter = { metrics: list(query.metric), scope: query.scope, asOf: dayOf(query.as_of), all: query.all }
      const page = { limit: query.limit, offset: query.offset }
      if (format === 'csv') {
        const { view: answered, body } = await app.readModel.body(view, 'tallies-csv', [filter, page], (current) =>
          talliesService.getTalliesCsv(current, filter, page),
        )
        return sendBody(request, reply, answered, body, CSV_CONTENT_TYPE)
      }
      const { view: answered, value } = await app.readModel.answer(view, 'tallies', [filter, page, linksBase(request)], (current) =>
        talliesService.getTallies(current, filter, {
          ...page,
          members: (matched, returned) => pageOf(request, { ...page, matched }, returned, 'application/json'),
        }),
      )
      return answeredAt(request, reply, answered, value)
    },
  )
}
