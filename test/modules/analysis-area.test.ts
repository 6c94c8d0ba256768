import t from 'tap'
import { AreaSeriesSchema } from '../../src/modules/analysis/analysis.schemas.js'
import { area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// Squares whose km² are known by construction (a lon/lat rectangle on the sphere Turf uses):
// 2024-01-01 saa holds A and B, hts C and C2 (overlapping C by half), D is contested;
// 2024-06-01 hts takes B; 2025-03-01 saa takes B back, sna (opposition) maps E out of nothing and D
// is no longer contested.
const R = 6371.0088
const rad = (deg: number) => (deg * Math.PI) / 180
/** km² of [x0, x0 + w] × [y0, y0 + h]: R² · Δλ · (sin φ2 − sin φ1). */
const rectKm2 = (x0: number, y0: number, w: number, h: number) => R * R * rad(w) * (Math.sin(rad(y0 + h)) - Math.sin(rad(y0)))
const close = (actual: number | null, expected: number) => actual !== null && Math.abs(actual - expected) <= Math.abs(expected) * 1e-6 + 0.001

const A = square(0, 0, 1)
const B = square(1, 0, 1)
const C = square(0, 1, 1)
const C2 = square(0.5, 1, 1)
const D = square(2, 0, 1)
const E = square(3, 0, 1)
const km2 = {
  A: rectKm2(0, 0, 1, 1),
  B: rectKm2(1, 0, 1, 1),
  hts: rectKm2(0, 1, 1.5, 1),
  D: rectKm2(2, 0, 1, 1),
  E: rectKm2(3, 0, 1, 1),
}

async function setup(t: Parameters<typeof buildTestApp>[0], overrides: Record<string, string> = {}) {
  const app = await buildTestApp(t, overrides)
  await seed(app, 'test')
  const contested = (g: unknown) => area(g, { status: 'contested' })
  const maps: [string, unknown[]][] = [
    ['2024-01-01', [area(A, { actor: 'saa' }), area(B, { actor: 'saa' }), area(C, { actor: 'hts' }), area(C2, { actor: 'hts' }), contested(D)]],
    ['2024-06-01', [area(A, { actor: 'saa' }), area(B, { actor: 'hts' }), area(C, { actor: 'hts' }), area(C2, { actor: 'hts' }), contested(D)]],
    ['2025-03-01', [area(A, { actor: 'saa' }), area(B, { actor: 'saa' }), area(C, { actor: 'hts' }), area(C2, { actor: 'hts' }), area(E, { actor: 'sna' })]],
  ]
  for (const [day, features] of maps) {
    const res = await importSnapshot(app, 'test', day, collection(features))
    if (res.statusCode >= 300) throw new Error(`${day}: ${res.statusCode} ${res.body}`)
  }
  return app
}

type Step = {
  at: string
  actors: { actor: string; side: string; areaKm2: number; gainedKm2: number | null; lostKm2: number | null; netKm2: number | null }[]
  sides: { side: string; areaKm2: number; gainedKm2: number | null; lostKm2: number | null; netKm2: number | null }[]
  contestedKm2: number
}
const actorOf = (step: Step, id: string) => step.actors.find((row) => row.actor === id)!
const sideOf = (step: Step, id: string) => step.sides.find((row) => row.side === id)!

t.test('GET /v1/analysis/area', async (t) => {
  // A cost limit a series that paid for every step would pass: 733 daily steps of these maps,
  // each measured, cost more than this; four distinct maps and three overlays cost far less.
  const app = await setup(t, { ANALYSIS_MAX_COST: '60000', MAX_SERIES_STEPS: '400' })
  const get = (query: string, headers = {}) => app.inject({ url: `/v1/analysis/area?dataset=test&${query}`, headers })

  t.test('two years of daily steps: km² per actor, side and contested, and what changed hands', async (t) => {
    // The first answer starts the worker thread: time the series once it runs.
    t.equal((await get('start=2024-01-01&end=2024-01-01')).statusCode, 200)
    const started = Date.now()
    const res = await get('start=2023-12-30&end=2025-12-31')
    t.equal(res.statusCode, 200, res.body.slice(0, 300))
    t.ok(Date.now() - started < 5_000, `733 steps in ${Date.now() - started} ms`)
    const body = res.json()
    t.ok(AreaSeriesSchema.safeParse(body).success, 'the answer is what its schema declares')
    t.match(body, { dataset: 'test', step: 'P1D', start: '2023-12-30T23:59:59.999Z', end: '2025-12-31T23:59:59.999Z' })
    t.match(body.coverage, { from: '2024-01-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z' })
    t.same(
      body.notes.map((note: { code: string }) => note.code),
      ['AT_BEFORE_COVERAGE', 'AT_AFTER_COVERAGE'],
    )
    const series: Step[] = body.series
    t.equal(series.length, 733, 'every day from 30 December 2023 to 31 December 2025, both included')
    const at = (day: string) => series.find((step) => step.at === `${day}T23:59:59.999Z`)!

    const first = series[0]
    t.same(
      first.actors.map((row) => [row.actor, row.side, row.areaKm2, row.gainedKm2]),
      [
        ['hts', 'opposition', 0, null],
        ['saa', 'government', 0, null],
        ['sna', 'opposition', 0, null],
      ],
      'before the first map every holder of the series is listed with nothing; the first step has no change',
    )

    const opening = at('2024-01-01')
    t.ok(close(actorOf(opening, 'saa').areaKm2, km2.A + km2.B))
    t.ok(close(actorOf(opening, 'saa').gainedKm2, km2.A + km2.B), 'all of it gained from nothing')
    t.ok(close(actorOf(opening, 'hts').areaKm2, km2.hts), `overlapping squares counted once: ${actorOf(opening, 'hts').areaKm2} vs ${km2.hts}`)
    t.ok(close(sideOf(opening, 'opposition').areaKm2, km2.hts))
    t.ok(close(opening.contestedKm2, km2.D))
    t.equal(actorOf(opening, 'saa').lostKm2, 0)

    const quiet = at('2024-03-15')
    t.same(
      quiet.actors.map((row) => [row.gainedKm2, row.lostKm2, row.netKm2]),
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    )
    t.ok(close(actorOf(quiet, 'saa').areaKm2, km2.A + km2.B))

    const taken = at('2024-06-01')
    t.ok(close(actorOf(taken, 'hts').gainedKm2, km2.B), `${actorOf(taken, 'hts').gainedKm2} vs ${km2.B}`)
    t.ok(close(actorOf(taken, 'saa').lostKm2, km2.B))
    t.ok(close(actorOf(taken, 'saa').netKm2, -km2.B))
    t.ok(close(sideOf(taken, 'opposition').areaKm2, km2.hts + km2.B))
    t.ok(close(sideOf(taken, 'government').lostKm2, km2.B))
    t.equal(at('2024-05-31').actors.find((row) => row.actor === 'hts')!.gainedKm2, 0, 'the day before: nothing')

    const retaken = at('2025-03-01')
    t.ok(close(actorOf(retaken, 'saa').gainedKm2, km2.B))
    t.ok(close(actorOf(retaken, 'hts').lostKm2, km2.B))
    t.ok(close(actorOf(retaken, 'sna').gainedKm2, km2.E))
    t.ok(close(sideOf(retaken, 'opposition').netKm2, km2.E - km2.B))
    t.equal(retaken.contestedKm2, 0)
    t.ok(close(actorOf(series.at(-1)!, 'sna').areaKm2, km2.E), 'the last map holds on')
  })

  t.test('calendar steps keep the day of the month; fixed steps count hours', async (t) => {
    const monthly = (await get('start=2024-01-31&end=2024-07-31&step=P1M')).json()
    t.same(
      monthly.series.map((step: Step) => step.at.slice(0, 10)),
      ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30', '2024-07-31'],
    )
    const june = monthly.series[5]
    t.ok(close(actorOf(june, 'hts').gainedKm2, km2.B), 'the change of 1 June is counted in the step that follows it')
    t.equal(actorOf(monthly.series[4], 'hts').gainedKm2, 0)

    const yearly = (await get('start=2023-06-15&end=2026-06-15&step=P1Y')).json()
    t.same(
      yearly.series.map((step: Step) => step.at.slice(0, 10)),
      ['2023-06-15', '2024-06-15', '2025-06-15', '2026-06-15'],
    )
    t.ok(close(actorOf(yearly.series[2], 'sna').gainedKm2, km2.E))
    t.ok(close(actorOf(yearly.series[2], 'hts').lostKm2, km2.B), 'between the yearly maps: B came and went back, net of the year')

    const weekly = (await get('start=2024-05-20&end=2024-06-10&step=P1W')).json()
    t.same(
      weekly.series.map((step: Step) => step.at.slice(0, 10)),
      ['2024-05-20', '2024-05-27', '2024-06-03', '2024-06-10'],
    )
    t.ok(close(actorOf(weekly.series[2], 'hts').gainedKm2, km2.B))

    const hourly = (await get('start=2024-05-31T12:00Z&end=2024-06-01T06:00Z&step=PT6H')).json()
    t.same(
      hourly.series.map((step: Step) => step.at),
      ['2024-05-31T12:00:00.000Z', '2024-05-31T18:00:00.000Z', '2024-06-01T00:00:00.000Z', '2024-06-01T06:00:00.000Z'],
    )
    t.same(
      hourly.series.map((step: Step) => actorOf(step, 'hts').gainedKm2 !== null && actorOf(step, 'hts').gainedKm2! > 0),
      [false, false, true, false],
      'a map holds from its instant on',
    )
  })

  t.test('as CSV, long form: one row per step and holder', async (t) => {
    for (const [query, headers] of [
      ['start=2024-05-31&end=2024-06-01&f=csv', {}],
      ['start=2024-05-31&end=2024-06-01', { accept: 'text/csv' }],
    ] as const) {
      const res = await get(query, headers)
      t.equal(res.statusCode, 200)
      t.match(res.headers['content-type'], /^text\/csv/)
      const lines = res.body.trim().split('\n')
      t.equal(lines[0], 'at,level,id,side,areaKm2,gainedKm2,lostKm2,netKm2')
      t.equal(lines.length, 1 + 2 * 5, 'the two actors holding ground then, two sides and contested ground at each of two steps')
      const cells = (line: string) => line.split(',')
      const row = (at: string, level: string, id: string) => lines.map(cells).find((c) => c[0] === at && c[1] === level && c[2] === id)!
      const june = '2024-06-01T23:59:59.999Z'
      t.same(row(june, 'actor', 'hts').slice(0, 4), [june, 'actor', 'hts', 'opposition'])
      t.ok(close(Number(row(june, 'actor', 'hts')[5]), km2.B))
      t.ok(close(Number(row(june, 'side', 'government')[6]), km2.B))
      t.same(row('2024-05-31T23:59:59.999Z', 'actor', 'saa').slice(5), ['', '', ''], 'the first step has no change: empty cells')
      t.ok(close(Number(row(june, 'contested', 'contested')[4]), km2.D))
      t.equal(row(june, 'contested', 'contested')[3], '')
    }
  })

  t.test('actor and side keep only those rows', async (t) => {
    const byActor = (await get('start=2024-06-01&end=2024-06-02&actor=hts')).json()
    t.same(
      byActor.series[0].actors.map((row: { actor: string }) => row.actor),
      ['hts'],
    )
    t.same(
      byActor.series[0].sides.map((row: { side: string }) => row.side),
      ['government', 'opposition'],
    )
    const bySide = (await get('start=2024-06-01&end=2024-06-02&side=government')).json()
    t.same(
      bySide.series[0].actors.map((row: { actor: string }) => row.actor),
      ['saa'],
    )
    t.same(
      bySide.series[0].sides.map((row: { side: string }) => row.side),
      ['government'],
    )
    const nobody = await get('start=2024-06-01&end=2024-06-02&actor=nobody')
    t.equal(nobody.statusCode, 404)
    t.equal(nobody.json().code, 'ACTOR_NOT_FOUND')
  })

  t.test('refuses what it cannot answer', async (t) => {
    const cases: [string, number, string][] = [
      ['start=2024-06-02&end=2024-06-01', 400, 'INVALID_DATE'],
      ['start=2024-06-01', 400, 'INVALID_REQUEST'],
      ['start=2024-06-01&end=2024-06-02&step=daily', 400, 'INVALID_REQUEST'],
      ['start=2024-06-01&end=2024-06-02&step=P0D', 400, 'INVALID_DATE'],
      ['start=2024-06-01&end=2024-06-02&date=2024-06-01', 400, 'UNKNOWN_PARAMETER'],
      ['start=2024-06-01&end=2024-06-02&side=nobody', 404, 'SIDE_NOT_FOUND'],
    ]
    for (const [query, status, code] of cases) {
      const res = await get(query)
      t.equal(res.statusCode, status, query)
      t.equal(res.json().code, code, query)
    }
  })
})

t.test('area series bounds', async (t) => {
  const app = await setup(t, { MAX_SERIES_STEPS: '10', MAX_AREA_STEPS: '1000', ANALYSIS_MAX_COST: '5000' })
  const get = (query: string) => app.inject({ url: `/v1/analysis/area?dataset=test&${query}` })

  t.test('MAX_AREA_STEPS bounds a series, not MAX_SERIES_STEPS', async (t) => {
    t.equal((await get('start=2024-01-01&end=2024-03-01')).statusCode, 200, '61 steps over one map')
    const tooLong = await get('start=2020-01-01&end=2025-12-31')
    t.equal(tooLong.statusCode, 400)
    t.equal(tooLong.json().code, 'SERIES_TOO_LONG')
  })

  t.test('a series past the cost limit is refused up front, saying how to narrow it', async (t) => {
    const res = await get('start=2024-01-01&end=2025-12-31')
    t.equal(res.statusCode, 422)
    t.equal(res.json().code, 'ANALYSIS_TOO_COSTLY')
    t.match(res.json().detail, /longer step/)
  })
})
