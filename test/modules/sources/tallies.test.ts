import { readFileSync } from 'node:fs'
import { stringify } from 'csv-stringify/sync'
import t from 'tap'
import type { TallyDraft } from '../../../src/modules/common/event-records.js'
import { readTalliesCsv, readTalliesGeojson } from '../../../src/modules/imports/sources/tallies.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/frontline-events/${name}`, import.meta.url), 'utf8')
const GEOJSON = JSON.parse(fixture('tallies.geojson'))
const CSV = fixture('tallies.csv')

const SOURCE = { publisher: 'Syrian Observatory for Human Rights' }
const tally = (id: string, properties: Record<string, unknown>, geometry: unknown = null) => ({ type: 'Feature', id, geometry, properties })
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features })
const BASE = { as_of: '2024-11-28', scope: 'Aleppo', metric: 'killed', value: 10, source: SOURCE }

function geojsonDrafts(json: unknown): TallyDraft[] {
  const result = readTalliesGeojson(json)
  if (!result.ok) throw new Error(`expected drafts, got ${JSON.stringify(result.problems)}`)
  return result.drafts
}
function geojsonProblems(json: unknown): [string, string][] {
  const result = readTalliesGeojson(json)
  if (result.ok) throw new Error('expected problems, got drafts')
  return result.problems.map((problem) => [problem.path, problem.code])
}
const oneFeature = (properties: Record<string, unknown>, geometry?: unknown) => geojsonDrafts(collection(tally('t1', { ...BASE, ...properties }, geometry)))[0]
const refusedFeature = (properties: Record<string, unknown>, geometry?: unknown) =>
  geojsonProblems(collection(tally('t1', { ...BASE, ...properties }, geometry)))

const HEADER = [
  'id',
  'as_of',
  'scope_name',
  'metric',
  'value',
  'value_low',
  'value_best',
  'value_high',
  'source_publisher',
  'source_url',
  'period_start',
  'period_end',
  'breakdown',
]
const ROW: Record<string, string> = { id: 't1', as_of: '2024-11-28', scope_name: 'Aleppo', metric: 'killed', value: '10', source_publisher: 'SOHR' }
function csv(rows: Record<string, string>[], header = HEADER): string {
  return stringify([header, ...rows.map((row) => header.map((column) => row[column] ?? ''))])
}
function csvDrafts(text: string): TallyDraft[] {
  const result = readTalliesCsv(text)
  if (!result.ok) throw new Error(`expected drafts, got ${JSON.stringify(result.problems)}`)
  return result.drafts
}
function csvProblems(text: string): [string, string][] {
  const result = readTalliesCsv(text)
  if (result.ok) throw new Error('expected problems, got drafts')
  return result.problems.map((problem) => [problem.path, problem.code])
}
const oneRow = (override: Record<string, string>) => csvDrafts(csv([{ ...ROW, ...override }]))[0]
const refusedRow = (override: Record<string, string>) => csvProblems(csv([{ ...ROW, ...override }]))

t.test('readTalliesGeojson', async (t) => {
  t.test('maps the fixture', async (t) => {
    const [killed, displaced] = geojsonDrafts(GEOJSON)
    t.same(killed, {
      id: 'sohr-killed-2024-11-28',
      as_of: '2024-11-28',
      period: { start: '2024-11-27', end: '2024-11-28' },
      scope: { name: 'Aleppo and Idlib countryside', feature: null, admin: 'Aleppo governorate', geometry: null },
      metric: 'killed',
      unit: 'people',
      value: { low: null, best: 201, high: null },
      breakdown: { hts_and_allies: 102, government_and_allies: 80, civilians: 19 },
      source: {
        publisher: 'Syrian Observatory for Human Rights',
        title: null,
        url: null,
        date: '2024-11-28',
        reported: 'invented figure for a test',
        label: null,
      },
      method: 'running toll as reported',
      notes: null,
      properties: { region_note: 'kept' },
    })
    t.match(displaced, {
      id: 'ocha-displaced-2024-12-01',
      scope: { name: 'north-west Syria', feature: null, admin: null, geometry: { type: 'Polygon' } },
      metric: 'displaced',
      value: { low: 40000, best: 48500, high: null },
      breakdown: null,
      source: { publisher: 'UN OCHA', url: 'https://example.org/ocha/flash-2' },
    })
  })

  t.test('reads a bare number as the best value and a scope name as a scope', async (t) => {
    t.match(oneFeature({ value: 48500, scope: 'Idlib' }), {
      value: { low: null, best: 48500, high: null },
      scope: { name: 'Idlib', feature: null, admin: null },
    })
    t.match(oneFeature({ scope: { name: 'Aleppo city', feature: 'aleppo-outskirts' } }), { scope: { name: 'Aleppo city', feature: 'aleppo-outskirts' } })
    t.equal(oneFeature({ value: 12.5, unit: 'percent' }).value.best, 12.5, 'tallies may count in other units than whole people')
  })

  t.test('takes one source: two sources are two tallies', async (t) => {
    t.same(refusedFeature({ source: [SOURCE, SOURCE] }), [['/features/0/properties/source', 'INVALID_SOURCE']])
    t.same(refusedFeature({ source: undefined }), [['/features/0/properties/source', 'MISSING_VALUE']])
    t.equal(oneFeature({ source: 'OCHA' }).source.publisher, 'OCHA')
  })

  t.test('refuses what a tally cannot be without', async (t) => {
    t.same(refusedFeature({ as_of: undefined }), [['/features/0/properties/as_of', 'MISSING_VALUE']])
    t.same(refusedFeature({ scope: undefined }), [['/features/0/properties/scope', 'MISSING_VALUE']])
    t.same(refusedFeature({ metric: undefined }), [['/features/0/properties/metric', 'MISSING_VALUE']])
    t.same(refusedFeature({ value: undefined }), [['/features/0/properties/value', 'MISSING_VALUE']])
    t.same(refusedFeature({ value: { low: null } }), [['/features/0/properties/value', 'MISSING_VALUE']])
  })

  t.test('refuses bad dates, periods, values, metrics and breakdowns', async (t) => {
    t.same(refusedFeature({ as_of: '28 Nov 2024' }), [['/features/0/properties/as_of', 'INVALID_DATE']])
    t.same(refusedFeature({ period: { start: '2024-11-30', end: '2024-11-26' } }), [['/features/0/properties/period/end', 'INVALID_DATE_RANGE']])
    t.same(refusedFeature({ period: '26 Nov – 1 Dec' }), [['/features/0/properties/period', 'INVALID_PERIOD']])
    t.same(refusedFeature({ value: { low: 50, best: 40 } }), [['/features/0/properties/value', 'INVALID_ESTIMATE']])
    t.same(refusedFeature({ value: -3 }), [['/features/0/properties/value', 'INVALID_NUMBER']])
    t.same(refusedFeature({ metric: '—' }), [['/features/0/properties/metric', 'INVALID_METRIC']])
    t.same(refusedFeature({ metric: 5 }), [['/features/0/properties/metric', 'INVALID_METRIC']])
    t.equal(oneFeature({ metric: 'Civilians killed' }).metric, 'civilians_killed', 'a metric name is read as its slug')
    t.same(refusedFeature({ breakdown: { civilians: -1 } }), [['/features/0/properties/breakdown/civilians', 'INVALID_BREAKDOWN']])
    t.same(refusedFeature({ breakdown: [19, 182] }), [['/features/0/properties/breakdown', 'INVALID_BREAKDOWN']])
    t.same(refusedFeature({}, { type: 'Point', coordinates: [37, 100] }), [['/features/0/geometry/coordinates/1', 'INVALID_COORDINATES']])
  })

  t.test('refuses duplicate ids', async (t) => {
    t.same(geojsonProblems(collection(tally('a', BASE), tally('a', BASE))), [['/features/1/id', 'DUPLICATE_TALLY_ID']])
  })

  t.test('reports every problem of a file at once', async (t) => {
    t.same(
      geojsonProblems(
        collection(
          tally('a', BASE),
          tally('a', BASE),
          tally('b', { ...BASE, as_of: '2024-11-31' }),
          tally('c', { ...BASE, value: 'many' }),
          tally('d', { ...BASE, source: [SOURCE] }),
          tally('e', { ...BASE, scope: { admin: 'Aleppo' } }),
          tally('f', { ...BASE, notes: 'n'.repeat(10_001) }),
        ),
      ),
      [
        ['/features/1/id', 'DUPLICATE_TALLY_ID'],
        ['/features/2/properties/as_of', 'INVALID_DATE'],
        ['/features/3/properties/value', 'INVALID_NUMBER'],
        ['/features/4/properties/source', 'INVALID_SOURCE'],
        ['/features/5/properties/scope/name', 'MISSING_VALUE'],
        ['/features/6/properties/notes', 'TEXT_TOO_LONG'],
      ],
    )
  })
})

t.test('readTalliesCsv', async (t) => {
  t.test('maps the fixture to the same tallies as the GeoJSON fixture', async (t) => {
    const fromCsv = csvDrafts(CSV)
    const fromGeojson = geojsonDrafts(GEOJSON)
    t.equal(fromCsv.length, 2)
    // The CSV carries no polygon and keeps its own extra column; everything else is the same statement.
    const comparable = (draft: TallyDraft) => ({ ...draft, scope: { ...draft.scope, geometry: null }, properties: {} })
    t.same(fromCsv.map(comparable), fromGeojson.map(comparable))
    t.same(fromCsv[0].properties, { wire: 'AFP' })
  })

  t.test('reads value as the best, or value_low/value_best/value_high, never both', async (t) => {
    t.same(oneRow({ value: '19' }).value, { low: null, best: 19, high: null })
    t.same(oneRow({ value: '', value_low: '40000', value_best: '48500' }).value, { low: 40000, best: 48500, high: null })
    t.same(refusedRow({ value: '10', value_best: '10' }), [['/rows/1/value', 'INVALID_ESTIMATE']])
    t.same(refusedRow({ value: '' }), [['/rows/1/value', 'MISSING_VALUE']])
    t.same(refusedRow({ value: '', value_low: '5', value_best: '4' }), [['/rows/1/value_best', 'INVALID_ESTIMATE']])
    t.same(refusedRow({ value: '-2' }), [['/rows/1/value', 'INVALID_NUMBER']])
    t.same(refusedRow({ value: 'about 20' }), [['/rows/1/value', 'INVALID_NUMBER']])
  })

  t.test('reads breakdown as JSON text', async (t) => {
    t.same(oneRow({ breakdown: '{"civilians": 19}' }).breakdown, { civilians: 19 })
    t.same(refusedRow({ breakdown: 'civilians: 19' }), [['/rows/1/breakdown', 'INVALID_BREAKDOWN']])
    t.same(refusedRow({ breakdown: '{"civilians": "19"}' }), [['/rows/1/breakdown', 'INVALID_BREAKDOWN']])
  })

  t.test('reads the period and refuses one that ends before it starts', async (t) => {
    t.same(oneRow({ period_start: '2024-11-26', period_end: '2024-12-01' }).period, { start: '2024-11-26', end: '2024-12-01' })
    t.equal(oneRow({}).period, null)
    t.same(refusedRow({ period_start: '2024-12-01', period_end: '2024-11-26' }), [['/rows/1/period_end', 'INVALID_DATE_RANGE']])
  })

  t.test('refuses a file without the required columns, naming them', async (t) => {
    const result = readTalliesCsv(csv([ROW], ['id', 'as_of', 'value']))
    t.equal(result.ok, false)
    if (result.ok) return
    t.same(
      result.problems.map((problem) => [problem.path, problem.code]),
      [['/header', 'MISSING_COLUMN']],
    )
    t.match(result.problems[0].reason, /scope_name, metric, source_publisher/)
    t.same(csvProblems(csv([ROW], ['id', 'as_of', 'scope_name', 'metric', 'source_publisher'])), [['/header', 'MISSING_COLUMN']], 'no value column')
  })

  t.test('tolerates a BOM and CRLF line ends', async (t) => {
    t.same(csvDrafts(`\uFEFF${CSV.replace(/\n/g, '\r\n')}`), csvDrafts(CSV))
  })

  t.test('reports every problem of a file at once', async (t) => {
    t.same(
      csvProblems(
        csv([
          ROW,
          ROW,
          { ...ROW, id: 'b', as_of: '' },
          { ...ROW, id: 'c', metric: '' },
          { ...ROW, id: 'd', source_publisher: '' },
          { ...ROW, id: 'e', source_url: 'javascript:alert(1)' },
          { ...ROW, id: 'f', scope_name: '' },
          { ...ROW, id: 'g', period_start: '2024-11-31' },
        ]),
      ),
      [
        ['/rows/2/id', 'DUPLICATE_TALLY_ID'],
        ['/rows/3/as_of', 'MISSING_VALUE'],
        ['/rows/4/metric', 'MISSING_VALUE'],
        ['/rows/5/source_publisher', 'MISSING_VALUE'],
        ['/rows/6/source_url', 'INVALID_URL'],
        ['/rows/7/scope_name', 'MISSING_VALUE'],
        ['/rows/8/period_start', 'INVALID_DATE'],
      ],
    )
  })
})
