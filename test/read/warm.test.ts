import t from 'tap'
import { listenWarm } from '../../src/server.js'
import { area, AUTH, buildTestApp, collection, governmentRoad, importSnapshot, square } from '../helpers.js'

t.test('a server asks one question of each path about its latest change before it listens', async (t) => {
  const app = await buildTestApp(t, { ANALYSIS_WORKERS: '2' })
  const put = async (url: string, payload: object) => t.ok((await app.inject({ method: 'PUT', url, headers: AUTH, payload })).statusCode < 300, url)
  await put('/v1/datasets/test', { name: 'test' })
  await put('/v1/datasets/test/actors/hts', { name: 'HTS', side: 'opposition' })
  await put('/v1/datasets/test/actors/saa', { name: 'SAA', side: 'government' })
  t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: collection([governmentRoad()]) })).statusCode, 201)
  // Two days: hts takes the western half of saa's square on the 27th.
  const west = square(0, 0, 1)
  const east = square(1, 0, 1)
  t.equal((await importSnapshot(app, 'test', '2024-11-26', collection([area(west, { actor: 'saa' }, 'w'), area(east, { actor: 'saa' }, 'e')]))).statusCode, 201)
  t.equal((await importSnapshot(app, 'test', '2024-11-27', collection([area(west, { actor: 'hts' }, 'w'), area(east, { actor: 'saa' }, 'e')]))).statusCode, 201)
  await listenWarm(app, { port: 0, host: '127.0.0.1' })
  const latest = '2024-11-27T00:00:00.000Z'
  const cached = async (url: string) => (await app.inject({ url, remoteAddress: '198.51.100.1' })).headers['x-cache']
  t.equal(await cached(`/v1/analysis/fronts?dataset=test&at=${latest}`), 'hit', 'the fronts of the latest change are kept')
  t.equal(await cached(`/v1/analysis/changes?dataset=test&start=2024-11-26T00:00:00.000Z&end=${latest}`), 'hit', 'and its changes since the one before')
  t.equal(await cached(`/v1/analysis/route?dataset=test&feature=road&at=${latest}`), 'hit', 'and the route of its line feature')
  t.equal(await cached(`/v1/analysis/fronts?dataset=test&at=2024-11-26T00:00:00.000Z`), 'miss', 'nothing else was asked')
})
