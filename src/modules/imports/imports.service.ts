import { sql } from 'kysely'
import type { Db, Tx } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import type { NewControlArea, NewFeature } from '../../db/schema.js'
import { Errors, type ProblemDetail, withDetails } from '../../errors.js'
import { canonicalJson, type Overlap } from '../../geo/index.js'
import type { LruCache } from '../../read/cache.js'
import * as actorsRepository from '../../store/actors.repository.js'
import type { ActorValues } from '../../store/actors.repository.js'
import { boxLiteral } from '../../store/box.js'
import * as controlRepository from '../../store/control.repository.js'
import * as datasetsRepository from '../../store/datasets.repository.js'
import * as eventsRepository from '../../store/events.repository.js'
import * as featuresRepository from '../../store/features.repository.js'
import * as importsRepository from '../../store/imports.repository.js'
import type { NewImport } from '../../store/imports.repository.js'
import * as talliesRepository from '../../store/tallies.repository.js'
import type { ImportKind, ImportNote, ImportRecord, OpenArea } from '../../store/records.js'
import { RESERVED_ACTOR_IDS, SlugSchema, TEXT_LIMITS } from '../common/schemas.js'
import { instantProblem, parseInstant } from '../common/time.js'
import { ActorResolver } from './actor-resolver.js'
import { applyOverlapPolicy, intervalsMeet } from './area-overlaps.js'
import { type ImportPlan, planImport } from './import-plan.js'
import {
  type ImportLimits,
  type ParsedCollection,
  type ParsedFeature,
  type ParseProgress,
  type CollectionKind,
  readSources,
  slugify,
  stringProperty,
} from './imports.parse.js'
import { type ImportFile, type ValidateTask, type ValidatedCollection, validateCollection } from './imports.tasks.js'
import type { AreaMapping, FeaturesQuery, HistoryQuery, Import, SnapshotQuery } from './imports.schemas.js'
import { ACTOR_PARAMETER, type Assigned } from './rules.js'
import { shifted, shiftedProblem } from './valid-from-offset.js'

export interface ImportContext {
  db: Db
  limits: ImportLimits
  /** The read model's cache, for geometries already validated (by content); none from the command line. */
  cache?: LruCache
  writer?: string
  progress?: ParseProgress
  /**
   * Where the file is read, validated and hashed: on a worker thread of the server's pool, so the
   * thread answering requests never walks a million vertices. Inline when absent (the command line).
   */
  validate?: (task: ValidateTask) => Promise<ValidatedCollection>
}

export interface ImportResult {
  import: Import
  replayed: boolean
  revision: number
  /** Areas of different actors covering the same ground at one instant, as the file gave them. */
  overlaps: { features: [number, number]; actors: [string, string]; areaKm2: number }[]
  dryRun?: true
  /** Dry run only: the problems that would refuse the import. */
  refused?: ProblemDetail[]
}

/** An area ready to store: the parsed feature with its holder resolved. */
export interface AreaDraft {
  feature: ParsedFeature
  actorId: string | null
  status: 'controlled' | 'contested'
  source: string | null
  sources: string[]
  key: string | null
  validFrom?: Date
  validTo?: Date | null
  /** Where the interval's start was read, when a rule set it. */
  validFromPath?: string
}

/**
 * A snapshot: the whole map of the dataset at `valid_from`. Areas holding there that the file does
 * not repeat are closed at `valid_from`; those it repeats (same holder, status and geometry) are
 * carried on untouched; the rest start there and run until the next known change.
 */
export async function importSnapshot(ctx: ImportContext, datasetId: string, file: ImportFile, query: SnapshotQuery): Promise<ImportResult> {
  // allow_empty says how to take the file, not what it is: it is not part of the options hashed and kept.
  const { allow_empty: allowEmpty, ...mapping } = query
  const plan = planImport(mapping, 'snapshot')
  const given = parseInstant(query.valid_from, 'start-of-day')
  if (!given) throw new Errors.INVALID_DATE(`valid_from: ${instantProblem(query.valid_from)}`)
  // The instant the map held: the one the file is stamped with, moved by valid_from_offset.
  const validFrom = shifted(given, plan.offsetMs)
  const outside = shiftedProblem(given, validFrom, query.valid_from_offset)
  if (outside)
    throw withDetails(new Errors.INVALID_DATE(`valid_from: ${outside}`), [{ path: '/query/valid_from_offset', code: 'INVALID_DATE', reason: outside }])
  await assertDatasetExists(ctx.db, datasetId)
  const options = { ...plan.options, valid_from: validFrom.toISOString() }
  const { parsed, duplicateIds, contentHash } = await parseCollection(ctx, file, 'areas', { kind: 'snapshot', options }, plan)
  const resolved = await resolveAreas(ctx.db, datasetId, parsed, mapping, false, plan)
  const { newActors } = resolved
  const overlapping = applyOverlapPolicy(resolved.drafts, plan, resolved, false)
  const drafts = overlapping.drafts
  const notes = [...parsed.notes, ...overlapping.notes]
  const refused = refusals(plan, [...parsed.errors, ...duplicateIds, ...resolved.errors, ...(overlapping.invalid ?? [])])
  refused.push(...refuseOverlaps(plan, overlapping.errors))
  if (drafts.length === 0 && !allowEmpty) {
    const empty = emptySnapshot(parsed, validFrom)
    if (!plan.dryRun) throw empty
    refused.push(...empty.details)
  }

  // Only an actor the import creates may be stored retired already (see runImport).
  const result = await runImport(ctx, datasetId, contentHash, { dryRun: plan.dryRun, unretires: newActors.length > 0 }, async (tx, now) => {
    await assertActorsStand(tx, datasetId, drafts, newActors)
    const { covering, nextStart } = await controlRepository.findSnapshotReach(tx, datasetId, validFrom)

    // Match the file's areas to those already holding: a multiset keyed by holder, status and geometry.
    const open = new Map<string, OpenArea[]>()
    for (const area of covering) {
      const key = `${area.actorId}|${area.status}|${area.geometryHash}`
      open.set(key, [...(open.get(key) ?? []), area])
    }
    const fresh: AreaDraft[] = []
    let carried = 0
    for (const draft of drafts) {
      const candidates = open.get(`${draft.actorId}|${draft.status}|${draft.feature.geometry.hash}`)
      if (candidates && candidates.length > 0) {
        candidates.shift()
        carried++
      } else fresh.push(draft)
    }
    const ended = [...open.values()].flat()
    // A closed area is superseded and re-recorded for the part of its interval outside this
    // snapshot's reach: before valid_from, and from the next known change on when a later
    // snapshot had carried it (a snapshot inserted between two others changes only its own span).
    const copy = (area: OpenArea, from: Date, to: Date | null): NewControlArea => ({
      dataset_id: datasetId,
      area_key: area.areaKey,
      actor_id: area.actorId,
      status: area.status,
      valid_from: from,
      valid_to: to,
      recorded_at: now,
      geometry_hash: area.geometryHash,
      bbox: boxLiteral(area.bbox),
      source: area.source,
      sources: JSON.stringify(area.sources),
      properties: JSON.stringify(area.properties),
      import_id: 0,
    })
    const truncated = ended.filter((area) => area.validFrom < validFrom).map((area) => copy(area, area.validFrom, validFrom))
    const resumed = nextStart
      ? ended.filter((area) => area.validTo === null || area.validTo > nextStart).map((area) => copy(area, nextStart, area.validTo))
      : []

    const counts = {
      features: parsed.read,
      skipped: parsed.skipped,
      areas: drafts.length,
      inserted: fresh.length,
      carried,
      closed: truncated.length,
      replaced: ended.length - truncated.length,
      resumed: resumed.length,
      actorsCreated: newActors.length,
    }
    const values: NewImport = {
      datasetId,
      kind: 'snapshot',
      contentHash,
      validFrom,
      options,
      counts: withSkippedBy(counts, parsed.skippedBy),
      notes,
      submittedBy: ctx.writer ?? null,
      createdAt: now,
    }
    if (plan.dryRun) return dryRecord(values)
    await actorsRepository.insertActors(tx, datasetId, newActors)
    const record = await importsRepository.insertImport(tx, values)
    await controlRepository.insertGeometries(
      tx,
      fresh.map((draft) => draft.feature.geometry),
    )
    await controlRepository.supersedeAreas(
      tx,
      ended.map((area) => area.id),
      now,
      record.id,
    )
    await controlRepository.insertAreas(tx, [
      ...[...truncated, ...resumed].map((area) => ({ ...area, import_id: record.id })),
      ...fresh.map((draft) => newArea(datasetId, draft, validFrom, nextStart, now, record.id)),
    ])
    return record
  })
  return finish(plan, refused, overlapping.overlaps, result)
}

/** A history: every feature carries its own interval; stored as given, refused where intervals of one key overlap. */
export async function importHistory(ctx: ImportContext, datasetId: string, file: ImportFile, query: HistoryQuery): Promise<ImportResult> {
  const plan = planImport(query, 'history')
  await assertDatasetExists(ctx.db, datasetId)
  const { parsed, contentHash } = await parseCollection(ctx, file, 'areas', { kind: 'history', options: plan.options }, plan)
  const resolved = await resolveAreas(ctx.db, datasetId, parsed, query, true, plan)
  const { newActors } = resolved
  const errors = [...resolved.errors, ...overlapsWithin(resolved.drafts)]
  const overlapping = applyOverlapPolicy(resolved.drafts, plan, resolved, true)
  const drafts = overlapping.drafts
  const refused = refusals(plan, [...parsed.errors, ...errors, ...(overlapping.invalid ?? [])])
  refused.push(...refuseOverlaps(plan, overlapping.errors))

  // Only an actor the import creates may be stored retired already (see runImport).
  const result = await runImport(ctx, datasetId, contentHash, { dryRun: plan.dryRun, unretires: newActors.length > 0 }, async (tx, now) => {
    const keys = [...new Set(drafts.map((draft) => draft.key).filter((key): key is string => key !== null))]
    const stored = await controlRepository.listAreasByKey(tx, datasetId, keys)
    const clashes: ProblemDetail[] = []
    for (const draft of drafts) {
      const clash = stored.find((area) => area.areaKey === draft.key && intervalsMeet(area.validFrom, area.validTo, draft.validFrom!, draft.validTo ?? null))
      if (clash) {
        clashes.push({
          index: draft.feature.index,
          path: draft.validFromPath ?? `/features/${draft.feature.index}/properties/${query.valid_from_property}`,
          code: 'OVERLAPPING_INTERVALS',
          reason: `area '${draft.key}' already holds from ${clash.validFrom.toISOString()} to ${clash.validTo?.toISOString() ?? 'open end'}, which overlaps this interval`,
        })
      }
    }
    refused.push(...refusals(plan, clashes))
    await assertActorsStand(tx, datasetId, drafts, newActors)
    const values: NewImport = {
      datasetId,
      kind: 'history',
      contentHash,
      validFrom: null,
      options: plan.options,
      counts: withSkippedBy(
        { features: parsed.read, skipped: parsed.skipped, areas: drafts.length, inserted: drafts.length, actorsCreated: newActors.length },
        parsed.skippedBy,
      ),
      notes: [...parsed.notes, ...overlapping.notes],
      submittedBy: ctx.writer ?? null,
      createdAt: now,
    }
    if (plan.dryRun) return dryRecord(values)
    await actorsRepository.insertActors(tx, datasetId, newActors)
    const record = await importsRepository.insertImport(tx, values)
    await controlRepository.insertGeometries(
      tx,
      drafts.map((draft) => draft.feature.geometry),
    )
    await controlRepository.insertAreas(
      tx,
      drafts.map((draft) => newArea(datasetId, draft, draft.validFrom!, draft.validTo ?? null, now, record.id)),
    )
    return record
  })
  return finish(plan, refused, overlapping.overlaps, result)
}

/** Reference features, upserted by id: a changed feature supersedes the stored one; an unchanged one is left alone. */
export async function importFeatures(ctx: ImportContext, datasetId: string, file: ImportFile, query: FeaturesQuery): Promise<ImportResult> {
  const plan = planImport(query, 'features')
  await assertDatasetExists(ctx.db, datasetId)
  const { parsed, contentHash } = await parseCollection(ctx, file, 'features', { kind: 'features', options: plan.options }, plan)
  const errors: ProblemDetail[] = []
  const notes: ImportNote[] = [...parsed.notes]
  const seen = new Map<string, number>()
  const drafts: Omit<NewFeature, 'recorded_at' | 'import_id'>[] = []
  for (const feature of parsed.features) {
    const path = `/features/${feature.index}`
    const given = feature.assigned ?? {}
    const id = given.id ? textOf(given.id.value) : (feature.id ?? stringProperty(feature.properties, query.id_property))
    const idPath = given.id ? given.id.path : feature.id !== null ? `${path}/id` : `${path}/properties/${query.id_property}`
    if (!id || !SlugSchema.safeParse(id).success) {
      errors.push({
        index: feature.index,
        path: id ? idPath : path,
        code: 'INVALID_FEATURE_ID',
        reason: id
          ? `id ${clip(id)} is not a slug (lower-case letters, digits, - and _, at most 64 characters)`
          : `the feature needs an id (top-level id or properties.${query.id_property})`,
      })
      continue
    }
    if (seen.has(id)) {
      errors.push({
        index: feature.index,
        path: idPath,
        code: 'DUPLICATE_FEATURE_ID',
        reason: `id '${id}' is also the id of feature ${seen.get(id)}: features ${seen.get(id)} and ${feature.index} have the same id`,
      })
      continue
    }
    seen.set(id, feature.index)
    const kind = given.kind ? textOf(given.kind.value) : (query.kind ?? stringProperty(feature.properties, query.kind_property))
    const kindPath = given.kind?.path ?? `${path}/properties/${query.kind_property}`
    const givenName = given.name ? textOf(given.name.value) : stringProperty(feature.properties, query.name_property)
    const namePath = given.name?.path ?? `${path}/properties/${query.name_property}`
    if (!kind) {
      errors.push({
        index: feature.index,
        path: kindPath,
        code: 'MISSING_KIND',
        reason: `the feature needs a kind (properties.${query.kind_property}) or the import a kind option`,
      })
      continue
    }
    const tooLong = [
      textTooLong(feature.index, kindPath, 'kind', kind, TEXT_LIMITS.kind),
      textTooLong(feature.index, namePath, 'name', givenName, TEXT_LIMITS.name),
    ].filter((problem) => problem !== undefined)
    if (tooLong.length > 0) {
      errors.push(...tooLong)
      continue
    }
    let name = givenName
    if (!name) {
      name = id
      notes.push({ index: feature.index, path: namePath, note: `no name: the id '${id}' is used` })
    }
    const { [query.kind_property]: _kind, [query.name_property]: _name, [query.owner_side_property]: ownerSideProperty, ...properties } = feature.properties
    const ownerSide = given.owner_side ? given.owner_side.value : ownerSideProperty
    const ownerSidePath = given.owner_side?.path ?? `${path}/properties/${query.owner_side_property}`
    if (ownerSide !== undefined && ownerSide !== null && ownerSide !== '' && (typeof ownerSide !== 'string' || !SlugSchema.safeParse(ownerSide).success)) {
      errors.push({
        index: feature.index,
        path: ownerSidePath,
        code: 'INVALID_OWNER_SIDE',
        reason: `owner side ${clip(String(JSON.stringify(ownerSide)))} is not a side id (a slug: lower-case letters, digits, - and _, at most 64 characters)`,
      })
      continue
    }
    drafts.push({
      dataset_id: datasetId,
      id,
      kind: kind.toLowerCase(),
      name,
      owner_side: typeof ownerSide === 'string' && ownerSide.length > 0 ? ownerSide : null,
      geometry: feature.geometry.json,
      geometry_type: feature.geometry.type,
      bbox: boxLiteral(feature.geometry.bbox),
      geometry_hash: feature.geometry.hash,
      properties: JSON.stringify(properties),
    })
  }
  const refused = refusals(plan, [...parsed.errors, ...errors])

  const result = await runImport(ctx, datasetId, contentHash, { dryRun: plan.dryRun }, async (tx, now) => {
    const current = new Map(
      (
        await featuresRepository.listCurrentFeatures(
          tx,
          datasetId,
          drafts.map((draft) => draft.id),
        )
      ).map((row) => [row.id, row]),
    )
    const changed = drafts.filter((draft) => {
      const stored = current.get(draft.id)
      return (
        !stored ||
        stored.geometryHash !== draft.geometry_hash ||
        stored.kind !== draft.kind ||
        stored.name !== draft.name ||
        stored.ownerSide !== draft.owner_side ||
        canonicalJson(stored.properties) !== canonicalJson(JSON.parse(draft.properties as string))
      )
    })
    const replaced = changed.map((draft) => current.get(draft.id)).filter((row) => row !== undefined)
    const values: NewImport = {
      datasetId,
      kind: 'features',
      contentHash,
      validFrom: null,
      options: plan.options,
      counts: withSkippedBy(
        {
          features: parsed.read,
          skipped: parsed.skipped,
          inserted: changed.length - replaced.length,
          updated: replaced.length,
          unchanged: drafts.length - changed.length,
        },
        parsed.skippedBy,
      ),
      notes,
      submittedBy: ctx.writer ?? null,
      createdAt: now,
    }
    if (plan.dryRun) return dryRecord(values)
    const record = await importsRepository.insertImport(tx, values)
    await featuresRepository.supersedeFeatures(
      tx,
      replaced.map((row) => row.rowId),
      now,
      record.id,
    )
    await featuresRepository.insertFeatures(
      tx,
      changed.map((draft) => ({ ...draft, recorded_at: now, import_id: record.id })),
    )
    return record
  })
  return finish(plan, refused, [], result)
}

export function toImport(record: ImportRecord): Import {
  const { skippedBy, ...counts } = record.counts as Record<string, number> & { skippedBy?: Record<string, number> }
  return {
    id: record.id,
    dataset: record.datasetId,
    kind: record.kind,
    validFrom: record.validFrom ? record.validFrom.toISOString() : null,
    contentHash: record.contentHash,
    counts,
    skippedBy: skippedBy ?? {},
    notes: record.notes,
    submittedBy: record.submittedBy,
    createdAt: record.createdAt.toISOString(),
    reverts: record.reverts,
    revertedBy: record.revertedBy,
  }
}

export async function getImport(db: Db, id: number): Promise<Import> {
  const record = await importsRepository.findImport(db, id)
  if (!record) throw new Errors.IMPORT_NOT_FOUND(String(id))
  return toImport(record)
}

/**
 * A page of imports, newest first, with how many there are. An import landing between two pages
 * shifts the later ones by one: the next page repeats an import rather than skipping one.
 */
export async function listImports(db: Db, filter: { datasetId?: string; limit: number; offset: number }): Promise<{ imports: Import[]; matched: number }> {
  const records = await importsRepository.listImports(db, filter)
  const matched = await importsRepository.countImports(db, filter.datasetId)
  return { imports: records.map(toImport), matched }
}

/**
 * Reverts an import: a correction (an import of kind `revert`) that supersedes exactly the rows
 * the import wrote and records again the rows it superseded, so current knowledge is as if it had
 * never landed and `known_at` before the revert answers as before. Imports undo like a stack: an
 * import that later imports of its kind may have built on (carried, closed or cut its areas;
 * repeated or replaced its features) is refused, naming them, until they are reverted first. A second revert of one import is answered with
 * the first (its content hash is the target's id), like any replayed import.
 */
export async function revertImport(ctx: ImportContext, id: number): Promise<ImportResult> {
  const target = await importsRepository.findImport(ctx.db, id)
  if (!target) throw new Errors.IMPORT_NOT_FOUND(String(id))
  if (target.kind === 'revert')
    throw new Errors.IMPORT_NOT_REVERTIBLE(`import ${id} is itself a revert (of import ${target.reverts}); import that content again instead`)
  return runImport(ctx, target.datasetId, `revert:${id}`, { dryRun: false }, async (tx, now) => {
    // Each family of rows undoes as a stack of its own: areas (snapshots, histories), features, events, tallies.
    const family: ImportKind[] = target.kind === 'snapshot' || target.kind === 'history' ? ['snapshot', 'history'] : [target.kind]
    const later = await importsRepository.listLiveImportsAfter(tx, target.datasetId, id, family)
    if (later.length > 0) {
      throw new Errors.IMPORT_NOT_REVERTIBLE(
        `import ${id} cannot be reverted while later import(s) ${later.join(', ')} build on it: revert ${later.length > 1 ? 'them' : 'it'} first (newest first)`,
      )
    }
    const record = await importsRepository.insertImport(tx, {
      datasetId: target.datasetId,
      kind: 'revert',
      contentHash: `revert:${id}`,
      validFrom: null,
      options: { reverts: id },
      counts: {},
      notes: [],
      submittedBy: ctx.writer ?? null,
      createdAt: now,
      reverts: id,
    })
    const areas = await controlRepository.revertAreas(tx, id, now, record.id)
    const features = await featuresRepository.revertFeatures(tx, id, now, record.id)
    const events = await eventsRepository.revertEvents(tx, id, now, record.id)
    const tallies = await talliesRepository.revertTallies(tx, id, now, record.id)
    await importsRepository.markReverted(tx, id, record.id)
    return importsRepository.updateImportCounts(tx, record.id, {
      areasSuperseded: areas.superseded,
      areasRestored: areas.restored,
      featuresSuperseded: features.superseded,
      featuresRestored: features.restored,
      ...(target.kind === 'events' ? { eventsSuperseded: events.superseded, eventsRestored: events.restored } : {}),
      ...(target.kind === 'tallies' ? { talliesSuperseded: tallies.superseded, talliesRestored: tallies.restored } : {}),
    })
  })
}

// ---- the steps every import shares ----

export async function assertDatasetExists(db: Db, datasetId: string): Promise<void> {
  if ((await datasetsRepository.findRevision(db, datasetId)) === undefined) throw new Errors.DATASET_NOT_FOUND(datasetId)
}

/** The file read and validated (on the pool when the context has one), with the hash of the import it makes. */
async function parseCollection(
  ctx: ImportContext,
  file: ImportFile,
  kind: CollectionKind,
  hash: ValidateTask['hash'],
  plan: ImportPlan,
): Promise<ValidatedCollection> {
  const task: ValidateTask = { file, kind, uniqueIds: hash.kind === 'snapshot', limits: ctx.limits, hash, ...(plan.rules ? { rules: plan.rules } : {}) }
  const validated = ctx.validate ? await ctx.validate(task) : validateCollection(task, ctx.cache, ctx.progress)
  const { parsed } = validated
  if (parsed.tooLarge?.what === 'features') throw new Errors.TOO_MANY_FEATURES(parsed.tooLarge.count, parsed.tooLarge.limit)
  if (parsed.tooLarge?.what === 'vertices') throw new Errors.TOO_MANY_VERTICES(`more than ${parsed.tooLarge.count - 1}`, parsed.tooLarge.limit)
  return validated
}

/**
 * The actors were matched before the dataset's lock was taken: one deleted or retired meanwhile is
 * refused here, under the lock, rather than written against.
 */
async function assertActorsStand(tx: Tx, datasetId: string, drafts: AreaDraft[], created: ActorValues[]): Promise<void> {
  const createdIds = new Set(created.map((actor) => actor.id))
  const used = [...new Set(drafts.map((draft) => draft.actorId).filter((id): id is string => id !== null && !createdIds.has(id)))]
  const standing = await actorsRepository.listStandingActorIds(tx, datasetId, used)
  const gone = used.find((id) => !standing.has(id))
  if (gone) throw new Errors.ACTOR_NOT_FOUND(gone, datasetId)
}

/** A snapshot with no area would close every area open at valid_from: refused unless asked for (allow_empty=true). */
function emptySnapshot(parsed: ParsedCollection, validFrom: Date): Error & { details: ProblemDetail[] } {
  const detail: ProblemDetail =
    parsed.read === 0
      ? { path: '/features', code: 'NO_FEATURES', reason: 'the FeatureCollection has no features' }
      : { path: '/features', code: 'NO_AREAS', reason: noAreaReason(parsed) }
  return withDetails(
    new Errors.EMPTY_SNAPSHOT(
      `The snapshot has no area (${detail.reason}): importing it would close every area open at ${validFrom.toISOString()}. ` +
        'Send allow_empty=true if an empty map is meant; nothing was written',
    ),
    [detail],
  )
}

/** Why no feature of a file is left to import: skipped by reason (a rule's, or no geometry), and how many else were refused or dropped. */
function noAreaReason(parsed: ParsedCollection): string {
  const reasons = Object.entries(parsed.skippedBy)
  if (parsed.skipped === parsed.read && reasons.every(([reason]) => reason === 'no geometry' || reason === 'empty geometry'))
    return `every one of the ${parsed.read} feature(s) has a null or empty geometry`
  const others = parsed.read - parsed.skipped
  return (
    `none of the ${parsed.read} feature(s) is left to import: ${parsed.skipped} skipped (${reasons.map(([reason, count]) => `${reason}: ${count}`).join(', ') || 'none'})` +
    (others > 0 ? `, ${others} refused or dropped` : '')
  )
}

/** A refusal when a text the import would store is longer than its limit (TEXT_LIMITS). */
function textTooLong(index: number, path: string, what: string, value: string | undefined, limit: number): ProblemDetail | undefined {
  if (value === undefined || value.length <= limit) return undefined
  return { index, path, code: 'TEXT_TOO_LONG', reason: `the ${what} has ${value.length} characters, more than the limit of ${limit}` }
}

/** A value quoted for a reason, cut to a readable length. */
function clip(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
}

function refuseIfInvalid(errors: ProblemDetail[]): void {
  if (errors.length === 0) return
  errors.sort((a, b) => (a.index ?? -1) - (b.index ?? -1))
  throw withDetails(new Errors.INVALID_IMPORT(errors.length), errors)
}

/**
 * One transaction per import, holding the dataset's row lock: imports into one dataset run one at
 * a time, and identical content found under the lock answers with the earlier import. Retired
 * actors that the rows written hold again are brought back, unless `unretires` is false: a
 * snapshot or history names standing actors (checked under the lock, assertActorsStand) and those
 * it creates, and only one it creates may be stored already, retired (insertActors leaves it so);
 * the areas a snapshot closes and re-records held their actors while current, and an actor is
 * retired only when no current area holds it.
 */
export async function runImport(
  ctx: ImportContext,
  datasetId: string,
  contentHash: string,
  { dryRun, unretires = true }: { dryRun: boolean; unretires?: boolean },
  write: (tx: Tx, now: Date) => Promise<ImportRecord>,
): Promise<ImportResult> {
  return inTransaction(ctx.db, async (tx) => {
    const dataset = await datasetsRepository.lockDataset(tx, datasetId)
    if (!dataset) throw new Errors.DATASET_NOT_FOUND(datasetId)
    const earlier = await importsRepository.findLiveImportByHash(tx, datasetId, contentHash)
    if (earlier) return { import: toImport(earlier), replayed: true, revision: dataset.revision, overlaps: [] }
    // clock_timestamp(), not now(): taken after the lock, it orders knowledge time as the imports commit.
    const { rows } = await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(tx)
    const record = await write(tx, new Date(rows[0].now))
    // A dry run's write returned before writing anything: the revision stays.
    if (dryRun) return { import: toImport(record), replayed: false, revision: dataset.revision, overlaps: [] }
    if (unretires) await actorsRepository.unretireActorsInUse(tx, datasetId)
    const revision = await datasetsRepository.bumpRevision(tx, datasetId)
    return { import: toImport(record), replayed: false, revision, overlaps: [] }
  })
}

/** The import's answer: its overlaps, and for a dry run what would have refused it. */
function finish(plan: ImportPlan, refused: ProblemDetail[], overlaps: Overlap[], done: ImportResult): ImportResult {
  const reported = overlaps.map(({ features, actors, areaKm2 }) => ({ features, actors, areaKm2: Math.round(areaKm2 * 1000) / 1000 }))
  refused.sort((a, b) => (a.index ?? -1) - (b.index ?? -1))
  return { ...done, overlaps: reported, ...(plan.dryRun ? { dryRun: true as const, refused } : {}) }
}

/** Problems that refuse the import: thrown (422 INVALID_IMPORT), or for a dry run kept to report. */
function refusals(plan: ImportPlan, problems: ProblemDetail[]): ProblemDetail[] {
  if (!plan.dryRun) refuseIfInvalid(problems)
  return plan.dryRun ? [...problems] : []
}

/** overlaps=refuse: 422 OVERLAPPING_AREAS listing each (kept to report in a dry run). */
function refuseOverlaps(plan: ImportPlan, problems: ProblemDetail[]): ProblemDetail[] {
  if (problems.length === 0) return []
  if (plan.dryRun) return problems
  throw withDetails(
    new Errors.OVERLAPPING_AREAS(
      `The import was refused: ${problems.length} overlap(s) between areas of different actors (overlaps=refuse); nothing was written. ` +
        'Correct the file, import with overlaps=keep to record both claims, or overlaps=resolve with a precedence',
    ),
    problems,
  )
}

/** The record a dry run reports: what would have been stored, under id 0. */
export function dryRecord(values: NewImport): ImportRecord {
  return { ...values, id: 0, reverts: null, revertedBy: null }
}

/**
 * The counts as stored: the skipped features by reason ride in the counts' JSON (the imports
 * table has no column of their own); toImport answers them as skippedBy.
 */
function withSkippedBy(counts: Record<string, number>, skippedBy: Record<string, number>): Record<string, number> {
  return { ...counts, skippedBy } as unknown as Record<string, number>
}

async function resolveAreas(
  db: Db,
  datasetId: string,
  parsed: ParsedCollection,
  query: AreaMapping | HistoryQuery,
  withIntervals: boolean,
  plan: ImportPlan,
): Promise<{
  drafts: AreaDraft[]
  newActors: ActorValues[]
  errors: ProblemDetail[]
  resolver: ActorResolver
  known: Set<string>
  created: ActorValues[]
}> {
  const actors = await actorsRepository.listActors(db, datasetId)
  const resolver = new ActorResolver(actors, parseAliases(query.aliases))
  const known = new Set(actors.map((actor) => actor.id))
  const created = new Map<string, ActorValues>()
  const errors: ProblemDetail[] = []
  const drafts: AreaDraft[] = []

  for (const feature of parsed.features) {
    const path = `/features/${feature.index}/properties`
    const given = feature.assigned ?? {}
    const statusValue = (given.status ? textOf(given.status.value) : stringProperty(feature.properties, query.status_property))?.toLowerCase()
    if (statusValue !== undefined && statusValue !== 'controlled' && statusValue !== 'contested') {
      errors.push({
        index: feature.index,
        path: given.status?.path ?? `${path}/${query.status_property}`,
        code: 'INVALID_STATUS',
        reason: `status must be 'controlled' or 'contested', got ${clip(statusValue)}`,
      })
      continue
    }
    const status = statusValue ?? 'controlled'
    const { name, actorPath } = actorOf(feature, given.actor, query)
    let actorId: string | null = null
    if (name === undefined) {
      if (status !== 'contested') {
        errors.push({
          index: feature.index,
          path: actorPath,
          code: 'MISSING_ACTOR',
          reason: given.actor
            ? `no actor: rule ${feature.rule} gives none (${given.actor.path}); give it one, or status 'contested'`
            : `no actor: set properties.${query.actor_property}, the actor option, or status 'contested'`,
        })
        continue
      }
    } else {
      actorId = resolver.resolve(name) ?? null
      if (actorId === null && query.unknown_actors === 'create') {
        // The actor is stored under this name: the limit of PUT /v1/datasets/{id}/actors/{actor} holds here too.
        const problem = textTooLong(feature.index, actorPath, 'actor name', name, TEXT_LIMITS.name)
        if (problem) {
          errors.push(problem)
          continue
        }
        actorId = slugify(name)
        if (RESERVED_ACTOR_IDS.includes(actorId)) {
          errors.push({
            index: feature.index,
            path: actorPath,
            code: 'RESERVED_ACTOR_ID',
            reason: `${clip(name)} would be the actor id '${actorId}', which answers use for ground no actor holds: mark such ground with status 'contested', leave it out, or map the name to another actor with aliases`,
          })
          continue
        }
        if (!known.has(actorId) && !created.has(actorId)) created.set(actorId, { id: actorId, name, aliases: [name], colour: null, side: actorId })
      } else if (actorId === null) {
        errors.push({
          index: feature.index,
          path: actorPath,
          code: 'UNKNOWN_ACTOR',
          reason: `no actor is known as ${clip(name)}: create it with PUT /v1/datasets/${datasetId}/actors/{id}, map it with aliases or a rule, or import with unknown_actors=create`,
        })
        continue
      } else if (!known.has(actorId) && !created.has(actorId)) {
        errors.push({
          index: feature.index,
          path: '/query/aliases',
          code: 'UNKNOWN_ACTOR',
          reason: `alias maps ${clip(name)} to '${actorId}', which is not an actor`,
        })
        continue
      }
    }
    const sourcePath = given.source?.path ?? `${path}/${query.source_property}`
    const cited = readSources(given.source ? given.source.value : feature.properties[query.source_property])
    if (typeof cited === 'string') {
      errors.push({ index: feature.index, path: sourcePath, code: 'INVALID_SOURCE', reason: cited })
      continue
    }
    const { source, sources } = cited
    const tooLong = [
      textTooLong(feature.index, sourcePath, 'source', source ?? undefined, TEXT_LIMITS.source),
      textTooLong(feature.index, `/features/${feature.index}/id`, 'area id', feature.id ?? undefined, TEXT_LIMITS.areaKey),
    ].filter((problem) => problem !== undefined)
    if (tooLong.length > 0) {
      errors.push(...tooLong)
      continue
    }
    const draft: AreaDraft = { feature, actorId, status, source, sources, key: feature.id }
    if (withIntervals) {
      const history = query as HistoryQuery
      const interval = readInterval(feature, history, errors, plan.offsetMs)
      if (!interval) continue
      Object.assign(draft, interval)
    }
    drafts.push(draft)
  }
  const newActors = [...created.values()]
  return { drafts, newActors, errors, resolver, known, created: newActors }
}

/** The actor named for a feature, and where: a rule's set.actor ($actor: the actor parameter), else the actor parameter, else the actor property. */
function actorOf(feature: ParsedFeature, assigned: Assigned | undefined, query: AreaMapping): { name: string | undefined; actorPath: string } {
  if (assigned) {
    if (assigned.value === ACTOR_PARAMETER) return { name: query.actor, actorPath: '/query/actor' }
    return { name: textOf(assigned.value), actorPath: assigned.path }
  }
  if (query.actor !== undefined) return { name: query.actor, actorPath: '/query/actor' }
  return { name: stringProperty(feature.properties, query.actor_property), actorPath: `/features/${feature.index}/properties/${query.actor_property}` }
}

/** A value a rule set, read as a property is: trimmed non-empty text, or a number's decimal form. */
function textOf(value: unknown): string | undefined {
  return stringProperty({ value }, 'value')
}

/**
 * The interval a history's feature gives (a rule's valid_from and valid_to before the properties),
 * each end moved by valid_from_offset: the file's stamps are its capture or publication times.
 */
function readInterval(
  feature: ParsedFeature,
  query: HistoryQuery,
  errors: ProblemDetail[],
  offsetMs: number,
): { validFrom: Date; validTo: Date | null; validFromPath?: string } | undefined {
  const path = `/features/${feature.index}/properties`
  const given = feature.assigned ?? {}
  const fromPath = given.valid_from?.path ?? `${path}/${query.valid_from_property}`
  const toPath = given.valid_to?.path ?? `${path}/${query.valid_to_property}`
  const fromText = given.valid_from ? textOf(given.valid_from.value) : stringProperty(feature.properties, query.valid_from_property)
  const toText = given.valid_to ? textOf(given.valid_to.value) : stringProperty(feature.properties, query.valid_to_property)
  const fromRead = fromText === undefined ? undefined : parseInstant(fromText, 'start-of-day')
  const toRead = toText === undefined ? null : parseInstant(toText, 'start-of-day')
  const validFrom = fromRead && shifted(fromRead, offsetMs)
  const validTo = toRead && shifted(toRead, offsetMs)
  // A date in range may leave it once moved: refused where it was read, as a date out of range is.
  for (const [read, moved, at] of [
    [fromRead, validFrom, fromPath],
    [toRead, validTo, toPath],
  ] as const) {
    const outside = read && moved ? shiftedProblem(read, moved, query.valid_from_offset) : undefined
    if (outside) {
      errors.push({ index: feature.index, path: at, code: 'INVALID_DATE', reason: outside })
      return undefined
    }
  }
  if (validFrom === undefined) {
    errors.push({
      index: feature.index,
      path: fromPath,
      code: 'INVALID_DATE',
      reason: fromText === undefined ? 'missing start of the interval' : instantProblem(fromText)!,
    })
    return undefined
  }
  if (validTo === undefined) {
    errors.push({
      index: feature.index,
      path: toPath,
      code: 'INVALID_DATE',
      reason: instantProblem(toText!)!,
    })
    return undefined
  }
  if (validTo !== null && validTo <= validFrom) {
    errors.push({
      index: feature.index,
      path: toPath,
      code: 'INVALID_INTERVAL',
      reason: `the interval ends (${validTo.toISOString()}) before or when it starts (${validFrom.toISOString()})`,
    })
    return undefined
  }
  return { validFrom, validTo, ...(given.valid_from ? { validFromPath: fromPath } : {}) }
}

/** Intervals given to one area key in the same file must not overlap: one place, one holder at a time. */
function overlapsWithin(drafts: AreaDraft[]): ProblemDetail[] {
  const byKey = new Map<string, AreaDraft[]>()
  for (const draft of drafts) if (draft.key !== null) byKey.set(draft.key, [...(byKey.get(draft.key) ?? []), draft])
  const errors: ProblemDetail[] = []
  for (const [key, group] of byKey) {
    group.sort((a, b) => a.validFrom!.getTime() - b.validFrom!.getTime())
    for (let i = 1; i < group.length; i++) {
      const previous = group[i - 1]
      if (previous.validTo === null || previous.validTo! > group[i].validFrom!) {
        errors.push({
          index: group[i].feature.index,
          path: `/features/${group[i].feature.index}`,
          code: 'OVERLAPPING_INTERVALS',
          reason: `area '${key}' is also given by feature ${previous.feature.index} for an interval that overlaps this one`,
        })
      }
    }
  }
  return errors
}

function parseAliases(aliases: string | undefined): Record<string, string> {
  if (!aliases) return {}
  return Object.fromEntries(aliases.split(',').map((pair) => pair.split(':').map((part) => part.trim()) as [string, string]))
}

function newArea(datasetId: string, draft: AreaDraft, validFrom: Date, validTo: Date | null, now: Date, importId: number): NewControlArea {
  return {
    dataset_id: datasetId,
    area_key: draft.key,
    actor_id: draft.actorId,
    status: draft.status,
    valid_from: validFrom,
    valid_to: validTo,
    recorded_at: now,
    geometry_hash: draft.feature.geometry.hash,
    bbox: boxLiteral(draft.feature.geometry.bbox),
    source: draft.source,
    sources: JSON.stringify(draft.sources),
    properties: JSON.stringify(Object.fromEntries(Object.entries(draft.feature.properties).filter(([, value]) => value !== null && value !== undefined))),
    import_id: importId,
  }
}
