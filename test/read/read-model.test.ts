import { sql } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { openDatabase } from '../../src/db/database.js'
import { ReadModel } from '../../src/read/read-model.js'
import { bumpRevision } from '../../src/store/datasets.repository.js'
import { area, AUTH, buildTestApp, collection, governmentRoad, importSnapshot, openTestDatabase, square, testConfig } from '../helpers.js'

type App = Awaited<ReturnType<typeof buildTestApp>>

// Mean Earth radius (IUGG), the one the engine uses: one degree of a meridian is 2πR/360.
const KM_PER_DEGREE = (2 * Math.PI * 6371.0088) / 360
// A 1°×1° cell from the equator north, by the spherical zone formula R²·Δλ·(sin φ2 − sin φ1).
const CELL_KM2 = 6371.0088 ** 2 * (Math.PI / 180) * Math.sin(Math.PI / 180)

async function put(app: App, url: string, payload: object) {
  const res = await app.inject({ method: 'PUT', url, headers: AUTH, payload })
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res
}

/** hts (opposition) holds [0,1]×[0,1], saa (government) [1,2]×[0,1]; a government highway runs along lat 0.5 across both. */
async function twoSides(app: App) {
  await put(app, '/v1/datasets/test', { name: 'test' })
  await put(app, '/v1/datasets/test/actors/hts', { name: 'HTS', side: 'opposition' })
  await put(app, '/v1/datasets/test/actors/saa', { name: 'SAA', side: 'government' })
  const road = governmentRoad()
  const features = await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: collection([road]) })
  if (features.statusCode !== 201) throw new Error(features.body)
  const snapshot = await importSnapshot(
    app,
    'test',
    '2024-11-26',
    collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'saa' })]),
  )
  if (snapshot.statusCode !== 201) throw new Error(snapshot.body)
}

t.test('a side change reaches every cached answer', async (t) => {
  const app = await buildTestApp(t)
  await twoSides(app)
  const get = async (url: string) => (await app.inject({ url })).json()
  const route = '/v1/analysis/route?dataset=test&feature=road&at=2024-11-26'
  const fronts = '/v1/analysis/fronts?dataset=test&at=2024-11-26'
  const changes = '/v1/analysis/changes?dataset=test&start=2024-11-25&end=2024-11-26'
  const distance = '/v1/analysis/distance?dataset=test&from=side:government&to=feature:road&at=2024-11-26'

  const routeBefore = await get(route)
  t.equal(routeBefore.severed, true, 'the road crosses opposition ground')
  t.ok(Math.abs(routeBefore.kmBySide.opposition - 0.9 * KM_PER_DEGREE) < 0.5, `≈0.9° of the road on opposition ground: ${routeBefore.kmBySide.opposition}`)
  const frontsBefore = await get(fronts)
  t.equal(frontsBefore.features.length, 1)
  t.ok(Math.abs(frontsBefore.features[0].properties.lengthKm - KM_PER_DEGREE) < 0.5, 'the front is the meridian 1°E between lat 0 and 1')
  const changesBefore = await get(changes)
  t.same(
    changesBefore.sides.map((row: { side: string }) => row.side),
    ['government', 'opposition'],
  )
  t.ok(Math.abs(changesBefore.sides[0].gainedKm2 / CELL_KM2 - 1) < 0.005, 'government gained one cell')
  t.equal((await get(distance)).overlaps, true)

  // the same answers again come from the cache
  t.equal((await app.inject({ url: route })).headers['x-cache'], 'hit')

  await put(app, '/v1/datasets/test/actors/hts', { name: 'HTS', side: 'government' })

  const routeAfter = await get(route)
  t.equal(routeAfter.severed, false, 'all of the road is government ground now')
  t.ok(Math.abs(routeAfter.kmBySide.government - 1.8 * KM_PER_DEGREE) < 0.5)
  t.same((await get(fronts)).features, [], 'one side: no front')
  const changesAfter = await get(changes)
  t.same(
    changesAfter.sides.map((row: { side: string }) => row.side),
    ['government'],
  )
  t.ok(Math.abs(changesAfter.sides[0].gainedKm2 / CELL_KM2 - 2) < 0.01, 'government gained both cells')
  t.equal((await app.inject({ url: `${fronts}&sides=opposition,government` })).json().code, 'SIDE_NOT_FOUND')
  const map = await get('/v1/control?dataset=test&at=2024-11-26')
  t.same(
    map.features.map((f: { properties: { side: string } }) => f.properties.side),
    ['government', 'government'],
  )
  const point = await get('/v1/control/point?dataset=test&lon=0.5&lat=0.5&at=2024-11-26')
  t.equal(point.holder.side, 'government')
})

t.test('the revision in a body always equals the revision in its ETag', async (t) => {
  const app = await buildTestApp(t)
  await twoSides(app)
  const urls = [
    '/v1/datasets/test',
    '/v1/datasets/test/actors',
    '/v1/datasets/test/timeline',
    '/v1/control?dataset=test&at=2024-11-26',
    '/v1/control/point?dataset=test&lon=0.5&lat=0.5&at=2024-11-26',
    '/v1/features/road/control?dataset=test&at=2024-11-26',
    '/v1/analysis/route?dataset=test&feature=road&at=2024-11-26',
    '/v1/analysis/fronts?dataset=test&at=2024-11-26',
    '/v1/analysis/distance?dataset=test&from=side:government&to=side:opposition&at=2024-11-26',
  ]
  for (let round = 0; round < 3; round++) {
    for (const url of urls) {
      const res = await app.inject({ url })
      t.equal(res.statusCode, 200, url)
      const revision = res.json().revision
      t.equal(res.headers['x-dataset-revision'], String(revision), `${url}: header`)
      t.match(res.headers.etag, new RegExp(`^"test\\.r${revision}\\.`), `${url}: ETag`)
    }
    await put(app, '/v1/datasets/test/actors/hts', { name: `HTS ${round}`, side: 'opposition' })
  }
})

t.test('ReadModel.answer', async (t) => {
  const database = await openTestDatabase(t)
  const app = await buildApp({ config: testConfig(), database, logger: false })
  t.teardown(() => app.close())
  await put(app, '/v1/datasets/test', { name: 'test' })

  t.test('a view opened before a write answers with the revision its rows were read at', async (t) => {
    const model = new ReadModel({ db: database.db, shared: false, schema: 'here', maxEntries: 100, maxBytes: 1e7 })
    const stale = await model.open('test')
    const newer = await database.db.transaction().execute((tx) => bumpRevision(tx, 'test'))
    const { view, value } = await model.answer(stale, 'probe', [], async (current) => {
      // An answer that reads a row is made over a snapshot, at the revision that snapshot holds.
      const { rows } = await sql<{ revision: number }>`SELECT revision FROM datasets WHERE id = 'test'`.execute(current.db)
      return { revision: current.revision, read: Number(rows[0].revision) }
    })
    t.equal(value.read, newer)
    t.equal(view.revision, newer)
    t.equal(value.revision, newer)
    t.not(stale.revision, newer)
    // kept under the revision it was made at: the stale view's key finds nothing
    t.notOk(model.has(stale, 'probe', []))
    t.ok(model.has(view, 'probe', []))
  })

  t.test('an answer made from what the view keeps alone runs no statement, and is the view revision’s', async (t) => {
    const model = new ReadModel({ db: database.db, shared: false, schema: 'here', maxEntries: 100, maxBytes: 1e7 })
    const view = await model.open('test')
    await view.cached('kept', [], () => 'made from rows at this revision')
    let tries = 0
    const { view: answered, value } = await model.answer(view, 'from-kept', [], async (current) => {
      tries++
      return { revision: current.revision, kept: await current.cached('kept', [], () => 'made again') }
    })
    t.equal(tries, 1, 'made once: no statement sent it to a snapshot')
    t.same(value, { revision: view.revision, kept: 'made from rows at this revision' })
    t.equal(answered.revision, view.revision)
    // One that needs a row is made again over a snapshot: its first try stops at the statement.
    let reads = 0
    const second = await model.answer(view, 'reads', [], async (current) => {
      reads++
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(current.db)
      return rows[0].one
    })
    t.equal(second.value, 1)
    t.equal(reads, 2, 'tried from what is kept, then over a snapshot')
  })

  t.test('a newer revision drops what older ones made; a deletion drops everything of the dataset', async (t) => {
    const model = new ReadModel({ db: database.db, shared: false, schema: 'here', maxEntries: 100, maxBytes: 1e7 })
    const view = await model.open('test')
    await model.answer(view, 'probe', [], async () => 1)
    t.equal(model.report().entries, 1)
    model.revised('other', view.revision + 100)
    t.equal(model.report().entries, 1, 'another dataset leaves it alone')
    model.revised('test', view.revision)
    t.equal(model.report().entries, 1, 'its own revision leaves it alone')
    model.revised('test', view.revision + 1)
    t.equal(model.report().entries, 0)
    t.equal(model.report().dropped, 1)
    await model.answer(view, 'probe', [], async () => 1)
    model.notified(`elsewhere:test:-1`)
    t.equal(model.report().entries, 1, 'an announcement of another schema is not ours')
    model.notified(`here:test:-1`)
    t.equal(model.report().entries, 0)
  })
})

t.test('ReadModel.answerUnlocked', async (t) => {
  const database = await openTestDatabase(t)
  const app = await buildApp({ config: testConfig(), database, logger: false })
  t.teardown(() => app.close())
  await put(app, '/v1/datasets/test', { name: 'test' })
  const bump = () => database.db.transaction().execute((tx) => bumpRevision(tx, 'test'))

  t.test('a write landing while the answer is made makes it again, at the newer revision', async (t) => {
    const model = new ReadModel({ db: database.db, shared: false, schema: 'here', maxEntries: 100, maxBytes: 1e7 })
    const view = await model.open('test')
    const seen: number[] = []
    let newer = 0
    const { view: answered, value } = await model.answerUnlocked(view, 'probe', [], async (current) => {
      seen.push(current.revision)
      // The first try is overtaken by a write, as a long analysis on a worker thread would be.
      if (seen.length === 1) newer = await bump()
      return { revision: current.revision }
    })
    t.same(seen, [view.revision, newer], 'made twice: at the revision opened, then at the one the write left')
    t.equal(answered.revision, newer)
    t.equal(value.revision, newer)
    t.ok(model.has(answered, 'probe', []), 'kept under the revision it was made at')
    t.notOk(model.has(view, 'probe', []), 'never under the one its first try was overtaken at')
  })

  t.test('a dataset changing under every try answers 503 DATASET_CHANGING, keeping nothing', async (t) => {
    const model = new ReadModel({ db: database.db, shared: false, schema: 'here', maxEntries: 100, maxBytes: 1e7 })
    const view = await model.open('test')
    let tries = 0
    const failure = await model
      .answerUnlocked(view, 'probe', [], async () => {
        tries++
        await bump()
        return 1
      })
      .catch((error: { code?: string; statusCode?: number; headers?: Record<string, string> }) => error)
    t.match(failure, { code: 'DATASET_CHANGING', statusCode: 503, headers: { 'retry-after': '1' } })
    t.equal(tries, 2)
    t.equal(model.report().entries, 0)
  })
})

t.test('ReadModel.mightHave: a hint, asked before a view is opened, that is false only where nothing can be kept', async (t) => {
  const database = await openTestDatabase(t)
  const app = await buildApp({ config: testConfig(), database, logger: false })
  t.teardown(() => app.close())
  await put(app, '/v1/datasets/test', { name: 'test' })
  // Shared, as on PostgreSQL: every view reads the revision, and a write elsewhere may not have been announced yet.
  const model = new ReadModel({ db: database.db, shared: true, schema: 'here', maxEntries: 100, maxBytes: 1e7 })
  const later = new Date('2030-01-01T00:00:00Z')
  t.notOk(model.mightHave('test', undefined, 'probe', []), 'no revision seen: nothing kept')
  const view = await model.open('test')
  t.notOk(model.mightHave('test', undefined, 'probe', []), 'a revision seen, nothing kept at it')
  await model.answer(view, 'probe', [], async () => 1)
  t.ok(model.mightHave('test', undefined, 'probe', []))
  t.notOk(model.mightHave('test', undefined, 'probe', ['another call']))
  t.notOk(model.mightHave('test', later, 'probe', []), 'another knowledge time is another view')
  t.notOk(model.mightHave('other', undefined, 'probe', []))
  // A write this model is not told of: the hint still says the answer may be kept; the next view reads the newer revision.
  const newer = await database.db.transaction().execute((tx) => bumpRevision(tx, 'test'))
  t.ok(model.mightHave('test', undefined, 'probe', []))
  t.equal((await model.open('test')).revision, newer)
  t.notOk(model.mightHave('test', undefined, 'probe', []), 'the newer revision seen: nothing kept at it')
  await model.answer(await model.open('test'), 'probe', [], async () => 2)
  t.ok(model.mightHave('test', undefined, 'probe', []))
  model.notified('here:test:-1')
  t.notOk(model.mightHave('test', undefined, 'probe', []), 'a deletion forgets the revision')
})

t.test('ReadModel.open on a shared database: views opened together share revision reads sent after they were asked', async (t) => {
  const database = await openTestDatabase(t)
  const app = await buildApp({ config: testConfig(), database, logger: false })
  t.teardown(() => app.close())
  await put(app, '/v1/datasets/test', { name: 'test' })
  let statements = 0
  const counted = database.db.withPlugin({
    transformQuery: (args) => (statements++, args.node),
    transformResult: async (args) => args.result,
  })
  const model = new ReadModel({ db: counted, shared: true, schema: 'here', maxEntries: 100, maxBytes: 1e7 })
  const first = await model.open('test')
  t.equal(statements, 1, 'a view alone: one read')
  statements = 0
  // The first of twenty is sent at once; the nineteen that came while it was under way (it may have been sent before a
  // write they follow) share the next, sent when it answers: two reads, where one would serve them stale and twenty is a flood.
  const views = await Promise.all(Array.from({ length: 20 }, () => model.open('test')))
  t.equal(statements, 2, 'twenty views at once: two reads')
  t.same(new Set(views.map((view) => view.revision)), new Set([first.revision]))
  // A write this model is not told of, committed before the next view is asked: that view reads it.
  const newer = await database.db.transaction().execute((tx) => bumpRevision(tx, 'test'))
  statements = 0
  const [a, b] = await Promise.all([model.open('test'), model.open('test')])
  t.same([a.revision, b.revision, statements], [newer, newer, 2])
  await t.rejects(model.open('nope'), { code: 'DATASET_NOT_FOUND' })
  t.equal((await model.open('test')).revision, newer, 'reads go on after one found nothing')
})

t.test('ReadModel.warm prepares the newest shapes for point tests, within its share of the cache', async (t) => {
  const database = await openTestDatabase(t)
  const app = await buildApp({ config: testConfig(), database, logger: false })
  t.teardown(() => app.close())
  await put(app, '/v1/datasets/test', { name: 'test' })
  await put(app, '/v1/datasets/test/actors/hts', { name: 'HTS', side: 'opposition' })
  // Three days, a square of its own each: three shapes, the 26th's the newest.
  for (const [day, lon] of [
    [24, 0],
    [25, 1],
    [26, 2],
  ])
    t.equal((await importSnapshot(app, 'test', `2024-11-${day}`, collection([area(square(lon, 0, 1), { actor: 'hts' })]))).statusCode, 201)
  // Eight entries: a quarter of them is two shapes, each kept parsed and prepared.
  const model = new ReadModel({ db: database.db, shared: false, schema: 'here', maxEntries: 8, maxBytes: 1e7 })
  await model.warm()
  const rows = await (await model.open('test')).areaRows()
  const newestFirst = [...rows].sort((a, b) => b.validFrom.getTime() - a.validFrom.getTime())
  t.same(
    newestFirst.map((row) => model.cache.has(`point-shape|${row.geometryHash}`)),
    [true, true, false],
    'the 26th and the 25th prepared, the 24th left to the first point that needs it',
  )
})

t.test('two app instances on one database: a write through one is served by the other on its next request', async (t) => {
  const first = await openTestDatabase(t)
  // On PostgreSQL a second pool is a second client, as another process would be; the embedded
  // database has one owner, so its instances share it.
  const url = process.env.DATABASE_URL
  const second = url ? await openDatabase({ databaseUrl: url, schema: await schemaOf(first), poolSize: 2 }) : first
  if (second !== first) t.teardown(() => second.close())
  const a = await buildApp({ config: testConfig(), database: first, logger: false })
  const b = await buildApp({ config: testConfig(), database: second, logger: false })
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  await twoSides(a)
  const routeUrl = '/v1/analysis/route?dataset=test&feature=road&at=2024-11-26'
  const warm = await b.inject({ url: routeUrl })
  t.equal(warm.json().severed, true)
  t.equal((await b.inject({ url: routeUrl })).headers['x-cache'], 'hit')

  await put(a, '/v1/datasets/test/actors/hts', { name: 'HTS', side: 'government' })
  const next = await b.inject({ url: routeUrl })
  t.equal(next.statusCode, 200)
  t.equal(next.json().severed, false, 'served with the side the other instance wrote')
  t.equal(next.headers['x-cache'], 'miss')
  const revalidate = await b.inject({ url: routeUrl, headers: { 'if-none-match': warm.headers.etag as string } })
  t.equal(revalidate.statusCode, 200, 'the old ETag no longer matches')

  // the announcement reaches the other instance and drops what the write made stale
  const deadline = Date.now() + 5000
  while (b.readModel.report().dropped === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(b.readModel.report().dropped > 0, 'stale entries dropped on notification')
})

async function schemaOf(database: Awaited<ReturnType<typeof openTestDatabase>>): Promise<string> {
  const { sql } = await import('kysely')
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(database.db)
  return rows[0].schema
}
