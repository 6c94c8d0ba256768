import t from 'tap'
import { square } from '../helpers.js'
import { cliSetting, collection, rectangleKm2, seedFolder, writeJson } from './fixtures/cli.js'

// A refused import lists every problem (path, reason, code), exits 1, and with --json prints the
// problem+json itself; overlaps between actors are refused, kept or resolved as asked. Two squares
// overlapping by a known rectangle: 0.2° × 0.1° at 36°N.

const feature = (geometry: object, properties: object = {}) => ({ type: 'Feature', geometry, properties })

t.test('frontline import FILE: refusals and overlaps', async (t) => {
  const { dir, cli } = await cliSetting(t, 'import-refusals')
  const seeded = await cli('import', seedFolder(dir, 'refusals'))
  t.equal(seeded.code, 0, seeded.stderr)
  const snapshot = (file: string, ...more: string[]) =>
    cli('import', file, '--dataset', 'refusals', '--kind', 'snapshot', '--valid-from', '2024-11-26', ...more)

  t.test('every problem of a refused file, each by path and reason; --json: the problem itself', async (t) => {
    // 25 features east of 180°: more than any short list would show
    const bad = Array.from({ length: 25 }, (_, i) => feature(square(181 + i, 36, 0.1), { actor: 'a' }))
    const file = writeJson(dir, 'bad.geojson', collection(...bad))
    const refused = await snapshot(file, '--json')
    t.equal(refused.code, 1)
    const problem = JSON.parse(refused.stdout)
    t.match(problem, { status: 422, code: 'INVALID_IMPORT' })
    t.ok(problem.errors.length >= 25, 'a problem or more per feature')
    t.match(refused.stderr, /422 INVALID_IMPORT/)
    t.match(refused.stderr, `${problem.errors.length} problems:`)
    t.equal(refused.stderr.split('\n').filter((line) => line.startsWith('  /features/')).length, problem.errors.length, 'a line per problem, none left out')
    for (let i = 0; i < 25; i++) t.match(refused.stderr, new RegExp(`\\n  /features/${i}/geometry\\S*: .+\\[[A-Z_]+\\]`), `problem ${i} listed`)
  })

  const overlapping = writeJson(
    dir,
    'overlap.geojson',
    collection(feature(square(37, 36, 0.2), { actor: 'a' }), feature({ ...square(37.1, 36, 0.2) }, { actor: 'b' })),
  )
  const sharedKm2 = rectangleKm2(37.1, 36, 37.2, 36.2)
  const close = (actual: number, expected: number) => Math.abs(actual - expected) / expected < 0.005

  t.test('--overlaps refuse: 422 OVERLAPPING_AREAS naming both features', async (t) => {
    const refused = await snapshot(overlapping, '--overlaps', 'refuse', '--json')
    t.equal(refused.code, 1)
    const problem = JSON.parse(refused.stdout)
    t.match(problem, { status: 422, code: 'OVERLAPPING_AREAS' })
    t.match(refused.stderr, /OVERLAPPING_AREAS/)
    t.match(refused.stderr, /\/features\/[01]/)
  })

  t.test('--dry-run with overlaps kept: the overlap reported with its km², nothing written', async (t) => {
    const dry = await snapshot(overlapping, '--dry-run', '--json')
    t.equal(dry.code, 0, dry.stderr)
    const report = JSON.parse(dry.stdout)
    t.match(report, { dryRun: true, overlaps: [{ features: [0, 1], actors: ['a', 'b'] }] })
    t.ok(close(report.overlaps[0].areaKm2, sharedKm2), `${report.overlaps[0].areaKm2} km² ≈ ${sharedKm2} km²`)
  })

  t.test('--overlaps resolve --precedence b,a: the shared ground is b’s', async (t) => {
    const resolved = await snapshot(overlapping, '--overlaps', 'resolve', '--precedence', 'b,a')
    t.equal(resolved.code, 0, resolved.stderr)
    t.match(resolved.stdout, /1 overlap\(s\) between different actors' areas/)
    const exported = await cli('export', '--dataset', 'refusals', '--at', '2024-11-26', '--format', 'csv')
    t.equal(exported.code, 0, exported.stderr)
    const [header, ...rows] = exported.stdout.trim().split('\n')
    const columns = header.split(',')
    const area = (actor: string) => {
      const row = rows.map((line) => line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)).find((cells) => cells[columns.indexOf('actor')] === actor)
      return Number(row?.[columns.indexOf('areaKm2')])
    }
    t.ok(close(area('a'), rectangleKm2(37, 36, 37.1, 36.2)), `a keeps ${area('a')} km², its square less the shared ground`)
    t.ok(close(area('b'), rectangleKm2(37.1, 36, 37.3, 36.2)), `b keeps its whole square, ${area('b')} km²`)
  })

  t.test('--rules with --profile: refused, one or the other', async (t) => {
    const rules = writeJson(dir, 'rules.json', { rules: [{ match: {}, set: { actor: 'a' } }], unmatched: 'refuse' })
    const refused = await snapshot(overlapping, '--rules', rules, '--profile', 'actor-property', '--dry-run', '--json')
    t.equal(refused.code, 1)
    t.match(JSON.parse(refused.stdout), { status: 400 })
  })

  t.test('a parameter the kind does not take is refused by name, never dropped', async (t) => {
    const towns = writeJson(dir, 'towns.geojson', collection(feature({ type: 'Point', coordinates: [37, 36] }, { id: 't', kind: 'town', name: 'T' })))
    const refused = await cli('import', towns, '--dataset', 'refusals', '--kind', 'features', '--valid-from', '2024-11-26', '--json')
    t.equal(refused.code, 1)
    t.match(JSON.parse(refused.stdout), { status: 400, code: 'UNKNOWN_PARAMETER', errors: [{ path: '/query/valid_from' }] })
  })

  t.test('a flag the command does not take is refused with the list of those it takes', async (t) => {
    const refused = await cli('export', '--dataset', 'refusals', '--dry-run')
    t.equal(refused.code, 1)
    t.match(refused.stderr, /export does not take --dry-run; it takes: --dataset --at --known-at --bbox/)
  })
})
