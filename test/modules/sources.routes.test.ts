import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { DEFAULT_DATASET_DIR, loadBundle } from '../../src/modules/imports/imports.bundle.js'
import { AUTH, area, buildTestApp, collection, importSnapshot, openTestDatabase, seed, square } from '../helpers.js'

type App = Awaited<ReturnType<typeof buildTestApp>>

const put = (app: App, url: string, payload: object, headers: Record<string, string> = AUTH) => app.inject({ method: 'PUT', url, headers, payload })

const REUTERS = {
  title: 'Syrian rebels launch attack against army in Aleppo province',
  publisher: 'Reuters',
  url: 'https://example.org/reuters/2024/11/28',
  date: '2024-11-28',
  usedFor: 'the offensive launched on 27 Nov',
  properties: { language: 'en' },
}

t.test('/v1/datasets/{id}/sources', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  // Three areas: two cite ids (one as text, one as a JSON array with a free citation), one cites nothing.
  const map = collection([
    area(square(0, 0, 1), { actor: 'hts', source: 'reuters-2024-11-28,afp-2024-11-28' }),
    area(square(1, 0, 1), { actor: 'saa', source: ['afp-2024-11-28', 'Le Monde, 29 nov. 2024'] }),
    area(square(2, 0, 1), { actor: 'hts' }),
  ])
  t.equal((await importSnapshot(app, 'test', '2024-11-26', map)).statusCode, 201)

  t.test('PUT needs a token, creates (201) then replaces (200) a record, and bumps the revision', async (t) => {
    const anonymous = await put(app, '/v1/datasets/test/sources/reuters-2024-11-28', REUTERS, {})
    t.equal(anonymous.statusCode, 401)
    t.equal(anonymous.json().code, 'AUTH_REQUIRED')
    const before = (await app.inject({ url: '/v1/datasets/test' })).json().revision
    const list = await app.inject({ url: '/v1/datasets/test/sources' })
    const created = await put(app, '/v1/datasets/test/sources/reuters-2024-11-28', { ...REUTERS, title: 'first title' })
    t.equal(created.statusCode, 201)
    const replaced = await put(app, '/v1/datasets/test/sources/reuters-2024-11-28', REUTERS)
    t.equal(replaced.statusCode, 200)
    t.same(replaced.json(), { dataset: 'test', id: 'reuters-2024-11-28', registered: true, ...REUTERS, citingAreas: 1 })
    t.ok((await app.inject({ url: '/v1/datasets/test' })).json().revision > before, 'the dataset takes a new revision')
    const again = await app.inject({ url: '/v1/datasets/test/sources', headers: { 'if-none-match': list.headers.etag as string } })
    t.equal(again.statusCode, 200, 'an ETag given before the write no longer matches')
    const sparse = await put(app, '/v1/datasets/test/sources/orphan', { title: 'Cited by no area' })
    t.equal(sparse.statusCode, 201)
    t.same(sparse.json(), {
      dataset: 'test',
      id: 'orphan',
      registered: true,
      title: 'Cited by no area',
      publisher: null,
      url: null,
      date: null,
      usedFor: null,
      properties: {},
      citingAreas: 0,
    })
  })

  t.test('PUT refuses what is not a record', async (t) => {
    const cases: [string, object, string][] = [
      ['a url that is not one', { title: 'x', url: 'not a url' }, '/body/url'],
      ['a url that is not http', { title: 'x', url: 'ftp://example.org/file' }, '/body/url'],
      ['a date that is not a calendar date', { title: 'x', date: '2024-02-30' }, '/body/date'],
      ['a date with a time', { title: 'x', date: '2024-11-28T10:00:00Z' }, '/body/date'],
      ['year 0000, which PostgreSQL refuses', { title: 'x', date: '0000-01-01' }, '/body/date'],
      ['a date past the accepted range', { title: 'x', date: '9999-12-31' }, '/body/date'],
      ['no title', { publisher: 'x' }, '/body/title'],
      ['an empty title', { title: '  ' }, '/body/title'],
      ['a title past the limit', { title: 'x'.repeat(201) }, '/body/title'],
      ['a member it does not know', { title: 'x', author: 'y' }, '/body'],
    ]
    for (const [what, body, path] of cases) {
      const res = await put(app, '/v1/datasets/test/sources/x', body)
      t.equal(res.statusCode, 400, what)
      t.match(res.json(), { errors: [{ path }] }, what)
    }
    t.equal((await put(app, '/v1/datasets/test/sources/Not%20A%20Slug', { title: 'x' })).statusCode, 400, 'record ids are slugs')
    t.equal((await put(app, '/v1/datasets/nowhere/sources/x', { title: 'x' })).json().code, 'DATASET_NOT_FOUND')
    t.equal((await app.inject({ url: '/v1/datasets/test/sources/x' })).json().code, 'SOURCE_NOT_FOUND', 'nothing refused was written')
  })

  t.test('lists every record and every id cited without one, by id', async (t) => {
    const res = await app.inject({ url: '/v1/datasets/test/sources' })
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.equal(body.dataset, 'test')
    t.equal(body.numberMatched, 4)
    t.equal(body.numberReturned, 4)
    const unregistered = { registered: false, title: null, publisher: null, url: null, date: null, usedFor: null, properties: {} }
    t.same(body.sources, [
      // byte order: upper case before lower case
      { dataset: 'test', id: 'Le Monde, 29 nov. 2024', ...unregistered, citingAreas: 1 },
      { dataset: 'test', id: 'afp-2024-11-28', ...unregistered, citingAreas: 2 },
      {
        dataset: 'test',
        id: 'orphan',
        registered: true,
        title: 'Cited by no area',
        publisher: null,
        url: null,
        date: null,
        usedFor: null,
        properties: {},
        citingAreas: 0,
      },
      { dataset: 'test', id: 'reuters-2024-11-28', registered: true, ...REUTERS, citingAreas: 1 },
    ])
    t.equal((await app.inject({ url: '/v1/datasets/nowhere/sources' })).json().code, 'DATASET_NOT_FOUND')
    const unknown = await app.inject({ url: '/v1/datasets/test/sources?before=1' })
    t.equal(unknown.statusCode, 400)
    t.equal(unknown.json().code, 'UNKNOWN_PARAMETER')
  })

  t.test('pages with limit and offset, absolute links keeping the other parameters', async (t) => {
    const first = (await app.inject({ url: '/v1/datasets/test/sources?limit=3' })).json()
    t.equal(first.numberMatched, 4)
    t.equal(first.numberReturned, 3)
    t.same(
      first.sources.map((source: { id: string }) => source.id),
      ['Le Monde, 29 nov. 2024', 'afp-2024-11-28', 'orphan'],
    )
    const rels = (page: { links: { rel: string; href: string }[] }) => Object.fromEntries(page.links.map((link) => [link.rel, link.href]))
    t.same(rels(first), {
      self: 'http://localhost:80/v1/datasets/test/sources?limit=3',
      next: 'http://localhost:80/v1/datasets/test/sources?limit=3&offset=3',
    })
    const second = (await app.inject({ url: rels(first).next })).json()
    t.same(
      second.sources.map((source: { id: string }) => source.id),
      ['reuters-2024-11-28'],
    )
    t.equal(second.numberMatched, 4)
    t.equal(rels(second).prev, 'http://localhost:80/v1/datasets/test/sources?limit=3&offset=0')
    t.notOk(rels(second).next, 'no page after the last')
    const past = (await app.inject({ url: '/v1/datasets/test/sources?offset=10' })).json()
    t.match(past, { numberMatched: 4, numberReturned: 0, sources: [] })
  })

  t.test('answers CSV for f=csv and Accept: text/csv, columns named as the JSON members', async (t) => {
    const byParam = await app.inject({ url: '/v1/datasets/test/sources?f=csv' })
    t.equal(byParam.statusCode, 200)
    t.match(byParam.headers['content-type'], /^text\/csv/)
    t.equal(
      byParam.body,
      [
        'dataset,id,registered,title,publisher,url,date,usedFor,citingAreas',
        'test,"Le Monde, 29 nov. 2024",false,,,,,,1',
        'test,afp-2024-11-28,false,,,,,,2',
        'test,orphan,true,Cited by no area,,,,,0',
        `test,reuters-2024-11-28,true,${REUTERS.title},Reuters,${REUTERS.url},2024-11-28,${REUTERS.usedFor},1`,
        '',
      ].join('\n'),
    )
    const byAccept = await app.inject({ url: '/v1/datasets/test/sources?limit=1', headers: { accept: 'text/csv' } })
    t.equal(byAccept.statusCode, 200)
    t.equal(
      byAccept.body,
      'dataset,id,registered,title,publisher,url,date,usedFor,citingAreas\ntest,"Le Monde, 29 nov. 2024",false,,,,,,1\n',
      'the CSV is the page',
    )
  })

  t.test('GET answers a record, an id cited without one, and 404 otherwise', async (t) => {
    const record = await app.inject({ url: '/v1/datasets/test/sources/reuters-2024-11-28' })
    t.equal(record.statusCode, 200)
    t.same(record.json(), { dataset: 'test', id: 'reuters-2024-11-28', registered: true, ...REUTERS, citingAreas: 1 })
    t.match((await app.inject({ url: '/v1/datasets/test/sources/afp-2024-11-28' })).json(), { registered: false, title: null, citingAreas: 2 })
    const citation = await app.inject({ url: `/v1/datasets/test/sources/${encodeURIComponent('Le Monde, 29 nov. 2024')}` })
    t.equal(citation.statusCode, 200)
    t.match(citation.json(), { id: 'Le Monde, 29 nov. 2024', registered: false, citingAreas: 1 })
    const missing = await app.inject({ url: '/v1/datasets/test/sources/nobody-cites-this' })
    t.equal(missing.statusCode, 404)
    t.equal(missing.json().code, 'SOURCE_NOT_FOUND')
    t.equal((await app.inject({ url: '/v1/datasets/nowhere/sources/x' })).json().code, 'DATASET_NOT_FOUND')
  })

  t.test('DELETE removes a record; an id areas cite is listed on, unregistered', async (t) => {
    t.equal((await app.inject({ method: 'DELETE', url: '/v1/datasets/test/sources/orphan' })).statusCode, 401)
    const before = (await app.inject({ url: '/v1/datasets/test' })).json().revision
    const res = await app.inject({ method: 'DELETE', url: '/v1/datasets/test/sources/reuters-2024-11-28', headers: AUTH })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { dataset: 'test', source: 'reuters-2024-11-28', citingAreas: 1 })
    t.ok(res.json().revision > before)
    t.match((await app.inject({ url: '/v1/datasets/test/sources/reuters-2024-11-28' })).json(), { registered: false, title: null, citingAreas: 1 })
    t.equal((await app.inject({ method: 'DELETE', url: '/v1/datasets/test/sources/reuters-2024-11-28', headers: AUTH })).json().code, 'SOURCE_NOT_FOUND')
    t.equal((await app.inject({ method: 'DELETE', url: '/v1/datasets/test/sources/orphan', headers: AUTH })).statusCode, 200)
    t.same(
      (await app.inject({ url: '/v1/datasets/test/sources' })).json().sources.map((source: { id: string }) => source.id),
      ['Le Monde, 29 nov. 2024', 'afp-2024-11-28', 'reuters-2024-11-28'],
      'the record nothing cites is gone',
    )
  })

  t.test("one dataset's sources never touch another's; deleting a dataset deletes its sources", async (t) => {
    await seed(app, 'other')
    t.equal((await put(app, '/v1/datasets/other/sources/afp-2024-11-28', { title: 'AFP' })).statusCode, 201)
    t.match((await app.inject({ url: '/v1/datasets/test/sources/afp-2024-11-28' })).json(), { registered: false })
    t.equal((await app.inject({ method: 'DELETE', url: '/v1/datasets/other', headers: AUTH })).statusCode, 200)
    await seed(app, 'other')
    t.match((await app.inject({ url: '/v1/datasets/other/sources' })).json(), { numberMatched: 0, sources: [] })
  })
})

t.test('the bundled dataset lists its sources as records', async (t) => {
  const database = await openTestDatabase(t)
  const limits = { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 }
  const report = await loadBundle({ db: database.db, limits }, DEFAULT_DATASET_DIR)
  const app = await buildTestApp(t, {}, database)
  const manifest = JSON.parse(readFileSync(join(DEFAULT_DATASET_DIR, 'manifest.json'), 'utf8')) as {
    sources: { id: string; title: string; publisher: string; url: string | null; date: string; used_for: string }[]
  }
  t.equal(report.sources, manifest.sources.length)
  const res = await app.inject({ url: '/v1/datasets/aleppo-2024/sources?limit=1000' })
  t.equal(res.statusCode, 200)
  const listed = res.json().sources as { id: string; registered: boolean; citingAreas: number }[]
  t.equal(listed.length, manifest.sources.length, 'every source of the manifest, and no id the snapshots cite without a record')
  for (const source of manifest.sources) {
    const one = await app.inject({ url: `/v1/datasets/aleppo-2024/sources/${source.id}` })
    t.equal(one.statusCode, 200, source.id)
    t.match(one.json(), { registered: true, title: source.title, publisher: source.publisher, url: source.url, date: source.date, usedFor: source.used_for })
  }
  t.match(
    (await app.inject({ url: '/v1/datasets/aleppo-2024/sources/frontline-2020-lines' })).json(),
    { citingAreas: Number },
    'the ceasefire lines are cited by the areas that never changed hands',
  )
  t.ok(listed.find((source) => source.id === 'frontline-2020-lines')!.citingAreas > 0)
  t.notOk('sources' in (await app.inject({ url: '/v1/datasets/aleppo-2024' })).json().properties, 'the records are their one home')
})
