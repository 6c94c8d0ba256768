import { readFileSync } from 'node:fs'
import Fastify, { type FastifyReply } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import t from 'tap'
import { z } from 'zod'
import { Errors } from '../src/errors.js'
import {
  contentResponse,
  CsvSchema,
  geoJsonFeature,
  geoJsonFeatureCollection,
  geoJsonResponse,
  notModifiedResponses,
  PointSchema,
  problemResponses,
} from '../src/modules/common/schemas.js'
import { openapiDocument } from '../src/openapi-document.js'
import errorsPlugin from '../src/plugins/errors.js'
import openapiPlugin from '../src/plugins/openapi.js'
import { Contract } from './contract/validate.js'
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

  t.test('declares every error as application/problem+json referencing the one Problem component', async (t) => {
    const doc = JSON.parse(generated)
    t.ok(doc.components.schemas.Problem, 'components.schemas.Problem')
    t.equal(generated.split('RFC 9457 problem details').length - 1, 1, 'the problem schema is written once')
    for (const [path, item] of Object.entries<Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue
          t.same(
            response.content,
            { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
            `${method.toUpperCase()} ${path} ${status}`,
          )
        }
      }
    }
  })

  t.test('keeps only the components something refers to', async (t) => {
    const doc = JSON.parse(generated)
    for (const id of Object.keys(doc.components.schemas)) {
      t.ok(generated.includes(`"#/components/schemas/${id}"`), `${id} is referenced`)
    }
  })
})

/** Sends bytes as the caching plugin does, past the serializer (and, like it, untyped). */
const sendBytes = (reply: FastifyReply, type: string, text: string) => reply.type(type).send(Buffer.from(text))

/** A small app over the real plugins, to pin down the shapes the helpers produce. */
async function probeApp(t: Parameters<typeof buildTestApp>[0]) {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  await app.register(errorsPlugin)
  await app.register(openapiPlugin)
  const ProbeFeatureSchema = geoJsonFeature(z.object({ name: z.string() }).catchall(z.unknown()), { geometry: PointSchema, id: z.string() }).meta({
    id: 'ProbeFeature',
  })
  const ProbeCollectionSchema = geoJsonFeatureCollection(ProbeFeatureSchema, { dataset: z.string() }).meta({ id: 'ProbeCollection' })
  const feature = (id: string) => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [36.2, 36.2] }, properties: { name: id, free: 1 } })
  const routes = app.withTypeProvider<ZodTypeProvider>()
  // Sent as a pre-serialised Buffer, as the control map is: the schema documents, the serializer is skipped.
  routes.get(
    '/probe/buffer',
    {
      schema: {
        querystring: z.object({ fail: z.enum(['404']).optional(), n: z.coerce.number().int().optional() }),
        response: { 200: geoJsonResponse(ProbeCollectionSchema), ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      if (request.query.fail) throw new Errors.DATASET_NOT_FOUND('nope')
      if (request.headers['if-none-match'] === '"1"') return (reply as FastifyReply).code(304).send()
      const body = { type: 'FeatureCollection', dataset: 'probe', features: [feature('a')], extra: 'not declared' }
      return sendBytes(reply, 'application/geo+json', JSON.stringify(body))
    },
  )
  // Sent as an object: the zod serializer for application/geo+json runs, and drops undeclared members.
  routes.get('/probe/object', { schema: { response: { 200: geoJsonResponse(ProbeFeatureSchema), ...problemResponses(400) } } }, async (_request, reply) => {
    reply.type('application/geo+json')
    return { ...feature('b'), extra: 'dropped' } as z.infer<typeof ProbeFeatureSchema>
  })
  routes.get(
    '/probe/csv',
    { schema: { response: { 200: contentResponse('a series', { 'application/json': z.object({ n: z.number() }), 'text/csv': CsvSchema }) } } },
    async (request, reply) => {
      if (request.headers.accept === 'text/csv') return sendBytes(reply, 'text/csv; charset=utf-8', 'n\n1\n')
      return { n: 1 }
    },
  )
  t.teardown(() => app.close())
  await app.ready()
  return app
}

t.test('response helpers', async (t) => {
  const app = await probeApp(t)
  const doc = (await app.inject({ url: '/openapi.json' })).json()
  const contract = new Contract(doc)

  t.test('declare media types, and one Problem component by $ref', async (t) => {
    const responses = doc.paths['/probe/buffer'].get.responses
    t.same(Object.keys(responses['200'].content), ['application/geo+json'])
    t.same(responses['200'].content['application/geo+json'].schema, { $ref: '#/components/schemas/ProbeCollection' })
    t.same(responses['304'], { description: 'Not Modified: the representation named by If-None-Match is current; no body' })
    for (const status of ['400', '404']) {
      t.same(responses[status].content, { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }, status)
      t.match(responses[status].description, /\w/)
    }
    t.same(Object.keys(doc.paths['/probe/csv'].get.responses['200'].content), ['application/json', 'text/csv'])
    t.same(doc.components.schemas.ProbeFeature.properties.geometry, { $ref: '#/components/schemas/Point' })
    t.ok(doc.components.schemas.Problem)
    t.notOk(doc.components.schemas.ProblemInput, 'input copies nothing refers to are dropped')
    t.notOk(doc.components.schemas.ControlMap, 'components registered elsewhere but unused are dropped')
  })

  t.test('serve: a Buffer as is, an object through its media type serializer, errors as problems', async (t) => {
    const buffer = await app.inject({ url: '/probe/buffer' })
    t.equal(buffer.statusCode, 200)
    t.match(buffer.headers['content-type'], /^application\/geo\+json/)
    t.equal(buffer.json().extra, 'not declared', 'the serializer does not touch a Buffer')
    const object = await app.inject({ url: '/probe/object' })
    t.equal(object.statusCode, 200)
    t.match(object.headers['content-type'], /^application\/geo\+json/)
    t.same(object.json(), { type: 'Feature', id: 'b', geometry: { type: 'Point', coordinates: [36.2, 36.2] }, properties: { name: 'b', free: 1 } })
    t.same(contract.check({ url: '/probe/object' }, object), [])
    const missing = await app.inject({ url: '/probe/buffer?fail=404' })
    t.equal(missing.statusCode, 404)
    t.match(missing.headers['content-type'], /^application\/problem\+json/)
    t.same(contract.check({ url: '/probe/buffer?fail=404' }, missing), [])
    const invalid = await app.inject({ url: '/probe/buffer?n=x' })
    t.equal(invalid.statusCode, 400)
    t.same(contract.check({ url: '/probe/buffer?n=x' }, invalid), [])
    const notModified = await app.inject({ url: '/probe/buffer', headers: { 'if-none-match': '"1"' } })
    t.equal(notModified.statusCode, 304)
    t.same(contract.check({ url: '/probe/buffer' }, notModified), [])
    const csv = await app.inject({ url: '/probe/csv', headers: { accept: 'text/csv' } })
    t.same(contract.check({ url: '/probe/csv' }, csv), [])
  })

  t.test('the contract names what is not as declared', async (t) => {
    const buffer = await app.inject({ url: '/probe/buffer' })
    t.match(contract.check({ url: '/probe/buffer' }, buffer), [
      /GET \/probe\/buffer 200 application\/geo\+json: body must NOT have additional properties.*extra/,
    ])
    const routeMissing = await app.inject({ url: '/nowhere' })
    t.match(contract.check({ url: '/nowhere' }, routeMissing), [/no operation in the document for GET \/nowhere/])
    const undeclared = { ...buffer, statusCode: 418 } as typeof buffer
    t.match(contract.check({ url: '/probe/buffer' }, undeclared), [/status 418 is not declared for GET \/probe\/buffer \(declared: 200, 304, 400, 404\)/])
    const json = await app.inject({ url: '/probe/csv' })
    const relabelled = { ...json, headers: { ...json.headers, 'content-type': 'text/plain' } } as typeof json
    t.match(contract.check({ url: '/probe/csv' }, relabelled), [/Content-Type text\/plain is not declared \(declared: application\/json, text\/csv\)/])
    const problem = await app.inject({ url: '/probe/buffer?fail=404' })
    const asJson = { ...problem, headers: { ...problem.headers, 'content-type': 'application/json' } } as typeof problem
    t.match(contract.check({ url: '/probe/buffer?fail=404' }, asJson), [
      /Content-Type application\/json is not declared \(declared: application\/problem\+json\)/,
    ])
  })
})
