import t from 'tap'
import { area, band, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// By construction at the equator: on the 26th hts holds [0, 1]² and saa [1, 2] × [0, 1]; on the 28th
// hts holds [0, 1.5] × [0, 1]. The dataset covers 26 Nov 00:00 to 28 Nov 00:00, box [0, 0, 2, 1].
const day26 = collection([area(band(0, 1), { actor: 'hts', source: 'report-26' }), area(band(1, 2), { actor: 'saa', source: 'report-26,agency-26' })])
const day28 = collection([area(band(0, 1.5), { actor: 'hts', source: 'report-28' }), area(band(1.5, 2), { actor: 'saa', source: 'report-28' })])
const FIRST = '2024-11-26T00:00:00.000Z'
const LAST = '2024-11-28T00:00:00.000Z'

t.test('GET /v1/control: paging, coverage, notes, CSV', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  t.equal((await importSnapshot(app, 'test', '2024-11-26', day26)).statusCode, 201)
  t.equal((await importSnapshot(app, 'test', '2024-11-28', day28)).statusCode, 201)
  const get = async (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers })

  t.test('pages with limit and offset, and absolute self, next and prev links that keep every parameter', async (t) => {
    const first = await get('/v1/control?dataset=test&at=2024-11-26&limit=1')
    t.equal(first.statusCode, 200)
    const page1 = first.json()
    t.match(page1, { numberMatched: 2, numberReturned: 1 })
    t.equal(page1.features.length, 1)
    const rel = (page: any, name: string) => page.links.find((link: any) => link.rel === name)?.href
    t.equal(rel(page1, 'self'), 'http://localhost:80/v1/control?dataset=test&at=2024-11-26&limit=1')
    t.equal(rel(page1, 'prev'), undefined, 'no page before the first')
    const next = new URL(rel(page1, 'next'))
    t.same(Object.fromEntries(next.searchParams), { dataset: 'test', at: '2024-11-26', limit: '1', offset: '1' })
    const page2 = (await get(`${next.pathname}${next.search}`)).json()
    t.match(page2, { numberMatched: 2, numberReturned: 1 })
    t.equal(rel(page2, 'next'), undefined, 'no page after the last')
    t.equal(new URL(rel(page2, 'prev')).searchParams.get('offset'), '0')
    t.same([...page1.features, ...page2.features].map((f: any) => f.properties.actor).sort(), ['hts', 'saa'], 'the two pages are the whole map')
    t.same(page1.sources, ['report-26'], 'the sources of this page only')
    t.same(page2.sources, ['agency-26', 'report-26'])
  })

  t.test('the default page holds the whole map', async (t) => {
    const body = (await get('/v1/control?dataset=test&at=2024-11-26')).json()
    t.match(body, { numberMatched: 2, numberReturned: 2 })
    t.same(
      body.links.map((link: any) => link.rel),
      ['self'],
    )
  })

  t.test('every answer carries the coverage; a date before it says so', async (t) => {
    const body = (await get('/v1/control?dataset=test&at=2024-11-25')).json()
    t.same(body.features, [])
    t.same(body.coverage, { from: FIRST, to: LAST, bbox: [0, 0, 2, 1] })
    t.same(
      body.notes.map((note: any) => note.code),
      ['AT_BEFORE_COVERAGE'],
    )
  })

  t.test('a date after the last change answers the last map, and says so', async (t) => {
    const body = (await get('/v1/control?dataset=test&at=2025-01-01')).json()
    t.equal(body.features.length, 2)
    t.same(
      body.notes.map((note: any) => note.code),
      ['AT_AFTER_COVERAGE'],
    )
  })

  t.test('a date inside the coverage has nothing to explain', async (t) => {
    t.same((await get('/v1/control?dataset=test&at=2024-11-27')).json().notes, [])
  })

  t.test('an actor holding nothing at the date is explained; an actor or side the dataset lacks is 404', async (t) => {
    const body = (await get('/v1/control?dataset=test&at=2024-11-27&actor=sna')).json()
    t.same(body.features, [])
    t.match(body.notes, [{ code: 'NO_GROUND', message: /sna/ }])
    const unknownActor = await get('/v1/control?dataset=test&actor=nusra')
    t.equal(unknownActor.statusCode, 404)
    t.equal(unknownActor.json().code, 'ACTOR_NOT_FOUND')
    const unknownSide = await get('/v1/control?dataset=test&side=rebels')
    t.equal(unknownSide.statusCode, 404)
    t.equal(unknownSide.json().code, 'SIDE_NOT_FOUND')
  })

  t.test('a bbox outside every area is explained', async (t) => {
    const body = (await get('/v1/control?dataset=test&at=2024-11-27&bbox=10,10,11,11')).json()
    t.same(body.features, [])
    t.match(body.notes, [{ code: 'OUTSIDE_EXTENT' }])
  })

  t.test('CSV by f=csv or Accept: the areas without geometry, a header of the JSON members', async (t) => {
    const json = (await get('/v1/control?dataset=test&at=2024-11-26')).json()
    for (const res of [
      await get('/v1/control?dataset=test&at=2024-11-26&f=csv'),
      await get('/v1/control?dataset=test&at=2024-11-26', { accept: 'text/csv' }),
    ]) {
      t.equal(res.statusCode, 200)
      t.match(res.headers['content-type'], /^text\/csv/)
      const [header, ...rows] = res.body.trimEnd().split('\n')
      t.equal(header, 'id,actor,side,status,validFrom,validTo,areaKm2,sources,areaKey')
      t.equal(rows.length, 2)
      const saa = json.features.find((f: any) => f.properties.actor === 'saa')
      t.equal(
        rows.find((row) => row.startsWith(`${saa.id},`)),
        `${saa.id},saa,government,controlled,${FIRST},${LAST},${saa.properties.areaKm2},report-26;agency-26,`,
      )
    }
    const refused = await get('/v1/control?dataset=test', { accept: 'image/png' })
    t.equal(refused.statusCode, 406)
    t.equal(refused.json().code, 'NOT_ACCEPTABLE')
  })

  t.test('areas cite their sources by id, as a list', async (t) => {
    const body = (await get('/v1/control?dataset=test&at=2024-11-26')).json()
    t.same(body.features.find((f: any) => f.properties.actor === 'saa').properties.sources, ['report-26', 'agency-26'])
  })
})

t.test('GET /v1/control/point: notes, the holder rule, lower bounds', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  await importSnapshot(app, 'test', '2024-11-26', day26)
  await importSnapshot(app, 'test', '2024-11-28', day28)
  const point = async (query: string) => {
    const res = await app.inject({ url: `/v1/control/point?dataset=test&${query}` })
    t.equal(res.statusCode, 200, res.body)
    return res.json()
  }

  t.test('a holding that starts with the data is a lower bound', async (t) => {
    const body = await point('lon=0.5&lat=0.5&at=2024-11-27')
    t.match(body.holder, { actor: 'hts', since: FIRST, sinceIsLowerBound: true })
    t.match(body.notes, [{ code: 'SINCE_IS_LOWER_BOUND' }])
    const later = await point('lon=1.25&lat=0.5&at=2024-11-28')
    t.match(later.holder, { actor: 'hts', since: LAST, sinceIsLowerBound: false })
    t.same(later.notes, [])
  })

  t.test('swapped lon and lat get a hint', async (t) => {
    // (0.5, 1.5) is north of the box [0, 0, 2, 1]; swapped, (1.5, 0.5) is inside it.
    const body = await point('lon=0.5&lat=1.5&at=2024-11-27')
    t.equal(body.holder, null)
    t.match(body.notes, [{ code: 'LON_LAT_SWAPPED' }])
  })

  t.test('a point far from the data is outside it', async (t) => {
    t.match((await point('lon=50&lat=10&at=2024-11-27')).notes, [{ code: 'OUTSIDE_EXTENT' }])
  })

  t.test('a date before the data says so', async (t) => {
    t.match((await point('lon=0.5&lat=0.5&at=2024-11-20')).notes, [{ code: 'AT_BEFORE_COVERAGE' }])
  })

  t.test('CSV: a row per holder', async (t) => {
    const res = await app.inject({ url: '/v1/control/point?dataset=test&lon=1.25&lat=0.5&at=2024-11-27&f=csv' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/csv/)
    const [header, row, ...rest] = res.body.trimEnd().split('\n')
    t.equal(header, 'actor,side,status,since,sinceIsLowerBound,until,areaId,validFrom,validTo,sources')
    t.match(row, new RegExp(`^saa,government,controlled,${FIRST},true,${LAST},\\d+,${FIRST},${LAST},report-26;agency-26$`))
    t.same(rest, [])
  })
})

t.test('GET /v1/control/point where areas overlap or leave a gap', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  // hts holds [0, 2] × [0, 1] from the 26th; on the 28th saa's [1, 2] × [0, 1] and contested [1, 1.5] × [0, 1] overlap it,
  // and nothing covers [3, 4] × [0, 1] though the box of the data reaches lon 5.
  const hts = area(band(0, 2), { actor: 'hts' })
  const far = area(square(4, 0, 1), { actor: 'saa' })
  await importSnapshot(app, 'test', '2024-11-26', collection([hts, far]))
  const contested = area(band(1, 1.5), { status: 'contested' })
  t.equal((await importSnapshot(app, 'test', '2024-11-28', collection([hts, far, area(square(1, 0, 1), { actor: 'saa' }), contested]))).statusCode, 201)
  const point = async (query: string) => (await app.inject({ url: `/v1/control/point?dataset=test&${query}` })).json()

  t.test('controlled before contested, then the longest-standing holding; all are listed', async (t) => {
    const body = await point('lon=1.25&lat=0.5&at=2024-11-28')
    t.same(
      body.holders.map((holder: any) => [holder.actor, holder.status]),
      [
        ['hts', 'controlled'],
        ['saa', 'controlled'],
        [null, 'contested'],
      ],
    )
    t.match(body.holder, { actor: 'hts', since: '2024-11-26T00:00:00.000Z' })
    t.match(body.notes, [{ code: 'OVERLAPPING_AREAS', message: /3 areas overlap/ }])
  })

  t.test('a point in a gap whose swapped coordinates are held gets the hint, though both lie inside the box', async (t) => {
    // hts holds [2, 3] × [0, 1] and saa [0, 0.4] × [2.6, 3]: the box is [0, 0, 3, 3]. (0.5, 2.5) is in it and in no area;
    // swapped, (2.5, 0.5) is hts's.
    await seed(app, 'swap')
    await importSnapshot(app, 'swap', '2024-11-26', collection([area(square(2, 0, 1), { actor: 'hts' }), area(square(0, 2.6, 0.4), { actor: 'saa' })]))
    const body = (await app.inject({ url: '/v1/control/point?dataset=swap&lon=0.5&lat=2.5&at=2024-11-26' })).json()
    t.equal(body.holder, null)
    t.same(body.coverage.bbox, [0, 0, 3, 3])
    t.same(
      body.notes.map((note: any) => note.code),
      ['LON_LAT_SWAPPED'],
    )
    t.match(body.notes[0].message, /held by hts/)
  })

  t.test('a gap inside the data is no area, not outside it', async (t) => {
    const body = await point('lon=3.5&lat=0.5&at=2024-11-28')
    t.equal(body.holder, null)
    t.same(
      body.notes.map((note: any) => note.code),
      ['NO_AREA'],
    )
  })
})
