import { readFileSync } from 'node:fs'
import { stringify } from 'csv-stringify/sync'
import t from 'tap'
import { readAcledCsv } from '../../../src/modules/imports/sources/acled.js'
import { EVENT_TYPES, type EventDraft } from '../../../src/modules/common/event-records.js'

const FIXTURE = readFileSync(new URL('../fixtures/acled/aleppo-invented.csv', import.meta.url), 'utf8')

// The export's columns in the codebook's order.
const HEADER = [
  'event_id_cnty',
  'event_date',
  'year',
  'time_precision',
  'disorder_type',
  'event_type',
  'sub_event_type',
  'actor1',
  'assoc_actor_1',
  'inter1',
  'actor2',
  'assoc_actor_2',
  'inter2',
  'interaction',
  'civilian_targeting',
  'iso',
  'region',
  'country',
  'admin1',
  'admin2',
  'admin3',
  'location',
  'latitude',
  'longitude',
  'geo_precision',
  'source',
  'source_scale',
  'notes',
  'fatalities',
  'tags',
  'timestamp',
]

// An invented row (not ACLED's): an air strike on 28 Nov 2024 near Atarib.
const BASE: Record<string, string> = {
  event_id_cnty: 'SYR990001',
  event_date: '28 November 2024',
  year: '2024',
  time_precision: '1',
  disorder_type: 'Political violence',
  event_type: 'Explosions/Remote violence',
  sub_event_type: 'Air/drone strike',
  actor1: 'Military Forces of Russia (2000-)',
  assoc_actor_1: '',
  inter1: 'External/Other forces',
  actor2: 'Civilians (Syria)',
  assoc_actor_2: '',
  inter2: 'Civilians',
  interaction: 'External/Other forces-Civilians',
  civilian_targeting: 'Civilian targeting',
  iso: '760',
  region: 'Middle East',
  country: 'Syria',
  admin1: 'Aleppo',
  admin2: 'Jebel Saman',
  admin3: 'Atareb',
  location: 'Atarib',
  latitude: '36.1390',
  longitude: '36.8300',
  geo_precision: '1',
  source: 'Syrian Observatory for Human Rights',
  source_scale: 'National',
  notes: 'Invented row for a test.',
  fatalities: '3',
  tags: '',
  timestamp: '1733184000',
}

function csv(rows: Record<string, string>[], header = HEADER): string {
  return stringify([header, ...rows.map((row) => header.map((column) => row[column] ?? ''))])
}

function drafts(text: string): EventDraft[] {
  const result = readAcledCsv(text)
  if (!result.ok) throw new Error(`expected drafts, got ${JSON.stringify(result.problems)}`)
  return result.drafts
}

function problems(text: string): [string, string][] {
  const result = readAcledCsv(text)
  if (result.ok) throw new Error('expected problems, got drafts')
  return result.problems.map((problem) => [problem.path, problem.code])
}

const one = (override: Record<string, string>) => drafts(csv([{ ...BASE, ...override }]))[0]

t.test('readAcledCsv', async (t) => {
  t.test('maps the fixture, column for column', async (t) => {
    const [first, second, third] = drafts(FIXTURE)
    t.same(first, {
      id: 'SYR900001',
      date_start: '2024-11-27',
      date_end: '2024-11-27',
      date_precision: 'day',
      event_type: 'battles',
      sub_event_type: 'armed_clash',
      violence_type: null,
      actors: [
        { role: 'primary', actor: null, name: 'Hayat Tahrir al Sham', attribution: 'reported' },
        { role: 'associated_primary', actor: null, name: 'Jaysh al Izza', attribution: 'reported' },
        { role: 'secondary', actor: null, name: 'Military Forces of Syria (2000-2024)', attribution: 'reported' },
      ],
      location: { name: 'Kafr Naha', admin1: 'Aleppo', admin2: 'Jebel Saman', admin3: 'Atareb', country: 'Syria' },
      geo_precision: 'exact',
      geometry: { type: 'Point', coordinates: [36.895, 36.145] },
      fatalities: { low: null, best: 12, high: null },
      civilian_fatalities: null,
      fatalities_by_party: null,
      injured: null,
      sources: [
        { publisher: 'Syrian Observatory for Human Rights', title: null, url: null, date: null, reported: null, label: null },
        { publisher: 'Anadolu Agency', title: null, url: null, date: null, reported: null, label: null },
      ],
      source_count: 2,
      notes:
        'Invented for a test: on 27 November 2024, HTS fighters clashed with regime forces near Kafr Naha, west of Aleppo. 12 fighters were reported killed.',
      properties: {
        year: 2024,
        disorder_type: 'Political violence',
        inter1: 'Rebel group',
        inter2: 'State forces',
        interaction: 'Rebel group-State forces',
        civilian_targeting: false,
        iso: 760,
        region: 'Middle East',
        source_scale: 'National-International',
        tags: null,
        timestamp: 1733097600,
      },
    })
    t.match(second, {
      id: 'SYR900002',
      date_start: '2024-11-28',
      date_precision: 'week',
      event_type: 'explosions_remote_violence',
      sub_event_type: 'air_drone_strike',
      geo_precision: 'near',
      fatalities: { low: null, best: 4, high: null },
      notes: 'Invented for a test: a "double-tap" strike hit a market; 4 civilians killed, 9 injured.',
      properties: { civilian_targeting: true, source_scale: 'Local partner-Other' },
    })
    t.same(
      second.actors.map((actor) => [actor.role, actor.name]),
      [
        ['primary', 'Military Forces of Russia (2000-)'],
        ['associated_primary', 'Military Forces of Syria (2000-2024)'],
        ['associated_primary', 'Air Force of Syria'],
        ['secondary', 'Civilians (Syria)'],
        ['associated_secondary', 'Displaced civilians (Syria)'],
      ],
    )
    t.match(third, {
      id: 'SYR900003',
      date_start: '2024-12-01',
      date_end: '2024-12-01',
      date_precision: 'month',
      event_type: 'strategic_developments',
      sub_event_type: 'non_violent_transfer_of_territory',
      geo_precision: 'district',
      fatalities: { low: null, best: 0, high: null },
      properties: { tags: 'local administrators', interaction: 'Rebel group only' },
    })
    t.same(
      third.actors.map((actor) => actor.role),
      ['primary'],
      'no actor2: only the primary actor',
    )
  })

  t.test('reads event_date as YYYY-MM-DD or "28 November 2024"', async (t) => {
    for (const text of ['2024-11-28', '28 November 2024', '28 november 2024', '28 Nov 2024', '28-November-2024']) {
      const draft = one({ event_date: text })
      t.equal(draft.date_start, '2024-11-28', text)
      t.equal(draft.date_end, '2024-11-28', text)
    }
    t.same(problems(csv([{ ...BASE, event_date: '31 November 2024' }])), [['/rows/1/event_date', 'INVALID_DATE']])
    t.same(problems(csv([{ ...BASE, event_date: '28 Novembre 2024' }])), [['/rows/1/event_date', 'INVALID_DATE']])
    t.same(problems(csv([{ ...BASE, event_date: '11/28/2024' }])), [['/rows/1/event_date', 'INVALID_DATE']])
    t.same(problems(csv([{ ...BASE, event_date: '' }])), [['/rows/1/event_date', 'MISSING_VALUE']])
  })

  t.test('maps time_precision 1, 2, 3 to day, week, month', async (t) => {
    t.equal(one({ time_precision: '1' }).date_precision, 'day')
    t.equal(one({ time_precision: '2' }).date_precision, 'week')
    t.equal(one({ time_precision: '3' }).date_precision, 'month')
    t.same(problems(csv([{ ...BASE, time_precision: '4' }])), [['/rows/1/time_precision', 'INVALID_DATE_PRECISION']])
  })

  t.test('maps geo_precision 1, 2, 3 to exact, near, district', async (t) => {
    t.equal(one({ geo_precision: '1' }).geo_precision, 'exact')
    t.equal(one({ geo_precision: '2' }).geo_precision, 'near')
    t.equal(one({ geo_precision: '3' }).geo_precision, 'district')
    t.same(problems(csv([{ ...BASE, geo_precision: '0' }])), [['/rows/1/geo_precision', 'INVALID_GEO_PRECISION']])
  })

  t.test("maps the codebook's event type names to slugs", async (t) => {
    const names: [string, string, string][] = [
      ['Battles', 'Armed clash', 'battles'],
      ['Explosions/Remote violence', 'Shelling/artillery/missile attack', 'explosions_remote_violence'],
      ['Violence against civilians', 'Abduction/forced disappearance', 'violence_against_civilians'],
      ['Protests', 'Peaceful protest', 'protests'],
      ['Riots', 'Mob violence', 'riots'],
      ['Strategic developments', 'Headquarters or base established', 'strategic_developments'],
    ]
    for (const [type, sub, slug] of names) t.equal(one({ event_type: type, sub_event_type: sub }).event_type, slug, type)
    t.equal(one({ sub_event_type: 'Shelling/artillery/missile attack' }).sub_event_type, 'shelling_artillery_missile_attack')
    t.equal(one({ event_type: 'Explosions/Remote violence', sub_event_type: 'Remote explosive/landmine/IED' }).sub_event_type, 'remote_explosive_landmine_ied')
  })

  t.test('refuses an unknown event type, naming the allowed list', async (t) => {
    const result = readAcledCsv(csv([{ ...BASE, event_type: 'Airstrike' }]))
    t.equal(result.ok, false)
    if (result.ok) return
    t.same(
      result.problems.map((problem) => [problem.path, problem.code]),
      [['/rows/1/event_type', 'INVALID_EVENT_TYPE']],
    )
    for (const type of EVENT_TYPES) t.ok(result.problems[0].reason.includes(type), `the reason lists ${type}`)
    t.ok(result.problems[0].reason.includes('"Airstrike"'), 'the reason names the value')
  })

  t.test("refuses a sub-event type outside its event type's list", async (t) => {
    t.same(problems(csv([{ ...BASE, event_type: 'Battles', sub_event_type: 'Air/drone strike' }])), [['/rows/1/sub_event_type', 'INVALID_SUB_EVENT_TYPE']])
  })

  t.test('reads fatalities as the best estimate, with no range', async (t) => {
    t.same(one({ fatalities: '7' }).fatalities, { low: null, best: 7, high: null })
    t.same(one({ fatalities: '' }).fatalities, { low: null, best: null, high: null })
    t.same(problems(csv([{ ...BASE, fatalities: '-1' }])), [['/rows/1/fatalities', 'INVALID_NUMBER']])
    t.same(problems(csv([{ ...BASE, fatalities: '2.5' }])), [['/rows/1/fatalities', 'INVALID_NUMBER']])
    t.same(problems(csv([{ ...BASE, fatalities: 'several' }])), [['/rows/1/fatalities', 'INVALID_NUMBER']])
  })

  t.test('splits source on ";" into source records, one publisher each', async (t) => {
    const draft = one({ source: 'SOHR;  Anadolu Agency ;;Enab Baladi' })
    t.same(
      draft.sources.map((source) => source.publisher),
      ['SOHR', 'Anadolu Agency', 'Enab Baladi'],
    )
    t.equal(draft.source_count, 3)
    t.same(one({ source: '' }).sources, [])
  })

  t.test('splits assoc_actor_* on ";" into associated actors, attribution "reported"', async (t) => {
    const draft = one({ assoc_actor_1: 'A; B', assoc_actor_2: 'C' })
    t.same(draft.actors, [
      { role: 'primary', actor: null, name: 'Military Forces of Russia (2000-)', attribution: 'reported' },
      { role: 'associated_primary', actor: null, name: 'A', attribution: 'reported' },
      { role: 'associated_primary', actor: null, name: 'B', attribution: 'reported' },
      { role: 'secondary', actor: null, name: 'Civilians (Syria)', attribution: 'reported' },
      { role: 'associated_secondary', actor: null, name: 'C', attribution: 'reported' },
    ])
  })

  t.test('keeps civilian_targeting as a flag', async (t) => {
    t.equal(one({ civilian_targeting: 'Civilian targeting' }).properties.civilian_targeting, true)
    t.equal(one({ civilian_targeting: '' }).properties.civilian_targeting, false)
    t.same(problems(csv([{ ...BASE, civilian_targeting: 'yes' }])), [['/rows/1/civilian_targeting', 'INVALID_VALUE']])
  })

  t.test('keeps every unmapped column in properties, extra columns too', async (t) => {
    const header = [...HEADER, 'population_best']
    const [draft] = drafts(csv([{ ...BASE, population_best: '12000' }], header))
    t.same(Object.keys(draft.properties).sort(), [
      'civilian_targeting',
      'disorder_type',
      'inter1',
      'inter2',
      'interaction',
      'iso',
      'population_best',
      'region',
      'source_scale',
      'tags',
      'timestamp',
      'year',
    ])
    t.equal(draft.properties.population_best, '12000')
  })

  t.test('refuses a file without the required columns, naming them', async (t) => {
    const header = HEADER.filter((column) => column !== 'latitude' && column !== 'fatalities')
    const result = readAcledCsv(csv([BASE], header))
    t.equal(result.ok, false)
    if (result.ok) return
    t.same(
      result.problems.map((problem) => [problem.path, problem.code]),
      [['/header', 'MISSING_COLUMN']],
    )
    t.match(result.problems[0].reason, /latitude, fatalities/)
    t.same(problems(''), [['/header', 'MISSING_COLUMN']], 'an empty file')
  })

  t.test('refuses coordinates out of range or not numbers', async (t) => {
    t.same(problems(csv([{ ...BASE, latitude: '96.2' }])), [['/rows/1/latitude', 'INVALID_COORDINATES']])
    t.same(problems(csv([{ ...BASE, longitude: '-181' }])), [['/rows/1/longitude', 'INVALID_COORDINATES']])
    t.same(problems(csv([{ ...BASE, longitude: '36,83' }])), [['/rows/1/longitude', 'INVALID_COORDINATES']])
    t.same(problems(csv([{ ...BASE, latitude: '' }])), [['/rows/1/latitude', 'INVALID_COORDINATES']])
  })

  t.test('refuses a second row with the same event_id_cnty', async (t) => {
    t.same(problems(csv([BASE, { ...BASE, event_date: '29 November 2024' }])), [['/rows/2/event_id_cnty', 'DUPLICATE_EVENT_ID']])
  })

  t.test('limits text lengths', async (t) => {
    t.same(problems(csv([{ ...BASE, actor1: 'x'.repeat(201) }])), [['/rows/1/actor1', 'TEXT_TOO_LONG']])
    t.same(problems(csv([{ ...BASE, notes: 'x'.repeat(10_001) }])), [['/rows/1/notes', 'TEXT_TOO_LONG']])
    t.equal(one({ notes: 'x'.repeat(10_000) }).notes?.length, 10_000)
  })

  t.test('tolerates a BOM and CRLF line ends', async (t) => {
    const plain = drafts(FIXTURE)
    t.same(drafts(`\uFEFF${FIXTURE}`), plain)
    t.same(drafts(FIXTURE.replace(/\n/g, '\r\n')), plain)
    t.same(drafts(`\uFEFF${FIXTURE.replace(/\n/g, '\r\n')}`), plain)
  })

  t.test('skips blank rows, counting them', async (t) => {
    const result = readAcledCsv(`${FIXTURE},,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n`)
    t.equal(result.ok, true)
    if (result.ok) t.equal(result.skipped, 1)
  })

  t.test('answers a file csv-parse cannot read with one problem, never an exception', async (t) => {
    t.same(problems(`${HEADER.join(',')}\nSYR1,"28 November 2024,2024\n`), [['/lines/2', 'MALFORMED_CSV']])
    t.same(problems(`${HEADER.join(',')},event_date\n`), [['/header/32', 'DUPLICATE_COLUMN']])
  })

  t.test('refuses a row with more or fewer fields than the header', async (t) => {
    const [header, first] = csv([BASE]).trim().split('\n')
    t.same(problems(`${header}\n${first},extra\n`), [['/rows/1', 'ROW_LENGTH']])
    t.same(problems(`${header}\n${first.split(',').slice(0, 30).join(',')}\n`), [['/rows/1', 'ROW_LENGTH']])
  })

  t.test('lists at most 1000 problems, then says how many more', async (t) => {
    const rows = Array.from({ length: 1200 }, (_, i) => ({ ...BASE, event_id_cnty: `SYR${i}`, fatalities: 'x' }))
    const result = readAcledCsv(csv(rows))
    t.equal(result.ok, false)
    if (result.ok) return
    t.equal(result.problems.length, 1001)
    t.same(result.problems[999], { path: '/rows/1000/fatalities', code: 'INVALID_NUMBER', reason: result.problems[999].reason, index: 1000 })
    t.match(result.problems[1000], { path: '', code: 'TOO_MANY_PROBLEMS', reason: /^200 more/ })
  })

  t.test('reports every problem of a file at once', async (t) => {
    const rows = [
      BASE,
      { ...BASE, event_id_cnty: 'SYR990002', event_date: '2024-13-01' },
      { ...BASE, event_id_cnty: 'SYR990003', time_precision: '9' },
      { ...BASE, event_id_cnty: 'SYR990004', event_type: 'Skirmish' },
      { ...BASE, event_id_cnty: 'SYR990005', sub_event_type: 'Armed clash' },
      { ...BASE, event_id_cnty: 'SYR990006', latitude: '100' },
      { ...BASE, event_id_cnty: 'SYR990007', geo_precision: 'exact' },
      { ...BASE, event_id_cnty: 'SYR990008', fatalities: '-4' },
      { ...BASE, event_id_cnty: 'SYR990009', actor1: '' },
      { ...BASE, event_id_cnty: '' },
      BASE,
      { ...BASE, event_id_cnty: 'SYR990012', location: 'y'.repeat(300) },
      { ...BASE, event_id_cnty: 'SYR990013', event_date: '1 January 1850' },
    ]
    t.same(problems(csv(rows)), [
      ['/rows/2/event_date', 'INVALID_DATE'],
      ['/rows/3/time_precision', 'INVALID_DATE_PRECISION'],
      ['/rows/4/event_type', 'INVALID_EVENT_TYPE'],
      ['/rows/5/sub_event_type', 'INVALID_SUB_EVENT_TYPE'],
      ['/rows/6/latitude', 'INVALID_COORDINATES'],
      ['/rows/7/geo_precision', 'INVALID_GEO_PRECISION'],
      ['/rows/8/fatalities', 'INVALID_NUMBER'],
      ['/rows/9/actor1', 'MISSING_VALUE'],
      ['/rows/10/event_id_cnty', 'MISSING_VALUE'],
      ['/rows/11/event_id_cnty', 'DUPLICATE_EVENT_ID'],
      ['/rows/12/location', 'TEXT_TOO_LONG'],
      ['/rows/13/event_date', 'INVALID_DATE'],
    ])
  })

  t.test('reads 10,000 rows', async (t) => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ ...BASE, event_id_cnty: `SYR${100000 + i}`, fatalities: String(i % 7) }))
    const read = drafts(csv(rows))
    t.equal(read.length, 10_000)
    t.equal(
      read.reduce((sum, draft) => sum + (draft.fatalities.best ?? 0), 0),
      // i % 7 over 0..9999: 1428 full cycles of 0+…+6 = 21, then 0, 1, 2, 3 for the last four.
      1428 * 21 + 6,
    )
  })
})
