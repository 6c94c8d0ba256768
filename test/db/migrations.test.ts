import { sql } from 'kysely'
import t from 'tap'
import { migrate, readMigrations } from '../../src/db/migrate.js'
import { readSources } from '../../src/modules/imports/imports.parse.js'
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

t.test('0003 gives every area the list of sources its source text names, by the rule imports read it with', async (t) => {
  const { db } = await openTestDatabase(t, { migrate: false })
  const [, second, third, ...rest] = readMigrations()
  t.equal(third.name, '0003_sources')
  await migrate(db, [first, second])
  const run = (query: ReturnType<typeof sql>) => query.execute(db)
  // What an import stored as `source` before 0003, and the list each must become.
  const cases: [string | null, string[]][] = [
    ['sofx-2024-11-28,reuters-2024-11-28', ['sofx-2024-11-28', 'reuters-2024-11-28']],
    ['b-2 ; a-1;b-2', ['b-2', 'a-1']],
    ['frontline-2020-lines', ['frontline-2020-lines']],
    ['a,b,', ['a', 'b']],
    ['Reuters, 28 November 2024, via The Star', ['Reuters, 28 November 2024, via The Star']],
    ['reuters-2024-11-28, AFP report', ['reuters-2024-11-28, AFP report']],
    ['Reuters', ['Reuters']],
    [',', [',']],
    [null, []],
  ]
  const properties = {
    sources: [
      {
        id: 'reuters-1',
        title: 'Rebels advance',
        publisher: 'Reuters',
        date: '2024-11-28',
        url: 'https://example.org/r',
        used_for: 'the 28 Nov map',
        lang: 'en',
      },
      { id: 'bad-date', title: 'A date that is none', date: '2024-02-30' },
      { id: 'untitled' },
    ],
  }
  await run(sql`INSERT INTO datasets (id, name, properties) VALUES ('syria', 'Syria', ${JSON.stringify(properties)}::jsonb),
    ('mixed', 'Mixed', ${JSON.stringify({ sources: [{ id: 'ok-1', title: 'Fine' }, 'a bare string'] })}::jsonb)`)
  const before = await db.selectFrom('datasets').select(['id', 'revision']).orderBy('id').execute()
  await run(sql`INSERT INTO imports (id, dataset_id, kind, content_hash, counts) VALUES (1, 'syria', 'history', 'h1', '{}')`)
  await run(sql`INSERT INTO geometries (hash, geometry, bbox, area_km2, vertex_count) VALUES ('g', '{}', '(0,0),(1,1)', 1, 4)`)
  await run(sql`INSERT INTO actors (dataset_id, id, name, side) VALUES ('syria', 'hts', 'HTS', 'opposition')`)
  for (const [index, [source]] of cases.entries()) {
    await run(sql`INSERT INTO control_areas (dataset_id, area_key, actor_id, status, valid_from, recorded_at, geometry_hash, bbox, source, import_id)
      VALUES ('syria', ${`k${index}`}, 'hts', 'controlled', '2024-11-26T00:00:00Z', now(), 'g', '(0,0),(1,1)', ${source}, 1)`)
  }

  t.same(
    await migrate(db, [first, second, third, ...rest]),
    [third, ...rest].map((migration) => migration.name),
  )
  const rows = await db.selectFrom('control_areas').select(['area_key', 'source', 'sources']).orderBy('id').execute()
  for (const [index, [source, expected]] of cases.entries()) {
    t.same(rows[index].sources, expected, `${JSON.stringify(source)} → ${JSON.stringify(expected)}`)
    t.equal(rows[index].source, source, 'the text as imported is kept')
    const read = readSources(source)
    t.same(typeof read === 'string' ? read : read.sources, expected, 'an import reads the same text the same way')
  }

  t.test('sources a dataset listed in its properties become its records', async (t) => {
    const records = await sql<
      Record<string, unknown>
    >`SELECT dataset_id, id, title, publisher, url, date::text AS date, used_for, properties FROM sources ORDER BY dataset_id, id`.execute(db)
    t.same(records.rows, [
      { dataset_id: 'mixed', id: 'ok-1', title: 'Fine', publisher: null, url: null, date: null, used_for: null, properties: {} },
      { dataset_id: 'syria', id: 'bad-date', title: 'A date that is none', publisher: null, url: null, date: null, used_for: null, properties: {} },
      {
        dataset_id: 'syria',
        id: 'reuters-1',
        title: 'Rebels advance',
        publisher: 'Reuters',
        url: 'https://example.org/r',
        date: '2024-11-28',
        used_for: 'the 28 Nov map',
        properties: { lang: 'en' },
      },
      { dataset_id: 'syria', id: 'untitled', title: 'untitled', publisher: null, url: null, date: null, used_for: null, properties: {} },
    ])
    const datasets = await db.selectFrom('datasets').select(['id', 'properties', 'revision']).orderBy('id').execute()
    t.same(datasets[1].properties, {}, 'a list that was all records leaves the properties')
    t.same(datasets[0].properties, { sources: [{ id: 'ok-1', title: 'Fine' }, 'a bare string'] }, 'a list with other entries stays as it was')
    t.ok(
      datasets.every((row, i) => row.id === before[i].id && row.revision > before[i].revision),
      'every dataset takes a new revision',
    )
  })
})
