// The contract of the lists of the datasets, actors and features modules: one paging shape
// (limit, offset, numberMatched, numberReturned, absolute self/next/prev links keeping every other
// parameter), and unknown parameters refused on every route of these modules.
import t, { type Test } from 'tap'
import { AUTH, area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

type App = Awaited<ReturnType<typeof buildTestApp>>
type Link = { rel: string; href: string; type?: string }

const BASE = 'http://localhost:80'

/** The parameters of a URL other than limit and offset, sorted: what every link of a page must keep. */
function others(href: string): [string, string][] {
  const params = [...new URL(href, BASE).searchParams].filter(([name]) => name !== 'limit' && name !== 'offset')
  return params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

function offsetOf(href: string): number {
  return Number(new URL(href).searchParams.get('offset'))
}

/** Follows next links from `url`, checking each page's shape; returns the items of every page in order. */
async function walk(t: Test, app: App, url: string, items: (body: any) => unknown[], limit: number): Promise<unknown[]> {
  const all: unknown[] = []
  let href: string | undefined = url
  let expectedOffset = 0
  let pages = 0
  while (href) {
    const res: Awaited<ReturnType<App['inject']>> = await app.inject({ url: href })
    t.equal(res.statusCode, 200, href)
    const body = res.json()
    const page = items(body)
    const links: Link[] = body.links
    t.equal(body.numberReturned, page.length, 'numberReturned counts the page')
    t.ok(
      links.every((link) => link.href.startsWith(`${BASE}/v1/`)),
      'every link is absolute',
    )
    const self = links.find((link) => link.rel === 'self')!
    t.equal(self.href, href.startsWith('http') ? href : `${BASE}${href}`, 'self is the URL asked for')
    const next = links.find((link) => link.rel === 'next')
    const prev = links.find((link) => link.rel === 'prev')
    t.equal(next !== undefined, expectedOffset + page.length < body.numberMatched, 'a next link exactly when items are left')
    t.equal(prev !== undefined, expectedOffset > 0, 'a prev link exactly when items come before')
    for (const link of [next, prev]) if (link) t.same(others(link.href), others(url), `${link.rel} keeps every other parameter`)
    if (next) t.equal(offsetOf(next.href), expectedOffset + limit)
    if (prev) t.equal(offsetOf(prev.href), Math.max(0, expectedOffset - limit))
    all.push(...page)
    expectedOffset += limit
    href = next?.href
    if (++pages > 20) throw new Error('next links never end')
  }
  return all
}

t.test('paging of the lists', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  for (const id of ['d1', 'd2', 'd3', 'd4']) await app.inject({ method: 'PUT', url: `/v1/datasets/${id}`, headers: AUTH, payload: { name: id } })
  for (const id of ['aaa', 'zzz']) await app.inject({ method: 'PUT', url: `/v1/datasets/test/actors/${id}`, headers: AUTH, payload: { name: id } })
  // Four maps, each with another holder: the map changes on each of the four days.
  for (const [day, actor] of [
    ['2024-11-26', 'hts'],
    ['2024-11-27', 'saa'],
    ['2024-11-28', 'sna'],
    ['2024-11-29', 'hts'],
  ]) {
    t.equal((await importSnapshot(app, 'test', day, collection([area(square(0, 0, 1), { actor })]))).statusCode, 201)
  }
  const towns = ['town-1', 'town-2', 'town-3', 'town-4'].map((id, i) => ({
    type: 'Feature',
    id,
    geometry: { type: 'Point', coordinates: [0.1 + i * 0.2, 0.5] },
    properties: { kind: 'town', name: id },
  }))
  const road = {
    type: 'Feature',
    id: 'road',
    geometry: {
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    },
    properties: { kind: 'highway', name: 'Road' },
  }
  t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: collection([...towns, road]) })).statusCode, 201)

  const lists = [
    { name: '/v1/datasets', whole: '/v1/datasets', url: '/v1/datasets?f=json&limit=2', limit: 2, items: (body: any) => body.datasets.map((d: any) => d.id) },
    {
      name: '/v1/datasets/{id}/actors',
      whole: '/v1/datasets/test/actors',
      url: '/v1/datasets/test/actors?limit=2&f=json',
      limit: 2,
      items: (body: any) => body.actors.map((a: any) => a.id),
    },
    {
      name: '/v1/datasets/{id}/timeline',
      whole: '/v1/datasets/test/timeline?known_at=2100-01-01',
      url: '/v1/datasets/test/timeline?known_at=2100-01-01&limit=3',
      limit: 3,
      items: (body: any) => body.instants,
    },
    {
      name: '/v1/features',
      whole: '/v1/features?dataset=test&kind=town',
      url: '/v1/features?dataset=test&kind=town&limit=2',
      limit: 2,
      items: (body: any) => body.features.map((f: any) => f.id),
    },
  ]
  const expected: Record<string, unknown[]> = {
    '/v1/datasets': ['d1', 'd2', 'd3', 'd4', 'test'],
    '/v1/datasets/{id}/actors': ['aaa', 'hts', 'saa', 'sna', 'zzz'],
    '/v1/datasets/{id}/timeline': ['2024-11-26T00:00:00.000Z', '2024-11-27T00:00:00.000Z', '2024-11-28T00:00:00.000Z', '2024-11-29T00:00:00.000Z'],
    '/v1/features': ['town-1', 'town-2', 'town-3', 'town-4'],
  }

  for (const list of lists) {
    t.test(`${list.name}: next links walk the whole list`, async (t) => {
      const whole = (await app.inject({ url: list.whole })).json()
      t.same(list.items(whole), expected[list.name], 'the default page holds the whole list')
      t.match(whole, { numberMatched: expected[list.name].length, numberReturned: expected[list.name].length })
      t.same(
        whole.links.map((link: Link) => link.rel),
        ['self'],
        'one page: no next, no prev',
      )
      t.same(await walk(t, app, list.url, list.items, list.limit), expected[list.name], 'the pages together are the whole list, in order')
    })

    t.test(`${list.name}: an offset past the end is an empty page with a prev link`, async (t) => {
      const res = await app.inject({ url: `${list.url}&offset=100` })
      t.equal(res.statusCode, 200)
      const body = res.json()
      t.equal(body.numberReturned, 0)
      t.equal(body.numberMatched, expected[list.name].length)
      t.same(
        body.links.map((link: Link) => link.rel),
        ['self', 'prev'],
      )
    })

    t.test(`${list.name}: links name the host the client used, even from the cache`, async (t) => {
      for (const host of ['a.example', 'b.example', 'a.example']) {
        const body = (await app.inject({ url: list.url, headers: { host } })).json()
        t.ok(
          body.links.every((link: Link) => link.href.startsWith(`http://${host}/v1/`)),
          `links on ${host}: ${body.links.map((link: Link) => link.href).join(' ')}`,
        )
      }
    })
  }

  t.test('limit is bounded', async (t) => {
    t.equal((await app.inject({ url: '/v1/datasets/test/actors?limit=10000' })).statusCode, 200)
    const over = await app.inject({ url: '/v1/datasets/test/actors?limit=10001' })
    t.equal(over.statusCode, 400)
    t.match(over.json(), { code: 'INVALID_REQUEST', errors: [{ path: '/query/limit' }] })
    const zero = await app.inject({ url: '/v1/features?dataset=test&limit=0' })
    t.equal(zero.statusCode, 400)
    const negative = await app.inject({ url: '/v1/datasets/test/timeline?offset=-1' })
    t.equal(negative.statusCode, 400)
    t.match(negative.json(), { errors: [{ path: '/query/offset' }] })
  })
})

t.test('unknown parameters are refused on every route of datasets, actors and features', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const town = { type: 'Feature', id: 'town-1', geometry: { type: 'Point', coordinates: [0.5, 0.5] }, properties: { kind: 'town', name: 'Town' } }
  await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: collection([town]) })
  const cases = [
    { url: '/v1/datasets?bogus=1', name: 'bogus' },
    { url: '/v1/datasets/test?bogus=1', name: 'bogus' },
    { url: '/v1/datasets/test/timeline?bogus=1', name: 'bogus' },
    { url: '/v1/datasets/test/actors?bogus=1', name: 'bogus' },
    { url: '/v1/datasets/test/actors/hts?bogus=1', name: 'bogus' },
    { url: '/v1/features?dataset=test&bogus=1', name: 'bogus' },
    { url: '/v1/features?dataset=test&after=town-1', name: 'after', why: 'the cursor is gone: offset pages' },
    { url: '/v1/features/town-1?dataset=test&bogus=1', name: 'bogus' },
    { url: '/v1/features/town-1/control?dataset=test&bogus=1', name: 'bogus' },
    { url: '/v1/features/town-1/control?dataset=test&date=2024-11-26', name: 'date', why: 'a typo of at' },
  ]
  for (const { url, name, why } of cases) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 400, `${url}${why ? ` (${why})` : ''}`)
    t.match(res.json(), { code: 'UNKNOWN_PARAMETER', errors: [{ path: `/query/${name}`, code: 'UNKNOWN_PARAMETER' }] }, url)
  }
  t.match((await app.inject({ url: '/v1/features/town-1/control?dataset=test&date=2024-11-26' })).json().errors[0].reason, /did you mean at\?/)
  // Each route accepts what it declares.
  for (const url of [
    '/v1/datasets?limit=1&offset=0&f=json',
    '/v1/datasets/test/timeline?known_at=2024-12-01&limit=1&offset=0&f=csv',
    '/v1/datasets/test/actors?limit=1&offset=0&f=csv',
    '/v1/features?dataset=test&kind=town&bbox=0,0,1,1&q=town&known_at=2024-12-01&limit=1&offset=0&f=csv',
    '/v1/features/town-1?dataset=test&known_at=2100-01-01',
    '/v1/features/town-1/control?dataset=test&at=2024-11-26&known_at=2100-01-01&f=json',
    '/v1/features/town-1/control?dataset=test&start=2024-11-26&end=2024-11-28&f=csv',
  ]) {
    t.equal((await app.inject({ url })).statusCode, 200, url)
  }
})
