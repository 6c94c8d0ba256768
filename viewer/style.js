// The map's look: actor colours (the dataset's, else a colour-blind-safe palette), the base map drawn from bundled
// data, and the layers every dataset gets. Overlays (fronts, distance, route, changes, events) sit above the areas.

import { EVENT_KINDS } from './events.js'

// Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies (Okabe & Ito 2008).
const PALETTE = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999']

export const CONTESTED = '#6b6b6b'
export const UNKNOWN = '#bdbdbd'

/** A colour for every actor: its own when the dataset sets one, else the next of the palette. */
export function actorColours(actors) {
  const colours = {}
  let next = 0
  for (const actor of actors) colours[actor.id] = actor.colour ?? PALETTE[next++ % PALETTE.length]
  return colours
}

/** A side's colour: that of its first actor (the dataset's order). */
export function sideColours(actors, colours) {
  const sides = {}
  for (const actor of actors) if (actor.side && !(actor.side in sides)) sides[actor.side] = colours[actor.id]
  return sides
}

/** A MapLibre expression colouring by the feature's `actor` property. */
export function byActor(colours, property = 'actor') {
  const pairs = Object.entries(colours).flat()
  return pairs.length === 0 ? UNKNOWN : ['match', ['coalesce', ['get', property], ''], ...pairs, UNKNOWN]
}

/** Diagonal hatching for contested ground, as an image the fill-pattern layer repeats. */
export function hatchImage(size = 8) {
  const data = new Uint8Array(size * size * 4)
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      if ((x + y) % size > 1) continue
      const offset = (y * size + x) * 4
      data.set([40, 40, 40, 200], offset)
    }
  return { width: size, height: size, data }
}

const empty = () => ({ type: 'geojson', data: { type: 'FeatureCollection', features: [] } })

/** The style with the base map and empty sources for everything the page fills in later. */
export function baseStyle(settings) {
  const sources = {
    countries: { type: 'geojson', data: '/viewer/basemap/countries.geojson', attribution: 'Natural Earth (public domain)' },
    places: { type: 'geojson', data: '/viewer/basemap/places.geojson', attribution: '<a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)' },
    features: empty(),
    fronts: empty(),
    distance: empty(),
    route: empty(),
    cuts: empty(),
    changes: empty(),
    events: empty(),
  }
  const layers = [
    { id: 'background', type: 'background', paint: { 'background-color': '#dfe7ec' } },
    { id: 'countries-fill', type: 'fill', source: 'countries', paint: { 'fill-color': '#f4f1ea' } },
  ]
  if (settings.basemap) {
    sources.basemap = { type: 'raster', tiles: [settings.basemap.url], tileSize: 256, attribution: settings.basemap.attribution }
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap' })
  }
  // No transitions: a new instant replaces the old in one frame, as a slider promises.
  return { version: 8, sources, layers, transition: { duration: 0, delay: 0 } }
}

/** The two area sources: one shown, the other loading the instant the page expects to show next. */
export const AREA_SOURCES = ['control-a', 'control-b']

/** How opaque each area layer is when shown (its paint property, set to 0 while its source is hidden). */
export const AREA_OPACITY = { fill: ['fill-opacity', 0.55], contested: ['fill-opacity', 1], line: ['line-opacity', 1] }

/** The layers of one area source: fill by actor, hatching where contested, outlines. */
function areaLayers(source, colours, shown) {
  const opacity = (part) => ({ [AREA_OPACITY[part][0]]: shown ? AREA_OPACITY[part][1] : 0 })
  const common = { source, 'source-layer': 'areas' }
  return [
    { id: `${source}-fill`, type: 'fill', ...common, paint: { 'fill-color': byActor(colours), ...opacity('fill') } },
    {
      id: `${source}-contested`,
      type: 'fill',
      ...common,
      filter: ['==', ['get', 'status'], 'contested'],
      paint: { 'fill-pattern': 'hatch', ...opacity('contested') },
    },
    { id: `${source}-line`, type: 'line', ...common, paint: { 'line-color': byActor(colours), 'line-width': 0.8, ...opacity('line') } },
  ]
}

/** The areas (vector tiles of the collection), then borders, reference features and the overlays, bottom to top. */
export function datasetLayers(colours) {
  return [
    ...areaLayers(AREA_SOURCES[0], colours, true),
    ...areaLayers(AREA_SOURCES[1], colours, false),
    { id: 'countries-line', type: 'line', source: 'countries', paint: { 'line-color': '#6d6d6d', 'line-width': 1, 'line-dasharray': [3, 2] } },
    {
      id: 'changes-fill',
      type: 'fill',
      source: 'changes',
      filter: ['==', ['get', 'change'], 'gained'],
      paint: { 'fill-color': byActor(colours, 'id'), 'fill-opacity': 0.35 },
    },
    {
      id: 'changes-line',
      type: 'line',
      source: 'changes',
      filter: ['==', ['get', 'change'], 'gained'],
      paint: { 'line-color': '#222', 'line-width': 1.5, 'line-dasharray': [1, 1] },
    },
    {
      id: 'outskirts',
      type: 'line',
      source: 'features',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'line-color': '#333', 'line-width': 1.2, 'line-dasharray': [2, 1] },
    },
    { id: 'highways', type: 'line', source: 'features', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#555', 'line-width': 2 } },
    { id: 'route-segments', type: 'line', source: 'route', paint: { 'line-color': byActor(colours), 'line-width': 6, 'line-opacity': 0.9 } },
    { id: 'fronts', type: 'line', source: 'fronts', paint: { 'line-color': '#000', 'line-width': 3 } },
    { id: 'distance-line', type: 'line', source: 'distance', paint: { 'line-color': '#1f3fbf', 'line-width': 3, 'line-dasharray': [2, 1] } },
    { id: 'places', type: 'circle', source: 'places', minzoom: 7, paint: { 'circle-radius': 2, 'circle-color': '#777' } },
    {
      id: 'feature-points',
      type: 'circle',
      source: 'features',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': ['match', ['get', 'kind'], 'city', 6, 'base', 5, 'airport', 5, 4],
        'circle-color': ['match', ['get', 'kind'], 'base', '#5b2c83', 'airport', '#2c5b83', '#fff'],
        'circle-stroke-color': '#222',
        'circle-stroke-width': 1.5,
      },
    },
    {
      id: 'events',
      type: 'circle',
      source: 'events',
      paint: {
        // Area proportional to the dead (best estimate), with a floor so that an event without deaths still shows.
        'circle-radius': ['+', 4, ['*', 2, ['sqrt', ['get', 'dead']]]],
        'circle-color': ['match', ['get', 'kind'], ...EVENT_KINDS.flatMap((kind) => [kind.id, kind.colour]).slice(0, -2), EVENT_KINDS.at(-1).colour],
        'circle-opacity': 0.8,
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 1,
      },
    },
    {
      id: 'route-cuts',
      type: 'circle',
      source: 'cuts',
      paint: { 'circle-radius': 7, 'circle-color': '#ffdd00', 'circle-stroke-color': '#000', 'circle-stroke-width': 2 },
    },
  ]
}
