// Domain records: what the store returns. Plain data with Dates and parsed JSON, never API types;
// modules turn them into answers.
import type { MultiPolygon, Polygon } from 'geojson'

/** [minLon, minLat, maxLon, maxLat], WGS84 degrees. */
export type Bbox = [number, number, number, number]

export type AreaStatus = 'controlled' | 'contested'
export type AreaShape = Polygon | MultiPolygon

export interface DatasetRecord {
  id: string
  name: string
  description: string
  licence: string | null
  sourceUrl: string | null
  properties: Record<string, unknown>
  /** a reference feature id: inside it, ground no area covers belongs to `complementActor` (both or neither) */
  outlineFeature: string | null
  complementActor: string | null
  revision: number
  createdAt: Date
  updatedAt: Date
}

export interface ActorRecord {
  datasetId: string
  id: string
  name: string
  aliases: string[]
  colour: string | null
  side: string
}

export interface ImportNote {
  index?: number
  path?: string
  note: string
}

export type ImportKind = 'snapshot' | 'history' | 'features' | 'revert' | 'events' | 'tallies'

export interface ImportRecord {
  id: number
  datasetId: string
  kind: ImportKind
  contentHash: string
  validFrom: Date | null
  options: Record<string, unknown>
  counts: Record<string, number>
  notes: ImportNote[]
  submittedBy: string | null
  createdAt: Date
  reverts: number | null
  revertedBy: number | null
}

/** A control area without its geometry: its interval, holder with side, and the hash naming its shape. */
export interface AreaMeta {
  id: number
  areaKey: string | null
  actorId: string | null
  side: string | null
  status: AreaStatus
  validFrom: Date
  validTo: Date | null
  geometryHash: string
  areaKm2: number
  source: string | null
  /** the ids of the sources it cites (a free citation is one entry of its own), in the order given */
  sources: string[]
  properties: Record<string, unknown>
}

/** A control area with its shape. */
export interface AreaRecord extends AreaMeta {
  geometry: AreaShape
}

/** An area as an import sees it: what it needs to carry, close or copy it. */
export interface OpenArea {
  id: number
  areaKey: string | null
  actorId: string | null
  status: AreaStatus
  validFrom: Date
  validTo: Date | null
  geometryHash: string
  bbox: Bbox
  source: string | null
  sources: string[]
  properties: Record<string, unknown>
}

/** One of a dataset's sources: a report, an article, a map the dataset's areas were drawn from. */
export interface SourceRecord {
  datasetId: string
  id: string
  title: string
  publisher: string | null
  url: string | null
  /** the publication's calendar date, YYYY-MM-DD */
  date: string | null
  /** what the dataset took from it */
  usedFor: string | null
  properties: Record<string, unknown>
}

/**
 * An entry of a dataset's list of sources: a source record, or an id areas cite that has no record
 * (record undefined), with how many areas of current knowledge cite it.
 */
export interface SourceEntry {
  id: string
  record: SourceRecord | undefined
  citingAreas: number
}

export interface GeometryRecord {
  hash: string
  type: GeoJSON.Geometry['type']
  /** The normalised geometry as GeoJSON text: what is stored, and all a worker hands back of it (text crosses threads for a copy). */
  json: string
  bbox: Bbox
  areaKm2: number
  vertexCount: number
}

export interface FeatureRecord {
  rowId: number
  datasetId: string
  id: string
  kind: string
  name: string
  ownerSide: string | null
  geometry: GeoJSON.Geometry
  geometryHash: string
  bbox: Bbox
  properties: Record<string, unknown>
}

/**
 * One event as the store holds it: its members as imported (the readers' EventDraft, actors
 * resolved to the dataset's ids, without the geometry), its geometry, and the point it is joined
 * with control at ([lon, lat]: the Point, or a point inside a polygon).
 */
export interface EventRecord {
  rowId: number
  id: string
  /** calendar dates, YYYY-MM-DD (UTC) */
  dateStart: string
  dateEnd: string
  eventType: string | null
  subEventType: string | null
  actorIds: string[]
  geometry: GeoJSON.Geometry
  bbox: Bbox
  point: [number, number]
  record: Record<string, unknown>
  recordedAt: Date
  importId: number
}

/** One tally (an as-of statement of one source) as the store holds it. */
export interface TallyRecord {
  rowId: number
  id: string
  /** calendar date, YYYY-MM-DD (UTC) */
  asOf: string
  metric: string
  scopeName: string
  scopeFeature: string | null
  publisher: string
  geometry: GeoJSON.Geometry | null
  record: Record<string, unknown>
  recordedAt: Date
  importId: number
}
