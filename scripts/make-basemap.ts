// Rebuilds data/basemap/ from ../shared/data/reference-syria (or the folder given): the viewer's base layer, country
// outlines (Natural Earth, public domain) and populated places (GeoNames, CC BY 4.0). Coordinates are rounded to
// 4 decimals (about 10 m), enough for a base map; every feature keeps the source it came from.
//   npx tsx scripts/make-basemap.ts [reference-folder]
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const from = process.argv[2] ?? fileURLToPath(new URL('../../shared/data/reference-syria', import.meta.url))
const to = fileURLToPath(new URL('../data/basemap', import.meta.url))

const round = (value: unknown): unknown => (typeof value === 'number' ? Math.round(value * 1e4) / 1e4 : Array.isArray(value) ? value.map(round) : value)
const read = (name: string) => JSON.parse(readFileSync(`${from}/${name}`, 'utf8')) as GeoJSON.FeatureCollection
const write = (name: string, features: GeoJSON.Feature[]) =>
  writeFileSync(`${to}/${name}`, `{"type":"FeatureCollection","features":[\n${features.map((feature) => JSON.stringify(feature)).join(',\n')}\n]}\n`)

const countries = read('ne10m_countries_syria_and_neighbours.geojson').features.map((feature) => ({
  type: 'Feature' as const,
  properties: { name: feature.properties?.name, source: 'Natural Earth 1:10m admin-0 v4.1.0, public domain' },
  geometry: { ...feature.geometry, coordinates: round((feature.geometry as GeoJSON.Polygon).coordinates) } as GeoJSON.Geometry,
}))
write('countries.geojson', countries)

// Places of 5,000 people or more: the towns a reader looks for; the viewer labels the larger ones first.
const places = read('geonames_cities500_syria.geojson')
  .features.filter((feature) => Number(feature.properties?.population) >= 5_000)
  .sort((a, b) => Number(b.properties?.population) - Number(a.properties?.population))
  .map((feature) => ({
    type: 'Feature' as const,
    properties: {
      name: feature.properties?.asciiname,
      population: Number(feature.properties?.population),
      geonameid: feature.properties?.geonameid,
      source: 'GeoNames cities500 (geonames.org), CC BY 4.0',
    },
    geometry: { type: 'Point' as const, coordinates: round((feature.geometry as GeoJSON.Point).coordinates) as number[] },
  }))
write('places.geojson', places)
console.log(`${countries.length} countries, ${places.length} places written to ${to}`)
