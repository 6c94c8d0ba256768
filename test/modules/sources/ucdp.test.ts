import { readFileSync } from 'node:fs'
import { stringify } from 'csv-stringify/sync'
import t from 'tap'
import type { EventDraft } from '../../../src/modules/common/event-records.js'
import { readUcdpCsv } from '../../../src/modules/imports/sources/ucdp.js'

const FIXTURE = readFileSync(new URL('../fixtures/ucdp/ged-invented.csv', import.meta.url), 'utf8')

// GED's columns in the codebook's order.
const HEADER = [
  'id',
  'relid',
  'year',
  'active_year',
  'code_status',
  'type_of_violence',
  'conflict_new_id',
  'conflict_name',
  'dyad_new_id',
  'dyad_name',
  'side_a_new_id',
  'side_a',
  'side_b_new_id',
  'side_b',
  'number_of_sources',
  'source_article',
  'source_office',
  'source_date',
  'source_headline',
  'source_original',
  'where_prec',
  'where_coordinates',
  'where_description',
  'adm_1',
  'adm_2',
  'latitude',
  'longitude',
  'geom_wkt',
  'priogrid_gid',
  'country',
  'country_id',
  'region',
  'event_clarity',
  'date_prec',
  'date_start',
  'date_end',
  'deaths_a',
  'deaths_b',
  'deaths_civilians',
  'deaths_unknown',
  'best',
  'high',
  'low',
  'gwnoa',
  'gwnob',
]

// An invented GED row: a state-based clash on 27 Nov 2024 west of Aleppo.
const BASE: Record<string, string> = {
  id: '9100001',
  relid: 'SYR-2024-1-299-991',
  year: '2024',
  active_year: '1',
  code_status: 'Clear',
  type_of_violence: '1',
  conflict_new_id: '299',
  conflict_name: 'Syria:Government',
  dyad_new_id: '90001',
  dyad_name: 'Government of Syria - HTS',
  side_a_new_id: '115',
  side_a: 'Government of Syria',
  side_b_new_id: '90115',
  side_b: 'HTS',
  number_of_sources: '1',
  source_article: 'Agence France Presse,2024-11-27,Invented headline',
  source_office: 'Agence France Presse',
  source_date: '2024-11-27',
  source_headline: 'Invented headline',
  source_original: 'SOHR',
  where_prec: '1',
  where_coordinates: 'Urum al-Sughra village',
  where_description: 'Invented for a test',
  adm_1: 'Aleppo governorate',
  adm_2: 'Jebel Saman district',
  latitude: '36.1500',
  longitude: '36.9300',
  geom_wkt: 'POINT (36.93 36.15)',
  priogrid_gid: '180794',
  country: 'Syria',
  country_id: '652',
  region: 'Middle East',
  event_clarity: '1',
  date_prec: '1',
  date_start: '2024-11-27',
  date_end: '2024-11-27',
  deaths_a: '4',
  deaths_b: '6',
  deaths_civilians: '1',
  deaths_unknown: '0',
  best: '11',
  high: '15',
  low: '9',
  gwnoa: '652',
  gwnob: '',
}

function csv(rows: Record<string, string>[], header = HEADER): string {
  return stringify([header, ...rows.map((row) => header.map((column) => row[column] ?? ''))])
}

function drafts(text: string): EventDraft[] {
  const result = readUcdpCsv(text)
  if (!result.ok) throw new Error(`expected drafts, got ${JSON.stringify(result.problems)}`)
  return result.drafts
}

function problems(text: string): [string, string][] {
  const result = readUcdpCsv(text)
  if (result.ok) throw new Error('expected problems, got drafts')
  return result.problems.map((problem) => [problem.path, problem.code])
}

const one = (override: Record<string, string>) => drafts(csv([{ ...BASE, ...override }]))[0]

t.test('readUcdpCsv', async (t) => {
  t.test('maps the fixture, column for column', async (t) => {
    const [first, second, third] = drafts(FIXTURE)
    t.same(first, {
      id: '9000001',
      date_start: '2024-11-28',
      date_end: '2024-11-28',
      date_precision: 'day',
      event_type: null,
      sub_event_type: null,
      violence_type: 'state_based',
      actors: [
        { role: 'primary', actor: null, name: 'Government of Syria', attribution: 'reported' },
        { role: 'secondary', actor: null, name: 'HTS', attribution: 'reported' },
      ],
      location: { name: 'Khan al-Asal village', admin1: 'Aleppo governorate', admin2: 'Jebel Saman district', admin3: null, country: 'Syria' },
      geo_precision: 'exact',
      geometry: { type: 'Point', coordinates: [37.05, 36.167] },
      fatalities: { low: 10, best: 13, high: 20 },
      civilian_fatalities: { low: null, best: 0, high: null },
      fatalities_by_party: {
        'Government of Syria': { low: null, best: 5, high: null },
        HTS: { low: null, best: 7, high: null },
        unknown: { low: null, best: 1, high: null },
      },
      injured: null,
      sources: [
        { publisher: 'Agence France Presse', title: 'Rebels cut key highway', url: null, date: '2024-11-28', reported: null, label: null },
        { publisher: 'Reuters', title: 'Fighting near Aleppo', url: null, date: '2024-11-29', reported: null, label: null },
      ],
      source_count: 2,
      notes: null,
      properties: {
        relid: 'SYR-2024-1-299-901',
        year: 2024,
        active_year: '1',
        code_status: 'Clear',
        conflict_new_id: 299,
        conflict_name: 'Syria:Government',
        dyad_new_id: 90001,
        dyad_name: 'Government of Syria - HTS',
        side_a_new_id: 115,
        side_b_new_id: 90115,
        source_article: 'Agence France Presse,2024-11-28,Rebels cut key highway;Reuters,2024-11-29,Fighting near Aleppo',
        source_original: 'SOHR',
        where_prec: 1,
        where_description: 'Invented for a test: fighting on the M5 at Khan al-Asal',
        geom_wkt: 'POINT (37.05 36.167)',
        priogrid_gid: 180795,
        country_id: 652,
        region: 'Middle East',
        event_clarity: 1,
        date_prec: 1,
        gwnoa: '652',
        gwnob: null,
      },
    })
    t.match(second, {
      id: '9000002',
      date_start: '2024-11-29',
      date_end: '2024-12-01',
      date_precision: 'days',
      violence_type: 'one_sided',
      geo_precision: 'unknown',
      fatalities: { low: 6, best: 6, high: 9 },
      civilian_fatalities: { low: null, best: 6, high: null },
      fatalities_by_party: { HTS: { best: 0 }, Civilians: { best: 0 }, unknown: { best: 0 } },
      sources: [{ publisher: 'Syrian Network for Human Rights', title: 'Monthly report', date: '2024-12-02' }],
      source_count: 1,
      properties: { where_prec: 5, number_of_sources: -1 },
    })
    t.match(third, {
      id: '9000003',
      violence_type: 'non_state',
      date_precision: 'month',
      geo_precision: 'province',
      date_start: '2024-12-01',
      date_end: '2024-12-31',
    })
  })

  t.test('maps type_of_violence 1, 2, 3 to state_based, non_state, one_sided', async (t) => {
    t.equal(one({ type_of_violence: '1' }).violence_type, 'state_based')
    t.equal(one({ type_of_violence: '2' }).violence_type, 'non_state')
    t.equal(one({ type_of_violence: '3' }).violence_type, 'one_sided')
    t.same(problems(csv([{ ...BASE, type_of_violence: '4' }])), [['/rows/1/type_of_violence', 'INVALID_VIOLENCE_TYPE']])
  })

  t.test('sets no ACLED event type: UCDP codes none', async (t) => {
    const draft = one({})
    t.equal(draft.event_type, null)
    t.equal(draft.sub_event_type, null)
  })

  t.test('maps date_prec 1–5 to day, days, week, month, year', async (t) => {
    const words = ['day', 'days', 'week', 'month', 'year']
    words.forEach((word, i) => t.equal(one({ date_prec: String(i + 1) }).date_precision, word, `date_prec ${i + 1}`))
    t.same(problems(csv([{ ...BASE, date_prec: '6' }])), [['/rows/1/date_prec', 'INVALID_DATE_PRECISION']])
  })

  t.test('maps where_prec 1–7 to exact, near, district, province, unknown, country, unknown, keeping the code', async (t) => {
    const words = ['exact', 'near', 'district', 'province', 'unknown', 'country', 'unknown']
    words.forEach((word, i) => {
      const draft = one({ where_prec: String(i + 1) })
      t.equal(draft.geo_precision, word, `where_prec ${i + 1}`)
      t.equal(draft.properties.where_prec, i + 1)
    })
    t.same(problems(csv([{ ...BASE, where_prec: '8' }])), [['/rows/1/where_prec', 'INVALID_GEO_PRECISION']])
  })

  t.test('reads date_start and date_end with or without a midnight time; the end may not precede the start', async (t) => {
    const draft = one({ date_start: '2024-11-26 00:00:00.000', date_end: '2024-11-30 00:00:00.000', date_prec: '2' })
    t.same([draft.date_start, draft.date_end], ['2024-11-26', '2024-11-30'])
    t.same(problems(csv([{ ...BASE, date_start: '2024-11-28', date_end: '2024-11-27' }])), [['/rows/1/date_end', 'INVALID_DATE_RANGE']])
    t.same(problems(csv([{ ...BASE, date_start: '28/11/2024' }])), [['/rows/1/date_start', 'INVALID_DATE']])
  })

  t.test('reads best, low, high as fatalities, refusing low > best or best > high', async (t) => {
    t.same(one({ low: '2', best: '3', high: '8' }).fatalities, { low: 2, best: 3, high: 8 })
    t.same(problems(csv([{ ...BASE, low: '12', best: '11', high: '15' }])), [['/rows/1/best', 'INVALID_ESTIMATE']])
    t.same(problems(csv([{ ...BASE, low: '9', best: '16', high: '15' }])), [['/rows/1/best', 'INVALID_ESTIMATE']])
    t.same(problems(csv([{ ...BASE, best: '' }])), [['/rows/1/best', 'MISSING_VALUE']])
    t.same(problems(csv([{ ...BASE, high: '1e3' }])), [['/rows/1/high', 'INVALID_NUMBER']])
  })

  t.test('maps deaths_a, deaths_b, deaths_unknown to fatalities by party and deaths_civilians to civilian fatalities', async (t) => {
    const draft = one({ deaths_a: '4', deaths_b: '6', deaths_civilians: '1', deaths_unknown: '0' })
    t.same(draft.fatalities_by_party, {
      'Government of Syria': { low: null, best: 4, high: null },
      HTS: { low: null, best: 6, high: null },
      unknown: { low: null, best: 0, high: null },
    })
    t.same(draft.civilian_fatalities, { low: null, best: 1, high: null })
    t.same(problems(csv([{ ...BASE, deaths_b: '-6' }])), [['/rows/1/deaths_b', 'INVALID_NUMBER']])
  })

  t.test('pairs source_office, source_date and source_headline into source records', async (t) => {
    const draft = one({ source_office: 'AFP; Reuters', source_date: '2024-11-27;2024-11-28', source_headline: 'One;Two', number_of_sources: '3' })
    t.same(draft.sources, [
      { publisher: 'AFP', title: 'One', url: null, date: '2024-11-27', reported: null, label: null },
      { publisher: 'Reuters', title: 'Two', url: null, date: '2024-11-28', reported: null, label: null },
    ])
    t.equal(draft.source_count, 3, 'number_of_sources, not the records, is the count')
    const unpaired = one({ source_office: 'AFP;Reuters', source_headline: 'Only one', source_date: '2024-11-27' })
    t.same(
      unpaired.sources.map((source) => [source.publisher, source.title, source.date]),
      [
        ['AFP', null, '2024-11-27'],
        ['Reuters', null, '2024-11-27'],
      ],
    )
    t.equal(unpaired.properties.source_headline, 'Only one', 'headlines that do not pair are kept whole')
    t.equal(one({ number_of_sources: '-1' }).source_count, 1, '-1 (not recorded): the records are counted')
    t.same(problems(csv([{ ...BASE, source_date: '27 Nov' }])), [['/rows/1/source_date', 'INVALID_DATE']])
  })

  t.test('refuses a file without the required columns, naming them', async (t) => {
    const result = readUcdpCsv(
      csv(
        [BASE],
        HEADER.filter((column) => column !== 'best' && column !== 'where_prec'),
      ),
    )
    t.equal(result.ok, false)
    if (result.ok) return
    t.same(
      result.problems.map((problem) => [problem.path, problem.code]),
      [['/header', 'MISSING_COLUMN']],
    )
    t.match(result.problems[0].reason, /where_prec, best/)
  })

  t.test('refuses coordinates out of range', async (t) => {
    t.same(problems(csv([{ ...BASE, latitude: '-91' }])), [['/rows/1/latitude', 'INVALID_COORDINATES']])
    t.same(problems(csv([{ ...BASE, longitude: '190' }])), [['/rows/1/longitude', 'INVALID_COORDINATES']])
  })

  t.test('tolerates a BOM and CRLF line ends', async (t) => {
    t.same(drafts(`\uFEFF${FIXTURE.replace(/\n/g, '\r\n')}`), drafts(FIXTURE))
  })

  t.test('reports every problem of a file at once', async (t) => {
    const rows = [
      BASE,
      BASE,
      { ...BASE, id: '2', type_of_violence: '' },
      { ...BASE, id: '3', date_start: '2024-02-30' },
      { ...BASE, id: '4', date_end: '2024-11-01' },
      { ...BASE, id: '5', where_prec: '0' },
      { ...BASE, id: '6', date_prec: 'day' },
      { ...BASE, id: '7', longitude: 'east' },
      { ...BASE, id: '8', low: '20' },
      { ...BASE, id: '9', deaths_civilians: 'x' },
      { ...BASE, id: '10', side_b: '' },
      { ...BASE, id: '11', where_description: 'w'.repeat(10_001) },
    ]
    t.same(problems(csv(rows)), [
      ['/rows/2/id', 'DUPLICATE_EVENT_ID'],
      ['/rows/3/type_of_violence', 'INVALID_VIOLENCE_TYPE'],
      ['/rows/4/date_start', 'INVALID_DATE'],
      ['/rows/5/date_end', 'INVALID_DATE_RANGE'],
      ['/rows/6/where_prec', 'INVALID_GEO_PRECISION'],
      ['/rows/7/date_prec', 'INVALID_DATE_PRECISION'],
      ['/rows/8/longitude', 'INVALID_COORDINATES'],
      ['/rows/9/best', 'INVALID_ESTIMATE'],
      ['/rows/10/deaths_civilians', 'INVALID_NUMBER'],
      ['/rows/11/side_b', 'MISSING_VALUE'],
      ['/rows/12/where_description', 'TEXT_TOO_LONG'],
    ])
  })

  t.test('reads 10,000 rows', async (t) => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ ...BASE, id: String(i + 1) }))
    const read = drafts(csv(rows))
    t.equal(read.length, 10_000)
    t.equal(read[9_999].id, '10000')
  })
})
