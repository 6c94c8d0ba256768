// Tallies: as-of statements of one source each (a running toll, a count of the displaced). Listed
// side by side, every source kept; never summed with each other or with events.
import type { DatasetView } from '../../read/dataset-view.js'
import * as talliesRepository from '../../store/tallies.repository.js'
import type { TallyRecord } from '../../store/records.js'
import { type Column, toCsv } from '../common/csv.js'
import type { Note } from '../common/notes.js'
import type { z } from 'zod'
import type { pageOf } from '../common/paging.js'
import type { Estimate, SourceRecord } from '../common/event-records.js'
import type { TalliesSchema, TallySchema } from './events.schemas.js'

export interface TallyFilter {
  metrics?: string[]
  /** a scope name (case-insensitive) or reference feature id */
  scope?: string
  /** YYYY-MM-DD: statements dated by then */
  asOf?: string
  all: boolean
}

function allTallies(view: DatasetView): Promise<TallyRecord[]> {
  return view.cached('tallies', [], () => talliesRepository.listTallies(view.db, view.datasetId, view.knownAt))
}

type TallyJson = z.infer<typeof TallySchema>

function tallyJson(tally: TallyRecord): TallyJson {
  const record = tally.record as Record<string, unknown> & { scope: Record<string, unknown> }
  return { ...record, id: tally.id, scope: { ...record.scope, geometry: tally.geometry } } as TallyJson
}

/**
 * The statements the filter asks for: dated by `asOf`, of these metrics and this scope; by default
 * only the latest of each source for each metric and scope (all of that date where it gave several).
 */
async function selectTallies(view: DatasetView, filter: TallyFilter): Promise<TallyRecord[]> {
  const scope = filter.scope?.toLowerCase()
  const kept = (await allTallies(view)).filter(
    (tally) =>
      (filter.asOf === undefined || tally.asOf <= filter.asOf) &&
      (filter.metrics === undefined || filter.metrics.includes(tally.metric)) &&
      (scope === undefined || tally.scopeName.toLowerCase() === scope || tally.scopeFeature === filter.scope),
  )
  if (filter.all) return kept
  const key = (tally: TallyRecord) => `${tally.publisher.toLowerCase()}|${tally.metric}|${tally.scopeName.toLowerCase()}`
  const latest = new Map<string, string>()
  for (const tally of kept) if ((latest.get(key(tally)) ?? '') < tally.asOf) latest.set(key(tally), tally.asOf)
  return kept.filter((tally) => latest.get(key(tally)) === tally.asOf)
}

export interface TalliesPage {
  limit: number
  offset: number
  members: (matched: number, returned: number) => ReturnType<typeof pageOf>
}

export async function getTallies(view: DatasetView, filter: TallyFilter, page: TalliesPage): Promise<z.infer<typeof TalliesSchema>> {
  const selected = await selectTallies(view, filter)
  const shown = selected.slice(page.offset, page.offset + page.limit)
  const groups = new Map<string, { metric: string; scope: string; publishers: Set<string>; statements: number }>()
  for (const tally of selected) {
    const key = `${tally.metric}|${tally.scopeName.toLowerCase()}`
    const group = groups.get(key) ?? { metric: tally.metric, scope: tally.scopeName, publishers: new Set<string>(), statements: 0 }
    group.publishers.add(tally.publisher)
    group.statements++
    groups.set(key, group)
  }
  const notes: Note[] = []
  if ((await allTallies(view)).length === 0) notes.push({ code: 'NO_TALLIES', message: `dataset '${view.datasetId}' has no tallies: import some` })
  else if (selected.length === 0) notes.push({ code: 'NO_TALLIES', message: 'no tally matches the filters' })
  return {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    notes,
    asOf: filter.asOf ?? null,
    all: filter.all,
    ...page.members(selected.length, shown.length),
    tallies: shown.map(tallyJson),
    groups: [...groups.values()].map((group) => ({ ...group, publishers: [...group.publishers].sort() })),
  }
}

const valueOf = (tally: TallyRecord) => tally.record.value as Estimate
const sourceOf = (tally: TallyRecord) => tally.record.source as SourceRecord
const periodOf = (tally: TallyRecord) => tally.record.period as { start: string | null; end: string | null } | null

const TALLY_COLUMNS: Column<TallyRecord>[] = [
  { name: 'id', value: (tally) => tally.id },
  { name: 'as_of', value: (tally) => tally.asOf },
  { name: 'period_start', value: (tally) => periodOf(tally)?.start ?? null },
  { name: 'period_end', value: (tally) => periodOf(tally)?.end ?? null },
  { name: 'scope', value: (tally) => tally.scopeName },
  { name: 'scope_feature', value: (tally) => tally.scopeFeature },
  { name: 'metric', value: (tally) => tally.metric },
  { name: 'unit', value: (tally) => tally.record.unit },
  { name: 'low', value: (tally) => valueOf(tally).low },
  { name: 'best', value: (tally) => valueOf(tally).best },
  { name: 'high', value: (tally) => valueOf(tally).high },
  { name: 'breakdown', value: (tally) => tally.record.breakdown },
  { name: 'publisher', value: (tally) => tally.publisher },
  { name: 'source_title', value: (tally) => sourceOf(tally).title },
  { name: 'source_url', value: (tally) => sourceOf(tally).url },
  { name: 'source_date', value: (tally) => sourceOf(tally).date },
  { name: 'reported', value: (tally) => sourceOf(tally).reported },
  { name: 'label', value: (tally) => sourceOf(tally).label },
  { name: 'method', value: (tally) => tally.record.method },
  { name: 'notes', value: (tally) => tally.record.notes },
]

export async function getTalliesCsv(view: DatasetView, filter: TallyFilter, page: { limit: number; offset: number }): Promise<string> {
  const selected = await selectTallies(view, filter)
  return toCsv(TALLY_COLUMNS, selected.slice(page.offset, page.offset + page.limit))
}
