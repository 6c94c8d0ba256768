import t from 'tap'
import { along, booleanPointInPolygon, length as turfLength, lineSplit, lineString, polygon as turfPolygon } from '@turf/turf'
import type { LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson'
import { prepareAreas } from '../../src/geo/area-index.js'
import type { AreaInput } from '../../src/geo/area-index.js'
import { routeSeverance, segmentRoute } from '../../src/geo/route.js'
import type { RouteSegment } from '../../src/geo/route.js'
import { area, circleRing, greatCircleKm, meridianKm, rect, square, within } from './shapes.js'

const line = (...ps: Position[]): LineString => ({ type: 'LineString', coordinates: ps })
const summary = (segs: RouteSegment[]) => segs.map((s) => s.holders.map((h) => h.key))
const m = meridianKm(1)

t.test('segmentRoute', async (t) => {
  // Two squares stacked along the meridian the road follows, so every km is a latitude difference.
  const south = area('south', 'gov', square(0, 0, 1))
  const north = area('north', 'opp', square(0, 1, 1))
  const stacked = prepareAreas([south, north])

  t.test('cuts a road where it crosses each boundary', async (t) => {
    const r = segmentRoute(line([0.5, -0.5], [0.5, 2.5]), stacked)
    t.same(summary(r.segments), [[], ['south'], ['north'], []])
    const km = r.segments.map((s) => [s.fromKm, s.toKm])
    const want = [
      [0, 0.5],
      [0.5, 1.5],
      [1.5, 2.5],
      [2.5, 3],
    ].map(([a, b]) => [a * m, b * m])
    km.flat().forEach((v, i) => t.ok(...within(v + 1e-9, want.flat()[i] + 1e-9, 1e-9)))
    t.ok(...within(r.lengthKm, 3 * m, 1e-9))
    t.same(r.segments[1].geometry.coordinates, [
      [0.5, 0],
      [0.5, 1],
    ])
    t.match(r.segments[1].holders[0], { key: 'south', holder: 'south', side: 'gov', status: 'controlled' })
    t.notOk('geometry' in r.segments[1].holders[0], 'holders come without geometry')
  })

  t.test('a road exactly along a shared boundary is held by both', async (t) => {
    const west = area('west', 'gov', square(0, 0, 1))
    const east = area('east', 'opp', square(1, 0, 1))
    const r = segmentRoute(line([1, -0.5], [1, 0.2], [1, 0.7], [1, 1.5]), prepareAreas([west, east]))
    t.same(summary(r.segments), [[], ['west', 'east'], []])
    t.ok(...within(r.segments[1].lengthKm, m, 1e-9))
    t.same(r.segments[1].geometry.coordinates, [
      [1, 0],
      [1, 0.2],
      [1, 0.7],
      [1, 1],
    ])
  })

  t.test('a zig-zag across a strip gives one stretch per crossing, with known km', async (t) => {
    const strip = prepareAreas([area('strip', 'gov', square(0, 0, 10, 1))])
    const road = line([0.5, -0.5], [0.5, 1.5], [1.5, 1.5], [1.5, -0.5], [2.5, -0.5], [2.5, 1.5])
    const r = segmentRoute(road, strip)
    t.same(summary(r.segments), [[], ['strip'], [], ['strip'], [], ['strip'], []])
    const top = greatCircleKm([0.5, 1.5], [1.5, 1.5])
    const bottom = greatCircleKm([1.5, -0.5], [2.5, -0.5])
    const lengths = [0.5 * m, m, 0.5 * m + top + 0.5 * m, m, 0.5 * m + bottom + 0.5 * m, m, 0.5 * m]
    r.segments.forEach((s, i) => t.ok(...within(s.lengthKm, lengths[i], 1e-9)))
    t.ok(
      ...within(
        r.segments[6].toKm,
        lengths.reduce((a, b) => a + b),
        1e-9,
      ),
    )
  })

  t.test('crossing a ring of 20,000 vertices through its centre', async (t) => {
    const ring: Polygon = { type: 'Polygon', coordinates: [circleRing([36.5, 36], 10, 20000)] }
    const r = segmentRoute(line([36.5, 35.5], [36.5, 36.5]), prepareAreas([area('c', 'gov', ring)]))
    t.same(summary(r.segments), [[], ['c'], []])
    t.ok(...within(r.segments[1].lengthKm, 20, 1e-4))
  })

  t.test('on an empty territory the whole road is one unmapped stretch', async (t) => {
    const r = segmentRoute(line([0, 0], [0, 1]), prepareAreas([]))
    t.same(summary(r.segments), [[]])
    t.ok(...within(r.segments[0].lengthKm, m, 1e-9))
  })

  t.test('parts of a MultiLineString count on in order and never merge', async (t) => {
    const road: MultiLineString = {
      type: 'MultiLineString',
      coordinates: [
        [
          [0.5, 0.2],
          [0.5, 0.8],
        ],
        [
          [0.5, 0.3],
          [0.5, 0.6],
        ],
      ],
    }
    const r = segmentRoute(road, stacked)
    t.same(summary(r.segments), [['south'], ['south']])
    t.same(
      r.segments.map((s) => s.part),
      [0, 1],
    )
    t.ok(...within(r.segments[1].fromKm, 0.6 * m, 1e-9))
    t.ok(...within(r.segments[1].toKm, 0.9 * m, 1e-9))
    t.ok(...within(r.lengthKm, 0.9 * m, 1e-9))
  })

  t.test('holes in an area are unmapped stretches', async (t) => {
    const donut: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [
          rect(0, 0, 3),
          [
            [1, 1],
            [1, 2],
            [2, 2],
            [2, 1],
            [1, 1],
          ],
        ],
      ],
    }
    const r = segmentRoute(line([1.5, 0.5], [1.5, 2.5]), prepareAreas([area('d', 'gov', donut)]))
    t.same(summary(r.segments), [['d'], [], ['d']])
    t.ok(...within(r.segments[1].lengthKm, m, 1e-9))
  })

  t.test('a road across the antimeridian', async (t) => {
    const areas = prepareAreas([area('e', 'gov', square(179, 0, 1)), area('w', 'opp', square(-180, 0, 1))])
    const r = segmentRoute(line([179.5, 0.5], [-179.5, 0.5]), areas)
    t.same(summary(r.segments), [['e'], ['w']])
    t.ok(...within(r.lengthKm, greatCircleKm([179.5, 0.5], [-179.5, 0.5]), 1e-9))
    t.ok(...within(r.segments[0].lengthKm, r.lengthKm / 2, 1e-9))
    t.equal(r.segments[0].geometry.coordinates[1][0], 180)
  })

  t.test('a road crossing ±180 into ground mapped only west of it', async (t) => {
    const r = segmentRoute(line([179.5, 0.5], [-179.5, 0.5]), prepareAreas([area('w', 'opp', square(-180, 0, 1))]))
    t.same(summary(r.segments), [[], ['w']])
    t.ok(...within(r.segments[1].lengthKm, r.lengthKm / 2, 1e-9))
  })

  t.test('two polygons of one holder are one stretch, across and along the edge they share', async (t) => {
    // Two areas of one actor (holder 'gov'), side by side, and another actor's square beyond.
    const own = (key: string, geometry: Polygon): AreaInput => ({ key, holder: 'gov', side: 'government', status: 'controlled', geometry })
    const areas = prepareAreas([own('west', square(0, 0, 1)), own('east', square(1, 0, 1)), area('opp', 'opposition', square(2, 0, 1))])
    const across = segmentRoute(line([0.5, 0.5], [2.5, 0.5]), areas)
    t.same(summary(across.segments), [['west'], ['opp']], 'one stretch for gov, reported with the first of its areas met')
    // Km along one leg of the road go by the fraction of the leg: 1.5° of its 2°.
    t.ok(...within(across.segments[0].lengthKm, 0.75 * greatCircleKm([0.5, 0.5], [2.5, 0.5]), 1e-9))
    t.same(across.segments[0].geometry.coordinates, [
      [0.5, 0.5],
      [1, 0.5],
      [2, 0.5],
    ])
    const along = segmentRoute(line([1, -0.5], [1, 0.5], [1.5, 0.5]), areas)
    t.same(summary(along.segments), [[], ['west']], 'along the shared edge, then inside east: gov all the way')
    t.ok(...within(along.segments[1].lengthKm, 0.5 * m + greatCircleKm([1, 0.5], [1.5, 0.5]), 1e-9))
    t.equal(routeSeverance(along.segments, 'government').cutPoints.length, 0)
  })

  t.test('where plain Turf lineSplit fails: a road along a boundary', async (t) => {
    const west = square(0, 0, 1),
      east = square(1, 0, 1)
    const road = lineString([
      [1, -0.5],
      [1, 0.2],
      [1, 0.7],
      [1, 1.5],
    ])
    // Turf's recipe: split by each polygon, label each piece by its midpoint.
    const pieces = lineSplit(road, turfPolygon(west.coordinates)).features
    const labelled = pieces.map((p) => {
      const mid = along(p, turfLength(p) / 2)
      return { km: turfLength(p), held: booleanPointInPolygon(mid, turfPolygon(west.coordinates)) || booleanPointInPolygon(mid, turfPolygon(east.coordinates)) }
    })
    const turfHeldKm = labelled.filter((p) => p.held).reduce((s, p) => s + p.km, 0)
    // lineSplit does not cut where the road leaves the boundary at (1, 1): 0.5° of open ground
    // beyond the squares is counted as held.
    t.ok(turfHeldKm > 1.4 * m, `Turf counts ${turfHeldKm.toFixed(1)} km as held`)
    const ours = segmentRoute(road.geometry, prepareAreas([area('west', 'gov', west), area('east', 'opp', east)]))
    const heldKm = ours.segments.filter((s) => s.holders.length > 0).reduce((sum, s) => sum + s.lengthKm, 0)
    t.ok(...within(heldKm, m, 1e-9))
  })
})

t.test('routeSeverance', async (t) => {
  const gov1 = area('saa', 'government', square(0, 0, 1))
  const gov2 = area('ru', 'government', square(0, 1, 1))
  const opp = area('hts', 'opposition', square(0, 2, 1))
  const gov3 = area('saa-n', 'government', square(0, 3, 1))
  const contested = area('mixed', null, square(0, 5, 1), 'contested')
  const prepared = prepareAreas([gov1, gov2, opp, gov3, contested])
  const sev = (road: LineString, owner = 'government') => routeSeverance(segmentRoute(road, prepared).segments, owner)

  t.test('own ground end to end, across two own actors, is not severed', async (t) => {
    const s = sev(line([0.5, 0.1], [0.5, 1.9]))
    t.same(s, { severed: false, cutPoints: [], kmBySide: { government: s.kmBySide.government }, unmappedKm: 0 })
    t.ok(...within(s.kmBySide.government, 1.8 * m, 1e-9))
  })
  t.test('a stretch held by the other side is a cut where the road enters it', async (t) => {
    const s = sev(line([0.5, 0.5], [0.5, 3.5]))
    t.equal(s.severed, true)
    t.same(s.cutPoints, [[0.5, 2]])
    t.ok(...within(s.kmBySide.opposition, m, 1e-9))
    t.ok(...within(s.kmBySide.government, 2 * m, 1e-9))
  })
  t.test('a cut stretch at the very start counts at its start', async (t) => {
    const s = sev(line([0.5, 2.5], [0.5, 3.5]))
    t.same(s.cutPoints, [[0.5, 2.5]])
  })
  t.test('unmapped ground is reported but is not a cut', async (t) => {
    const s = sev(line([0.5, 3.5], [0.5, 4.5]))
    t.equal(s.severed, false)
    t.ok(...within(s.unmappedKm, 0.5 * m, 1e-9))
  })
  t.test('contested ground is a cut', async (t) => {
    const s = sev(line([0.5, 3.5], [0.5, 5.5]))
    t.equal(s.severed, true)
    t.same(s.cutPoints, [[0.5, 5]])
    t.ok(...within(s.kmBySide.contested, 0.5 * m, 1e-9))
    t.ok(...within(s.unmappedKm, m, 1e-9))
  })
  t.test('a boundary shared with another side is a cut, its km split between them', async (t) => {
    const west = area('w', 'government', square(0, 0, 1))
    const east = area('e', 'opposition', square(1, 0, 1))
    const segs = segmentRoute(line([1, 0], [1, 1]), prepareAreas([west, east])).segments
    const s = routeSeverance(segs, 'government')
    t.equal(s.severed, true)
    t.ok(...within(s.kmBySide.government, m / 2, 1e-9))
    t.ok(...within(s.kmBySide.opposition, m / 2, 1e-9))
  })
  t.test('a boundary between two actors of the owner side is not a cut', async (t) => {
    const segs = segmentRoute(line([0, 1], [1, 1]), prepared).segments
    t.same(summary(segs), [['saa', 'ru']])
    t.equal(routeSeverance(segs, 'government').severed, false)
  })
  t.test('an actor without a side is its own side', async (t) => {
    const loner: AreaInput = { key: 'x', holder: 'militia', side: null, status: 'controlled', geometry: square(0, 0, 1) }
    const s = routeSeverance(segmentRoute(line([0.5, 0.2], [0.5, 0.4]), prepareAreas([loner])).segments, 'government')
    t.same(Object.keys(s.kmBySide), ['militia'])
    t.equal(s.severed, true)
  })
})
