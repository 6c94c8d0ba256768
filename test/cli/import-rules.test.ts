import t from 'tap'
import { area as feature, square } from '../helpers.js'
import { collection, rectangleKm2, seededCli, writeJson } from './fixtures/cli.js'

// `frontline import FILE` with each mapping option of the API, as a user runs it: its own process,
// its own database (PGlite, or the server in DATABASE_URL). Answers known by construction: squares
// whose areas are computed independently, files whose features say what they are.

const NBSP = '\u00a0'

t.test('frontline import FILE: rules files, profiles, dry runs', async (t) => {
  const { dir, cli, json } = await seededCli(t, 'import-rules')

  t.test('a rules file: names coded with no-break spaces and newlines, points skipped and counted', async (t) => {
    const rules = writeJson(dir, 'rules.json', {
      rules: [
        { match: { geometry: ['Point'] }, skip: 'points' },
        { match: { name: { regex: 'code\\.(alpha|bravo)$' } }, set: { actor: { capture: 1 }, status: 'controlled' } },
      ],
      unmatched: 'refuse',
    })
    const file = writeJson(
      dir,
      'coded.geojson',
      collection(
        feature(square(41, 36, 0.1), { name: `Альфа${NBSP}///${NBSP}Alpha\n///${NBSP}code.alpha` }),
        feature(square(41.2, 36, 0.1), { name: `Браво ///\nBravo /// code.bravo` }),
        feature({ type: 'Point', coordinates: [41.05, 36.05] }, { name: 'an event' }),
      ),
    )
    const result = await json('import', file, '--dataset', 'opts', '--kind', 'snapshot', '--valid-from', '2024-12-05', '--rules', rules)
    t.match(result, { import: { counts: { inserted: 2, skipped: 1 }, skippedBy: { points: 1 } } })
    const map = await json('get', '/v1/control?dataset=opts&at=2024-12-05&bbox=40.9,35.9,41.4,36.2')
    t.same(map.features.map((f: any) => f.properties.actor).sort(), ['a', 'b'], 'the capture named the actor (matched by its alias)')
  })

  t.test('a profile, dry run first: the report, and nothing written', async (t) => {
    // DeepStateMap's raw export in miniature: coded names (no-break spaces, a newline), z = 0,
    // a GeometryCollection of polygons, a point, liberated ground and a political polygon abroad.
    const file = writeJson(
      dir,
      'deepstate.geojson',
      collection(
        feature(
          { type: 'Polygon', coordinates: square(42, 36, 0.1).coordinates.map((ring) => ring.map(([x, y]) => [x, y, 0])) },
          { name: `Окуповано${NBSP}///${NBSP}Occupied\n///${NBSP}geoJSON.status.occupied` },
        ),
        feature(
          { type: 'GeometryCollection', geometries: [square(42.2, 36, 0.1), square(42.4, 36, 0.1)] },
          { name: 'Крим /// Crimea /// geoJSON.territories.crimea' },
        ),
        feature(square(42.6, 36, 0.1), { name: 'Звільнено /// Liberated /// geoJSON.status.dismissed' }),
        feature(square(30, 62, 0.1), { name: 'Карелія /// Karelia /// geoJSON.territories.karelia' }),
        feature({ type: 'Point', coordinates: [42.05, 36.05, 0] }, { name: 'Подія /// Event /// geoJSON.events' }),
      ),
    )
    const args = ['import', file, '--dataset', 'opts', '--kind', 'snapshot', '--valid-from', '2024-12-07', '--profile', 'deepstate-raw', '--actor', 'a']
    const before = await json('imports', '--dataset', 'opts')
    const dry = await cli(...args, '--dry-run')
    t.equal(dry.code, 0, dry.stderr)
    t.match(dry.stdout, /^dry run of a snapshot import into opts at 2024-12-07T00:00:00\.000Z: nothing was written/)
    t.match(dry.stdout, /skipped by reason: .*liberated 1/)
    t.match(dry.stdout, /political polygons 1/)
    t.match(dry.stdout, /points and lines 1/)
    t.match(dry.stdout, /the import would land/)
    const after = await json('imports', '--dataset', 'opts')
    t.equal(after.imports.length, before.imports.length, 'a dry run writes no import')

    const real = await json(...args)
    t.match(real, {
      replayed: false,
      import: { counts: { inserted: 2, skipped: 3 }, skippedBy: { liberated: 1, 'political polygons': 1, 'points and lines': 1 } },
    })
    const map = await json('get', '/v1/control?dataset=opts&at=2024-12-07&bbox=41.9,35.9,42.8,36.2')
    const km2 = map.features.reduce((sum: number, f: any) => sum + f.properties.areaKm2, 0)
    const expected = 3 * rectangleKm2(0, 36, 0.1, 36.1)
    t.ok(Math.abs(km2 - expected) / expected < 0.005, `occupied ${km2} km² ≈ three squares ${expected} km²`)
  })
})
