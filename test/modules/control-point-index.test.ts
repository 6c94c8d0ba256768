import type { Position } from 'geojson'
import t from 'tap'
import { area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// Who holds a point is answered from the view's indexed area history (read/point-holders.ts): that
// index belongs to one revision, so a write must be seen by the next question, the same URL included.
// By construction: a 100-gon of radius 1 around (0, 0) (enough vertices for the shape's edges to be
// indexed) held by hts from the 26th; from the 28th saa holds it instead, and hts a square east of it.
const N = 100
const ring: Position[] = Array.from({ length: N }, (_, i) => [Math.cos((2 * Math.PI * i) / N), Math.sin((2 * Math.PI * i) / N)])
ring.push(ring[0])
const circle = { type: 'Polygon', coordinates: [ring] }

t.test('a point asked again after a write at a new revision sees the new area', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const point = async (lon: number, lat: number, at: string) => {
    const res = await app.inject({ url: `/v1/control/point?dataset=test&lon=${lon}&lat=${lat}&at=${at}` })
    t.equal(res.statusCode, 200, res.body)
    return res.json()
  }
  t.equal((await importSnapshot(app, 'test', '2024-11-26', collection([area(circle, { actor: 'hts' })]))).statusCode, 201)
  const before = await point(0.5, 0.5, '2024-11-29')
  t.equal(before.holder.actor, 'hts', 'the first map holds on')
  t.equal(before.holder.since, '2024-11-26T00:00:00.000Z')
  t.equal(before.holder.until, null)
  // (1, 0) is a vertex, where the edges to angles ±3.6° meet: on the boundary (held); (0.999, 0) is just inside, (1.0001, 0) just outside.
  t.equal((await point(0.999, 0, '2024-11-27')).holder?.actor, 'hts')
  t.equal((await point(1, 0, '2024-11-27')).holder?.actor, 'hts', 'a vertex is boundary, held')
  t.equal((await point(1.0001, 0, '2024-11-27')).holder, null)

  t.equal(
    (await importSnapshot(app, 'test', '2024-11-28', collection([area(circle, { actor: 'saa' }), area(square(2, 0, 1), { actor: 'hts' })]))).statusCode,
    201,
  )
  const after = await point(0.5, 0.5, '2024-11-29')
  t.ok(after.revision > before.revision, 'a newer revision answers')
  t.equal(after.holder.actor, 'saa', 'the same question now sees the new area')
  t.equal(after.holder.since, '2024-11-28T00:00:00.000Z')
  t.equal(after.holders.length, 1)
  const earlier = await point(0.5, 0.5, '2024-11-27')
  t.equal(earlier.holder.actor, 'hts', 'history: hts held it before the 28th')
  t.equal(earlier.holder.until, '2024-11-28T00:00:00.000Z', 'until the new map')
  t.equal((await point(2.5, 0.5, '2024-11-29')).holder.actor, 'hts', 'the new square is found')
  t.equal((await point(2.5, 0.5, '2024-11-27')).holder, null, 'not before it was drawn')
})
