import { readFileSync } from 'node:fs'
import t from 'tap'
import { openapiDocument } from '../src/openapi-document.js'
import { buildTestApp } from './helpers.js'

t.test('openapi/openapi.json', async (t) => {
  const app = await buildTestApp(t)
  const generated = await openapiDocument(app)
  const committed = readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')
  t.equal(committed, generated, 'openapi/openapi.json is stale: run npm run openapi and commit it')

  t.test('is served at /openapi.json as OpenAPI 3.1 with every route', async (t) => {
    const res = await app.inject({ url: '/openapi.json' })
    t.equal(res.statusCode, 200)
    const doc = res.json()
    t.equal(doc.openapi, '3.1.0')
    for (const path of ['/v1/control', '/v1/control/point', '/v1/datasets/{id}/snapshots', '/v1/features/{id}/control', '/v1/datasets/{id}/timeline']) {
      t.ok(doc.paths[path], path)
    }
  })
})
