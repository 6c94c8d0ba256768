import type { Geometry } from 'geojson'
import { sql } from 'kysely'
import t from 'tap'
import type { Tx } from '../../src/db/database.js'
import { inTransaction } from '../../src/db/transaction.js'
import * as datasetsService from '../../src/modules/datasets/datasets.service.js'
import { measureGeometry } from '../../src/modules/imports/imports.parse.js'
import * as actorsRepository from '../../src/store/actors.repository.js'
import { boxLiteral } from '../../src/store/box.js'
import * as controlRepository from '../../src/store/control.repository.js'
import * as datasetsRepository from '../../src/store/datasets.repository.js'
import * as importsRepository from '../../src/store/imports.repository.js'
import { AUTH, area, buildTestApp, collection, openTestDatabase, square } from '../helpers.js'

// The interleaving measured as 76 × 500 "deadlock detected" in 160 tries on PostgreSQL: imports that
// create an actor (unknown_actors=create) racing with PUT of that actor, here with the other writers
// that share rows with them: imports of the same geometries into another dataset (geometries are
// stored once per hash, in any order the files give them) and the deletion of a dataset whose
// geometries those imports reuse. On PGlite everything runs one statement at a time: the test still
// runs every interleaving and checks the answers and the final state.
const ROUNDS = 40

function shape(i: number) {
  return square((i % 20) * 1.5, Math.floor(i / 20) * 1.5, 1)
}

t.test('concurrent imports creating actors, PUT of those actors, imports and deletions sharing geometries', async (t) => {
  const app = await buildTestApp(t)
  const put = (url: string, payload: object) => app.inject({ method: 'PUT', url, headers: AUTH, payload })
  for (const id of ['race', 'mirror', 'doomed']) t.equal((await put(`/v1/datasets/${id}`, { name: id })).statusCode, 201)
  t.equal((await put('/v1/datasets/mirror/actors/m', { name: 'Mirror' })).statusCode, 201)
  t.equal((await put('/v1/datasets/doomed/actors/d', { name: 'Doomed' })).statusCode, 201)
  // The doomed dataset holds every geometry the race will import: deleting it removes those no one else uses.
  const doomed = await app.inject({
    method: 'POST',
    url: '/v1/datasets/doomed/snapshots?valid_from=2024-01-01&actor=d',
    headers: AUTH,
    payload: collection(Array.from({ length: ROUNDS }, (_, i) => area(shape(i), {}))),
  })
  t.equal(doomed.statusCode, 201, doomed.body)

  const requests: Promise<{ what: string; status: number; body: string }>[] = []
  const track = (what: string, promise: Promise<{ statusCode: number; body: string }>) =>
    requests.push(promise.then((res) => ({ what, status: res.statusCode, body: res.body })))
  for (let i = 0; i < ROUNDS; i++) {
    const history = collection([area(shape(i), { actor: `Actor ${i}`, valid_from: '2024-02-01' }, `k${i}`)])
    // Half the PUTs go first, half follow the import they race with.
    if (i % 2 === 0) track(`put ${i}`, put(`/v1/datasets/race/actors/actor-${i}`, { name: `Put ${i}`, side: 'blue' }))
    track(`import ${i}`, app.inject({ method: 'POST', url: '/v1/datasets/race/history?unknown_actors=create', headers: AUTH, payload: history }))
    if (i % 2 === 1) track(`put ${i}`, put(`/v1/datasets/race/actors/actor-${i}`, { name: `Put ${i}`, side: 'blue' }))
    // The same geometries into another dataset, in the opposite order of hashes from one file to the next.
    const pair = [area(shape(i), {}, `m${i}`), area(shape(ROUNDS - 1 - i), {}, `n${i}`)]
    track(
      `mirror ${i}`,
      app.inject({
        method: 'POST',
        url: `/v1/datasets/mirror/history?actor=m`,
        headers: AUTH,
        payload: collection(
          (i % 2 === 0 ? pair : pair.reverse()).map((f, j) => ({
            ...f,
            properties: {
              valid_from: `2024-03-${String(1 + (i % 28)).padStart(2, '0')}T${String(j).padStart(2, '0')}:${String(i).padStart(2, '0')}Z`,
              valid_to: null,
            },
          })),
        ),
      }),
    )
    if (i === ROUNDS / 2) track('delete doomed', app.inject({ method: 'DELETE', url: '/v1/datasets/doomed', headers: AUTH }))
  }
  const results = await Promise.all(requests)

  const failures = results.filter((result) => result.status >= 500)
  t.same(
    failures.map((result) => `${result.what}: ${result.status} ${result.body}`),
    [],
    'no request answered 5xx',
  )
  for (const result of results) t.ok([200, 201].includes(result.status), `${result.what} answered ${result.status}: ${result.body.slice(0, 300)}`)

  // Whatever order they ran in: every actor is the PUT's, every import landed once, the deletion took the dataset.
  const actors = (await app.inject({ url: '/v1/datasets/race/actors' })).json().actors as { id: string; name: string; side: string }[]
  t.equal(actors.length, ROUNDS)
  for (let i = 0; i < ROUNDS; i++)
    t.match(
      actors.find((actor) => actor.id === `actor-${i}`),
      { name: `Put ${i}`, side: 'blue' },
      `actor-${i}`,
    )
  const raceImports = (await app.inject({ url: '/v1/imports?dataset=race&limit=500' })).json().imports
  t.equal(raceImports.length, ROUNDS)
  const mirrorImports = (await app.inject({ url: '/v1/imports?dataset=mirror&limit=500' })).json().imports
  t.equal(mirrorImports.length, ROUNDS)
  const map = (await app.inject({ url: '/v1/control?dataset=race&at=2024-02-02' })).json()
  t.equal(map.features.length, ROUNDS)
  t.same(
    map.features.map((feature: { properties: { actor: string; areaKey: string } }) => `${feature.properties.areaKey}=${feature.properties.actor}`).sort(),
    Array.from({ length: ROUNDS }, (_, i) => `k${i}=actor-${i}`).sort(),
  )
  const mirror = (await app.inject({ url: '/v1/control?dataset=mirror&at=2024-12-01' })).json()
  t.equal(mirror.features.length, 2 * ROUNDS)
  t.equal((await app.inject({ url: '/v1/datasets/doomed' })).statusCode, 404)
  // Every geometry the survivors use is still there: each area answers with its shape.
  for (const feature of [...map.features, ...mirror.features]) t.equal(feature.geometry.type, 'Polygon')
})

t.test('inTransaction', async (t) => {
  const database = await openTestDatabase(t)
  const { db } = database
  for (const id of ['x', 'y']) await datasetsRepository.upsertDataset(db, id, { name: id, description: '', licence: null, sourceUrl: null, properties: {} })
  const revision = async (id: string) => (await datasetsRepository.findRevision(db, id))!

  t.test('runs the victim of a deadlock once more, and both writes land', async (t) => {
    const before = { x: await revision('x'), y: await revision('y') }
    let attempts = 0
    const retried: unknown[] = []
    // Both transactions hold their first row before either asks for its second: on PostgreSQL that is
    // a deadlock, and one of them is aborted (40P01). PGlite runs one transaction at a time: the
    // second starts once the first committed, the barrier lets it through after a while, and no
    // one is aborted.
    let holding = 0
    const patience = database.engine === 'postgres' ? 10_000 : 300
    const barrier = async () => {
      holding++
      for (let waited = 0; holding < 2 && waited < patience; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const write = (first: string, second: string) =>
      inTransaction(
        db,
        async (tx) => {
          attempts++
          await datasetsRepository.lockDataset(tx, first)
          await barrier()
          await datasetsRepository.lockDataset(tx, second)
          await datasetsRepository.bumpRevision(tx, first)
          await datasetsRepository.bumpRevision(tx, second)
          return first
        },
        { onRetry: (error) => retried.push(error) },
      )
    t.same(await Promise.all([write('x', 'y'), write('y', 'x')]), ['x', 'y'])
    if (database.engine === 'postgres') {
      t.equal(retried.length, 1, 'PostgreSQL aborted one of the two')
      t.equal((retried[0] as { code?: string }).code, '40P01')
      t.equal(attempts, 3)
    } else {
      t.equal(retried.length, 0, 'PGlite ran them one after the other')
      t.equal(attempts, 2)
    }
    // Each of the two transactions bumped each dataset once: four bumps, two per dataset.
    t.ok((await revision('x')) > before.x && (await revision('y')) > before.y)
    const bumps = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM datasets WHERE id IN ('x', 'y') AND revision > ${Math.max(before.x, before.y)}`.execute(db)
    t.equal(bumps.rows[0].n, 2)
  })

  t.test('retries once only, and never an error that a second run cannot fix', async (t) => {
    let runs = 0
    const serialization = Object.assign(new Error('could not serialize access'), { code: '40001' })
    await t.rejects(
      inTransaction(db, async () => {
        runs++
        throw serialization
      }),
      { code: '40001' },
    )
    t.equal(runs, 2)
    runs = 0
    await t.rejects(
      inTransaction(db, async () => {
        runs++
        throw Object.assign(new Error('duplicate key'), { code: '23505' })
      }),
      { code: '23505' },
    )
    t.equal(runs, 1)
    t.equal(await inTransaction(db, async (tx) => (await sql<{ one: number }>`SELECT 1 AS one`.execute(tx)).rows[0].one), 1)
  })
})

t.test('deleting a dataset while another dataset imports the same geometry', async (t) => {
  // The interleaving that broke the foreign key: an import finds a geometry stored (and so does not
  // insert it), a deletion of the dataset that used it removes it and commits, and the import's
  // areas then refer to a row that is gone (23503, a 500). The import now holds the geometry with
  // FOR KEY SHARE: the deletion waits, then sees the new reference and keeps the row.
  const database = await openTestDatabase(t)
  const { db } = database
  const record = measureGeometry(square(10, 10, 1) as Geometry, 5)
  const now = new Date('2024-06-01T00:00:00Z')
  const writeArea = async (tx: Tx, datasetId: string) => {
    const imported = await importsRepository.insertImport(tx, {
      datasetId,
      kind: 'history',
      contentHash: `h-${datasetId}`,
      validFrom: null,
      options: {},
      counts: {},
      notes: [],
      submittedBy: null,
      createdAt: now,
    })
    await controlRepository.insertAreas(tx, [
      {
        dataset_id: datasetId,
        area_key: null,
        actor_id: 'a',
        status: 'controlled',
        valid_from: new Date('2024-01-01T00:00:00Z'),
        valid_to: null,
        recorded_at: now,
        geometry_hash: record.hash,
        bbox: boxLiteral(record.bbox),
        source: null,
        properties: '{}',
        import_id: imported.id,
      },
    ])
  }
  for (const id of ['doomed', 'heir']) {
    await datasetsRepository.upsertDataset(db, id, { name: id, description: '', licence: null, sourceUrl: null, properties: {} })
    await actorsRepository.upsertActor(db, id, { id: 'a', name: 'A', aliases: [], colour: null, side: 'a' })
  }
  await db.transaction().execute(async (tx) => {
    await controlRepository.insertGeometries(tx, [record])
    await writeArea(tx, 'doomed')
  })

  let deleting: Promise<unknown> | undefined
  await db.transaction().execute(async (tx) => {
    await datasetsRepository.lockDataset(tx, 'heir')
    await controlRepository.insertGeometries(tx, [record])
    // On PostgreSQL the deletion runs now, on a connection of its own; on PGlite it waits for this transaction.
    deleting = datasetsService.deleteDataset(db, 'doomed')
    await new Promise((resolve) => setTimeout(resolve, 300))
    await writeArea(tx, 'heir')
  })
  const deleted = (await deleting) as { deleted: { areas: number; geometries: number } }
  t.match(deleted, { dataset: 'doomed', deleted: { areas: 1, geometries: 0 } }, 'the geometry the heir now uses is kept')
  const stored = await db.selectFrom('geometries').select('hash').where('hash', '=', record.hash).execute()
  t.equal(stored.length, 1)
  t.equal(await datasetsRepository.findRevision(db, 'doomed'), undefined)
})
