import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { buildTestApp } from '../helpers.js'

// The viewer's files as the server answers them (the page itself is driven in Chromium by test/viewer/).
const VIEWER = new URL('../../viewer/', import.meta.url)

t.test('viewer assets', async (t) => {
  const app = await buildTestApp(t)

  t.test('/map and a browser at / get the page; every file it names is served, from this server only', async (t) => {
    const page = await app.inject({ url: '/map' })
    t.equal(page.statusCode, 200)
    t.match(page.headers['content-type'], /^text\/html/)
    t.equal((await app.inject({ url: '/', headers: { accept: 'text/html' } })).body, page.body, 'the same page at /')
    const named = [...page.body.matchAll(/(?:href|src)="(\/viewer\/[^"]+)"/g)].map((match) => match[1])
    t.ok(named.includes('/viewer/maplibre-gl.js') && named.includes('/viewer/app.js'), named.join(', '))
    // Each module's imports, followed from the page's entry point.
    for (const file of readdirSync(VIEWER).filter((name) => name.endsWith('.js'))) {
      const source = readFileSync(new URL(file, VIEWER), 'utf8')
      for (const [, imported] of source.matchAll(/from '\.\/([^']+)'/g)) named.push(`/viewer/${imported}`)
      t.notMatch(source, /https?:\/\/(?!www\.w3\.org\/2000\/svg|maplibre\.org|www\.geonames\.org)/, `${file} fetches nothing off the machine`)
    }
    named.push('/viewer/basemap/countries.geojson', '/viewer/basemap/places.geojson')
    for (const url of new Set(named)) {
      const res = await app.inject({ url })
      t.equal(res.statusCode, 200, url)
      t.ok(Number(res.headers['content-length'] ?? res.rawPayload.length) > 0, `${url} is not empty`)
    }
  })

  t.test('files carry an ETag and answer 304 when it matches', async (t) => {
    const first = await app.inject({ url: '/viewer/app.js' })
    t.match(first.headers['content-type'], /^text\/javascript/)
    t.equal(first.headers['cache-control'], 'no-cache')
    const etag = String(first.headers.etag)
    t.match(etag, /^"[\w-]+"$/)
    const again = await app.inject({ url: '/viewer/app.js', headers: { 'if-none-match': etag } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
  })

  t.test('a file the viewer does not have is a problem, not a file from elsewhere', async (t) => {
    for (const url of ['/viewer/nope.js', '/viewer/../package.json', '/viewer/%2e%2e/package.json', '/viewer/index.html', '/viewer/']) {
      const res = await app.inject({ url })
      t.equal(res.statusCode, 404, url)
      t.match(res.headers['content-type'], /^application\/problem\+json/, url)
    }
  })

  t.test('the base map is the bundled GeoJSON, each feature naming its source', async (t) => {
    for (const name of ['countries', 'places']) {
      const body = (await app.inject({ url: `/viewer/basemap/${name}.geojson` })).json()
      t.equal(body.type, 'FeatureCollection')
      t.ok(body.features.length > 0)
      t.ok(
        body.features.every((feature: any) => /Natural Earth|GeoNames/.test(feature.properties.source)),
        `every ${name} feature names its source`,
      )
    }
  })
})

t.test('a configured base map reaches the page, its text unable to end the script it sits in', async (t) => {
  const app = await buildTestApp(t, {
    VIEWER_BASEMAP_URL: 'https://tiles.example.org/{z}/{x}/{y}.png',
    VIEWER_BASEMAP_ATTRIBUTION: '© Example </script><script>alert(1)</script>',
  })
  const page = (await app.inject({ url: '/map' })).body
  const settings = /<script type="application\/json" id="settings">(.*?)<\/script>/.exec(page)
  t.ok(settings, 'the settings element is whole')
  t.notMatch(page, /<script>alert/)
  t.same(JSON.parse(settings![1]), {
    basemap: { url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: '© Example </script><script>alert(1)</script>' },
  })
})

t.test('viewer/state.js: the URL fragment gives back the state it was written from', async (t) => {
  const { readState, writeState } = await import(new URL('../../viewer/state.js', import.meta.url).href)
  const state = {
    dataset: 'aleppo-2024',
    at: '2024-11-28T00:00:00.000Z',
    layers: ['fronts', 'route'],
    sides: ['opposition', 'government'],
    from: 'side:opposition',
    to: 'feature:aleppo-outskirts',
    route: 'm5',
    since: '2024-11-26T00:00:00.000Z',
    map: { zoom: 9.5, center: [37.1234, 36.2] },
    point: [37.16, 36.2],
  }
  const hash = writeState(state)
  t.match(hash, /^#dataset=aleppo-2024&at=2024-11-28T00:00:00\.000Z&layers=fronts,route&/)
  t.same(readState(hash), state)
  // Every overlay off is a choice, not "the defaults": it survives a reload.
  const none = readState(writeState({ ...state, layers: [] }))
  t.same(none.layers, [])
  t.equal(readState('#dataset=x').layers, null, 'no layers member: the dataset decides')
  t.same(readState('#layers=fronts,bogus,changes').layers, ['fronts', 'changes'], 'unknown overlays dropped')
  t.equal(readState('#map=9/abc/37').map, null, 'a view that is not three numbers is ignored')
})
