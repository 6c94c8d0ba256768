// Events joined with control: every event of a view with who held its place on its date, made
// once per view (the areas indexed once, see read/point-holders.ts), then filtered, paged,
// aggregated and rendered from that list.
import { Errors } from '../../errors.js'
import { bboxesMeet } from '../../geo/index.js'
import { requireActor, requireSide } from '../../read/areas.js'
import type { DatasetView } from '../../read/dataset-view.js'
import { placeHoldings, type PlaceHolding } from '../../read/point-holders.js'
import * as actorsRepository from '../../store/actors.repository.js'
import * as eventsRepository from '../../store/events.repository.js'
import type { Bbox, EventRecord } from '../../store/records.js'
import { type Column, toCsv } from '../common/csv.js'
import type { Note } from '../common/notes.js'
import type { EventActor, Estimate, SourceRecord } from '../common/event-records.js'
import type { z } from 'zod'
import type { EventFeatureSchema, GROUP_BY } from './events.schemas.js'

const DAY_MS = 86_400_000

export interface HeldBy {
  at: string
  actor: string | null
  side: string | null
  status: 'controlled' | 'contested'
  since: string
  sinceIsLowerBound: boolean
  areaId: number | null
  holders: number
  rule: string | null
}

/** An event with its holder and the sides of the actors it names. */
export interface JoinedEvent {
  event: EventRecord
  heldBy: HeldBy | null
  heldByNote: string | null
  /** the sides of the dataset actors the event names, in any role */
  sides: string[]
}

export interface EventFilter {
  /** calendar days, YYYY-MM-DD, both inclusive */
  start?: string
  end?: string
  bbox?: Bbox
  types?: string[]
  subTypes?: string[]
  actors?: string[]
  sides?: string[]
  heldBy?: string[]
  heldBySides?: string[]
}

/** The instant an event's place is asked for: the end of its start day (UTC), as a query reads a bare date. */
function instantOf(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - 1)
}

const HOLDER_RULE = 'controlled ground before contested, then the longest-standing holding (earliest since), then the lowest area id'

function heldByOf(holding: PlaceHolding, at: Date): HeldBy | null {
  const first = holding.holders[0]
  if (!first) return null
  const rule = holding.complement
    ? `no area covers this place; inside outline '${holding.complement.outlineFeature}' the dataset's complement actor (${first.actor}) holds it`
    : holding.holders.length > 1
      ? `${holding.holders.length} areas cover this place (${holding.holders.map((h) => h.actor ?? 'contested').join(', ')}): the holder is the first by the rule ${HOLDER_RULE}`
      : null
  return {
    at: at.toISOString(),
    actor: first.actor,
    side: first.side,
    status: first.status,
    since: first.since.toISOString(),
    sinceIsLowerBound: first.sinceIsLowerBound,
    areaId: first.areaId,
    holders: holding.complement ? 0 : holding.holders.length,
    rule,
  }
}

/** Every event of the view with its holder, in date and id order: made once per view. */
export function joinedEvents(view: DatasetView): Promise<JoinedEvent[]> {
  return view.cached('events-joined', [], async () => {
    const events = await eventsRepository.listEvents(view.db, view.datasetId, view.knownAt)
    const sideOf = new Map((await actorsRepository.listActors(view.db, view.datasetId)).map((actor) => [actor.id, actor.side]))
    const instants = events.map((event) => instantOf(event.dateStart))
    const holdings = await placeHoldings(
      view,
      events.map((event, i) => ({ point: event.point, at: instants[i] })),
    )
    const coverage = await view.coverage()
    return events.map((event, i) => {
      const heldBy = heldByOf(holdings[i], instants[i])
      const where = `[${event.point[0]}, ${event.point[1]}]`
      const heldByNote = heldBy
        ? null
        : coverage.from === null
          ? 'the dataset has no area: no holder can be said'
          : instants[i] < coverage.from
            ? `${event.dateStart} is before the dataset's first map (${coverage.from.toISOString()}): nothing is known of who held ${where} then`
            : `no area covers ${where} on ${event.dateStart}: the data maps no holder there`
      const sides = [...new Set(event.actorIds.map((id) => sideOf.get(id)).filter((side): side is string => side !== undefined))].sort()
      return { event, heldBy, heldByNote, sides }
    })
  })
}

/** Filters naming an actor or side the dataset does not have are typos, refused by name (404), as on /v1/control. */
export async function checkFilter(view: DatasetView, filter: EventFilter): Promise<void> {
  for (const actor of [...(filter.actors ?? []), ...(filter.heldBy ?? []).filter((id) => id !== 'none' && id !== 'contested')]) await requireActor(view, actor)
  for (const side of [...(filter.sides ?? []), ...(filter.heldBySides ?? []).filter((id) => id !== 'none' && id !== 'contested')]) await requireSide(view, side)
}

/** The holder key of an event for held_by: the actor id, contested, or none. */
function holderKey(joined: JoinedEvent): string {
  if (!joined.heldBy) return 'none'
  return joined.heldBy.status === 'contested' || joined.heldBy.actor === null ? 'contested' : joined.heldBy.actor
}

function holderSideKey(joined: JoinedEvent): string {
  if (!joined.heldBy) return 'none'
  return joined.heldBy.status === 'contested' || joined.heldBy.side === null ? 'contested' : joined.heldBy.side
}

export function matches(joined: JoinedEvent, filter: EventFilter): boolean {
  const { event } = joined
  if (filter.start !== undefined && event.dateEnd < filter.start) return false
  if (filter.end !== undefined && event.dateStart > filter.end) return false
  if (filter.bbox && !bboxesMeet(event.bbox, filter.bbox)) return false
  if (filter.types && (event.eventType === null || !filter.types.includes(event.eventType))) return false
  if (filter.subTypes && (event.subEventType === null || !filter.subTypes.includes(event.subEventType))) return false
  if (filter.actors && !event.actorIds.some((id) => filter.actors!.includes(id))) return false
  if (filter.sides && !joined.sides.some((side) => filter.sides!.includes(side))) return false
  if (filter.heldBy && !filter.heldBy.includes(holderKey(joined))) return false
  if (filter.heldBySides && !filter.heldBySides.includes(holderSideKey(joined))) return false
  return true
}

export async function listMatching(view: DatasetView, filter: EventFilter): Promise<JoinedEvent[]> {
  await checkFilter(view, filter)
  return (await joinedEvents(view)).filter((joined) => matches(joined, filter))
}

export type EventFeature = z.infer<typeof EventFeatureSchema>

function featureOf(joined: JoinedEvent): EventFeature {
  const { id: _id, ...record } = joined.event.record
  return {
    type: 'Feature' as const,
    id: joined.event.id,
    geometry: joined.event.geometry,
    properties: { ...record, held_by: joined.heldBy, held_by_note: joined.heldByNote },
  } as EventFeature
}

export interface EventPage {
  limit: number
  offset: number
  members: (matched: number, returned: number) => object
}

function listNotes(view: DatasetView, all: JoinedEvent[], matched: JoinedEvent[]): Note[] {
  if (all.length === 0) return [{ code: 'NO_EVENTS', message: `dataset '${view.datasetId}' has no events${view.knownAt ? ' as known then' : ''}: import some` }]
  if (matched.length === 0) return [{ code: 'NO_EVENTS', message: 'no event matches the filters' }]
  return []
}

/** The events matching the filter as a GeoJSON FeatureCollection, text made once per view and request. */
export async function renderEvents(view: DatasetView, filter: EventFilter, page: EventPage): Promise<string> {
  const matched = await listMatching(view, filter)
  const shown = matched.slice(page.offset, page.offset + page.limit)
  return JSON.stringify({
    type: 'FeatureCollection',
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    ...page.members(matched.length, shown.length),
    notes: listNotes(view, await joinedEvents(view), matched),
    features: shown.map(featureOf),
  })
}

const estimateColumns = (name: string, read: (record: Record<string, unknown>) => Estimate | null | undefined): Column<JoinedEvent>[] =>
  (['low', 'best', 'high'] as const).map((part) => ({ name: `${name}_${part}`, value: (joined) => read(joined.event.record)?.[part] ?? null }))

const EVENT_COLUMNS: Column<JoinedEvent>[] = [
  { name: 'id', value: (joined) => joined.event.id },
  { name: 'date_start', value: (joined) => joined.event.dateStart },
  { name: 'date_end', value: (joined) => joined.event.dateEnd },
  { name: 'date_precision', value: (joined) => joined.event.record.date_precision },
  { name: 'event_type', value: (joined) => joined.event.eventType },
  { name: 'sub_event_type', value: (joined) => joined.event.subEventType },
  { name: 'violence_type', value: (joined) => joined.event.record.violence_type },
  { name: 'actors', value: (joined) => (joined.event.record.actors as EventActor[]).map((actor) => actor.actor ?? actor.name) },
  { name: 'actor_roles', value: (joined) => (joined.event.record.actors as EventActor[]).map((actor) => `${actor.role}:${actor.attribution}`) },
  { name: 'location', value: (joined) => (joined.event.record.location as { name: string | null } | undefined)?.name ?? null },
  { name: 'lon', value: (joined) => joined.event.point[0] },
  { name: 'lat', value: (joined) => joined.event.point[1] },
  { name: 'geo_precision', value: (joined) => joined.event.record.geo_precision },
  ...estimateColumns('fatalities', (record) => record.fatalities as Estimate),
  ...estimateColumns('civilian_fatalities', (record) => record.civilian_fatalities as Estimate | null),
  ...estimateColumns('injured', (record) => record.injured as Estimate | null),
  { name: 'source_count', value: (joined) => joined.event.record.source_count },
  { name: 'publishers', value: (joined) => publishersOf(joined) },
  { name: 'held_by_actor', value: (joined) => joined.heldBy?.actor ?? null },
  { name: 'held_by_side', value: (joined) => joined.heldBy?.side ?? null },
  { name: 'held_by_status', value: (joined) => joined.heldBy?.status ?? null },
  { name: 'held_by_since', value: (joined) => joined.heldBy?.since ?? null },
  { name: 'held_by_note', value: (joined) => joined.heldByNote ?? joined.heldBy?.rule ?? null },
  { name: 'notes', value: (joined) => joined.event.record.notes },
]

export async function renderEventsCsv(view: DatasetView, filter: EventFilter, page: { limit: number; offset: number }): Promise<string> {
  const matched = await listMatching(view, filter)
  return toCsv(EVENT_COLUMNS, matched.slice(page.offset, page.offset + page.limit))
}

/** One event by id, as its feature; EVENT_NOT_FOUND when the view has none. */
export async function getEvent(view: DatasetView, id: string) {
  const joined = (await joinedEvents(view)).find((item) => item.event.id === id)
  if (!joined) throw new Errors.EVENT_NOT_FOUND(id, view.datasetId)
  return featureOf(joined)
}

// ---- aggregates ----

export interface EstimateSum {
  low: number
  best: number
  high: number
  unknown: number
}

export interface Aggregate {
  events: number
  fatalities: EstimateSum
  civilian_fatalities: EstimateSum
  injured: EstimateSum
  sources: string[]
}

const emptySum = (): EstimateSum => ({ low: 0, best: 0, high: 0, unknown: 0 })

/** Adds one event's figure: low sums the low (the best where it gives no low), high likewise; best sums the best alone. */
function addEstimate(sum: EstimateSum, estimate: Estimate | null | undefined): void {
  if (!estimate || (estimate.low === null && estimate.best === null && estimate.high === null)) {
    sum.unknown++
    return
  }
  const low = estimate.low ?? estimate.best
  const high = estimate.high ?? estimate.best
  if (low !== null) sum.low += low
  if (estimate.best !== null) sum.best += estimate.best
  if (high !== null) sum.high += high
}

function publishersOf(joined: JoinedEvent): string[] {
  return [...new Set((joined.event.record.sources as SourceRecord[]).map((source) => source.publisher))].sort()
}

function aggregate(events: JoinedEvent[]): Aggregate {
  const total: Aggregate = { events: 0, fatalities: emptySum(), civilian_fatalities: emptySum(), injured: emptySum(), sources: [] }
  const publishers = new Set<string>()
  for (const joined of events) {
    const record = joined.event.record
    total.events++
    addEstimate(total.fatalities, record.fatalities as Estimate)
    addEstimate(total.civilian_fatalities, record.civilian_fatalities as Estimate | null)
    addEstimate(total.injured, record.injured as Estimate | null)
    for (const publisher of publishersOf(joined)) publishers.add(publisher)
  }
  total.sources = [...publishers].sort()
  return total
}

type GroupBy = (typeof GROUP_BY)[number]

function groupKeys(joined: JoinedEvent, by: GroupBy): string[] {
  const { event } = joined
  switch (by) {
    case 'day':
      return [event.dateStart]
    case 'actor': {
      const keys = (event.record.actors as EventActor[]).map((actor) => actor.actor ?? actor.name)
      return keys.length > 0 ? [...new Set(keys)] : ['(none)']
    }
    case 'held_by':
      return [holderKey(joined)]
    case 'held_by_side':
      return [holderSideKey(joined)]
    case 'source': {
      const keys = publishersOf(joined)
      return keys.length > 0 ? keys : ['(none)']
    }
    case 'type':
      return [event.eventType ?? '(none)']
    case 'sub_type':
      return [event.subEventType ?? '(none)']
  }
}

export interface EventAggregates {
  dataset: string
  revision: number
  knownAt: string | null
  notes: Note[]
  group_by: GroupBy | null
  total: Aggregate
  groups: (Aggregate & { key: string })[]
}

/** Counts and summed tolls of the matching events, in all and per group (keys in ascending order). Never mixed with tallies. */
export async function getEventAggregates(view: DatasetView, filter: EventFilter, groupBy: GroupBy | undefined): Promise<EventAggregates> {
  const matched = await listMatching(view, filter)
  const groups = new Map<string, JoinedEvent[]>()
  if (groupBy)
    for (const joined of matched)
      for (const key of groupKeys(joined, groupBy)) {
        const members = groups.get(key)
        if (members) members.push(joined)
        else groups.set(key, [joined])
      }
  const notes = listNotes(view, await joinedEvents(view), matched)
  if (groupBy === 'actor' || groupBy === 'source')
    notes.push({
      code: 'GROUPS_OVERLAP',
      message: `an event naming several ${groupBy === 'actor' ? 'actors' : 'publishers'} counts in each of their groups: the groups do not add up to the total`,
    })
  return {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    notes,
    group_by: groupBy ?? null,
    total: aggregate(matched),
    groups: [...groups.keys()].sort().map((key) => ({ key, ...aggregate(groups.get(key)!) })),
  }
}

const sumColumns = (name: 'fatalities' | 'civilian_fatalities' | 'injured'): Column<Aggregate & { key: string | null }>[] =>
  (['low', 'best', 'high', 'unknown'] as const).map((part) => ({ name: `${name}_${part}`, value: (row) => row[name][part] }))

const AGGREGATE_COLUMNS: Column<Aggregate & { key: string | null }>[] = [
  { name: 'key', value: (row) => row.key },
  { name: 'events', value: (row) => row.events },
  ...sumColumns('fatalities'),
  ...sumColumns('civilian_fatalities'),
  ...sumColumns('injured'),
  { name: 'sources', value: (row) => row.sources },
]

/** The aggregates as CSV: the total first, with an empty key, then a row per group. */
export function eventAggregatesCsv(answer: EventAggregates): string {
  return toCsv(AGGREGATE_COLUMNS, [{ key: null, ...answer.total }, ...answer.groups])
}
