import t from 'tap'
import { ChangesSchema } from '../../src/modules/analysis/analysis.schemas.js'
import { AUTH, area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// By construction, squares whose km² are known (a lon/lat rectangle on the sphere Turf uses).
// 26 November: saa holds S1 and S2; hts holds H and G. 28 November: saa keeps S1; hts has taken S2,
// mapped U (unmapped before) and kept the west half of H; sna (opposition, like hts) holds H's east
// half; K (unmapped before) is contested; G is on no map any more.
const R = 6371.0088
const rad = (deg: number) => (deg * Math.PI) / 180
/** km² of [x0, x0 + w] × [y0, y0 + h]: R² · Δλ · (sin φ2 − sin φ1). */
const rectKm2 = (x0: number, y0: number, w: number, h: number) => R * R * rad(w) * (Math.sin(rad(y0 + h)) - Math.sin(rad(y0)))
const close = (actual: number, expected: number) => Math.abs(actual - expected) <= Math.abs(expected) * 1e-6 + 0.002
const rect = (x0: number, y0: number, w: number, h: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x0 + w, y0],
      [x0 + w, y0 + h],
      [x0, y0 + h],
      [x0, y0],
    ],
  ],
})

const S2 = rectKm2(1, 0, 1, 1)
const U = rectKm2(2, 0, 1, 1)
const HEast = rectKm2(0.5, 1, 0.5, 1)
const HWest = rectKm2(0, 1, 0.5, 1)
const H = rectKm2(0, 1, 1, 1)
const G = rectKm2(5, 5, 0.5, 0.5)
const K = rectKm2(0, -1, 1, 1)

const town = (id: string, lon: number, lat: number) => ({
  type: 'Feature',
  id,
  geometry: { type: 'Point', coordinates: [lon, lat] },
  properties: { kind: 'town', name: id },
})

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const towns = collection([
    town('in-s1', 0.5, 0.5),
    town('in-s2', 1.5, 0.5),
    town('in-u', 2.5, 0.5),
    town('in-h-east', 0.75, 1.5),
    town('in-g', 5.25, 5.25),
    town('in-k', 0.5, -0.5),
  ])
  t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: towns })).statusCode, 201)
  const day26 = [
    area(square(0, 0, 1), { actor: 'saa' }),
    area(square(1, 0, 1), { actor: 'saa' }),
    area(square(0, 1, 1), { actor: 'hts' }),
    area(rect(5, 5, 0.5, 0.5), { actor: 'hts' }),
  ]
  const day28 = [
    area(square(0, 0, 1), { actor: 'saa' }),
    area(square(1, 0, 1), { actor: 'hts' }),
    area(square(2, 0, 1), { actor: 'hts' }),
    area(rect(0, 1, 0.5, 1), { actor: 'hts' }),
    area(rect(0.5, 1, 0.5, 1), { actor: 'sna' }),
    area(square(0, -1, 1), { status: 'contested' }),
  ]
  t.equal((await importSnapshot(app, 'test', '2024-11-26', collection(day26))).statusCode, 201)
  t.equal((await importSnapshot(app, 'test', '2024-11-28', collection(day28))).statusCode, 201)
  return app
}

type Transfer = { from: string; fromSide: string | null; to: string; toSide: string | null; areaKm2: number; features: string[] }

t.test('GET /v1/analysis/changes: who took what from whom', async (t) => {
  const app = await setup(t)
  const get = (query: string, headers = {}) => app.inject({ url: `/v1/analysis/changes?dataset=test&start=2024-11-26&end=2024-11-28${query}`, headers })

  t.test('every cell of the from→to matrix, km² and the features that moved in it', async (t) => {
    const res = await get('')
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.ok(ChangesSchema.safeParse(body).success, 'the answer is what its schema declares')
    const expected: [string, string | null, string, string | null, number, string[]][] = [
      ['saa', 'government', 'hts', 'opposition', S2, ['in-s2']],
      ['unmapped', null, 'hts', 'opposition', U, ['in-u']],
      ['hts', 'opposition', 'sna', 'opposition', HEast, ['in-h-east']],
      ['hts', 'opposition', 'unmapped', null, G, ['in-g']],
      ['unmapped', null, 'contested', null, K, ['in-k']],
    ]
    t.equal(body.transfers.length, expected.length, JSON.stringify(body.transfers))
    for (const [from, fromSide, to, toSide, km2, features] of expected) {
      const cell: Transfer | undefined = body.transfers.find((c: Transfer) => c.from === from && c.to === to)
      t.ok(cell, `${from}→${to}`)
      if (!cell) continue
      t.match(cell, { fromSide, toSide })
      t.ok(close(cell.areaKm2, km2), `${from}→${to}: ${cell.areaKm2} vs ${km2}`)
      t.same(cell.features, features, `${from}→${to}`)
    }
    t.same(
      body.transfers.map((c: Transfer) => c.areaKm2),
      [...body.transfers.map((c: Transfer) => c.areaKm2)].sort((a, b) => b - a),
      'largest first',
    )

    const sideCells: [string, string, number, string[]][] = [
      ['government', 'opposition', S2, ['in-s2']],
      ['unmapped', 'opposition', U, ['in-u']],
      ['opposition', 'unmapped', G, ['in-g']],
      ['unmapped', 'contested', K, ['in-k']],
    ]
    t.equal(body.sideTransfers.length, sideCells.length, 'hts→sna stays within the opposition: no side cell')
    for (const [from, to, km2, features] of sideCells) {
      const cell = body.sideTransfers.find((c: Transfer) => c.from === from && c.to === to)
      t.ok(cell && close(cell.areaKm2, km2), `${from}→${to}: ${cell?.areaKm2} vs ${km2}`)
      t.same(cell?.features, features)
    }

    const hts = body.actors.find((row: { actor: string }) => row.actor === 'hts')
    t.ok(close(hts.startKm2, H + G) && close(hts.endKm2, S2 + U + HWest), JSON.stringify(hts))
    t.ok(close(hts.gainedKm2, S2 + U) && close(hts.lostKm2, HEast + G))
    t.ok(close(body.contested.endKm2, K) && body.contested.startKm2 === 0)
    t.equal(body.polygons.type, 'FeatureCollection', 'polygons by default')
    t.ok(body.polygons.features.some((f: any) => f.properties.level === 'contested' && f.properties.change === 'gained'))
    t.same(body.notes, [])
    t.match(body.coverage, { from: '2024-11-26T00:00:00.000Z', to: '2024-11-28T00:00:00.000Z' })
  })

  t.test('polygons=false drops the polygons member, and is answered apart', async (t) => {
    const full = await get('')
    const lean = await get('&polygons=false')
    t.equal(lean.statusCode, 200)
    t.equal(lean.headers['x-cache'], 'miss', 'not the cached answer with polygons')
    t.notOk('polygons' in lean.json())
    t.ok(ChangesSchema.safeParse(lean.json()).success)
    t.ok(lean.body.length < full.body.length)
    t.same(lean.json().transfers, full.json().transfers)
    t.equal((await get('&polygons=maybe')).statusCode, 400)
  })

  t.test('as CSV: the summary, the matrix or the features, by table=', async (t) => {
    const summary = await get('&f=csv')
    t.equal(summary.statusCode, 200)
    t.match(summary.headers['content-type'], /^text\/csv/)
    const rows = summary.body.trim().split('\n')
    t.equal(rows[0], 'level,id,side,startKm2,endKm2,gainedKm2,lostKm2,netKm2')
    t.same(
      rows.slice(1).map((row) => row.split(',').slice(0, 3).join(',')),
      [
        'actor,hts,opposition',
        'actor,saa,government',
        'actor,sna,opposition',
        'side,government,government',
        'side,opposition,opposition',
        'contested,contested,',
      ],
    )
    const hts = rows[1].split(',').map(Number)
    t.ok(close(hts[5], S2 + U) && close(hts[6], HEast + G))

    const matrix = await get('&table=transfers', { accept: 'text/csv' })
    t.equal(matrix.statusCode, 200)
    const lines = matrix.body.trim().split('\n')
    t.equal(lines[0], 'level,from,fromSide,to,toSide,areaKm2,features')
    t.equal(lines.length, 1 + 5 + 4, 'five actor cells and four side cells')
    const cell = lines.find((line) => line.startsWith('actor,saa,government,hts,opposition,'))!.split(',')
    t.ok(close(Number(cell[5]), S2))
    t.equal(cell[6], 'in-s2')
    t.ok(lines.some((line) => line.startsWith('side,government,government,opposition,opposition,')))

    const features = await get('&f=csv&table=features')
    const featureLines = features.body.trim().split('\n')
    t.equal(featureLines[0], 'id,name,kind,from.actor,from.side,from.status,to.actor,to.side,to.status')
    t.ok(featureLines.includes('in-s2,in-s2,town,saa,government,controlled,hts,opposition,controlled'))
    t.ok(featureLines.includes('in-u,in-u,town,,,,hts,opposition,controlled'), 'from no holder: empty cells')
    t.notOk(featureLines.some((line) => line.startsWith('in-s1,')))
  })

  t.test('a start before the first map says so', async (t) => {
    const res = await app.inject({ url: '/v1/analysis/changes?dataset=test&start=2024-11-20&end=2024-11-28&polygons=false' })
    t.equal(res.statusCode, 200)
    t.same(
      res.json().notes.map((note: { code: string }) => note.code),
      ['AT_BEFORE_COVERAGE'],
    )
    const saa = res.json().transfers.find((c: Transfer) => c.from === 'unmapped' && c.to === 'saa')
    t.ok(saa && close(saa.areaKm2, rectKm2(0, 0, 1, 1)), 'all of saa’s ground came from unmapped ground')
  })
})
