// Who held many places at many instants, answered together: the join of events with control.
// Every area of the view, of any time, is indexed once per view (flatbush over the boxes of its
// distinct shapes); each place is then found in its few candidate shapes by the exact point test
// /v1/control/point uses, and its holders ordered by the same rule. No query per place.
import Flatbush from 'flatbush'
import type { Position } from 'geojson'
import { pointInShape } from '../geo/index.js'
import { type PointShape, pointInPointShape, preparePointShape } from '../geo/point-shape-index.js'
import type { AreaMeta, Bbox } from '../store/records.js'
import { complementSetting, mapsAnyArea } from './areas.js'
import type { Coverage, DatasetView } from './dataset-view.js'

/** A holder of a place at an instant, as /v1/control/point lists it. */
export interface PlaceHolder {
  actor: string | null
  side: string | null
  status: 'controlled' | 'contested'
  /** the start of the uninterrupted holding by this actor with this status */
  since: Date
  /** `since` is the dataset's first map: the holding may be older than the data */
  sinceIsLowerBound: boolean
  until: Date | null
  /** the area row; null for the complement actor (no row stands behind it) */
  areaId: number | null
  /** the valid time of that row; null for the complement actor */
  validFrom: Date | null
  validTo: Date | null
  sources: string[]
}

export interface PlaceHolding {
  /** every holder at the instant, in the order of the holder rule (the first is the holder) */
  holders: PlaceHolder[]
  /** set when no area covers the place and the dataset's complement actor holds it (inside its outline) */
  complement: { outlineFeature: string } | null
}

interface HistoryIndex {
  /** distinct shapes of every area of any time, by hash, with the rows that use each */
  shapes: { hash: string; rows: AreaMeta[] }[]
  index: Flatbush | null
}

/**
 * Every area of the view, of any time, indexed by the boxes of its distinct shapes: built once per
 * view from the rows alone (no geometry is read for it). The shapes a place needs are read, and
 * prepared for point tests, by hash when it is asked (see `pointShapes`), and shared by every view.
 */
function historyIndex(view: DatasetView): Promise<HistoryIndex> {
  return view.cached('area-history-index', [], async () => {
    const rows = await view.areaRows()
    const byHash = new Map<string, { bbox: Bbox; rows: AreaMeta[] }>()
    for (const { bbox, ...row } of rows) {
      const entry = byHash.get(row.geometryHash)
      if (entry) entry.rows.push(row)
      else byHash.set(row.geometryHash, { bbox, rows: [row] })
    }
    if (byHash.size === 0) return { shapes: [], index: null }
    const index = new Flatbush(byHash.size)
    for (const { bbox } of byHash.values()) index.add(bbox[0], bbox[1], bbox[2], bbox[3])
    index.finish()
    return { shapes: [...byHash].map(([hash, entry]) => ({ hash, rows: entry.rows })), index }
  })
}

/** The shapes of these hashes prepared for point tests, kept by hash (a hash names one geometry forever). */
async function pointShapes(view: DatasetView, hashes: Iterable<string>): Promise<Map<string, PointShape>> {
  const prepared = new Map<string, PointShape>()
  const missing: string[] = []
  for (const hash of new Set(hashes)) {
    const kept = view.cache.get(`point-shape|${hash}`) as PointShape | undefined
    if (kept) prepared.set(hash, kept)
    else missing.push(hash)
  }
  if (missing.length === 0) return prepared
  for (const [hash, shape] of await view.shapes(missing)) {
    const made = preparePointShape(shape)
    prepared.set(hash, made)
    view.cache.set(`point-shape|${hash}`, made)
  }
  return prepared
}

/**
 * Prepares for point tests the distinct shapes of the view's areas, newest first, while they fit
 * `budget` (vertices and shapes, taken from what it has left): what the first points asked after
 * start need, made before the server listens. Rows carry their vertex counts, so nothing past the
 * budget is read.
 */
export async function warmPointShapes(view: DatasetView, budget: { vertices: number; shapes: number }): Promise<void> {
  const rows = [...(await view.areaRows())].sort((a, b) => b.validFrom.getTime() - a.validFrom.getTime() || b.id - a.id)
  const chosen = new Set<string>()
  for (const row of rows) {
    if (chosen.has(row.geometryHash)) continue
    if (row.vertexCount > budget.vertices || budget.shapes < 1) break
    chosen.add(row.geometryHash)
    budget.vertices -= row.vertexCount
    budget.shapes--
  }
  await historyIndex(view)
  // In batches, so that no statement carries the whole budget's text at once.
  const hashes = [...chosen]
  for (let i = 0; i < hashes.length; i += WARM_BATCH) await pointShapes(view, hashes.slice(i, i + WARM_BATCH))
}
const WARM_BATCH = 20

/** For each point, the history's shapes whose box holds it (indices into `history.shapes`). */
function candidatesOf(history: HistoryIndex, points: readonly Position[]): number[][] {
  const index = history.index
  return points.map((point) => (index ? index.search(point[0], point[1], point[0], point[1]) : []))
}

/**
 * Every area row, of any time, whose shape contains each point (boundary included), in the order
 * of start and id: what /v1/control/point reads. Shapes are read once for all the points.
 */
async function rowsContaining(view: DatasetView, history: HistoryIndex, points: readonly Position[]): Promise<AreaMeta[][]> {
  const candidates = candidatesOf(history, points)
  const shapes = await pointShapes(
    view,
    candidates.flatMap((found) => found.map((i) => history.shapes[i].hash)),
  )
  return points.map((point, p) => {
    const found: AreaMeta[] = []
    for (const i of candidates[p]) {
      const { hash, rows } = history.shapes[i]
      if (pointInPointShape(shapes.get(hash)!, point)) found.push(...rows)
    }
    return found.sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime() || a.id - b.id)
  })
}

/** The area rows valid at `at` whose shape contains the point (boundary included), in the order of start and id. */
export async function areasHolding(view: DatasetView, point: Position, at: Date): Promise<AreaMeta[]> {
  const [covering] = await rowsContaining(view, await historyIndex(view), [point])
  return covering.filter((area) => validAt(area, at))
}

/**
 * The holders of each place at its instant, answered exactly as /v1/control/point answers one:
 * the areas valid then whose shape contains the point, each with its uninterrupted holding among
 * all the areas of that actor and status covering the point, ordered controlled before contested,
 * then earliest since, then lowest area id; where none covers it, the complement actor inside
 * the dataset's outline (when the dataset maps any area at that instant).
 */
export async function placeHoldings(view: DatasetView, places: readonly { point: Position; at: Date }[]): Promise<PlaceHolding[]> {
  const history = await historyIndex(view)
  const coverage = await view.coverage()
  const setting = await complementSetting(view)
  const coverings = await rowsContaining(
    view,
    history,
    places.map((place) => place.point),
  )
  const answers: PlaceHolding[] = []
  for (const [p, { point, at }] of places.entries()) {
    const covering = coverings[p]
    const holders = covering
      .filter((area) => validAt(area, at))
      .map((area) => toHolder(area, covering, at, coverage))
      .sort(byHolderRule)
    let complement: PlaceHolding['complement'] = null
    if (holders.length === 0 && setting.kind === 'ready' && pointInShape(point, setting.outline) && (await mapsAnyArea(view, at))) {
      let since: Date | null = null
      let until: Date | null = null
      for (const area of covering) {
        if (area.validTo !== null && area.validTo <= at && (since === null || area.validTo > since)) since = area.validTo
        if (area.validFrom > at && (until === null || area.validFrom < until)) until = area.validFrom
      }
      holders.push({
        actor: setting.actor,
        side: setting.side,
        status: 'controlled',
        since: since ?? coverage.from ?? new Date(0),
        sinceIsLowerBound: since === null,
        until,
        areaId: null,
        validFrom: null,
        validTo: null,
        sources: [],
      })
      complement = { outlineFeature: setting.outlineFeature }
    }
    answers.push({ holders, complement })
  }
  return answers
}

function validAt(area: { validFrom: Date; validTo: Date | null }, at: Date): boolean {
  return area.validFrom <= at && (area.validTo === null || area.validTo > at)
}

function toHolder(area: AreaMeta, covering: AreaMeta[], at: Date, coverage: Coverage): PlaceHolder {
  const span = holdingSpan(
    covering.filter((other) => other.actorId === area.actorId && other.status === area.status),
    at,
  )
  const since = span?.from ?? area.validFrom
  return {
    actor: area.actorId,
    side: area.side,
    status: area.status,
    since,
    sinceIsLowerBound: coverage.from !== null && since.getTime() === coverage.from.getTime(),
    until: span ? span.to : area.validTo,
    areaId: area.id,
    validFrom: area.validFrom,
    validTo: area.validTo,
    sources: area.sources,
  }
}

function byHolderRule(a: PlaceHolder, b: PlaceHolder): number {
  if (a.status !== b.status) return a.status === 'controlled' ? -1 : 1
  return a.since.getTime() - b.since.getTime() || (a.areaId ?? 0) - (b.areaId ?? 0)
}

/** The merged run of intervals (overlapping or meeting) that contains `at`, as modules/common/intervals.ts merges them. */
function holdingSpan(intervals: { validFrom: Date; validTo: Date | null }[], at: Date): { from: Date; to: Date | null } | undefined {
  const sorted = [...intervals].sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime())
  let current: { from: Date; to: Date | null } | undefined
  for (const interval of sorted) {
    if (current && (current.to === null || interval.validFrom <= current.to)) {
      if (current.to !== null && (interval.validTo === null || interval.validTo > current.to)) current.to = interval.validTo
      continue
    }
    if (current && validAt({ validFrom: current.from, validTo: current.to }, at)) return current
    current = { from: interval.validFrom, to: interval.validTo }
  }
  if (current && validAt({ validFrom: current.from, validTo: current.to }, at)) return current
  return undefined
}
