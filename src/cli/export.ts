import { createWriteStream, type WriteStream } from 'node:fs'
import type { Geometry, Position } from 'geojson'
import { type Column, toCsv } from '../modules/common/csv.js'
import type { Api } from './api.js'
import type { Connection } from './target.js'
import type { Args } from './usage.js'

const FORMATS = ['geojson', 'geojsonseq', 'csv'] as const
type Format = (typeof FORMATS)[number]

interface MapFeature {
  type: 'Feature'
  id?: string | number
  geometry: Geometry | null
  properties: Record<string, unknown> | null
  [member: string]: unknown
}
interface MapPage {
  type: 'FeatureCollection'
  features: MapFeature[]
  links?: { rel: string; href: string }[]
  numberReturned?: number
  [member: string]: unknown
}

/**
 * The control map at a date, as GET /v1/control answers it (every page of it), written as
 * GeoJSON, a GeoJSON text sequence or CSV with the geometry as WKT.
 */
export async function exportMap(connection: Connection, args: Args): Promise<void> {
  const { dataset, at, bbox, actor, side, out } = args.values
  const format = (args.values.format ?? 'geojson') as Format
  if (!dataset) throw new Error('export needs --dataset (frontline help export)')
  if (!FORMATS.includes(format)) throw new Error(`unknown format ${format}: geojson, geojsonseq or csv (GeoPackage: ogr2ogr -f GPKG map.gpkg map.geojson)`)
  // A bare --at date is the end of that day, as in every query; the service reads every parameter.
  const params = new URLSearchParams({ dataset })
  const given = { at, known_at: args.values['known-at'], bbox, actor, side }
  for (const [name, value] of Object.entries(given)) if (value !== undefined) params.set(name, value)
  const pages = await connection.api('export', args, (api) => readPages(api, `/v1/control?${params}`))

  const stream = out ? createWriteStream(out) : undefined
  const write = (text: string) => (stream ? stream.write(text) : process.stdout.write(text))
  if (format === 'geojson') {
    const features = pages.flatMap((page) => page.features)
    // One page: the answer as the service gave it; several: one collection of them all.
    const collection = pages.length === 1 ? pages[0] : { ...pages[0], features, numberReturned: features.length, links: [] }
    write(`${JSON.stringify(collection)}\n`)
  } else if (format === 'geojsonseq') {
    // RFC 8142: each record is RS, a GeoJSON text, LF.
    for (const page of pages) for (const feature of page.features) write(`\u001e${JSON.stringify(feature)}\n`)
  } else {
    write(mapCsv(pages.flatMap((page) => page.features)))
  }
  if (stream) await close(stream)
}

async function readPages(api: Api, first: string): Promise<MapPage[]> {
  const pages: MapPage[] = []
  let path: string | undefined = first
  while (path) {
    const page = JSON.parse((await api.send('GET', path, { accept: 'application/geo+json' })).text) as MapPage
    pages.push(page)
    const next = page.links?.find((link) => link.rel === 'next')?.href
    // Links are absolute, made for the client of that server: follow their path and query on the same API.
    path = next ? `${new URL(next, 'http://x').pathname}${new URL(next, 'http://x').search}` : undefined
  }
  return pages
}

/** A row per area: the geometry as WKT first (GDAL's CSV driver and QGIS read a WKT column), then its id and properties. */
export function mapCsv(features: MapFeature[]): string {
  const names: string[] = []
  for (const feature of features) for (const name of Object.keys(feature.properties ?? {})) if (!names.includes(name)) names.push(name)
  const table: Column<MapFeature>[] = [
    { name: 'WKT', value: (feature) => (feature.geometry ? wkt(feature.geometry) : '') },
    { name: 'id', value: (feature) => feature.id },
    ...names.filter((name) => name !== 'id').map((name) => ({ name, value: (feature: MapFeature) => feature.properties?.[name] })),
  ]
  return toCsv(table, features)
}

/** Well-known text of a GeoJSON geometry (OGC 06-103r4), [lon, lat] as x y. */
export function wkt(geometry: Geometry): string {
  const position = (p: Position) => p.join(' ')
  const line = (ps: Position[]) => `(${ps.map(position).join(', ')})`
  const polygon = (rings: Position[][]) => `(${rings.map(line).join(', ')})`
  switch (geometry.type) {
    case 'Point':
      return `POINT (${position(geometry.coordinates)})`
    case 'MultiPoint':
      return `MULTIPOINT (${geometry.coordinates.map((p) => `(${position(p)})`).join(', ')})`
    case 'LineString':
      return `LINESTRING ${line(geometry.coordinates)}`
    case 'MultiLineString':
      return `MULTILINESTRING ${polygon(geometry.coordinates)}`
    case 'Polygon':
      return `POLYGON ${polygon(geometry.coordinates)}`
    case 'MultiPolygon':
      return `MULTIPOLYGON (${geometry.coordinates.map(polygon).join(', ')})`
    case 'GeometryCollection':
      return `GEOMETRYCOLLECTION (${geometry.geometries.map(wkt).join(', ')})`
  }
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())))
}
