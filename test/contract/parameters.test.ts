import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { DEFAULT_DATASET_DIR, loadBundle } from '../../src/modules/imports/imports.bundle.js'
import { AUTH, buildTestApp, openTestDatabase } from '../helpers.js'
import { operationKey } from './validate.js'

/**
 * Every documented operation, with a request it answers: each refuses a parameter it does not
 * document (400 UNKNOWN_PARAMETER naming exactly the ones the document lists), and every list pages
 * with the one link shape. A new operation fails the last test until it is added here.
 */
const OPERATIONS: Record<string, { url: string; ok?: number }> = {
  'GET /health': { url: '/health' },
  'GET /ready': { url: '/ready' },
  'GET /v1/datasets': { url: '/v1/datasets' },
  'GET /v1/datasets/{id}': { url: '/v1/datasets/aleppo-2024' },
  'PUT /v1/datasets/{id}': { url: '/v1/datasets/aleppo-2024' },
  'DELETE /v1/datasets/{id}': { url: '/v1/datasets/aleppo-2024' },
  'GET /v1/datasets/{id}/timeline': { url: '/v1/datasets/aleppo-2024/timeline' },
  'GET /v1/datasets/{id}/actors': { url: '/v1/datasets/aleppo-2024/actors' },
  'GET /v1/datasets/{id}/actors/{actor}': { url: '/v1/datasets/aleppo-2024/actors/hts' },
  'PUT /v1/datasets/{id}/actors/{actor}': { url: '/v1/datasets/aleppo-2024/actors/hts' },
  'DELETE /v1/datasets/{id}/actors/{actor}': { url: '/v1/datasets/aleppo-2024/actors/hts' },
  'GET /v1/datasets/{id}/sources': { url: '/v1/datasets/aleppo-2024/sources' },
  'GET /v1/datasets/{id}/sources/{source}': { url: '/v1/datasets/aleppo-2024/sources/reuters-2024-11-28' },
  'PUT /v1/datasets/{id}/sources/{source}': { url: '/v1/datasets/aleppo-2024/sources/reuters-2024-11-28' },
  'DELETE /v1/datasets/{id}/sources/{source}': { url: '/v1/datasets/aleppo-2024/sources/reuters-2024-11-28' },
  'POST /v1/datasets/{id}/snapshots': { url: '/v1/datasets/aleppo-2024/snapshots?valid_from=2024-12-02' },
  'POST /v1/datasets/{id}/history': { url: '/v1/datasets/aleppo-2024/history' },
  'POST /v1/datasets/{id}/features': { url: '/v1/datasets/aleppo-2024/features' },
  'POST /v1/datasets/{id}/events': { url: '/v1/datasets/aleppo-2024/events' },
  'POST /v1/datasets/{id}/tallies': { url: '/v1/datasets/aleppo-2024/tallies' },
  'GET /v1/events': { url: '/v1/events?dataset=aleppo-2024' },
  'GET /v1/events/{event}': { url: '/v1/events/no-such-event?dataset=aleppo-2024', ok: 404 },
  'GET /v1/analysis/events': { url: '/v1/analysis/events?dataset=aleppo-2024&group_by=day' },
  'GET /v1/tallies': { url: '/v1/tallies?dataset=aleppo-2024' },
  'GET /v1/imports': { url: '/v1/imports?dataset=aleppo-2024' },
  'GET /v1/imports/{id}': { url: '/v1/imports/1' },
  'POST /v1/imports/{id}/revert': { url: '/v1/imports/1/revert' },
  'GET /v1/control': { url: '/v1/control?dataset=aleppo-2024&at=2024-11-28' },
  'GET /v1/control/point': { url: '/v1/control/point?dataset=aleppo-2024&lon=37.16&lat=36.2&at=2024-11-28' },
  'GET /v1/features': { url: '/v1/features?dataset=aleppo-2024' },
  'GET /v1/features/{id}': { url: '/v1/features/m5?dataset=aleppo-2024' },
  'GET /v1/features/{id}/control': { url: '/v1/features/base-46/control?dataset=aleppo-2024&at=2024-11-28' },
  'GET /v1/analysis/fronts': { url: '/v1/analysis/fronts?dataset=aleppo-2024&at=2024-11-28' },
  'GET /v1/analysis/distance': { url: '/v1/analysis/distance?dataset=aleppo-2024&from=side:opposition&to=feature:aleppo-outskirts&at=2024-11-28' },
  'GET /v1/analysis/route': { url: '/v1/analysis/route?dataset=aleppo-2024&feature=m5&at=2024-11-28' },
  'GET /v1/analysis/changes': { url: '/v1/analysis/changes?dataset=aleppo-2024&start=2024-11-26&end=2024-11-28&polygons=false' },
  'GET /v1/analysis/area': { url: '/v1/analysis/area?dataset=aleppo-2024&start=2024-11-26&end=2024-12-01' },
  'GET /': { url: '/' },
  'GET /conformance': { url: '/conformance' },
  'GET /api': { url: '/api' },
  'GET /collections': { url: '/collections' },
  'GET /collections/{collectionId}': { url: '/collections/aleppo-2024-areas' },
  'GET /collections/{collectionId}/items': { url: '/collections/aleppo-2024-areas/items?datetime=2024-11-28' },
  'GET /collections/{collectionId}/items/{featureId}': { url: '/collections/aleppo-2024-features/items/m5' },
  'GET /collections/{collectionId}/queryables': { url: '/collections/aleppo-2024-areas/queryables' },
  'GET /collections/{collectionId}/schema': { url: '/collections/aleppo-2024-areas/schema' },
  'GET /collections/{collectionId}/tiles': { url: '/collections/aleppo-2024-areas/tiles' },
  'GET /collections/{collectionId}/tiles/WebMercatorQuad': { url: '/collections/aleppo-2024-areas/tiles/WebMercatorQuad?datetime=2024-11-28' },
  'GET /collections/{collectionId}/tiles/WebMercatorQuad/tilejson.json': {
    url: '/collections/aleppo-2024-areas/tiles/WebMercatorQuad/tilejson.json?datetime=2024-11-28',
  },
  'GET /collections/{collectionId}/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}': {
    url: '/collections/aleppo-2024-areas/tiles/WebMercatorQuad/10/401/617?datetime=2024-11-28',
  },
  'GET /tileMatrixSets': { url: '/tileMatrixSets' },
  'GET /tileMatrixSets/WebMercatorQuad': { url: '/tileMatrixSets/WebMercatorQuad' },
}

interface Parameter {
  name: string
  in: string
}
interface Document {
  paths: Record<string, Record<string, { parameters?: Parameter[]; responses: Record<string, { content?: Record<string, { schema?: any }> }> }>>
  components: { schemas: Record<string, any> }
}

const withParameter = (url: string, parameter: string) => `${url}${url.includes('?') ? '&' : '?'}${parameter}`

t.test('every documented operation', async (t) => {
  const database = await openTestDatabase(t)
  await loadBundle({ db: database.db, limits: { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 } }, DEFAULT_DATASET_DIR)
  const app: FastifyInstance = await buildTestApp(t, {}, database)
  await app.ready()
  const document = app.swagger() as unknown as Document
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ key: operationKey(method, path), method: method.toUpperCase(), operation })),
  )

  t.test('is in the table of this test', async (t) => {
    t.same(
      operations.map((op) => op.key).filter((key) => !(key in OPERATIONS)),
      [],
      'operations this test does not know: add them to OPERATIONS',
    )
    t.same(
      Object.keys(OPERATIONS).filter((key) => !operations.some((op) => op.key === key)),
      [],
      'operations in OPERATIONS the document does not have',
    )
  })

  for (const { key, method, operation } of operations) {
    const entry = OPERATIONS[key]
    if (!entry) continue
    const documented = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name)

    t.test(`${key} refuses an unknown parameter, naming the documented ones`, async (t) => {
      const res = await app.inject({
        method: method as 'GET',
        url: withParameter(entry.url, 'no_such_parameter=1'),
        headers: AUTH,
        payload: method === 'GET' ? undefined : {},
      })
      t.equal(res.statusCode, 400, res.body.slice(0, 300))
      const body = res.json()
      t.equal(body.code, 'UNKNOWN_PARAMETER')
      t.match(body.errors, [{ path: '/query/no_such_parameter', code: 'UNKNOWN_PARAMETER' }])
      const accepted = /accepted: (.*)$/.exec(body.errors[0].reason)?.[1]
      t.same(accepted === 'none' ? [] : accepted?.split(', '), documented, 'the refusal lists exactly the documented parameters')
    })

    if (method === 'GET') {
      t.test(`${key} answers the request of the table`, async (t) => {
        const res = await app.inject({ url: entry.url })
        t.equal(res.statusCode, entry.ok ?? 200, res.body.slice(0, 300))
      })
    }

    const schema = resolve(
      document,
      operation.responses['200']?.content?.['application/json']?.schema ?? operation.responses['200']?.content?.['application/geo+json']?.schema,
    )
    const isList = method === 'GET' && schema?.properties?.links && schema?.properties?.numberReturned
    if (!isList) continue

    t.test(`${key} pages with limit, offset and absolute self/next/prev links`, async (t) => {
      t.ok(documented.includes('limit') && documented.includes('offset'), 'documents limit and offset')
      const firstUrl = withParameter(entry.url, 'limit=1')
      const first = await app.inject({ url: firstUrl })
      t.equal(first.statusCode, 200, first.body.slice(0, 300))
      const page = first.json()
      t.type(page.numberMatched, 'number')
      t.ok(page.numberReturned <= 1)
      const links = new Map<string, string>(page.links.map((link: { rel: string; href: string }) => [link.rel, link.href]))
      for (const href of links.values()) t.match(href, /^http:\/\/localhost:80\//, 'absolute')
      t.equal(links.get('self'), `http://localhost:80${firstUrl}`)
      t.notOk(links.has('prev'), 'no prev on the first page')
      if (page.numberMatched <= 1) {
        t.notOk(links.has('next'), 'no next when one page holds everything')
        return
      }
      const next = new URL(links.get('next')!)
      const asked = new URL(`http://localhost:80${firstUrl}`)
      for (const [name, value] of asked.searchParams) if (name !== 'offset') t.equal(next.searchParams.get(name), value, `next keeps ${name}`)
      t.equal(next.searchParams.get('offset'), '1')
      const second = await app.inject({ url: `${next.pathname}${next.search}` })
      t.equal(second.statusCode, 200)
      const prev = new URL(second.json().links.find((link: { rel: string }) => link.rel === 'prev').href)
      t.equal(prev.searchParams.get('offset'), '0')
    })
  }
})

/** The schema a $ref names in the document's components. */
function resolve(document: Document, schema: any): any {
  if (schema?.$ref) return document.components.schemas[String(schema.$ref).split('/').at(-1)!]
  return schema
}
