import t from 'tap'
import { FeaturesQuerySchema, HistoryQuerySchema, SnapshotQuerySchema } from '../../src/modules/imports/imports.schemas.js'
import { mapCsv, wkt } from '../../src/cli/export.js'
import { describeImport, describeProblem } from '../../src/cli/problems.js'
import { COMMANDS, commandUsage, FLAGS, IMPORT_PARAMETERS, parse, usage } from '../../src/cli/usage.js'

// The help is the table the commands are checked against: these tests hold it to the API's own
// schemas, so a parameter the import routes take and the CLI cannot send fails here.

const SCHEMAS = { snapshot: SnapshotQuerySchema, history: HistoryQuerySchema, features: FeaturesQuerySchema }

t.test('the import flags and the API’s import parameters', async (t) => {
  for (const [kind, schema] of Object.entries(SCHEMAS)) {
    const accepted = Object.keys(schema.shape)
    const sent = IMPORT_PARAMETERS.filter((p) => p.kinds === 'every kind' || p.kinds.split(', ').includes(kind)).map((p) => p.parameter)
    t.same([...accepted].sort(), [...sent].sort(), `${kind}: a flag for every parameter the API takes, and the kinds the help names are the API's`)
  }
})

t.test('every flag a command lists exists, and every flag is some command’s', async (t) => {
  const used = new Set(Object.values(COMMANDS).flatMap((spec) => spec.flags.map(([flag]) => flag)))
  for (const flag of used) t.ok(flag in FLAGS, `--${flag} is parsed`)
  for (const flag of Object.keys(FLAGS)) if (flag !== 'help') t.ok(used.has(flag as keyof typeof FLAGS), `--${flag} is taken by a command`)
  const text = commandUsage('import')
  for (const { flag } of IMPORT_PARAMETERS) t.match(text, `--${flag}`, `help import lists --${flag}`)
  for (const name of Object.keys(COMMANDS)) t.match(usage(), COMMANDS[name].usage)
})

t.test('parse', async (t) => {
  t.match(parse(['import', 'f.json', '--valid-from-offset', '-PT3H', '--dry-run']).values, { 'valid-from-offset': '-PT3H', 'dry-run': true })
  t.same(parse(['actor', 'create', 'x', '--alias', 'A', '--alias', 'B']).values.alias, ['A', 'B'])
  t.throws(() => parse(['export', '--nonsense']))
})

t.test('describeProblem lists every problem with its path, reason and code', async (t) => {
  const errors = Array.from({ length: 30 }, (_, i) => ({
    path: `/features/${i}/geometry`,
    index: i,
    code: 'INVALID_GEOMETRY',
    reason: `ring ${i} crosses itself`,
  }))
  const text = describeProblem({ status: 422, text: JSON.stringify({ status: 422, code: 'INVALID_IMPORT', detail: '30 problem(s)', errors }) })
  const lines = text.split('\n')
  t.equal(lines[0], '422 INVALID_IMPORT: 30 problem(s)')
  t.equal(lines[1], '  30 problems:')
  t.equal(lines.length, 32)
  t.equal(lines[31], '  /features/29/geometry: ring 29 crosses itself [INVALID_GEOMETRY]')
  const overlap = describeProblem({
    status: 422,
    text: JSON.stringify({ code: 'OVERLAPPING_AREAS', detail: 'd', errors: [{ path: '/features/1', code: 'OVERLAPPING_AREAS', reason: 'r', areaKm2: 12.5 }] }),
  })
  t.match(overlap, '/features/1: r [OVERLAPPING_AREAS] (areaKm2=12.5)')
  t.equal(describeProblem({ status: 502, text: 'Bad gateway' }), '502 Bad gateway')
})

t.test('describeImport', async (t) => {
  const dry = describeImport({
    import: { id: 0, dataset: 'x', kind: 'snapshot', validFrom: '2024-11-26T00:00:00.000Z', counts: { features: 3, skipped: 1 }, notes: [] },
    dryRun: true,
    overlaps: [{ features: [0, 1], actors: ['a', 'b'], areaKm2: 1.23456 }],
    refused: [{ path: '/features/2/geometry/type', code: 'WRONG_GEOMETRY_TYPE', reason: 'a point' }],
  })
  t.match(dry, /^dry run of a snapshot import into x at 2024-11-26T00:00:00\.000Z: nothing was written/)
  t.match(dry, 'features 0 and 1 (a / b): 1.235 km²')
  t.match(dry, 'the import would be refused: 1 problem(s):\n    /features/2/geometry/type: a point [WRONG_GEOMETRY_TYPE]')
  const notes = [
    ...Array.from({ length: 4 }, (_, i) => ({ path: `/features/${i}/geometry`, note: `dropped third coordinate (z) from ${10 + i} positions` })),
    ...Array.from({ length: 2 }, (_, i) => ({ path: `/features/${4 + i}`, note: 'rule 4: skipped (liberated)' })),
    { path: '/crs', note: 'legacy crs member names CRS84' },
  ]
  const grouped = describeImport({ import: { id: 3, dataset: 'x', kind: 'snapshot', validFrom: null, counts: {}, notes }, replayed: false, revision: 9 })
  t.match(grouped, '7 note(s):\n    4× dropped third coordinate (z) from n positions (/features/0/geometry, /features/1/geometry, /features/2/geometry, …)\n')
  t.match(grouped, '    2× rule 4: skipped (liberated) (/features/4, /features/5)\n    /crs: legacy crs member names CRS84')
})

t.test('wkt and the CSV export', async (t) => {
  const ring = [
    [37, 36],
    [37.5, 36],
    [37.5, 36.5],
    [37, 36],
  ]
  t.equal(wkt({ type: 'Polygon', coordinates: [ring] }), 'POLYGON ((37 36, 37.5 36, 37.5 36.5, 37 36))')
  t.equal(
    wkt({ type: 'MultiPolygon', coordinates: [[ring], [ring]] }),
    'MULTIPOLYGON (((37 36, 37.5 36, 37.5 36.5, 37 36)), ((37 36, 37.5 36, 37.5 36.5, 37 36)))',
  )
  const csv = mapCsv([
    { type: 'Feature', id: 7, geometry: { type: 'Polygon', coordinates: [ring] }, properties: { actor: 'a', sources: ['s1', 's2'], validTo: null } },
  ])
  t.equal(csv, 'WKT,id,actor,sources,validTo\n"POLYGON ((37 36, 37.5 36, 37.5 36.5, 37 36))",7,a,s1;s2,\n')
})
