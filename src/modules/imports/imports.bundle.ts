import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { Db } from '../../db/database.js'
import * as actorsRepository from '../../store/actors.repository.js'
import * as datasetsRepository from '../../store/datasets.repository.js'
import * as sourcesRepository from '../../store/sources.repository.js'
import { SlugSchema, TEXT_LIMITS } from '../common/schemas.js'
import { FeaturesQuerySchema, SnapshotQuerySchema } from './imports.schemas.js'
import { type ImportContext, importFeatures, importSnapshot } from './imports.service.js'
import { importEvents, importTallies } from './events-import.js'

/**
 * A source of the manifest, as PUT /v1/datasets/{id}/sources/{source} takes it (used_for is its
 * usedFor); other members are kept as the record's properties.
 */
export const BundleSourceSchema = z
  .object({
    id: SlugSchema,
    title: z.string().trim().min(1).max(TEXT_LIMITS.name),
    publisher: z.string().trim().min(1).max(TEXT_LIMITS.name).nullable().default(null),
    url: z
      .url({ protocol: /^https?$/ })
      .max(TEXT_LIMITS.source)
      .nullable()
      .default(null),
    date: z.iso.date().nullable().default(null),
    used_for: z.string().trim().min(1).max(TEXT_LIMITS.source).nullable().default(null),
  })
  .passthrough()
  .transform(({ id, title, publisher, url, date, used_for: usedFor, ...properties }) => ({ id, title, publisher, url, date, usedFor, properties }))
export type BundleSource = z.infer<typeof BundleSourceSchema>

/** The manifest of a bundled dataset folder (data/<id>/manifest.json). */
export const ManifestSchema = z
  .object({
    id: SlugSchema,
    name: z.string().min(1).max(TEXT_LIMITS.name),
    description: z.string().default(''),
    licence: z.string().nullable().default(null),
    sourceUrl: z.string().url().nullable().default(null),
    actors: z.string().optional(),
    features: z.string().optional(),
    events: z.string().optional(),
    tallies: z.string().optional(),
    sources: z.array(BundleSourceSchema).default([]),
    snapshots: z.array(z.object({ validFrom: z.string(), file: z.string() }).passthrough()).default([]),
  })
  .passthrough()

/** An actor of the bundle's actors file: the dataset's own actors. */
export const BundleActorSchema = z.object({
  id: SlugSchema,
  name: z.string().min(1).max(TEXT_LIMITS.name),
  aliases: z.array(z.string().min(1).max(TEXT_LIMITS.name)).max(TEXT_LIMITS.aliases).default([]),
  colour: z.string().nullable().default(null),
  side: SlugSchema.optional(),
})

/** The dataset property that says a bundle's load is under way (or was cut short), since when. */
const LOADING = 'bundleLoadStartedAt'

export const DEFAULT_DATASET_DIR = new URL('../../../data/aleppo-2024/', import.meta.url).pathname

export interface BundleReport {
  dataset: string
  actors: number
  sources: number
  imports: { file: string; id: number; replayed: boolean }[]
}

/**
 * Loads a dataset folder through the same import code a user calls over HTTP: dataset, actors, sources,
 * reference features, then the snapshots in date order. Re-loading is a no-op (content hashes).
 */
export async function loadBundle(ctx: ImportContext, dir: string, log: (line: string) => void = () => {}): Promise<BundleReport> {
  const readJson = (file: string): unknown => JSON.parse(readFileSync(join(dir, file), 'utf8'))
  const manifest = ManifestSchema.parse(readJson('manifest.json'))
  // The sources become the dataset's records, not free properties: areas cite them by id.
  const { id, name, description, licence, sourceUrl, actors, features, events, tallies, sources, snapshots, ...rest } = manifest
  const values = { name, description, licence, sourceUrl, properties: { ...rest, snapshots } }
  // Marked as loading from its first write until its last: a load cut short (the process killed)
  // is found marked at the next start and resumed, each import it had landed being a replay.
  await datasetsRepository.upsertDataset(ctx.db, id, { ...values, properties: { ...values.properties, [LOADING]: new Date().toISOString() } })
  const report: BundleReport = { dataset: id, actors: 0, sources: sources.length, imports: [] }
  if (actors) {
    const list = z.array(BundleActorSchema).parse(readJson(actors))
    await ctx.db.transaction().execute(async (tx) => {
      for (const actor of list) await actorsRepository.upsertActor(tx, id, { ...actor, side: actor.side ?? actor.id })
      await datasetsRepository.bumpRevision(tx, id)
    })
    report.actors = list.length
    log(`${id}: ${list.length} actors`)
  }
  if (sources.length > 0) {
    await ctx.db.transaction().execute(async (tx) => {
      for (const source of sources) await sourcesRepository.upsertSource(tx, id, source)
      await datasetsRepository.bumpRevision(tx, id)
    })
    log(`${id}: ${sources.length} sources`)
  }
  if (features) {
    const result = await importFeatures(ctx, id, { bytes: readFileSync(join(dir, features)) }, FeaturesQuerySchema.parse({}))
    report.imports.push({ file: features, id: result.import.id, replayed: result.replayed })
    log(`${id}: features ${features} → import ${result.import.id}${result.replayed ? ' (already loaded)' : ''}`)
  }
  for (const snapshot of [...snapshots].sort((a, b) => a.validFrom.localeCompare(b.validFrom))) {
    const result = await importSnapshot(
      ctx,
      id,
      { bytes: readFileSync(join(dir, snapshot.file)) },
      SnapshotQuerySchema.parse({ valid_from: snapshot.validFrom }),
    )
    report.imports.push({ file: snapshot.file, id: result.import.id, replayed: result.replayed })
    log(
      `${id}: snapshot ${snapshot.validFrom} → import ${result.import.id}${result.replayed ? ' (already loaded)' : ''}, ${JSON.stringify(result.import.counts)}`,
    )
  }
  // Events and tallies after the maps: their answers say who held each place then.
  for (const [file, load] of [
    [events, importEvents],
    [tallies, importTallies],
  ] as const) {
    if (!file) continue
    // A manifest may name a file still being written beside it: the load goes on without it, and says so.
    if (!existsSync(join(dir, file))) {
      log(`${id}: ${file} is named in the manifest but absent: not loaded`)
      continue
    }
    const result = await load(ctx, id, { bytes: readFileSync(join(dir, file)), csv: false }, { dry_run: false })
    report.imports.push({ file, id: result.import.id, replayed: result.replayed })
    log(`${id}: ${file} → import ${result.import.id}${result.replayed ? ' (already loaded)' : ''}, ${JSON.stringify(result.import.counts)}`)
  }
  await datasetsRepository.upsertDataset(ctx.db, id, values)
  return report
}

/**
 * Whether the bundle in `dir` has to be loaded: its dataset is missing, or a load of it began and
 * never finished. A dataset loaded to the end is left as it is, whatever was done to it since.
 */
export async function bundleNeedsLoading(db: Db, dir: string): Promise<boolean> {
  const manifest = ManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')))
  const dataset = await datasetsRepository.findDataset(db, manifest.id)
  return dataset === undefined || dataset.properties[LOADING] !== undefined
}
