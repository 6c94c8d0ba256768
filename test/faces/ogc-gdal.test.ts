import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { DEFAULT_DATASET_DIR, loadBundle } from '../../src/modules/imports/imports.bundle.js'
import { buildTestApp, openTestDatabase } from '../helpers.js'

// GDAL's OAPIF driver as a client no one here wrote: it must list the collections, page through the
// areas, and what it stores must be the v1 map of the same date. GDAL missing is a failure, not a skip.
const run = promisify(execFile)
const ENV = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', GDAL_HTTP_TIMEOUT: '60' }
const gdal = async (command: string, args: string[]) => (await run(command, args, { env: ENV, maxBuffer: 64 * 1024 * 1024 })).stdout

/** A CSV GDAL wrote, as rows of named cells (its values here hold no commas or quotes; text may be quoted). */
function csvRows(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split(/\r?\n/)
  const names = head.split(',')
  const unquote = (value: string) => value.replace(/^"(.*)"$/, '$1')
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [unquote(names[i]), unquote(value)])))
}

const AT = '2024-11-28'
// The map published for the 28th is the one valid at the end of that day.
const END_OF_DAY = '2024-11-28T23:59:59.999Z'

t.test('GDAL reads the OGC face', async (t) => {
  const database = await openTestDatabase(t)
  await loadBundle({ db: database.db, limits: { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 } }, DEFAULT_DATASET_DIR)
  const app = await buildTestApp(t, {}, database)
  const asked: string[] = []
  app.addHook('onRequest', async (request) => {
    asked.push(request.url)
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const root = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const dir = await mkdtemp(join(tmpdir(), 'frontline-gdal-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))

  const v1 = (await app.inject({ url: `/v1/control?dataset=aleppo-2024&at=${AT}` })).json() as {
    features: { id: number; properties: { actor: string | null; areaKm2: number } }[]
  }
  const expected = new Map(v1.features.map((feature) => [String(feature.id), feature.properties]))
  t.ok(expected.size > 3, `the v1 map of ${AT} has ${expected.size} areas`)
  const allRows = (await app.inject({ url: '/collections/aleppo-2024-areas/items?limit=1' })).json().numberMatched as number

  /** The area id (the FID GDAL kept: -preserve_fid), actor, areaKm2 (ours) and GDAL's own geodesic area of each area of a GeoPackage, those of `where` only. */
  const readBack = async (gpkg: string, where: string) =>
    csvRows(
      await gdal('ogr2ogr', [
        '-f',
        'CSV',
        '/vsistdout/',
        gpkg,
        '-dialect',
        'SQLite',
        '-sql',
        `SELECT CAST(fid AS TEXT) AS areaId, actor, areaKm2, ST_Area(geom, 1) / 1000000.0 AS geodesicKm2 FROM "aleppo-2024-areas" WHERE ${where} ORDER BY fid`,
      ]),
    )

  const sameAsV1 = (t: Test, rows: Record<string, string>[]) => {
    t.same(
      rows.map((row) => row.areaId),
      [...expected.keys()].sort((a, b) => Number(a) - Number(b)),
      'the same area ids',
    )
    for (const row of rows) {
      const map = expected.get(row.areaId)
      if (!map) continue
      t.equal(row.actor === '' ? null : row.actor, map.actor, `area ${row.areaId}: the same actor`)
      t.ok(Math.abs(Number(row.areaKm2) - map.areaKm2) <= 0.001 * map.areaKm2, `area ${row.areaId}: areaKm2 ${row.areaKm2} ≈ ${map.areaKm2}`)
      t.ok(
        Math.abs(Number(row.geodesicKm2) - map.areaKm2) <= 0.001 * map.areaKm2,
        `area ${row.areaId}: GDAL's geodesic area ${row.geodesicKm2} ≈ ${map.areaKm2}`,
      )
    }
  }

  t.test('ogrinfo lists the collections', async (t) => {
    const out = await gdal('ogrinfo', ['-ro', '-so', `OAPIF:${root}/`])
    t.match(out, /aleppo-2024-areas/)
    t.match(out, /aleppo-2024-features/)
  })

  t.test('ogr2ogr copies the whole history over several pages, each row with its valid time', async (t) => {
    const gpkg = join(dir, 'aleppo.gpkg')
    const before = asked.length
    await gdal('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${root}/`, 'aleppo-2024-areas', '-oo', 'PAGE_SIZE=5', '-preserve_fid'])
    const pages = asked.slice(before).filter((url) => url.startsWith('/collections/aleppo-2024-areas/items'))
    t.ok(pages.length > 2, `GDAL asked for ${pages.length} pages of items`)
    const all = await readBack(gpkg, '1 = 1')
    t.equal(all.length, allRows, 'every row of the history')
    // What was valid at the end of the 28th, read from the copied validity: the v1 map of that day.
    sameAsV1(t, await readBack(gpkg, `validFrom <= '${END_OF_DAY}' AND (validTo IS NULL OR validTo > '${END_OF_DAY}')`))
  })

  t.test('ogr2ogr of the collection opened with datetime is the map of that day', async (t) => {
    const gpkg = join(dir, 'aleppo-28.gpkg')
    const before = asked.length
    await gdal('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${root}/collections/aleppo-2024-areas?datetime=${AT}`, '-oo', 'PAGE_SIZE=3', '-preserve_fid'])
    const pages = asked.slice(before).filter((url) => url.startsWith('/collections/aleppo-2024-areas/items'))
    t.ok(pages.length > 1, `GDAL asked for ${pages.length} pages`)
    t.ok(
      pages.every((url) => url.includes(`datetime=${AT}`)),
      'every page of that day',
    )
    sameAsV1(t, await readBack(gpkg, '1 = 1'))
  })
})
