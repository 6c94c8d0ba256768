import t from 'tap'
import { AUTH, area, buildTestApp, collection, importSnapshot, square } from '../helpers.js'

type App = Awaited<ReturnType<typeof buildTestApp>>

async function put(app: App, url: string, payload: object) {
  return app.inject({ method: 'PUT', url, headers: AUTH, payload })
}

t.test('/v1/datasets/{id}/actors', async (t) => {
  const app = await buildTestApp(t)
  await put(app, '/v1/datasets/syria', { name: 'Syria' })
  await put(app, '/v1/datasets/ukraine', { name: 'Ukraine' })

  t.test('PUT creates an actor of that dataset; side defaults to the actor itself', async (t) => {
    const res = await put(app, '/v1/datasets/syria/actors/sdf', { name: 'Syrian Democratic Forces', aliases: ['SDF', 'QSD'] })
    t.equal(res.statusCode, 201)
    t.same(res.json(), { dataset: 'syria', id: 'sdf', name: 'Syrian Democratic Forces', aliases: ['SDF', 'QSD'], colour: null, side: 'sdf' })
  })

  t.test('PUT updates name, colour and side', async (t) => {
    const res = await put(app, '/v1/datasets/syria/actors/sdf', { name: 'SDF', colour: '#ffcc00', side: 'kurdish' })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { name: 'SDF', colour: '#ffcc00', side: 'kurdish', aliases: [] })
  })

  t.test('GET lists and reads one; unknown actor or dataset is 404', async (t) => {
    const list = await app.inject({ url: '/v1/datasets/syria/actors' })
    t.equal(list.statusCode, 200)
    t.same(
      list.json().actors.map((a: { id: string }) => a.id),
      ['sdf'],
    )
    t.equal((await app.inject({ url: '/v1/datasets/syria/actors/sdf' })).json().side, 'kurdish')
    t.equal((await app.inject({ url: '/v1/datasets/syria/actors/nobody' })).json().code, 'ACTOR_NOT_FOUND')
    t.equal((await app.inject({ url: '/v1/datasets/nowhere/actors' })).json().code, 'DATASET_NOT_FOUND')
    t.equal((await put(app, '/v1/datasets/nowhere/actors/x', { name: 'x' })).json().code, 'DATASET_NOT_FOUND')
  })

  t.test('refuses a bad colour and writes without a token', async (t) => {
    const res = await put(app, '/v1/datasets/syria/actors/x', { name: 'x', colour: 'red' })
    t.equal(res.statusCode, 400)
    t.match(res.json(), { errors: [{ path: '/body/colour' }] })
    const anonymous = await app.inject({ method: 'PUT', url: '/v1/datasets/syria/actors/x', payload: { name: 'x' } })
    t.equal(anonymous.statusCode, 401)
  })

  t.test('two datasets with the same actor id never change each other', async (t) => {
    await put(app, '/v1/datasets/syria/actors/ru', {
      name: 'Russian Armed Forces',
      aliases: ['Russia', 'VKS', 'RuAF', 'Russian Air Force', 'Russian military', 'RF'],
      colour: '#8e24aa',
      side: 'government',
    })
    t.equal((await importSnapshot(app, 'syria', '2024-11-26', collection([area(square(36, 35, 1), { actor: 'ru' })]))).statusCode, 201)
    const before = await app.inject({ url: '/v1/control?dataset=syria&at=2024-11-26' })
    const beforeDataset = (await app.inject({ url: '/v1/datasets/syria' })).json()

    const other = await put(app, '/v1/datasets/ukraine/actors/ru', { name: 'Russia', side: 'invader' })
    t.equal(other.statusCode, 201, 'a new actor of the other dataset, not an update of the first')
    t.equal((await importSnapshot(app, 'ukraine', '2024-11-26', collection([area(square(37, 47, 1), { actor: 'Russia' })]))).statusCode, 201)

    const syrian = (await app.inject({ url: '/v1/datasets/syria/actors/ru' })).json()
    t.same(syrian.aliases, ['Russia', 'VKS', 'RuAF', 'Russian Air Force', 'Russian military', 'RF'], 'aliases kept')
    t.equal(syrian.colour, '#8e24aa')
    t.equal(syrian.side, 'government')
    t.equal((await app.inject({ url: '/v1/datasets/syria' })).json().revision, beforeDataset.revision, 'revision untouched')
    const revalidated = await app.inject({ url: '/v1/control?dataset=syria&at=2024-11-26', headers: { 'if-none-match': before.headers.etag as string } })
    t.equal(revalidated.statusCode, 304, 'ETag untouched')
    const ukrainian = (await app.inject({ url: '/v1/control?dataset=ukraine&at=2024-11-26' })).json()
    t.same(
      ukrainian.features.map((f: { properties: { side: string } }) => f.properties.side),
      ['invader'],
      "each dataset answers with its own actor's side",
    )
  })

  t.test('unknown_actors=create creates them in the importing dataset only', async (t) => {
    const res = await importSnapshot(
      app,
      'ukraine',
      '2024-11-27',
      collection([area(square(37, 47, 1), { actor: '02-07-liberated area' })]),
      '&unknown_actors=create',
    )
    t.equal(res.statusCode, 201, res.body)
    const ukraine = (await app.inject({ url: '/v1/datasets/ukraine/actors' })).json().actors.map((a: { id: string }) => a.id)
    const syria = (await app.inject({ url: '/v1/datasets/syria/actors' })).json().actors.map((a: { id: string }) => a.id)
    t.ok(ukraine.includes('02-07-liberated-area'))
    t.notOk(syria.includes('02-07-liberated-area'))
  })
})

t.test('GET /v1/datasets/{id}/actors: coverage, notes and CSV', async (t) => {
  const app = await buildTestApp(t)
  await put(app, '/v1/datasets/d', { name: 'D' })
  await put(app, '/v1/datasets/d/actors/saa', { name: 'Syrian Arab Army, "SAA"', aliases: ['SAA', 'Government'], colour: '#c62828', side: 'government' })
  await put(app, '/v1/datasets/d/actors/hts', { name: 'HTS', side: 'opposition' })

  t.test('a dataset with no area says so', async (t) => {
    const res = await app.inject({ url: '/v1/datasets/d/actors' })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { numberMatched: 2, numberReturned: 2, coverage: { from: null, to: null, bbox: null } })
    t.same(
      res.json().notes.map((note: any) => note.code),
      ['DATASET_EMPTY'],
    )
    const one = await app.inject({ url: '/v1/datasets/d/actors/hts' })
    t.equal(one.statusCode, 200)
    t.same(
      one.json().notes.map((note: any) => note.code),
      ['DATASET_EMPTY'],
    )
  })

  t.test('CSV: the JSON members as columns, aliases joined by ;, RFC 4180 quoting', async (t) => {
    for (const request of [
      { url: '/v1/datasets/d/actors?f=csv' },
      { url: '/v1/datasets/d/actors', headers: { accept: 'text/csv;q=1, application/json;q=0.5' } },
    ]) {
      const res = await app.inject(request)
      t.equal(res.statusCode, 200)
      t.match(res.headers['content-type'], /^text\/csv/)
      t.equal(res.body, 'dataset,id,name,aliases,colour,side\nd,hts,HTS,,,opposition\nd,saa,"Syrian Arab Army, ""SAA""",SAA;Government,#c62828,government\n')
    }
    t.equal((await app.inject({ url: '/v1/datasets/d/actors?f=csv&limit=1&offset=1' })).body.split('\n')[1].slice(0, 6), 'd,saa,', 'CSV pages too')
  })

  t.test('with an area: the coverage, and no note', async (t) => {
    t.equal((await importSnapshot(app, 'd', '2024-11-26', collection([area(square(36, 35, 1), { actor: 'hts' })]))).statusCode, 201)
    const res = await app.inject({ url: '/v1/datasets/d/actors/saa' })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { id: 'saa', side: 'government', coverage: { from: '2024-11-26T00:00:00.000Z', bbox: [36, 35, 37, 36] }, notes: [] })
  })
})

t.test('DELETE /v1/datasets/{id}/actors/{actor}', async (t) => {
  const app = await buildTestApp(t)
  await put(app, '/v1/datasets/d', { name: 'D' })
  await put(app, '/v1/datasets/d/actors/hts', { name: 'HTS', side: 'opposition' })
  await put(app, '/v1/datasets/d/actors/saa', { name: 'SAA', side: 'government' })
  await put(app, '/v1/datasets/d/actors/spare', { name: 'Spare' })
  const first = await importSnapshot(app, 'd', '2024-11-26', collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'saa' })]))
  const del = (actor: string, headers = AUTH) => app.inject({ method: 'DELETE', url: `/v1/datasets/d/actors/${actor}`, headers })

  t.test('refuses an actor that holds ground, naming the import that wrote it', async (t) => {
    const res = await del('saa')
    t.equal(res.statusCode, 409)
    t.equal(res.json().code, 'ACTOR_IN_USE')
    t.match(res.json().errors, [{ path: `/imports/${first.json().import.id}`, code: 'ACTOR_REFERENCED' }])
    t.equal((await app.inject({ url: '/v1/datasets/d/actors/saa' })).statusCode, 200, 'still there')
  })

  t.test('removes an actor nothing refers to', async (t) => {
    const res = await del('spare')
    t.equal(res.statusCode, 200)
    t.match(res.json(), { dataset: 'd', actor: 'spare', deleted: 'removed' })
    t.equal((await app.inject({ url: '/v1/datasets/d/actors/spare' })).statusCode, 404)
    t.equal((await del('spare')).statusCode, 404)
  })

  t.test('retires an actor only earlier knowledge names: answers as known before still name it', async (t) => {
    const beforeTakeover = new Date().toISOString()
    // the 28th's map has no saa: its area is closed at the 28th, the area as first recorded is superseded
    t.equal(
      (await importSnapshot(app, 'd', '2024-11-28', collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'hts' })]))).statusCode,
      201,
    )
    t.equal((await del('saa')).statusCode, 409, 'its truncated copy still holds the 26th and 27th')
    // a correction of the 26th without saa leaves only superseded rows naming it
    t.equal(
      (await importSnapshot(app, 'd', '2024-11-26', collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'hts' })]))).statusCode,
      201,
    )
    const res = await del('saa')
    t.equal(res.statusCode, 200, res.body)
    t.equal(res.json().deleted, 'retired')
    t.equal((await app.inject({ url: '/v1/datasets/d/actors/saa' })).statusCode, 404)
    const asKnown = (await app.inject({ url: `/v1/control?dataset=d&at=2024-11-26&known_at=${beforeTakeover}` })).json()
    t.same(
      asKnown.features.map((f: { properties: { actor: string; side: string } }) => [f.properties.actor, f.properties.side]),
      [
        ['hts', 'opposition'],
        ['saa', 'government'],
      ],
    )
    const distance = await app.inject({ url: `/v1/analysis/distance?dataset=d&from=actor:saa&to=actor:hts&at=2024-11-26&known_at=${beforeTakeover}` })
    t.equal(distance.statusCode, 200, 'analyses as known before name it too')
    t.equal(distance.json().distanceKm, 0, 'the two cells share the meridian 1°E')
    t.equal((await app.inject({ url: '/v1/analysis/distance?dataset=d&from=actor:saa&to=actor:hts&at=2024-11-26' })).json().code, 'ACTOR_NOT_FOUND')
  })

  t.test('a retired actor comes back when a revert gives it ground again, and PUT brings it back as created', async (t) => {
    const imports = (await app.inject({ url: '/v1/imports?dataset=d' })).json().imports
    const correction = imports.find((entry: { kind: string }) => entry.kind === 'snapshot')
    t.equal((await app.inject({ method: 'POST', url: `/v1/imports/${correction.id}/revert`, headers: AUTH })).statusCode, 201)
    t.equal((await app.inject({ url: '/v1/datasets/d/actors/saa' })).json().side, 'government', 'holding ground again: not retired')
    t.equal((await app.inject({ method: 'POST', url: `/v1/imports/${correction.id}/revert`, headers: AUTH })).statusCode, 200, 'a replay')
    t.equal((await put(app, '/v1/datasets/d/actors/saa', { name: 'SAA', side: 'government' })).statusCode, 200, 'standing again: an update')
    const correction26 = collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'hts' })])
    t.equal((await importSnapshot(app, 'd', '2024-11-26', correction26)).statusCode, 201, 'the reverted correction, sent again')
    t.equal((await del('saa')).json().deleted, 'retired')
    t.equal((await put(app, '/v1/datasets/d/actors/saa', { name: 'SAA', side: 'government' })).statusCode, 201, 'a retired actor brought back is created')
    t.ok((await app.inject({ url: '/v1/datasets/d/actors' })).json().actors.some((actor: { id: string }) => actor.id === 'saa'))
    await put(app, '/v1/datasets/d/actors/gone', { name: 'Gone' })
    t.equal((await del('gone')).json().deleted, 'removed')
    t.equal((await put(app, '/v1/datasets/d/actors/gone', { name: 'Gone' })).statusCode, 201)
  })

  t.test('needs a token', async (t) => {
    t.equal((await del('hts', {} as typeof AUTH)).statusCode, 401)
  })
})

t.test('a known path with a wrong method', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'PUT', url: '/v1/control?dataset=x' })
  t.equal(res.statusCode, 405)
  t.equal(res.json().code, 'METHOD_NOT_ALLOWED')
  t.equal(res.headers.allow, 'GET, HEAD')
  const actors = await app.inject({ method: 'POST', url: '/v1/datasets/x/actors/y' })
  t.equal(actors.statusCode, 405)
  t.same(String(actors.headers.allow).split(', ').sort(), ['DELETE', 'GET', 'HEAD', 'PUT'])
  t.equal((await app.inject({ method: 'GET', url: '/v1/nothing-here' })).statusCode, 404)
})
