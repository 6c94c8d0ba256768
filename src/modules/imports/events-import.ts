// Event and tally imports: a file read by its reader (Frontline GeoJSON, ACLED CSV, UCDP GED CSV,
// Frontline tally GeoJSON or CSV) into drafts, actor names resolved to the dataset's ids, and the
// drafts stored by id in one transaction: a new id is inserted, a changed one supersedes the row it
// corrects (knowledge time), an unchanged one is left alone. Same content again is a replay.
import { isUtf8 } from 'node:buffer'
import { createHash } from 'node:crypto'
import type { Geometry, Position } from 'geojson'
import type { NewEvent, NewTally } from '../../db/schema.js'
import { Errors, type ProblemDetail, withDetails } from '../../errors.js'
import { bboxOf, canonicalJson, pointInShape } from '../../geo/index.js'
import { parseJsonBody } from '../../json-body.js'
import * as actorsRepository from '../../store/actors.repository.js'
import { boxLiteral } from '../../store/box.js'
import type { NewImport } from '../../store/imports.repository.js'
import * as importsRepository from '../../store/imports.repository.js'
import type { Bbox, ImportNote } from '../../store/records.js'
import * as recordVersions from '../../store/record-versions.js'
import type { RecordTable } from '../../store/record-versions.js'
import { ActorResolver } from './actor-resolver.js'
import { type ImportContext, type ImportResult, assertDatasetExists, dryRecord, runImport } from './imports.service.js'
import { readAcledCsv } from './sources/acled.js'
import type { EventDraft, ReadResult, TallyDraft } from '../common/event-records.js'
import { readEventsGeojson } from './sources/events-geojson.js'
import { readTalliesCsv, readTalliesGeojson } from './sources/tallies.js'
import { readUcdpCsv } from './sources/ucdp.js'

/** An event or tally file as received: its bytes, and whether they are CSV text or JSON. */
export interface EventFile {
  bytes: Uint8Array
  csv: boolean
}

export type EventFormat = 'geojson' | 'acled' | 'ucdp'
export type TallyFormat = 'geojson' | 'frontline'

export interface EventsImportQuery {
  format?: EventFormat
  dry_run: boolean
  aliases?: string
}

export interface TalliesImportQuery {
  format?: TallyFormat
  dry_run: boolean
}

const CSV_EVENT_FORMATS: readonly EventFormat[] = ['acled', 'ucdp']

/** The format a file is read in: the one named, else GeoJSON for JSON; CSV must name its layout. A mismatch is refused (415). */
function formatOf<F extends string>(file: EventFile, given: F | undefined, csvFormats: readonly F[], what: string): F {
  if (given === undefined) {
    if (!file.csv) return 'geojson' as F
    throw withDetails(new Errors.INVALID_REQUEST(`a CSV body needs format=${csvFormats.join(' or ')}: the layout of its columns`), [
      { path: '/query/format', code: 'INVALID_REQUEST', reason: `required with Content-Type text/csv: ${csvFormats.join(' or ')}` },
    ])
  }
  const wantsCsv = csvFormats.includes(given)
  if (wantsCsv !== file.csv)
    throw new Errors.UNSUPPORTED_MEDIA_TYPE(
      file.csv ? `text/csv with format=${given} (send ${what} GeoJSON as application/geo+json)` : `JSON with format=${given} (send it as text/csv)`,
    )
  return given
}

function csvText(bytes: Uint8Array): string {
  if (!isUtf8(bytes))
    throw withDetails(new Errors.INVALID_TEXT('The CSV body is not UTF-8 text'), [{ path: '/body', code: 'INVALID_TEXT', reason: 'not valid UTF-8' }])
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  if (text.includes('\u0000'))
    throw withDetails(new Errors.INVALID_TEXT('The CSV body contains U+0000 (NUL), which PostgreSQL text cannot hold'), [
      { path: '/body', code: 'INVALID_TEXT', reason: 'contains U+0000' },
    ])
  return text
}

/** The import's name by content: its kind, its options and the bytes of the file. */
function contentHashOf(kind: string, options: object, bytes: Uint8Array): string {
  return createHash('sha256').update(kind).update('\n').update(canonicalJson(options)).update('\n').update(bytes).digest('hex')
}

function readProblems<T>(read: ReadResult<T>, dryRun: boolean): { drafts: T[]; skipped: number; refused: ProblemDetail[] } {
  if (read.ok) return { drafts: read.drafts, skipped: read.skipped, refused: [] }
  if (!dryRun) throw withDetails(new Errors.INVALID_EVENT_IMPORT(read.problems.length), read.problems)
  return { drafts: [], skipped: 0, refused: read.problems }
}

function parseAliases(aliases: string | undefined): Record<string, string> {
  if (!aliases) return {}
  return Object.fromEntries(aliases.split(',').map((pair) => pair.split(':').map((part) => part.trim()) as [string, string]))
}

/**
 * The place an event is joined with control at: a Point's position; for a polygon the centre of
 * its box when that lies in it, else the first vertex of its outer ring (on its boundary, which
 * counts as inside). [lon, lat], WGS84.
 */
export function representativePoint(geometry: Geometry): Position {
  if (geometry.type === 'Point') return geometry.coordinates
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') throw new TypeError(`events are points or polygons, not ${geometry.type}`)
  const [minLon, minLat, maxLon, maxLat] = bboxOf(geometry)
  const centre = [(minLon + maxLon) / 2, (minLat + maxLat) / 2]
  if (pointInShape(centre, geometry)) return centre
  return geometry.type === 'Polygon' ? geometry.coordinates[0][0] : geometry.coordinates[0][0][0]
}

/** An event as stored and answered: every member of the draft but the geometry, actors resolved. */
export type EventRecordJson = Omit<EventDraft, 'geometry'>

/** Events, upserted by id (see the file's head). Names resolve by id, name, alias and `aliases`; unknown ones stay names (a note), never refused. */
export async function importEvents(ctx: ImportContext, datasetId: string, file: EventFile, query: EventsImportQuery): Promise<ImportResult> {
  const format = formatOf(file, query.format, CSV_EVENT_FORMATS, 'event')
  await assertDatasetExists(ctx.db, datasetId)
  const options = { format, ...(query.aliases ? { aliases: query.aliases } : {}) }
  const read =
    format === 'geojson'
      ? readEventsGeojson(parseJsonBody(file.bytes))
      : format === 'acled'
        ? readAcledCsv(csvText(file.bytes))
        : readUcdpCsv(csvText(file.bytes))
  // The readers refuse repeated ids; each draft is one feature of a GeoJSON file (in order), or one row of a CSV file.
  const { drafts, skipped, refused } = readProblems(read, query.dry_run)
  if (drafts.length > ctx.limits.maxFeatures) throw new Errors.TOO_MANY_FEATURES(drafts.length, ctx.limits.maxFeatures)

  const actors = await actorsRepository.listActors(ctx.db, datasetId)
  const known = new Set(actors.map((actor) => actor.id))
  const resolver = new ActorResolver(actors, parseAliases(query.aliases))
  const resolveName = (name: string | null | undefined): string | null => {
    if (!name) return null
    const id = resolver.resolve(name)
    return id !== undefined && known.has(id) ? id : null
  }
  const notes: ImportNote[] = []
  let unresolved = 0
  const rows = drafts.map((draft, index): Omit<NewEvent, 'recorded_at' | 'import_id'> => {
    const resolvedActors = draft.actors.map((actor, a) => {
      const id = (actor.actor && known.has(actor.actor) ? actor.actor : null) ?? resolveName(actor.actor) ?? resolveName(actor.name)
      if (id === null) {
        unresolved++
        const note = `no actor of the dataset is known as ${JSON.stringify(actor.actor ?? actor.name)}: kept by name (actor null); map it with aliases=name:actor`
        // A GeoJSON feature is found by its position; a CSV row by the event's id (blank rows are not events).
        notes.push(format === 'geojson' ? { index, path: `/features/${index}/properties/actors/${a}`, note } : { note: `event ${draft.id}: ${note}` })
      }
      return { ...actor, name: actor.name || actor.actor || '', actor: id }
    })
    const byParty = draft.fatalities_by_party
      ? Object.fromEntries(Object.entries(draft.fatalities_by_party).map(([party, estimate]) => [resolveName(party) ?? party, estimate]))
      : null
    const { geometry, ...rest } = draft
    const record: EventRecordJson = { ...rest, actors: resolvedActors, fatalities_by_party: byParty }
    const point = representativePoint(geometry)
    const bbox = bboxOf(geometry) as Bbox
    return {
      dataset_id: datasetId,
      id: draft.id,
      date_start: draft.date_start,
      date_end: draft.date_end,
      event_type: draft.event_type,
      sub_event_type: draft.sub_event_type,
      actor_ids: JSON.stringify([...new Set(resolvedActors.map((actor) => actor.actor).filter((id): id is string => id !== null))].sort()),
      geometry: JSON.stringify(geometry),
      bbox: boxLiteral(bbox),
      lon: point[0],
      lat: point[1],
      record: JSON.stringify(record),
      content_hash: createHash('sha256').update(canonicalJson({ record, geometry })).digest('hex'),
    }
  })

  return storeRecords(ctx, datasetId, 'events', query.dry_run, {
    contentHash: contentHashOf('events', options, file.bytes),
    options,
    rows,
    counts: { events: rows.length, skipped },
    after: { unresolvedActors: unresolved },
    notes,
    refused,
  })
}

/** A tally as stored and answered: every member of the draft but the scope's geometry. */
export type TallyRecordJson = Omit<TallyDraft, 'scope'> & { scope: Omit<TallyDraft['scope'], 'geometry'> }

/** Tallies, upserted by id as events are. Each is one statement of one source: never merged, never summed. */
export async function importTallies(ctx: ImportContext, datasetId: string, file: EventFile, query: TalliesImportQuery): Promise<ImportResult> {
  const format = formatOf(file, query.format, ['frontline'] as const, 'tally')
  await assertDatasetExists(ctx.db, datasetId)
  const options = { format }
  const read = format === 'geojson' ? readTalliesGeojson(parseJsonBody(file.bytes)) : readTalliesCsv(csvText(file.bytes))
  const { drafts, skipped, refused } = readProblems(read, query.dry_run)
  if (drafts.length > ctx.limits.maxFeatures) throw new Errors.TOO_MANY_FEATURES(drafts.length, ctx.limits.maxFeatures)
  const rows = drafts.map((draft): Omit<NewTally, 'recorded_at' | 'import_id'> => {
    const { geometry, ...scope } = draft.scope
    const record: TallyRecordJson = { ...draft, scope }
    return {
      dataset_id: datasetId,
      id: draft.id,
      as_of: draft.as_of,
      metric: draft.metric,
      scope_name: draft.scope.name,
      scope_feature: draft.scope.feature,
      publisher: draft.source.publisher,
      geometry: geometry ? JSON.stringify(geometry) : null,
      record: JSON.stringify(record),
      content_hash: createHash('sha256').update(canonicalJson({ record, geometry })).digest('hex'),
    }
  })
  return storeRecords(ctx, datasetId, 'tallies', query.dry_run, {
    contentHash: contentHashOf('tallies', options, file.bytes),
    options,
    rows,
    counts: { tallies: rows.length, skipped },
    after: {},
    notes: [],
    refused,
  })
}

/** What an event or tally import stores: its rows (one per record) and what its record says. */
interface RecordsImport {
  contentHash: string
  options: Record<string, string>
  rows: { id: string; content_hash: string }[]
  /** counts before the inserted / updated / unchanged ones, and after them */
  counts: Record<string, number>
  after: Record<string, number>
  notes: ImportNote[]
  refused: ProblemDetail[]
}

/**
 * Stores records by id in one transaction (see the file's head): each row compared with the current
 * version of its id by content hash; the changed ones supersede it, the new ones are inserted.
 */
async function storeRecords(ctx: ImportContext, datasetId: string, kind: RecordTable, dryRun: boolean, input: RecordsImport): Promise<ImportResult> {
  const { rows } = input
  const result = await runImport(ctx, datasetId, input.contentHash, { dryRun }, async (tx, now) => {
    const current = await recordVersions.listCurrentHashes(
      tx,
      kind,
      datasetId,
      rows.map((row) => row.id),
    )
    const changed = rows.filter((row) => current.get(row.id)?.contentHash !== row.content_hash)
    const replaced = changed.map((row) => current.get(row.id)).filter((stored) => stored !== undefined)
    const values: NewImport = {
      datasetId,
      kind,
      contentHash: input.contentHash,
      validFrom: null,
      options: input.options,
      counts: {
        ...input.counts,
        inserted: changed.length - replaced.length,
        updated: replaced.length,
        unchanged: rows.length - changed.length,
        ...input.after,
      },
      notes: input.notes,
      submittedBy: ctx.writer ?? null,
      createdAt: now,
    }
    if (dryRun) return dryRecord(values)
    const record = await importsRepository.insertImport(tx, values)
    await recordVersions.supersedeRows(
      tx,
      kind,
      replaced.map((stored) => stored.rowId),
      now,
      record.id,
    )
    await recordVersions.insertRows(
      tx,
      kind,
      changed.map((row) => ({ ...row, recorded_at: now, import_id: record.id })),
    )
    return record
  })
  return { ...result, ...(dryRun ? { dryRun: true as const, refused: input.refused } : {}) }
}
