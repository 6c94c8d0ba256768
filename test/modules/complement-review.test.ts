import type { Position } from 'geojson'
import t from 'tap'
import { frontLines, prepareAreas, preparedGeometry, uncoveredPolygons } from '../../src/geo/index.js'
import { complementArea } from '../../src/read/areas.js'
import { placeHoldings } from '../../src/read/point-holders.js'
import * as datasetsRepository from '../../src/store/datasets.repository.js'
import { box, greatCircleKm } from '../geo/shapes.js'
import { AUTH, area, buildTestApp, collection, importSnapshot } from '../helpers.js'

// The review's findings on the complement (issue 12), each by construction. The outline is the
// square [0, 4] × [0, 4]; ru holds [-1, 1] × [1, 3] from 1 March and [-1, 2] × [1, 3] from 3 March;
// everything else inside the outline is ua's through the complement, from 1 March (the first area).
const close = (actual: number, expected: number, tolerance = 1e-4) => Math.abs(actual - expected) <= Math.abs(expected) * tolerance + 1e-6

const point = (coordinates: Position) => ({ type: 'Point', coordinates })

const reference = collection([
  { type: 'Feature', id: 'country', geometry: box(0, 0, 4, 4), properties: { kind: 'country', name: 'Country' } },
  // Complement's (ua) on 1–2 March, ru's from 3 March.
  { type: 'Feature', id: 'village', geometry: point([1.5, 2]), properties: { kind: 'town', name: 'Village' } },
  // On ru's east edge on 1–2 March: ru's area and the complement both hold it wholly.
  { type: 'Feature', id: 'edge', geometry: point([1, 2]), properties: { kind: 'town', name: 'Edge' } },
])

const dataset = { name: 'Single actor', description: 'a map of one actor', licence: 'CC BY 4.0' }
const outlined = { ...dataset, outlineFeature: 'country', complementActor: 'ua' }

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t)
  const put = async (url: string, payload: object, method: 'PUT' | 'POST' = 'PUT') => {
    const res = await app.inject({ method, url, headers: AUTH, payload })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  }
  await put('/v1/datasets/single', dataset)
  await put('/v1/datasets/single/actors/ru', { name: 'Russia', side: 'ru' })
  await put('/v1/datasets/single/actors/ua', { name: 'Ukraine', side: 'ua' })
  for (const [day, rect] of [
    ['2024-03-01', box(-1, 1, 1, 3)],
    ['2024-03-03', box(-1, 1, 2, 3)],
  ] as const) {
    const res = await importSnapshot(app, 'single', day, collection([area(rect, { actor: 'ru' })]))
    if (res.statusCode >= 300) throw new Error(`${day}: ${res.statusCode} ${res.body}`)
  }
  await put('/v1/datasets/single/features', reference, 'POST')
  await put('/v1/datasets/single', outlined)
  return app
}

type Holder = { actor: string | null; status: string | null; share: number }
type Entry = { from: string; to: string | null; actor: string | null; holders: Holder[] }
const codes = (body: { notes: { code: string }[] }) => body.notes.map((note) => note.code)

t.test('B4: a feature’s holder history counts the complement as its answer at an instant does', async (t) => {
  const app = await setup(t)
  const control = async (query: string) => {
    const res = await app.inject({ url: `/v1/features/village/control?dataset=single&${query}` })
    t.equal(res.statusCode, 200, res.body)
    return res.json()
  }
  const at2 = await control('at=2024-03-02')
  t.equal(at2.holder?.actor, 'ua', 'at the 2nd the complement actor holds the village')
  const history = await control('start=2024-02-28T00:00Z&end=2024-03-05T00:00Z')
  t.same(
    history.history.map((entry: Entry) => [entry.from, entry.to, entry.actor]),
    [
      ['2024-02-28T00:00:00.000Z', '2024-03-01T00:00:00.000Z', null],
      ['2024-03-01T00:00:00.000Z', '2024-03-03T00:00:00.000Z', 'ua'],
      ['2024-03-03T00:00:00.000Z', null, 'ru'],
    ],
    'nothing before the data, then the complement, then ru',
  )
  const onThe2nd = history.history.find((entry: Entry) => entry.from <= at2.at && (entry.to === null || entry.to > at2.at))
  t.same(
    onThe2nd.holders.map((h: Holder) => [h.actor, h.status, h.share]),
    at2.holders.map((h: Holder) => [h.actor, h.status, h.share]),
    'the history and the answer at the 2nd agree',
  )
  t.ok(codes(history).includes('COMPLEMENT'), JSON.stringify(history.notes))
  t.ok(codes(history).includes('NO_COMPLEMENT'), 'the days before the first area are said to be without a complement')
})

t.test('B5: on a tie the complement ranks after the mapped area, for points too', async (t) => {
  const app = await setup(t)
  const res = await app.inject({ url: '/v1/features/edge/control?dataset=single&at=2024-03-02' })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.same(
    body.holders.map((h: Holder) => [h.actor, h.status, h.share]),
    [
      ['ru', 'controlled', 1],
      ['ua', 'controlled', 1],
    ],
    'both hold the point on the edge; the mapped area first',
  )
  t.equal(body.holder.actor, 'ru')
  t.match(body.holderRule, /mapped area before the dataset's complement \(ru, not ua\)/)
  const history = (await app.inject({ url: '/v1/features/edge/control?dataset=single&start=2024-03-01&end=2024-03-02' })).json()
  t.equal(history.history[0].actor, 'ru', 'the history ranks them alike')
})

t.test('R3: before the first area, and in a gap of a history, the complement claims nothing', async (t) => {
  const app = await setup(t)
  const view = await app.readModel.open('single')
  const before = new Date('2024-02-28T00:00:00Z')
  t.equal(await complementArea(view, before), null, 'no complement before coverage.from')
  t.same((await placeHoldings(view, [{ point: [3, 3], at: before }]))[0], { holders: [], complement: null })
  t.not(await complementArea(view, new Date('2024-03-01T00:00:00Z')), null, 'from the first area on, there is one')
  t.match((await placeHoldings(view, [{ point: [3, 3], at: new Date('2024-03-01T00:00:00Z') }]))[0].holders, [{ actor: 'ua', areaId: null }])

  const get = async (url: string) => {
    const res = await app.inject({ url: `/v1/analysis/${url}` })
    t.equal(res.statusCode, 200, res.body)
    return res.json()
  }
  const fronts = await get('fronts?dataset=single&at=2024-02-28')
  t.same(fronts.features, [], 'no front before the data')
  t.ok(codes(fronts).includes('NO_COMPLEMENT'), JSON.stringify(fronts.notes))
  t.notOk(codes(fronts).includes('COMPLEMENT'))
  const distance = await get('distance?dataset=single&from=feature:village&to=side:ua&at=2024-02-28')
  t.equal(distance.distanceKm, null, 'ua holds nothing before the data')
  const series = await get('area?dataset=single&start=2024-02-28&end=2024-03-01&step=P1D&actor=ua')
  t.same(
    series.series.map((step: { actors: { actor: string; areaKm2: number }[] }) => step.actors.map((a) => [a.actor, a.areaKm2 > 0])),
    [[['ua', false]], [['ua', false]], [['ua', true]]],
    'the complement actor holds ground only from the first area',
  )
  t.match(series.notes.find((n: { code: string }) => n.code === 'NO_COMPLEMENT')?.message ?? '', /at 2 of the 3 steps/)
  const point = (await app.inject({ url: '/v1/control/point?dataset=single&lon=3&lat=3&at=2024-02-28' })).json()
  t.equal(point.holder, null, 'who holds a point: nobody before the data')

  // A history with a gap: ru's area from 1 to 10 January and from 20 January; nothing in between.
  const put = (url: string, payload: object, method: 'PUT' | 'POST' = 'PUT') => app.inject({ method, url, headers: AUTH, payload })
  t.equal((await put('/v1/datasets/gappy', { name: 'Gappy' })).statusCode, 201)
  t.equal((await put('/v1/datasets/gappy/actors/ru', { name: 'Russia', side: 'ru' })).statusCode, 201)
  t.equal((await put('/v1/datasets/gappy/actors/ua', { name: 'Ukraine', side: 'ua' })).statusCode, 201)
  const history = collection([
    area(box(0, 1, 1, 3), { actor: 'ru', valid_from: '2024-01-01', valid_to: '2024-01-10' }, 'a'),
    area(box(0, 1, 1, 3), { actor: 'ru', valid_from: '2024-01-20' }, 'b'),
  ])
  const imported = await put('/v1/datasets/gappy/history', history, 'POST')
  t.equal(imported.statusCode, 201, imported.body)
  t.equal((await put('/v1/datasets/gappy/features', reference, 'POST')).statusCode, 201)
  t.equal((await put('/v1/datasets/gappy', { name: 'Gappy', outlineFeature: 'country', complementActor: 'ua' })).statusCode, 200)
  const gappy = await app.readModel.open('gappy')
  t.not(await complementArea(gappy, new Date('2024-01-05T00:00:00Z')), null)
  t.equal(await complementArea(gappy, new Date('2024-01-15T00:00:00Z')), null, 'in the gap, no complement')
  t.same((await placeHoldings(gappy, [{ point: [3, 3], at: new Date('2024-01-15T00:00:00Z') }]))[0], { holders: [], complement: null })
  t.not(await complementArea(gappy, new Date('2024-01-25T00:00:00Z')), null)
  const villageHistory = (await app.inject({ url: '/v1/features/village/control?dataset=gappy&start=2024-01-01T00:00Z&end=2024-01-25T00:00Z' })).json()
  t.same(
    villageHistory.history.map((entry: Entry) => [entry.from, entry.actor]),
    [
      ['2024-01-01T00:00:00.000Z', 'ua'],
      ['2024-01-10T00:00:00.000Z', null],
      ['2024-01-20T00:00:00.000Z', 'ua'],
    ],
    'the village, never touched by an area, is the complement’s only while the dataset maps something',
  )
})

t.test('R4: PUT replaces the dataset, the outline as its other optional members', async (t) => {
  const app = await setup(t)
  const dataset = async () => (await app.inject({ url: '/v1/datasets/single' })).json()
  t.match(await dataset(), { description: 'a map of one actor', licence: 'CC BY 4.0', outlineFeature: 'country', complementActor: 'ua' })
  const res = await app.inject({ method: 'PUT', url: '/v1/datasets/single', headers: AUTH, payload: { name: 'Single actor' } })
  t.equal(res.statusCode, 200)
  t.match(
    res.json(),
    { description: '', licence: null, sourceUrl: null, outlineFeature: null, complementActor: null },
    'every member left out takes its default: the outline as description and licence',
  )
  // The repository keeps what it is not given (undefined): the bundle loader's upserts leave an outline alone.
  t.equal((await app.inject({ method: 'PUT', url: '/v1/datasets/single', headers: AUTH, payload: outlined })).statusCode, 200)
  await datasetsRepository.upsertDataset(app.db, 'single', { name: 'Renamed', description: '', licence: null, sourceUrl: null, properties: {} })
  t.match(await datasetsRepository.findDataset(app.db, 'single'), { name: 'Renamed', outlineFeature: 'country', complementActor: 'ua' })
})

t.test('R10: the border exclusion cuts only front against the complement’s ground', async (t) => {
  // Outline [0, 4] × [0, 4]; ua maps a strip [0, 2] × [0, 0.004] (0.44 km wide) along its south
  // border, and ru holds [0, 1] × [0.004, 2] just north of it. ru's south edge faces ua's *mapped*
  // strip, within 1 km of the border: front. Its east and north edges face the complement, away
  // from the border: front. Its west edge lies on the outline: no front.
  const outline = box(0, 0, 4, 4)
  const ru = box(0, 0.004, 1, 2)
  const strip = box(0, 0, 2, 0.004)
  const complement = uncoveredPolygons(outline, [ru, strip])!
  const a = prepareAreas([{ key: '1', holder: 'ru', side: 'ru', status: 'controlled', geometry: ru }])
  const b = prepareAreas([
    { key: '2', holder: 'ua', side: 'ua', status: 'controlled', geometry: strip },
    { key: 'complement@x', holder: 'ua', side: 'ua', status: 'controlled', geometry: complement },
  ])
  const isComplement = (prepared: typeof b) => (polygon: number) => prepared.areas[prepared.polygons[polygon].source].key.startsWith('complement@')
  const border = { geometry: preparedGeometry(outline), withinKm: 1 }
  const south = greatCircleKm([0, 0.004], [1, 0.004])
  const expected = south + greatCircleKm([1, 0.004], [1, 2]) + greatCircleKm([0, 2], [1, 2])
  const plain = frontLines(a, b)
  t.ok(close(plain.lengthKm, expected), `without a border: ${plain.lengthKm} vs ${expected}`)
  const cutAll = frontLines(a, b, { border })
  t.ok(close(cutAll.lengthKm, expected - south), `a border for every stretch cuts the mapped front too: ${cutAll.lengthKm}`)
  const only = frontLines(a, b, { border: { ...border, only: { a: isComplement(a), b: isComplement(b) } } })
  t.ok(close(only.lengthKm, expected), `a border for the complement's ground keeps it: ${only.lengthKm} vs ${expected}`)

  // The sliver of complement between a map edge and the outline is still cut.
  const wide = box(-0.005, 0, 4, 4)
  const lone = box(0, 1, 1, 3)
  const aLone = prepareAreas([{ key: '1', holder: 'ru', side: 'ru', status: 'controlled', geometry: lone }])
  const bLone = prepareAreas([{ key: 'complement@y', holder: 'ua', side: 'ua', status: 'controlled', geometry: uncoveredPolygons(wide, [lone])! }])
  const inside = greatCircleKm([1, 1], [1, 3]) + greatCircleKm([0, 1], [1, 1]) + greatCircleKm([0, 3], [1, 3])
  const sliver = frontLines(aLone, bLone, {
    border: { geometry: preparedGeometry(wide), withinKm: 1, only: { a: isComplement(aLone), b: isComplement(bLone) } },
  })
  t.ok(close(sliver.lengthKm, inside), `${sliver.lengthKm} vs ${inside}`)

  // The same through the API: a multi-actor map naming an outline keeps the mapped front along the border.
  const app = await buildTestApp(t)
  const put = (url: string, payload: object, method: 'PUT' | 'POST' = 'PUT') => app.inject({ method, url, headers: AUTH, payload })
  t.equal((await put('/v1/datasets/multi', { name: 'Multi' })).statusCode, 201)
  t.equal((await put('/v1/datasets/multi/actors/ru', { name: 'Russia', side: 'ru' })).statusCode, 201)
  t.equal((await put('/v1/datasets/multi/actors/ua', { name: 'Ukraine', side: 'ua' })).statusCode, 201)
  const snapshot = await importSnapshot(app, 'multi', '2024-03-01', collection([area(ru, { actor: 'ru' }), area(strip, { actor: 'ua' })]))
  t.equal(snapshot.statusCode, 201, snapshot.body)
  t.equal((await put('/v1/datasets/multi/features', collection([reference.features[0]]), 'POST')).statusCode, 201)
  t.equal((await put('/v1/datasets/multi', { name: 'Multi', outlineFeature: 'country', complementActor: 'ua' })).statusCode, 200)
  const fronts = (await app.inject({ url: '/v1/analysis/fronts?dataset=multi&at=2024-03-01' })).json()
  t.ok(close(fronts.features[0].properties.lengthKm, expected, 1e-3), `${fronts.features[0].properties.lengthKm} vs ${expected}`)
  t.match(fronts.notes.find((n: { code: string }) => n.code === 'COMPLEMENT')?.message ?? '', /between two mapped areas is kept/)
})
