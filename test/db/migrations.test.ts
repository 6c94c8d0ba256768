import { sql } from 'kysely'
import t from 'tap'
import { migrate, readMigrations } from '../../src/db/migrate.js'
import { openTestDatabase } from '../helpers.js'

const [first, ...later] = readMigrations()

t.test('0002 gives every dataset its own copy of the actors it uses, losing nothing', async (t) => {
  const database = await openTestDatabase(t, { migrate: false })
  const { db } = database
  t.same(await migrate(db, [first]), ['0001_initial'])
  const run = (query: ReturnType<typeof sql>) => query.execute(db)
  await run(sql`INSERT INTO datasets (id, name, revision) VALUES ('syria', 'Syria', 7), ('ukraine', 'Ukraine', 3)`)
  await run(sql`INSERT INTO actors (id, name, aliases, colour, side) VALUES
    ('hts', 'HTS', '["HTS","Hayat Tahrir al-Sham"]', '#2e7d32', 'opposition'),
    ('ru', 'Russia', '["RuAF"]', '#8e24aa', 'government'),
    ('junk', 'Junk', '[]', NULL, 'junk')`)
  const t0 = new Date('2024-11-26T00:00:00Z')
  const t1 = new Date('2024-11-28T00:00:00Z')
  await run(sql`INSERT INTO imports (id, dataset_id, kind, content_hash, counts, created_at) VALUES
    (1, 'syria', 'snapshot', 'h1', '{}', ${t0}), (2, 'syria', 'snapshot', 'h2', '{}', ${t1}), (3, 'ukraine', 'snapshot', 'h3', '{}', ${t0})`)
  await run(sql`INSERT INTO geometries (hash, geometry, bbox, area_km2, vertex_count) VALUES ('g', '{}', '(0,0),(1,1)', 1, 4)`)
  await run(sql`INSERT INTO control_areas (dataset_id, actor_id, status, valid_from, recorded_at, superseded_at, geometry_hash, bbox, import_id) VALUES
    ('syria', 'hts', 'controlled', ${t0}, ${t0}, ${t1}, 'g', '(0,0),(1,1)', 1),
    ('syria', 'hts', 'controlled', ${t0}, ${t1}, NULL, 'g', '(0,0),(1,1)', 2),
    ('syria', 'ru', 'controlled', ${t0}, ${t0}, NULL, 'g', '(0,0),(1,1)', 1),
    ('ukraine', 'ru', 'controlled', ${t0}, ${t0}, NULL, 'g', '(0,0),(1,1)', 3)`)

  t.same(
    await migrate(db),
    later.map((migration) => migration.name),
  )
  const actors = await db.selectFrom('actors').select(['dataset_id', 'id', 'aliases', 'colour', 'side']).orderBy('dataset_id').orderBy('id').execute()
  t.same(
    actors.map((actor) => `${actor.dataset_id}/${actor.id}`),
    ['syria/hts', 'syria/junk', 'syria/ru', 'ukraine/junk', 'ukraine/ru'],
    'each its used actors; the unused one in both',
  )
  t.same(actors[0], { dataset_id: 'syria', id: 'hts', aliases: ['HTS', 'Hayat Tahrir al-Sham'], colour: '#2e7d32', side: 'opposition' })
  t.equal(actors.filter((actor) => actor.id === 'ru').length, 2)
  const superseded = await db.selectFrom('control_areas').select(['import_id', 'superseded_by']).where('superseded_at', 'is not', null).execute()
  t.same(superseded, [{ import_id: 1, superseded_by: 2 }], 'the import that superseded a row is found by its instant')
  const revisions = await db.selectFrom('datasets').select(['id', 'revision']).orderBy('id').execute()
  t.ok(
    revisions.every((row) => row.revision > 7),
    'every dataset takes a new revision: no ETag given before matches again',
  )
  const rows = await db.selectFrom('control_areas').select('id').execute()
  t.equal(rows.length, 4, 'no area lost')
  await t.rejects(
    run(
      sql`INSERT INTO control_areas (dataset_id, actor_id, status, valid_from, recorded_at, geometry_hash, bbox, import_id) VALUES ('ukraine', 'hts', 'controlled', ${t0}, ${t0}, 'g', '(0,0),(1,1)', 3)`,
    ),
    'an area may only name an actor of its own dataset',
  )
})

t.test('0002 keeps the actors of a database without datasets in a dataset of their own', async (t) => {
  const { db } = await openTestDatabase(t, { migrate: false })
  await migrate(db, [first])
  await sql`INSERT INTO actors (id, name, side) VALUES ('sdf', 'SDF', 'sdf')`.execute(db)
  await migrate(db)
  t.same(await db.selectFrom('actors').select(['dataset_id', 'id']).execute(), [{ dataset_id: 'migrated-actors', id: 'sdf' }])
})
