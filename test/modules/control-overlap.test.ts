import t from 'tap'
import { checkAgainstContract } from '../contract/validate.js'
import { AUTH, area, band, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// By construction, north of the equator: hts holds [0, 2] × [0, 1] from the 26th. From the 28th saa
// also holds [1, 3] × [0, 1] (overlapping hts on [1, 2]) and [2.5, 3] × [0, 1] is contested too
// (overlapping saa). From the 30th sna and saa each hold one more square, [5, 6] × [0, 1] and
// [5.5, 6.5] × [0, 1], both new that day: the same status and the same since.
const hts = area(band(0, 2), { actor: 'hts' })
const saa = area(band(1, 3), { actor: 'saa' })
const contested = area(band(2.5, 3), { status: 'contested' })
const sna = area(square(5, 0, 1), { actor: 'sna' })
const saaEast = area(square(5.5, 0, 1), { actor: 'saa' })
const D26 = '2024-11-26T00:00:00.000Z'
const D28 = '2024-11-28T00:00:00.000Z'
const D30 = '2024-11-30T00:00:00.000Z'

const reference = collection([
  // Inside hts alone, and inside both hts and saa.
  { type: 'Feature', id: 'alone', geometry: { type: 'Point', coordinates: [0.5, 0.5] }, properties: { kind: 'town', name: 'Alone' } },
  { type: 'Feature', id: 'post', geometry: { type: 'Point', coordinates: [1.5, 0.5] }, properties: { kind: 'town', name: 'Post' } },
  // Wholly inside the overlap: hts and saa each hold all of it; a polygon has no since, so the lower area id (hts's, imported first) decides.
  { type: 'Feature', id: 'field', geometry: square(1.2, 0.2, 0.6), properties: { kind: 'field', name: 'Field' } },
  // [0.6, 1.6] × [0, 1]: hts holds all of it, saa the 0.6 east of lon 1: both more than half, the larger share decides.
  {
    type: 'Feature',
    id: 'strip',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [0.6, 0],
          [1.6, 0],
          [1.6, 1],
          [0.6, 1],
          [0.6, 0],
        ],
      ],
    },
    properties: { kind: 'field', name: 'Strip' },
  },
])

t.test('who holds a place covered by several areas: the answer states the rule that picked holder', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  t.equal((await importSnapshot(app, 'test', '2024-11-26', collection([hts]))).statusCode, 201)
  t.equal((await importSnapshot(app, 'test', '2024-11-28', collection([hts, saa, contested]))).statusCode, 201)
  t.equal((await importSnapshot(app, 'test', '2024-11-30', collection([hts, saa, contested, sna, saaEast]))).statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: reference })).statusCode, 201)

  const point = async (query: string) => {
    const url = `/v1/control/point?dataset=test&${query}`
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200)
    await checkAgainstContract(t, app, res, { url })
    return res.json()
  }
  const feature = async (id: string, query: string) => {
    const url = `/v1/features/${id}/control?dataset=test&${query}`
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200)
    await checkAgainstContract(t, app, res, { url })
    return res.json()
  }

  t.test('GET /v1/control/point', async (t) => {
    t.test('one area: no rule to state', async (t) => {
      const body = await point('lon=0.5&lat=0.5&at=2024-11-28')
      t.match(body, { holder: { actor: 'hts' }, holderRule: null })
      t.equal(body.holders.length, 1)
      t.notOk(
        body.notes.some((note: any) => note.code === 'OVERLAPPING_AREAS'),
        'no overlap note',
      )
    })

    t.test('two controlled areas: the longest-standing holding, named with its since', async (t) => {
      const body = await point('lon=1.5&lat=0.5&at=2024-11-28')
      t.same(
        body.holders.map((holder: any) => [holder.actor, holder.since]),
        [
          ['hts', D26],
          ['saa', D28],
        ],
      )
      t.equal(body.holder.actor, 'hts')
      t.match(body.holderRule, /^2 areas cover this point \(hts, saa\): holder is the longest-standing of the controlled holdings/)
      t.match(body.holderRule, new RegExp(`area ${body.holder.areaId}, hts, since ${D26}`))
      t.match(body.holderRule, /by the rule controlled ground before contested, then the longest-standing holding \(earliest since\), then the lowest area id$/)
      const note = body.notes.find((note: any) => note.code === 'OVERLAPPING_AREAS')
      t.match(note.message, /^2 areas overlap here \(hts, saa\): holder is the longest-standing/, 'the note says what holderRule says')
    })

    t.test('controlled and contested: the controlled one, though the contested area is as old', async (t) => {
      const body = await point('lon=2.75&lat=0.5&at=2024-11-28')
      t.same(
        body.holders.map((holder: any) => [holder.actor, holder.status]),
        [
          ['saa', 'controlled'],
          [null, 'contested'],
        ],
      )
      t.match(body.holderRule, /^2 areas cover this point \(saa, contested\): holder is the controlled one \(area \d+, saa\)/)
    })

    t.test('the same status and the same since: the lowest area id', async (t) => {
      const body = await point('lon=5.75&lat=0.5&at=2024-11-30')
      t.equal(body.holders.length, 2)
      t.equal(body.holders[0].since, D30)
      t.equal(body.holders[1].since, D30)
      t.ok(body.holders[0].areaId < body.holders[1].areaId, 'the lower id first')
      t.equal(body.holder.areaId, body.holders[0].areaId)
      t.match(body.holderRule, new RegExp(`holder is the lowest area id \\(${body.holder.areaId}\\) of the controlled holdings since ${D30}`))
    })

    t.test('before the overlap began the same point has one holder and no rule', async (t) => {
      const body = await point('lon=1.5&lat=0.5&at=2024-11-27')
      t.match(body, { holder: { actor: 'hts' }, holderRule: null })
    })

    t.test('CSV keeps its columns: a row per holder, in the order of the rule', async (t) => {
      const res = await app.inject({ url: '/v1/control/point?dataset=test&lon=1.5&lat=0.5&at=2024-11-28&f=csv' })
      t.equal(res.statusCode, 200)
      const [header, ...rows] = res.body.trimEnd().split('\n')
      t.equal(header, 'actor,side,status,since,sinceIsLowerBound,until,areaId,validFrom,validTo,sources')
      t.same(
        rows.map((row) => row.split(',')[0]),
        ['hts', 'saa'],
      )
    })
  })

  t.test('GET /v1/features/{id}/control', async (t) => {
    t.test('a feature inside one area: no rule to state', async (t) => {
      const body = await feature('alone', 'at=2024-11-28')
      t.match(body, { holder: { actor: 'hts', share: 1 }, holderRule: null })
    })

    t.test('a point inside two areas: each holds all of it, the longest-standing is holder', async (t) => {
      const body = await feature('post', 'at=2024-11-28')
      t.same(
        body.holders.map((holder: any) => [holder.actor, holder.share, holder.since]),
        [
          ['hts', 1, D26],
          ['saa', 1, D28],
        ],
      )
      t.equal(body.holder.actor, 'hts')
      t.match(
        body.holderRule,
        /^2 holders each hold more than half of this feature \(hts, saa; areas overlap there, or it lies on their shared boundary\): holder is the longest-standing of the controlled holdings \(hts, since 2024-11-26T00:00:00.000Z\)/,
      )
      t.ok(
        body.notes.some((note: any) => note.code === 'OVERLAPPING_AREAS' && note.message === body.holderRule),
        'and a note says it',
      )
    })

    t.test('a polygon wholly inside the overlap: equal shares, no since, the lowest area id', async (t) => {
      const body = await feature('field', 'at=2024-11-28')
      t.same(
        body.holders.map((holder: any) => [holder.actor, holder.share]),
        [
          ['hts', 1],
          ['saa', 1],
        ],
      )
      t.equal(body.holder.actor, 'hts', "hts's area was imported first: the lower id")
      t.match(body.holderRule, /holder is the holding with the lowest area id \(hts\)/)
    })

    t.test('a polygon both hold more than half of: the larger share', async (t) => {
      const body = await feature('strip', 'at=2024-11-28')
      t.same(
        body.holders.map((holder: any) => [holder.actor, holder.share]),
        [
          ['hts', 1],
          ['saa', 0.6],
        ],
      )
      t.match(body.holderRule, /holder is the largest share \(hts, 1\)/)
    })

    t.test('a history states the rule for each entry where overlap makes it matter', async (t) => {
      const body = await feature('post', 'start=2024-11-26T00:00:00Z&end=2024-11-29T00:00:00Z')
      t.same(
        body.history.map((entry: any) => [entry.from, entry.actor, entry.holderRule === null]),
        [
          [D26, 'hts', true],
          [D28, 'hts', false],
        ],
      )
      t.match(body.history[1].holderRule, /^2 holders each hold more than half/)
    })
  })

  t.test('the OpenAPI document declares holderRule', async (t) => {
    const doc = (await app.inject({ url: '/openapi.json' })).json()
    const text = JSON.stringify(doc.paths['/v1/control/point'].get.responses['200'])
    t.match(text, /"holderRule"/)
    t.match(JSON.stringify(doc.paths['/v1/features/{id}/control'].get.responses['200']), /"holderRule"/)
  })
})
