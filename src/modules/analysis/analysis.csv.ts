// The analyses' answers as CSV: one table each, columns named as the JSON members of a row
// (`parent.child` for nested ones, `x.lon`/`x.lat` for a position, lists joined by `;`).
import { type Column, columns, toCsv } from '../common/csv.js'
import type { getAreaSeries } from './analysis.area.js'
import type { Answer, getChanges, getDistance, getDistanceSeries, getFronts, getRoute, getRouteSeries } from './analysis.service.js'

type Nearest = { nearest: { from: number[]; to: number[] } | null }

const NEAREST_COLUMNS: Column<Nearest>[] = [
  { name: 'nearest.from.lon', value: (row) => row.nearest?.from[0] },
  { name: 'nearest.from.lat', value: (row) => row.nearest?.from[1] },
  { name: 'nearest.to.lon', value: (row) => row.nearest?.to[0] },
  { name: 'nearest.to.lat', value: (row) => row.nearest?.to[1] },
]

/** One row per pair of sides: `sides,lengthKm` (the two sides joined by `;`). */
export function frontsCsv(answer: Answer<typeof getFronts>): string {
  type Row = (typeof answer.features)[number]
  const table: Column<Row>[] = [
    { name: 'sides', value: (row) => row.properties.sides },
    { name: 'lengthKm', value: (row) => row.properties.lengthKm },
  ]
  return toCsv(table, answer.features)
}

/** The distance at one date: one row. */
export function distanceCsv(answer: Answer<typeof getDistance>): string {
  type Row = typeof answer
  return toCsv([...columns<Row>('at', 'distanceKm', 'overlaps'), ...NEAREST_COLUMNS], [answer])
}

/** One row per step. */
export function distanceSeriesCsv(answer: Answer<typeof getDistanceSeries>): string {
  type Row = (typeof answer.series)[number]
  return toCsv([...columns<Row>('at', 'distanceKm', 'overlaps', 'advanceKm'), ...NEAREST_COLUMNS], answer.series)
}

/** One row per stretch, without its geometry; the holders' members as lists in holder order. */
export function routeCsv(answer: Answer<typeof getRoute>): string {
  type Row = (typeof answer.segments)[number]
  const table: Column<Row>[] = [
    ...columns<Row>('fromKm', 'toKm', 'lengthKm', 'side'),
    { name: 'holders.actor', value: (row) => row.holders.map((holder) => holder.actor ?? '') },
    { name: 'holders.side', value: (row) => row.holders.map((holder) => holder.side ?? '') },
    { name: 'holders.status', value: (row) => row.holders.map((holder) => holder.status) },
  ]
  return toCsv(table, answer.segments)
}

/** One row per state (the start and each change), km per side as `kmBySide.<side>` (0 where a side holds none of it). */
export function routeSeriesCsv(answer: Answer<typeof getRouteSeries>): string {
  type Row = (typeof answer.states)[number]
  const sides = [...new Set(answer.states.flatMap((state) => Object.keys(state.kmBySide)))].sort()
  const table: Column<Row>[] = [
    ...columns<Row>('at', 'severed'),
    ...sides.map((side) => ({ name: `kmBySide.${side}`, value: (row: Row) => row.kmBySide[side] ?? 0 })),
  ]
  return toCsv(table, answer.states)
}

interface LevelRow {
  level: 'actor' | 'side' | 'contested'
  id: string
  side: string | null
}

/** Per actor, per side and contested: `level,id,side,startKm2,endKm2,gainedKm2,lostKm2,netKm2`. */
export function changesSummaryCsv(answer: Answer<typeof getChanges>): string {
  type Figures = typeof answer.contested
  const rows: (LevelRow & Figures)[] = [
    ...answer.actors.map(({ actor, side, ...figures }) => ({ level: 'actor' as const, id: actor, side, ...figures })),
    ...answer.sides.map(({ side, ...figures }) => ({ level: 'side' as const, id: side, side, ...figures })),
    { level: 'contested', id: 'contested', side: null, ...answer.contested },
  ]
  return toCsv(columns<LevelRow & Figures>('level', 'id', 'side', 'startKm2', 'endKm2', 'gainedKm2', 'lostKm2', 'netKm2'), rows)
}

/** The from→to matrix, actors then sides: `level,from,fromSide,to,toSide,areaKm2,features`. */
export function changesTransfersCsv(answer: Answer<typeof getChanges>): string {
  type Row = { level: 'actor' | 'side'; from: string; fromSide: string | null; to: string; toSide: string | null; areaKm2: number; features: string[] }
  const rows: Row[] = [
    ...answer.transfers.map((transfer) => ({ level: 'actor' as const, ...transfer })),
    ...answer.sideTransfers.map((transfer) => ({ level: 'side' as const, fromSide: transfer.from, toSide: transfer.to, ...transfer })),
  ]
  return toCsv(columns<Row>('level', 'from', 'fromSide', 'to', 'toSide', 'areaKm2', 'features'), rows)
}

/** The reference features that changed hands, with their holders before and after. */
export function changesFeaturesCsv(answer: Answer<typeof getChanges>): string {
  type Row = (typeof answer.featuresChanged)[number]
  const holder = (end: 'from' | 'to'): Column<Row>[] =>
    (['actor', 'side', 'status'] as const).map((member) => ({ name: `${end}.${member}`, value: (row: Row) => row[end]?.[member] }))
  return toCsv([...columns<Row>('id', 'name', 'kind'), ...holder('from'), ...holder('to')], answer.featuresChanged)
}

/** Long form, one row per step and holder: `at,level,id,side,areaKm2,gainedKm2,lostKm2,netKm2`. */
export function areaSeriesCsv(answer: Answer<typeof getAreaSeries>): string {
  type Row = LevelRow & { at: string; areaKm2: number; gainedKm2: number | null; lostKm2: number | null; netKm2: number | null }
  const rows = function* (): Generator<Row> {
    for (const step of answer.series) {
      for (const { actor, side, ...figures } of step.actors) yield { at: step.at, level: 'actor', id: actor, side, ...figures }
      for (const { side, ...figures } of step.sides) yield { at: step.at, level: 'side', id: side, side, ...figures }
      yield { at: step.at, level: 'contested', id: 'contested', side: null, areaKm2: step.contestedKm2, gainedKm2: null, lostKm2: null, netKm2: null }
    }
  }
  return toCsv(columns<Row>('at', 'level', 'id', 'side', 'areaKm2', 'gainedKm2', 'lostKm2', 'netKm2'), rows())
}
