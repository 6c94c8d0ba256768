import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { AUTH, buildTestApp } from '../helpers.js'

// Areas of lon/lat boxes on the sphere of the service (R = 6371.0088 km), computed here, not by the service:
// R² · Δλ · (sin φ2 − sin φ1).
const R = 6371.0088
const rad = (deg: number) => (deg * Math.PI) / 180
const boxKm2 = (west: number, east: number, south: number, north: number) => R * R * rad(east - west) * (Math.sin(rad(north)) - Math.sin(rad(south)))
const ONE_DEGREE = boxKm2(0, 1, 0, 1)

const fixture = (name: string) => readFileSync(new URL(`./fixtures/real-traits/${name}`, import.meta.url))

async function post(app: FastifyInstance, dataset: string, path: string, query: string, body: Buffer | object) {
  return app.inject({
    method: 'POST',
    url: `/v1/datasets/${dataset}/${path}?${query}`,
    headers: { ...AUTH, 'content-type': 'application/geo+json' },
    payload: body as object,
  })
}

async function dataset(app: FastifyInstance, id: string, actors: Record<string, string> = { ru: 'Russia' }) {
  await app.inject({ method: 'PUT', url: `/v1/datasets/${id}`, headers: AUTH, payload: { name: id } })
  for (const [actor, name] of Object.entries(actors))
    await app.inject({ method: 'PUT', url: `/v1/datasets/${id}/actors/${actor}`, headers: AUTH, payload: { name, side: actor } })
}

/** km² held at `at` by actor and status, summed from the map's areas. */
async function held(app: FastifyInstance, id: string, at: string) {
  const map = (await app.inject({ url: `/v1/control?dataset=${id}&at=${at}` })).json()
  const sums: Record<string, number> = {}
  for (const feature of map.features) {
    const key = `${feature.properties.actor ?? '-'}/${feature.properties.status}`
    sums[key] = (sums[key] ?? 0) + feature.properties.areaKm2
  }
  return sums
}

t.test('profile=deepstate-raw', async (t) => {
  const app = await buildTestApp(t)
  await dataset(app, 'ds')

  t.test(
    'coded names (NBSP, newlines, z = 0, GeometryCollection): occupied, Crimea and ORDLO controlled, unknown contested, the rest skipped by reason',
    async (t) => {
      const res = await post(app, 'ds', 'snapshots', 'valid_from=2025-07-09T20:27:18Z&profile=deepstate-raw&actor=ru', fixture('deepstate-raw-coded.geojson'))
      t.equal(res.statusCode, 201, res.body.slice(0, 500))
      const { counts, skippedBy, notes } = res.json().import
      t.match(counts, { features: 13, skipped: 8, areas: 5, inserted: 5 })
      t.same(skippedBy, { 'points and lines': 3, liberated: 2, 'political polygons': 3 })
      t.ok(
        notes.some((note: { index?: number; note: string }) => note.index === 2 && /GeometryCollection/.test(note.note)),
        'the GeometryCollection is noted as read as a MultiPolygon',
      )
      const sums = await held(app, 'ds', '2025-07-10')
      // Occupied: one square, the collection's two, Crimea and ORDLO: five one-degree squares on the equator.
      t.ok(Math.abs(sums['ru/controlled'] - 5 * ONE_DEGREE) < 0.01, `controlled ${sums['ru/controlled']} ≈ ${5 * ONE_DEGREE}`)
      t.ok(Math.abs(sums['ru/contested'] - ONE_DEGREE) < 0.01)
      t.same(Object.keys(sums).sort(), ['ru/contested', 'ru/controlled'], 'nothing liberated, foreign or political is stored')
    },
  )

  t.test('2022 names (Ukrainian only, no codes): read by the style colour', async (t) => {
    const res = await post(app, 'ds', 'snapshots', 'valid_from=2022-04-03T12:33:28Z&profile=deepstate-raw&actor=ru', fixture('deepstate-raw-2022.geojson'))
    t.equal(res.statusCode, 201, res.body.slice(0, 500))
    t.same(res.json().import.skippedBy, { liberated: 1, 'political polygons': 1, 'points and lines': 1 })
    const sums = await held(app, 'ds', '2022-04-04')
    t.ok(Math.abs(sums['ru/controlled'] - 4 * ONE_DEGREE) < 0.01, 'the collection (two squares), Rubizhne and Crimea')
    t.ok(Math.abs(sums['ru/contested'] - ONE_DEGREE) < 0.01, '"under question" is contested')
  })

  t.test('2023 names ("<uk> /// <en>", no codes): Tuzla and the foreign polygons skipped', async (t) => {
    const res = await post(app, 'ds', 'snapshots', 'valid_from=2023-01-01T22:37:31Z&profile=deepstate-raw&actor=ru', fixture('deepstate-raw-2023.geojson'))
    t.equal(res.statusCode, 201, res.body.slice(0, 500))
    t.same(res.json().import.skippedBy, { 'political polygons': 2, liberated: 1, 'points and lines': 1 })
    const sums = await held(app, 'ds', '2023-01-02')
    t.ok(Math.abs(sums['ru/controlled'] - 3 * ONE_DEGREE) < 0.01)
    t.ok(Math.abs(sums['ru/contested'] - ONE_DEGREE) < 0.01)
  })

  t.test('a coded category the profile does not know is refused, naming the feature', async (t) => {
    const body = JSON.parse(fixture('deepstate-raw-coded.geojson').toString('utf8'))
    body.features[1].properties.name = 'Щось нове /// Something new /// geoJSON.status.brand_new'
    const res = await post(app, 'ds', 'snapshots', 'valid_from=2025-08-01&profile=deepstate-raw&actor=ru', body)
    t.equal(res.statusCode, 422)
    t.equal(res.json().code, 'INVALID_IMPORT')
    t.match(res.json().errors, [{ path: '/features/1', code: 'UNMATCHED_FEATURE', index: 1 }])
  })

  t.test('needs the actor parameter', async (t) => {
    const res = await post(app, 'ds', 'snapshots', 'valid_from=2025-08-01&profile=deepstate-raw', fixture('deepstate-raw-coded.geojson'))
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'INVALID_REQUEST', errors: [{ path: '/query/actor' }] })
  })
})

t.test('profile=deepstate-daily', async (t) => {
  const app = await buildTestApp(t)
  await dataset(app, 'daily')

  t.test('one MultiPolygon with empty properties is the named actor, controlled; valid_from_offset dates it the evening before', async (t) => {
    const res = await post(
      app,
      'daily',
      'snapshots',
      'valid_from=2024-07-08T03:00:00Z&valid_from_offset=-PT6H&profile=deepstate-daily&actor=ru',
      fixture('deepstate-daily.geojson'),
    )
    t.equal(res.statusCode, 201, res.body.slice(0, 500))
    t.match(res.json().import, { validFrom: '2024-07-07T21:00:00.000Z', counts: { features: 1, areas: 1, skipped: 0 } })
    const sums = await held(app, 'daily', '2024-07-07T22:00:00Z')
    t.ok(Math.abs(sums['ru/controlled'] - (boxKm2(30, 32, 0, 2) + ONE_DEGREE)) < 0.01)
    t.same(await held(app, 'daily', '2024-07-07T20:59:59Z'), {}, 'nothing before the shifted instant')
  })
})

t.test('profile=actor-property', async (t) => {
  const app = await buildTestApp(t)
  await dataset(app, 'layers', { hts: 'HTS', saa: 'SAA', sdf: 'SDF' })

  t.test('reads the actor from actor_property; empty layers and points are skipped, not refused', async (t) => {
    const body = JSON.parse(fixture('layers-overlapping.geojson').toString('utf8'))
    body.features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [0.2, 0.2] }, properties: { layer: 'HTS' } })
    body.features.push({
      type: 'Feature',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [5, 0],
            [6, 0],
            [6, 1],
            [5, 1],
            [5, 0],
          ],
        ],
      },
      properties: { layer: ' ' },
    })
    const res = await post(app, 'layers', 'snapshots', 'valid_from=2024-12-03&profile=actor-property&actor_property=layer', body)
    t.equal(res.statusCode, 201, res.body.slice(0, 500))
    t.match(res.json().import.counts, { features: 7, areas: 3, skipped: 4 })
    t.same(res.json().import.skippedBy, { 'empty geometry': 2, 'points and lines': 1, 'no actor': 1 })
    t.equal(res.json().overlaps.length, 1, 'HTS and SAA overlap')
  })
})

t.test('profile refusals', async (t) => {
  const app = await buildTestApp(t)
  await dataset(app, 'p')
  const body = fixture('deepstate-daily.geojson')

  t.test('an unknown profile is 400 UNKNOWN_PROFILE naming the profiles', async (t) => {
    const res = await post(app, 'p', 'snapshots', 'valid_from=2024-07-08&profile=nope&actor=ru', body)
    t.equal(res.statusCode, 400)
    t.equal(res.json().code, 'UNKNOWN_PROFILE')
    t.match(res.json().detail, /deepstate-raw, deepstate-daily, actor-property/)
    t.match(res.json().errors, [{ path: '/query/profile', code: 'UNKNOWN_PROFILE', reason: /deepstate-raw, deepstate-daily, actor-property/ }])
  })

  t.test('a snapshot whose every feature a rule skipped says so in its refusal', async (t) => {
    const points = {
      type: 'FeatureCollection',
      features: [1, 2, 3].map((x) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [x, 0] }, properties: {} })),
    }
    const res = await post(app, 'p', 'snapshots', 'valid_from=2024-07-08&profile=deepstate-raw&actor=ru', points)
    t.equal(res.statusCode, 422, res.body.slice(0, 300))
    t.match(res.json(), { code: 'EMPTY_SNAPSHOT', errors: [{ code: 'NO_AREAS', reason: /3 skipped \(points and lines: 3\)/ }] })
    t.notMatch(res.json().errors[0].reason, /null or empty geometry/)
  })

  t.test('a profile and a rules document together are refused', async (t) => {
    const rules = encodeURIComponent(JSON.stringify({ rules: [] }))
    const res = await post(app, 'p', 'snapshots', `valid_from=2024-07-08&profile=deepstate-daily&actor=ru&rules=${rules}`, body)
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'INVALID_RULES', errors: [{ path: '/query/profile' }] })
  })

  t.test('profiles map areas: a features import refuses them', async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/datasets/p/features?profile=deepstate-raw',
      headers: AUTH,
      payload: { type: 'FeatureCollection', features: [] },
    })
    t.equal(res.statusCode, 400)
    t.equal(res.json().code, 'UNKNOWN_PARAMETER', 'features imports do not document profile')
  })
})
