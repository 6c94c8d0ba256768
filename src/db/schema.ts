import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

/** JSON columns: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>

export interface DatasetsTable {
  id: string
  name: string
  description: Generated<string>
  licence: string | null
  source_url: string | null
  properties: Json<Record<string, unknown>>
  /** a reference feature id: the outline inside which unmapped ground is complement_actor's (migration 0004) */
  outline_feature: Generated<string | null>
  complement_actor: Generated<string | null>
  revision: Generated<number>
  created_at: CreatedAt
  updated_at: CreatedAt
}

export interface ActorsTable {
  dataset_id: string
  id: string
  name: string
  aliases: Json<string[]>
  colour: string | null
  side: string
  retired_at: Generated<Date | null>
  created_at: CreatedAt
  updated_at: CreatedAt
}

export interface ImportsTable {
  id: Generated<number>
  dataset_id: string
  kind: 'snapshot' | 'history' | 'features' | 'revert' | 'events' | 'tallies'
  content_hash: string
  valid_from: Date | null
  options: Json<Record<string, unknown>>
  counts: Json<Record<string, number>>
  notes: Json<ImportNote[]>
  submitted_by: string | null
  created_at: CreatedAt
  reverts: Generated<number | null>
  reverted_by: Generated<number | null>
}

export interface ImportNote {
  index?: number
  path?: string
  note: string
}

export interface ControlAreasTable {
  id: Generated<number>
  dataset_id: string
  area_key: string | null
  actor_id: string | null
  status: 'controlled' | 'contested'
  valid_from: Date
  valid_to: Date | null
  valid: ColumnType<string, never, never>
  recorded_at: Date
  superseded_at: Date | null
  superseded_by: Generated<number | null>
  geometry_hash: string
  bbox: ColumnType<string, string, string>
  source: string | null
  /** the ids (or free citations) the area cites, in order; written as JSON text, [] when left out */
  sources: ColumnType<string[], string | undefined, string>
  properties: Json<Record<string, unknown>>
  import_id: number
}

export interface GeometriesTable {
  hash: string
  geometry: Json<unknown>
  bbox: ColumnType<string, string, string>
  area_km2: number
  vertex_count: number
}

export interface FeaturesTable {
  row_id: Generated<number>
  dataset_id: string
  id: string
  kind: string
  name: string
  owner_side: string | null
  geometry: Json<unknown>
  geometry_type: string
  bbox: ColumnType<string, string, string>
  geometry_hash: string
  properties: Json<Record<string, unknown>>
  recorded_at: Date
  superseded_at: Date | null
  superseded_by: Generated<number | null>
  import_id: number
}

export interface SourcesTable {
  dataset_id: string
  id: string
  title: string
  publisher: string | null
  url: string | null
  /** a calendar date: read it as text (date::text), the drivers would make a local-time Date of it */
  date: ColumnType<string | null, string | null, string | null>
  used_for: string | null
  properties: Json<Record<string, unknown>>
  created_at: CreatedAt
  updated_at: CreatedAt
}

/** A calendar date column: read it as text (date::text), the drivers would make a local-time Date of it. */
type CalendarDate = ColumnType<string, string, string>

/** One version of an event (migration 0005): the filterable members as columns, the whole event in `record`. */
export interface EventsTable {
  row_id: Generated<number>
  dataset_id: string
  id: string
  date_start: CalendarDate
  date_end: CalendarDate
  event_type: string | null
  sub_event_type: string | null
  actor_ids: Json<string[]>
  geometry: Json<unknown>
  bbox: ColumnType<string, string, string>
  lon: number
  lat: number
  record: Json<Record<string, unknown>>
  content_hash: string
  recorded_at: Date
  superseded_at: Date | null
  superseded_by: Generated<number | null>
  import_id: number
}

/** One version of a tally (migration 0005). */
export interface TalliesTable {
  row_id: Generated<number>
  dataset_id: string
  id: string
  as_of: CalendarDate
  metric: string
  scope_name: string
  scope_feature: string | null
  publisher: string
  geometry: ColumnType<unknown, string | null, string | null>
  record: Json<Record<string, unknown>>
  content_hash: string
  recorded_at: Date
  superseded_at: Date | null
  superseded_by: Generated<number | null>
  import_id: number
}

export interface SchemaMigrationsTable {
  name: string
  applied_at: CreatedAt
}

export interface Tables {
  datasets: DatasetsTable
  actors: ActorsTable
  imports: ImportsTable
  control_areas: ControlAreasTable
  geometries: GeometriesTable
  features: FeaturesTable
  sources: SourcesTable
  events: EventsTable
  tallies: TalliesTable
  schema_migrations: SchemaMigrationsTable
}

export type DatasetRow = Selectable<DatasetsTable>
export type ActorRow = Selectable<ActorsTable>
export type ImportRow = Selectable<ImportsTable>
export type ControlAreaRow = Selectable<ControlAreasTable>
export type NewControlArea = Insertable<ControlAreasTable>
export type FeatureRow = Selectable<FeaturesTable>
export type NewFeature = Insertable<FeaturesTable>
export type NewEvent = Insertable<EventsTable>
export type NewTally = Insertable<TalliesTable>
