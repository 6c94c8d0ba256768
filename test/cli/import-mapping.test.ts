import t from 'tap'
import { area as feature, square } from '../helpers.js'
import { collection, seededCli, writeJson } from './fixtures/cli.js'

// `frontline import FILE` with each mapping option of the API, as a user runs it: its own process,
// its own database (PGlite, or the server in DATABASE_URL). Answers known by construction: squares
// whose areas are computed independently, files whose features say what they are.

t.test('frontline import FILE: the mapping options of each kind', async (t) => {
  const { dir, cli, json } = await seededCli(t, 'import-mapping')

  t.test('snapshot: actor, status and source properties, aliases, valid-from offset', async (t) => {
    const file = writeJson(
      dir,
      'snapshot.geojson',
      collection(
        feature(square(37, 36, 0.1), { who: 'Alpha', st: 'contested', cite: 'report-1' }),
        feature(square(38, 36, 0.1), { who: 'Bravo', st: 'controlled', cite: 'report-2' }),
      ),
    )
    const imported = await cli(
      'import',
      file,
      '--dataset',
      'opts',
      '--kind',
      'snapshot',
      '--valid-from',
      '2024-11-26',
      '--actor-property',
      'who',
      '--status-property',
      'st',
      '--source-property',
      'cite',
      '--aliases',
      'Alpha:a,Bravo:b',
      '--valid-from-offset',
      '-PT3H',
    )
    t.equal(imported.code, 0, imported.stderr)
    // the human report: what was written, where, and when the map holds (the offset applied)
    t.match(imported.stdout, /^import \d+: snapshot into opts at 2024-11-25T21:00:00\.000Z, revision \d+/)
    t.match(imported.stdout, /inserted 2/)

    const map = await json('get', '/v1/control?dataset=opts&at=2024-11-25T22:00Z')
    const byActor = Object.fromEntries(map.features.map((f: any) => [f.properties.actor, f.properties]))
    t.match(byActor.a, { status: 'contested', sources: ['report-1'], validFrom: '2024-11-25T21:00:00.000Z' })
    t.match(byActor.b, { status: 'controlled', sources: ['report-2'] })
  })

  t.test('history: valid-from and valid-to properties, one actor for the file', async (t) => {
    const file = writeJson(
      dir,
      'history.geojson',
      collection(feature(square(40, 36, 0.1), { start: '2024-12-01', end: '2024-12-03' }), feature(square(40.2, 36, 0.1), { start: '2024-12-02', end: null })),
    )
    const result = await json(
      'import',
      file,
      '--dataset',
      'opts',
      '--kind',
      'history',
      '--actor',
      'Bravo',
      '--valid-from-property',
      'start',
      '--valid-to-property',
      'end',
    )
    t.match(result, { import: { kind: 'history', counts: { inserted: 2 } }, replayed: false })
    const map = await json('get', '/v1/control?dataset=opts&at=2024-12-02&bbox=39.9,35.9,40.5,36.2')
    t.same(map.features.map((f: any) => [f.properties.actor, f.properties.validFrom, f.properties.validTo]).sort(), [
      ['b', '2024-12-01T00:00:00.000Z', '2024-12-03T00:00:00.000Z'],
      ['b', '2024-12-02T00:00:00.000Z', null],
    ])
  })

  t.test('features: id, kind, name and owner-side properties, and one kind for a file', async (t) => {
    const roads = writeJson(
      dir,
      'roads.geojson',
      collection(
        feature(
          {
            type: 'LineString',
            coordinates: [
              [37, 35.9],
              [38.2, 35.9],
            ],
          },
          { ref: 'm9', type: 'highway', label: 'M9 road', owner: 'one' },
        ),
        feature({ type: 'Point', coordinates: [37.05, 36.05] }, { ref: 'base-x', type: 'base', label: 'Base X' }),
      ),
    )
    const result = await json(
      'import',
      roads,
      '--dataset',
      'opts',
      '--kind',
      'features',
      '--id-property',
      'ref',
      '--kind-property',
      'type',
      '--name-property',
      'label',
      '--owner-side-property',
      'owner',
    )
    t.match(result, { import: { kind: 'features', counts: { inserted: 2 } } })
    const towns = writeJson(dir, 'towns.geojson', collection(feature({ type: 'Point', coordinates: [38.05, 36.05] }, { id: 'town-y', name: 'Town Y' })))
    t.match(await json('import', towns, '--dataset', 'opts', '--kind', 'features', '--feature-kind', 'town'), { import: { counts: { inserted: 1 } } })

    const list = await json('get', '/v1/features?dataset=opts')
    const byId = Object.fromEntries(list.features.map((f: any) => [f.id, f.properties]))
    t.match(byId['m9'], { kind: 'highway', name: 'M9 road', ownerSide: 'one' })
    t.match(byId['base-x'], { kind: 'base', name: 'Base X' })
    t.match(byId['town-y'], { kind: 'town', name: 'Town Y' })
  })

  t.test('a large file: validation progress on stderr', async (t) => {
    const many = Array.from({ length: 1200 }, (_, i) => feature(square(30 + (i % 40) * 0.2, 40 + Math.floor(i / 40) * 0.2, 0.1), { who: 'Alpha' }))
    const file = writeJson(dir, 'many.geojson', collection(...many))
    const dry = await cli(
      'import',
      file,
      '--dataset',
      'opts',
      '--kind',
      'snapshot',
      '--valid-from',
      '2024-12-10',
      '--actor-property',
      'who',
      '--aliases',
      'Alpha:a',
      '--dry-run',
    )
    t.equal(dry.code, 0, dry.stderr)
    t.match(dry.stderr, /many\.geojson: validated \d+\/1200 features\n[\s\S]*validated 1200\/1200 features\n/)
    t.match(dry.stdout, /inserted 1200/)
  })
})
