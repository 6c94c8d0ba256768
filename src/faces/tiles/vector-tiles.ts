// Mapbox Vector Tiles of a collection at an instant: a geojson-vt index of the collection's map,
// made once per view and validity interval (every instant of one interval shows the same map),
// cut into tiles on demand and encoded with vt-pbf.
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import GeoJSONVT from 'geojson-vt'
import vtpbf from 'vt-pbf'
import * as controlService from '../../modules/control/control.service.js'
import * as featuresService from '../../modules/features/features.service.js'
import type { Bbox } from '../../modules/common/schemas.js'
import { CachedBody, type RenderedBody } from '../../read/cache.js'
import type { DatasetView } from '../../read/dataset-view.js'
import type { CollectionKind } from '../collections.js'
import { MAX_ZOOM, type TileAddress } from './web-mercator-quad.js'

/** The one layer of each collection's tiles, named by the collection's kind so that one style serves every dataset. */
export const LAYER_NAMES: Record<CollectionKind, string> = { areas: 'areas', features: 'features' }

/** Units across a tile (MVT's default): 4096 at tile matrix 14 is about half a metre at 36°N. */
export const TILE_EXTENT = 4096

/** A property a layer's features carry: its JSON Schema type for the tileset metadata and TileJSON's name of it. */
export interface LayerField {
  type: 'string' | 'number' | 'integer'
  description: string
}

/** What each layer's features carry. MVT has no null: a property without a value is left out of the feature. */
export const LAYER_FIELDS: Record<CollectionKind, Record<string, LayerField>> = {
  areas: {
    id: { type: 'integer', description: 'the area id (also the MVT feature id), as in /collections/{collectionId}/items/{featureId}' },
    actor: { type: 'string', description: 'the actor holding the area; absent on contested ground' },
    side: { type: 'string', description: "the holder's side; absent on contested ground" },
    status: { type: 'string', description: 'controlled or contested' },
    validFrom: { type: 'string', description: 'start of the validity of the area, ISO 8601 UTC (inclusive)' },
    validTo: { type: 'string', description: 'end of the validity of the area, ISO 8601 UTC (exclusive); absent while it holds on' },
    areaKm2: { type: 'number', description: 'the area in km² (of the whole area, not of the part in the tile)' },
    areaKey: { type: 'string', description: 'the id the imported file gave the area, kept across snapshots' },
    sources: { type: 'string', description: 'ids of the sources of the area, comma-separated (see /v1/datasets/{id}/sources)' },
  },
  features: {
    id: { type: 'string', description: 'the reference feature id, as in /collections/{collectionId}/items/{featureId}' },
    kind: { type: 'string', description: 'city, outskirts, town, village, base, airport, highway…' },
    name: { type: 'string', description: 'the name of the feature' },
    ownerSide: { type: 'string', description: 'the side a highway belongs to; absent when none is given' },
  },
}

const INDEX_OPTIONS = {
  maxZoom: MAX_ZOOM,
  // Only tile matrix 0 is cut up front: the rest is cut when first asked for (geojson-vt drills down
  // from the nearest cut ancestor), so a map nobody zooms into costs its conversion alone.
  indexMaxZoom: 0,
  tolerance: 3,
  extent: TILE_EXTENT,
  buffer: 64,
} as const

/** The features of an area as a tile carries them: the fixed fields, nulls left out, sources joined. */
function areaProperties(id: number, properties: Record<string, unknown>): Record<string, string | number> {
  const kept: Record<string, string | number> = { id }
  for (const name of ['actor', 'side', 'status', 'validFrom', 'validTo', 'areaKm2', 'areaKey'] as const) {
    const value = properties[name]
    if (typeof value === 'string' || typeof value === 'number') kept[name] = value
  }
  if (Array.isArray(properties.sources) && properties.sources.length > 0) kept.sources = properties.sources.join(',')
  return kept
}

/** The map at `at`, as the v1 map renders it (the same cached features of its interval), with the tiles' properties. */
async function areasAt(view: DatasetView, at: Date): Promise<FeatureCollection> {
  const text = await controlService.renderControlMap(view, { at }, { limit: Number.MAX_SAFE_INTEGER, offset: 0, members: () => ({}) })
  const map = JSON.parse(text) as { features: { id: number; geometry: Geometry; properties: Record<string, unknown> }[] }
  return {
    type: 'FeatureCollection',
    features: map.features.map((feature) => ({
      type: 'Feature',
      id: feature.id,
      geometry: feature.geometry,
      properties: areaProperties(feature.id, feature.properties),
    })),
  }
}

/** Every reference feature, from the list the OGC items page (kept per view). They have no validity of their own: every instant shows them all. */
async function referenceFeatures(view: DatasetView): Promise<FeatureCollection> {
  const { page } = await featuresService.listFeatureItems(view, { limit: Number.MAX_SAFE_INTEGER, offset: 0 })
  return {
    type: 'FeatureCollection',
    // No MVT feature id: MVT ids are integers and feature ids are slugs, so the id is a property.
    features: page.map(({ id, kind, name, ownerSide, geometry }): Feature => ({
      type: 'Feature',
      geometry,
      properties: { id, kind, name, ...(ownerSide ? { ownerSide } : {}) },
    })),
  }
}

/** What one index is made of: the collection's map at the instants of one validity interval (one for all time for features). */
async function indexKey(view: DatasetView, kind: CollectionKind, at: Date): Promise<string> {
  return kind === 'areas' ? view.intervalOf(at) : 'all-time'
}

// Indexes being made, per cache (each app has its own) and key: tiles asked for at once (a map loads
// a dozen) wait for the one index instead of each making its own. Entries live while it is made.
const making = new WeakMap<object, Map<string, Promise<GeoJSONVT>>>()

/** The tile index of a collection at `at`, from the view's cache or made now (once, however many tiles wait for it). */
async function tileIndex(view: DatasetView, kind: CollectionKind, at: Date): Promise<GeoJSONVT> {
  const parts = [kind, await indexKey(view, kind, at)]
  const key = view.key('tile-index', parts)
  const pending = making.get(view.cache) ?? new Map<string, Promise<GeoJSONVT>>()
  making.set(view.cache, pending)
  const waiting = pending.get(key)
  if (waiting) return waiting
  const made = view
    .cached('tile-index', parts, async () => new GeoJSONVT(kind === 'areas' ? await areasAt(view, at) : await referenceFeatures(view), INDEX_OPTIONS))
    .finally(() => pending.delete(key))
  pending.set(key, made)
  return made
}

/** The cache parts of a tile: tiles of instants in one validity interval are one tile. */
export async function tileParts(view: DatasetView, kind: CollectionKind, at: Date, tile: TileAddress): Promise<unknown[]> {
  return [kind, await indexKey(view, kind, at), tile.z, tile.x, tile.y]
}

/**
 * The tile encoded as MVT 2.1 with its one layer and its compressed forms, or null when no feature
 * reaches into it. Runs on the tiles' worker thread (tiles.tasks.ts): making an index parses the
 * whole map, about a second for a million vertices.
 */
export async function renderTile(view: DatasetView, kind: CollectionKind, at: Date, tile: TileAddress): Promise<RenderedBody | null> {
  const index = await tileIndex(view, kind, at)
  const cut = index.getTile(tile.z, tile.x, tile.y)
  if (!cut || cut.features.length === 0) return null
  return CachedBody.rendered(vtpbf.fromGeojsonVt({ [LAYER_NAMES[kind]]: cut }, { version: 2, extent: TILE_EXTENT }))
}

/** [west, south, east, north] around every feature of the collection, of any time (WGS84 degrees); null when it has none. */
export async function collectionBounds(view: DatasetView, kind: CollectionKind): Promise<Bbox | null> {
  return kind === 'areas' ? (await view.coverage()).bbox : featuresService.getFeatureExtent(view)
}

/**
 * The validity of the map shown at `at`: from the last change at or before it to the next one
 * ('..' where there is none), as OGC API – Tiles' OGCAPI-datetime header gives it.
 */
export async function mapValidity(view: DatasetView, at: Date): Promise<string> {
  const instants = await view.changeInstants()
  const next = instants.findIndex((instant) => instant > at)
  const from = next === 0 ? undefined : next < 0 ? instants.at(-1) : instants[next - 1]
  const to = next < 0 ? undefined : instants[next]
  return `${from?.toISOString() ?? '..'}/${to?.toISOString() ?? '..'}`
}
