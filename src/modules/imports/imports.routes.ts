import type { FastifyInstance, FastifyRequest } from 'fastify'
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { Errors } from '../../errors.js'
import { toCsv } from '../common/csv.js'
import { tableFormat } from '../../plugins/formats.js'
import { CSV_CONTENT_TYPE } from '../common/media-types.js'
import { pageOf } from '../common/paging.js'
import { contentResponse, CsvSchema, DatasetParamSchema, ImportBodySchema, problemResponses, RowIdParamSchema } from '../common/schemas.js'
import * as eventsImport from './events-import.js'
import type { EventFile } from './events-import.js'
import {
  EventsImportQuerySchema,
  FeaturesQuerySchema,
  IMPORT_COLUMNS,
  IMPORT_COUNT_NAMES,
  HistoryQuerySchema,
  ImportListQuerySchema,
  ImportListSchema,
  ImportResultSchema,
  ImportSchema,
  SnapshotQuerySchema,
  TalliesImportQuerySchema,
} from './imports.schemas.js'
import { WRITER } from '../../work/pool.js'
import * as importsService from './imports.service.js'
import type { ImportContext, ImportResult } from './imports.service.js'
import type { ImportFile, ValidateTask, ValidatedCollection } from './imports.tasks.js'

const IdParams = z.object({ id: DatasetParamSchema })
const importResponses = { 200: ImportResultSchema, 201: ImportResultSchema, ...problemResponses(400, 401, 404, 413, 415, 422, 429) }

export default async function importsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()
  const context = (request: FastifyRequest): ImportContext => ({
    db: app.db,
    writer: request.writer,
    // Geometry validation runs on the worker pool: the thread that answers /health never walks the vertices.
    validate: (task) => validateOnPool(task),
    limits: {
      maxFeatures: app.config.MAX_FEATURES_PER_IMPORT,
      maxVerticesPerImport: app.config.MAX_VERTICES_PER_IMPORT,
      maxVerticesPerFeature: app.config.MAX_VERTICES_PER_FEATURE,
    },
  })
  // The file's validation (the rules' regular expressions included) has a budget: past it the worker is terminated and
  // the import refused, so no file or pattern holds the writers' thread for good. It counts the wait for the thread too.
  const budgetMs = importValidationBudgetMs(app.config.SOCKET_TIMEOUT_MS)
  const validateOnPool = async (task: ValidateTask) => {
    try {
      return await app.work.run<ValidatedCollection>('validate', task, { client: WRITER, budgetMs })
    } catch (error) {
      if ((error as { overrun?: string }).overrun !== 'budget') throw error
      throw Object.assign(error as Error, {
        message:
          `The import's validation took longer than ${budgetMs} ms and was abandoned; nothing was written. ` +
          "A rule's regular expression may be too slow on the file's text, or the file too large for one import: split it, or simplify the rules",
      })
    }
  }
  const answer = (result: ImportResult) => {
    // A dry run wrote nothing: no revision to announce, and 200 as for a replay.
    if (!result.replayed && !result.dryRun) app.readModel.revised(result.import.dataset, result.revision)
    return { status: (result.replayed || result.dryRun ? 200 : 201) as 200 | 201, body: result }
  }
  const common = { tags: ['imports'], security: [{ bearer: [] }], params: IdParams, body: ImportBodySchema, response: importResponses }
  // The file stays bytes on this thread: the worker parses it by the body parser's rules (plugins/body.ts) and
  // validates it feature by feature, so its schema here documents the body without walking it.
  const onWorker = {
    config: { jsonOnWorker: true },
    validatorCompiler: (route: { httpPart?: string }) =>
      route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as Parameters<typeof validatorCompiler>[0]),
  }
  const fileOf = (request: FastifyRequest): ImportFile => ({ bytes: request.body as Uint8Array })
  // Refuse other media types before the body is parsed or validated (Fastify reads text/plain too).
  const jsonOnly = async (request: FastifyRequest) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (type !== 'application/json' && type !== 'application/geo+json') throw new Errors.UNSUPPORTED_MEDIA_TYPE(type || '(none)')
  }

  routes.post(
    '/datasets/:id/snapshots',
    {
      ...onWorker,
      onRequest: [app.requireWriter, jsonOnly],
      schema: {
        ...common,
        summary: 'Import a snapshot: the whole map of the dataset at valid_from',
        description:
          'Areas holding at valid_from that the file does not repeat are closed there; repeated ones (same actor, status and geometry) are carried on ' +
          'without new rows. One transaction: all of it lands or none. Re-sending the same content answers 200 with the earlier import. ' +
          'A file with no area (no features, or only null or empty geometries) would close the whole map: it is refused with 422 ' +
          'EMPTY_SNAPSHOT unless allow_empty=true. Feature ids must be unique within the file (422 DUPLICATE_FEATURE_ID names both features). ' +
          'A rules document (rules) or a profile says what each feature is; dry_run=true answers 200 with the report and writes nothing; ' +
          'overlaps between actors are reported (overlaps=keep), refused or resolved by precedence.',
        querystring: SnapshotQuerySchema,
      },
    },
    async (request, reply) => {
      const { status, body } = answer(await importsService.importSnapshot(context(request), request.params.id, fileOf(request), request.query))
      return reply.status(status).send(body)
    },
  )

  // Event and tally files may be CSV (ACLED, UCDP GED, Frontline tallies): read as bytes here, decoded by the import.
  app.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
  const eventFileOf = (request: FastifyRequest): EventFile => ({
    bytes: request.body as Uint8Array,
    csv: (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'text/csv',
  })
  const jsonOrCsv = async (request: FastifyRequest) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (type !== 'application/json' && type !== 'application/geo+json' && type !== 'text/csv')
      throw new Errors.UNSUPPORTED_MEDIA_TYPE(`${type || '(none)'} (or text/csv with format=acled|ucdp for events, format=frontline for tallies)`)
  }
  const eventsBody = z.any().describe('Frontline event GeoJSON (application/geo+json), or an ACLED or UCDP GED CSV export (text/csv, with format)')

  routes.post(
    '/datasets/:id/events',
    {
      ...onWorker,
      onRequest: [app.requireWriter, jsonOrCsv],
      schema: {
        ...common,
        body: eventsBody,
        summary: 'Import events: Frontline GeoJSON, or ACLED / UCDP GED CSV in their own column layouts',
        description:
          'One transaction: all of it lands or none; a file with any problem is refused with 400 INVALID_EVENT_IMPORT listing every ' +
          'problem by row and column (/rows/3/fatalities) or feature and member (/features/2/properties/date). Events are upserted by ' +
          'id: a new id is inserted, a changed one supersedes the stored one (known_at before the import answers as before), an unchanged ' +
          'one is left alone. Actor names resolve to the dataset actor ids by id, name, alias and the aliases option; a name that matches ' +
          'none is kept by name (actor null) with a note. The same content again answers 200 with the earlier import; revert it with ' +
          'POST /v1/imports/{id}/revert. dry_run=true answers the report and writes nothing.',
        querystring: EventsImportQuerySchema,
      },
    },
    async (request, reply) => {
      const { status, body } = answer(await eventsImport.importEvents(context(request), request.params.id, eventFileOf(request), request.query))
      return reply.status(status).send(body)
    },
  )

  routes.post(
    '/datasets/:id/tallies',
    {
      ...onWorker,
      onRequest: [app.requireWriter, jsonOrCsv],
      schema: {
        ...common,
        body: eventsBody.describe(
          'Frontline tally GeoJSON (application/geo+json), or CSV with columns named after the tally members (text/csv, format=frontline)',
        ),
        summary: 'Import tallies: as-of statements of one source each (tolls, the displaced)',
        description:
          'As events are imported: atomic, upserted by id (a correction supersedes), replayed when the same content comes again, revertible, ' +
          'refused with 400 INVALID_EVENT_IMPORT listing every problem. Each tally is one statement of one source: two sources giving a toll are two tallies.',
        querystring: TalliesImportQuerySchema,
      },
    },
    async (request, reply) => {
      const { status, body } = answer(await eventsImport.importTallies(context(request), request.params.id, eventFileOf(request), request.query))
      return reply.status(status).send(body)
    },
  )

  routes.post(
    '/datasets/:id/history',
    {
      ...onWorker,
      onRequest: [app.requireWriter, jsonOnly],
      schema: {
        ...common,
        summary: 'Import a history: features carrying their own valid_from / valid_to',
        querystring: HistoryQuerySchema,
      },
    },
    async (request, reply) => {
      const { status, body } = answer(await importsService.importHistory(context(request), request.params.id, fileOf(request), request.query))
      return reply.status(status).send(body)
    },
  )

  routes.post(
    '/datasets/:id/features',
    {
      ...onWorker,
      onRequest: [app.requireWriter, jsonOnly],
      schema: {
        ...common,
        summary: 'Import reference features (upserted by id)',
        description: 'Each feature needs an id (top-level or properties.id), a kind and a name; highways may carry owner_side for severance.',
        querystring: FeaturesQuerySchema,
      },
    },
    async (request, reply) => {
      const { status, body } = answer(await importsService.importFeatures(context(request), request.params.id, fileOf(request), request.query))
      return reply.status(status).send(body)
    },
  )

  routes.get(
    '/imports',
    {
      schema: {
        tags: ['imports'],
        summary: 'Accepted imports, newest first',
        description:
          'Paged by limit and offset (numberMatched counts them all). As CSV for Accept: text/csv or f=csv: every member but the notes, ' +
          `and a counts.<name> column for each count an import reports (${IMPORT_COUNT_NAMES.join(', ')}), empty where its kind has none.`,
        querystring: ImportListQuerySchema,
        response: {
          200: contentResponse('a page of imports (as CSV for Accept: text/csv or f=csv)', { 'application/json': ImportListSchema, 'text/csv': CsvSchema }),
          ...problemResponses(400, 406),
        },
      },
    },
    async (request, reply) => {
      const { dataset, limit, offset, f } = request.query
      const format = tableFormat(request, f)
      const { imports, matched } = await importsService.listImports(app.db, { datasetId: dataset, limit, offset })
      if (format === 'csv') return reply.type(CSV_CONTENT_TYPE).send(toCsv(IMPORT_COLUMNS, imports))
      return { imports, ...pageOf(request, { limit, offset, matched }, imports.length, 'application/json') }
    },
  )

  routes.post(
    '/imports/:id/revert',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['imports'],
        summary: 'Revert an import: supersede exactly what it wrote',
        description:
          'Writes a correction (an import of kind revert) that supersedes the rows the import wrote and records again the rows it ' +
          'superseded: current knowledge is as if it had never landed, and known_at before the revert answers as before. Imports ' +
          'undo newest first: 409 IMPORT_NOT_REVERTIBLE names later imports that build on this one. A second revert answers 200 with ' +
          'the first; sending the reverted file again afterwards imports it anew.',
        security: [{ bearer: [] }],
        params: z.object({ id: RowIdParamSchema.describe('import id') }),
        response: { 200: ImportResultSchema, 201: ImportResultSchema, ...problemResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { status, body } = answer(await importsService.revertImport(context(request), request.params.id))
      return reply.status(status).send(body)
    },
  )

  routes.get(
    '/imports/:id',
    {
      schema: {
        tags: ['imports'],
        summary: 'One import',
        params: z.object({ id: RowIdParamSchema.describe('import id') }),
        response: { 200: ImportSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => importsService.getImport(app.db, request.params.id),
  )
}

/**
 * How long one import's file may take to validate, waiting for the writers' thread included: under
 * the socket's idle timeout (the answer must reach the client), 120 s when sockets never time out.
 */
export function importValidationBudgetMs(socketTimeoutMs: number): number {
  return socketTimeoutMs === 0 ? 120_000 : Math.max(10_000, socketTimeoutMs - 5_000)
}
