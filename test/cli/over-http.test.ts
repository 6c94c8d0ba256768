import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { square } from '../helpers.js'
import { childEnv, frontline, http, startServer } from './fixtures/processes.js'

// The CLI next to a server that owns the embedded database: real processes on loopback, the work
// sent to the server over HTTP, nothing reported as written lost. Every child is killed at teardown.

const collection = (...features: object[]) => ({ type: 'FeatureCollection', features })

function fixtureDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-http-'))
  // on the file's own test: it ends after every server of its subtests was stopped
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('frontline import next to a running server', async (t) => {
  const dataDir = fixtureDir()
  // No API_TOKENS: the server makes one in DATA_DIR/api-token, and the CLI reads it from there.
  const env = childEnv(dataDir)
  let server = await startServer(t, env)
  const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim()
  t.equal((await http('PUT', `${server.url}/v1/datasets/x`, token, { name: 'X' })).status, 201)
  const actor = await http('PUT', `${server.url}/v1/datasets/x/actors/a`, token, { name: 'Actor A', side: 'one' })
  t.ok(actor.status === 200 || actor.status === 201, actor.body)

  const file = join(dataDir, 'map.geojson')
  writeFileSync(file, JSON.stringify(collection({ type: 'Feature', geometry: square(37, 36, 0.1), properties: {} })))
  const args = ['import', file, '--dataset', 'x', '--kind', 'snapshot', '--valid-from', '2024-11-26', '--actor', 'a', '--json']

  const imported = await frontline(args, env)
  t.equal(imported.code, 0, imported.stderr)
  t.match(imported.stderr, `pid ${server.pid}, port ${server.port}`, 'says it sends the import to the server')
  const result = JSON.parse(imported.stdout)
  t.match(result, { import: { id: Number, counts: Object }, replayed: false, revision: Number })

  const mapAt = async (url: string) => {
    const res = await fetch(`${url}/v1/control?dataset=x&at=2024-11-26`)
    t.equal(res.status, 200)
    return (await res.json()) as { features: { properties: { actor: string } }[] }
  }
  const map = await mapAt(server.url)
  t.equal(map.features.length, 1, 'the server answers with the area at once')
  t.equal(map.features[0].properties.actor, 'a')

  t.test('the same file again is replayed, not written twice', async (t) => {
    const again = await frontline(args, env)
    t.equal(again.code, 0, again.stderr)
    t.match(JSON.parse(again.stdout), { import: { id: result.import.id }, replayed: true })
  })

  t.test('a refusal by the server is an error and a non-zero exit', async (t) => {
    const refused = await frontline(['import', file, '--dataset', 'nope', '--kind', 'snapshot', '--valid-from', '2024-11-26', '--actor', 'a'], env)
    t.equal(refused.code, 1)
    t.match(refused.stderr, /refused POST \/v1\/datasets\/nope\/snapshots.*404/)
    const badToken = await frontline(args, { ...env, API_TOKENS: 'wrong-token-0123456789' })
    t.equal(badToken.code, 1)
    t.match(badToken.stderr, /401[\s\S]*API_TOKENS/)
  })

  t.test('a dataset folder is sent to the server too', async (t) => {
    const bundle = join(dataDir, 'bundle')
    mkdirSync(bundle)
    writeFileSync(
      join(bundle, 'manifest.json'),
      JSON.stringify({
        id: 'bundled-x',
        name: 'Bundled X',
        actors: 'actors.json',
        sources: [{ id: 'report-x', title: 'Report X', publisher: 'Agency X', url: 'https://example.org/x', date: '2024-11-27' }],
        snapshots: [{ validFrom: '2024-11-27', file: 'day.geojson' }],
      }),
    )
    writeFileSync(join(bundle, 'actors.json'), JSON.stringify([{ id: 'b', name: 'Actor B', aliases: ['B'], colour: '#123456', side: 'two' }]))
    writeFileSync(
      join(bundle, 'day.geojson'),
      JSON.stringify(collection({ type: 'Feature', geometry: square(38, 36, 0.1), properties: { actor: 'B', source: 'report-x' } })),
    )
    const loaded = await frontline(['import', bundle], env)
    t.equal(loaded.code, 0, loaded.stderr)
    t.match(loaded.stdout, /bundled-x: 1 actors/)
    t.match(loaded.stdout, /bundled-x: snapshot 2024-11-27 → import \d+, /)
    const res = await fetch(`${server.url}/v1/control?dataset=bundled-x&at=2024-11-27`)
    const body = (await res.json()) as { features: { properties: { actor: string } }[] }
    t.same(
      body.features.map((f) => f.properties.actor),
      ['b'],
    )
    const source = await fetch(`${server.url}/v1/datasets/bundled-x/sources/report-x`)
    t.equal(source.status, 200)
    t.match(await source.json(), {
      id: 'report-x',
      title: 'Report X',
      publisher: 'Agency X',
      url: 'https://example.org/x',
      date: '2024-11-27',
      registered: true,
    })
  })

  t.test('export reads the map from the server', async (t) => {
    const out = join(dataDir, 'exported.geojson')
    const exported = await frontline(['export', '--dataset', 'x', '--at', '2024-11-26', '--out', out], env)
    t.equal(exported.code, 0, exported.stderr)
    const written = JSON.parse(readFileSync(out, 'utf8'))
    t.equal(written.type, 'FeatureCollection')
    t.same(
      written.features.map((f: { properties: { actor: string } }) => f.properties.actor),
      ['a'],
    )
  })

  t.test('dataset and actor commands, a dry run and a CSV export go to the server too', async (t) => {
    const listed = await frontline(['actors', '--dataset', 'x'], env)
    t.equal(listed.code, 0, listed.stderr)
    t.match(listed.stderr, `pid ${server.pid}, port ${server.port}`)
    t.match(listed.stdout, /\na\s+Actor A\s+one/)
    const dry = await frontline(['import', file, '--dataset', 'x', '--kind', 'snapshot', '--valid-from', '2024-11-27', '--actor', 'a', '--dry-run'], env)
    t.equal(dry.code, 0, dry.stderr)
    t.match(dry.stdout, /^dry run of a snapshot import into x at 2024-11-27T00:00:00\.000Z: nothing was written/)
    const imports = (await (await fetch(`${server.url}/v1/imports?dataset=x`)).json()) as { imports: unknown[] }
    t.equal(imports.imports.length, 1, 'the dry run wrote no import')
    const csv = await frontline(['export', '--dataset', 'x', '--at', '2024-11-26', '--format', 'csv'], env)
    t.equal(csv.code, 0, csv.stderr)
    t.match(csv.stdout, /^WKT,id,actor,/)
    t.match(csv.stdout, /\n"POLYGON \(\(37 36, 37\.1 36, /)
  })

  t.test('--url: any running service, from anywhere, with a token file', async (t) => {
    // another data directory: no lock names the server, no api-token is there
    const elsewhere = childEnv(fixtureDir())
    const tokenFile = join(dataDir, 'api-token')
    const url = ['--url', server.url]
    const created = await frontline(['dataset', 'create', 'via-url', '--name', 'Via URL', ...url, '--token-file', tokenFile], elsewhere)
    t.equal(created.code, 0, created.stderr)
    t.match(created.stdout, /^created dataset via-url/)
    const actor = await frontline(['actor', 'create', 'u', '--dataset', 'via-url', '--name', 'U', ...url, '--token-file', tokenFile], elsewhere)
    t.equal(actor.code, 0, actor.stderr)
    const imported = await frontline(
      ['import', file, '--dataset', 'via-url', '--kind', 'snapshot', '--valid-from', '2024-11-26', '--actor', 'u', ...url, '--token-file', tokenFile],
      elsewhere,
    )
    t.equal(imported.code, 0, imported.stderr)
    t.match(imported.stdout, /^import \d+: snapshot into via-url at 2024-11-26T00:00:00\.000Z/)
    const exported = await frontline(['export', '--dataset', 'via-url', '--at', '2024-11-26', '--format', 'geojsonseq', ...url], elsewhere)
    t.equal(exported.code, 0, exported.stderr)
    t.equal(JSON.parse(exported.stdout.slice(1)).properties.actor, 'u')
    const noToken = await frontline(['dataset', 'delete', 'via-url', ...url], elsewhere)
    t.equal(noToken.code, 1)
    t.match(noToken.stderr, /needs a write token/)
  })

  t.test('migrate refuses: the server migrated at start', async (t) => {
    const migrated = await frontline(['migrate'], env)
    t.equal(migrated.code, 1)
    t.match(migrated.stderr, `pid ${server.pid}, port ${server.port}`)
    t.match(migrated.stderr, /migrated it when it started/)
  })

  t.test('after a restart the import is still there', async (t) => {
    t.equal((await server.stop()).code, 0)
    server = await startServer(t, env)
    const after = await mapAt(server.url)
    t.equal(after.features.length, 1)
    t.equal(after.features[0].properties.actor, 'a')
    const imports = await fetch(`${server.url}/v1/imports/${result.import.id}`)
    t.equal(imports.status, 200)
  })
})
