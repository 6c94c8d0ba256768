import { readFileSync } from 'node:fs'
import t from 'tap'
import { EVENT_TYPES, type EventDraft } from '../../../src/modules/common/event-records.js'
import { readEventsGeojson } from '../../../src/modules/imports/sources/events-geojson.js'

const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/frontline-events/events.geojson', import.meta.url), 'utf8'))

const point = (lon = 37.1, lat = 36.2) => ({ type: 'Point', coordinates: [lon, lat] })
const feature = (id: unknown, properties: Record<string, unknown>, geometry: unknown = point()) => ({ type: 'Feature', id, geometry, properties })
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features })

function drafts(json: unknown): EventDraft[] {
  const result = readEventsGeojson(json)
  if (!result.ok) throw new Error(`expected drafts, got ${JSON.stringify(result.problems)}`)
  return result.drafts
}

function problems(json: unknown): [string, string][] {
  const result = readEventsGeojson(json)
  if (result.ok) throw new Error('expected problems, got drafts')
  return result.problems.map((problem) => [problem.path, problem.code])
}

const one = (properties: Record<string, unknown>, geometry?: unknown) => drafts(collection(feature('e1', { date: '2024-11-28', ...properties }, geometry)))[0]
const refused = (properties: Record<string, unknown>, geometry?: unknown) =>
  problems(collection(feature('e1', { date: '2024-11-28', ...properties }, geometry)))

t.test('readEventsGeojson', async (t) => {
  t.test('maps the fixture', async (t) => {
    const [strike, clash, area] = drafts(FIXTURE)
    t.same(strike, {
      id: 'ev-sarmada-strike',
      date_start: '2024-11-28',
      date_end: '2024-11-28',
      date_precision: 'day',
      event_type: 'explosions_remote_violence',
      sub_event_type: 'air_drone_strike',
      violence_type: null,
      actors: [
        { role: 'primary', actor: 'ru', name: 'ru', attribution: 'alleged' },
        { role: 'secondary', actor: null, name: 'Civilians (Syria)', attribution: 'reported' },
      ],
      location: { name: 'Sarmada', admin1: 'Idlib', admin2: null, admin3: null, country: 'Syria' },
      geo_precision: 'exact',
      geometry: { type: 'Point', coordinates: [36.72, 36.18] },
      fatalities: { low: null, best: 4, high: null },
      civilian_fatalities: { low: null, best: 4, high: null },
      fatalities_by_party: null,
      injured: { low: 9, best: 9, high: 12 },
      sources: [
        {
          publisher: 'Syrian Civil Defence',
          title: null,
          url: 'https://example.org/white-helmets/2024-11-28',
          date: '2024-11-28',
          reported: '4 civilians killed, 9 injured (invented)',
          label: null,
        },
        { publisher: 'Anadolu Agency', title: null, url: null, date: null, reported: null, label: null },
      ],
      source_count: 2,
      notes: 'Invented for a test.',
      properties: { confidence: 'medium' },
    })
    t.match(clash, {
      id: 'ev-khan-al-asal',
      date_start: '2024-11-28',
      date_end: '2024-11-29',
      date_precision: 'days',
      event_type: 'battles',
      violence_type: 'state_based',
      location: { name: 'Khan al-Asal', admin1: null },
      geo_precision: 'near',
      fatalities: { low: 10, best: 13, high: 20 },
      fatalities_by_party: { hts: { low: null, best: 5, high: null }, saa: { low: 7, best: 7, high: null }, unknown: { low: null, best: 1, high: null } },
      sources: [{ publisher: 'Agence France-Presse', date: '2024-11-28' }],
      source_count: 3,
      properties: {},
    })
    t.same(clash.actors, [
      { role: 'primary', actor: 'hts', name: 'Hayat Tahrir al-Sham', attribution: 'claimed' },
      { role: 'associated_primary', actor: null, name: 'Jaysh al-Izza', attribution: 'reported' },
      { role: 'secondary', actor: 'saa', name: 'saa', attribution: 'reported' },
    ])
    t.match(area, { id: '3', geometry: { type: 'Polygon' }, geo_precision: 'district', sub_event_type: 'non_violent_transfer_of_territory' })
  })

  t.test('reads date as date_start = date_end, and date_start alone as one day', async (t) => {
    t.match(one({ date: '2024-11-27' }), { date_start: '2024-11-27', date_end: '2024-11-27' })
    t.match(one({ date: undefined, date_start: '2024-11-27' }), { date_start: '2024-11-27', date_end: '2024-11-27' })
    t.same(refused({ date_start: '2024-11-27', date_end: '2024-11-28' }), [['/features/0/properties/date', 'INVALID_DATE']], 'date and a span: which one?')
    t.same(refused({ date: undefined }), [['/features/0/properties/date', 'MISSING_VALUE']])
    t.same(refused({ date: '2024-11-28T06:00Z' }), [['/features/0/properties/date', 'INVALID_DATE']], 'a calendar date, not an instant')
    t.same(refused({ date: 20241128 }), [['/features/0/properties/date', 'INVALID_DATE']])
    t.same(refused({ date: undefined, date_start: '2024-11-28', date_end: '2024-11-26' }), [['/features/0/properties/date_end', 'INVALID_DATE_RANGE']])
  })

  t.test('fills the defaults: day, exact, no actors, no sources, unknown fatalities', async (t) => {
    t.same(one({}), {
      id: 'e1',
      date_start: '2024-11-28',
      date_end: '2024-11-28',
      date_precision: 'day',
      event_type: null,
      sub_event_type: null,
      violence_type: null,
      actors: [],
      location: { name: null, admin1: null, admin2: null, admin3: null, country: null },
      geo_precision: 'exact',
      geometry: { type: 'Point', coordinates: [37.1, 36.2] },
      fatalities: { low: null, best: null, high: null },
      civilian_fatalities: null,
      fatalities_by_party: null,
      injured: null,
      sources: [],
      source_count: 0,
      notes: null,
      properties: {},
    })
  })

  t.test('reads a bare number as the best estimate', async (t) => {
    const draft = one({ fatalities: 7, civilian_fatalities: 2, injured: 11, fatalities_by_party: { hts: 3 } })
    t.same(draft.fatalities, { low: null, best: 7, high: null })
    t.same(draft.civilian_fatalities, { low: null, best: 2, high: null })
    t.same(draft.injured, { low: null, best: 11, high: null })
    t.same(draft.fatalities_by_party, { hts: { low: null, best: 3, high: null } })
  })

  t.test('refuses estimates that are not counts or not ordered', async (t) => {
    t.same(refused({ fatalities: -1 }), [['/features/0/properties/fatalities', 'INVALID_NUMBER']])
    t.same(refused({ fatalities: 2.5 }), [['/features/0/properties/fatalities', 'INVALID_NUMBER']])
    t.same(refused({ fatalities: { low: 5, best: 4 } }), [['/features/0/properties/fatalities', 'INVALID_ESTIMATE']])
    t.same(refused({ fatalities: { low: 5, high: 4 } }), [['/features/0/properties/fatalities', 'INVALID_ESTIMATE']])
    t.same(refused({ injured: { best: 3, high: 2 } }), [['/features/0/properties/injured', 'INVALID_ESTIMATE']])
    t.same(refused({ civilian_fatalities: { low: 'x' } }), [['/features/0/properties/civilian_fatalities/low', 'INVALID_NUMBER']])
    t.same(refused({ fatalities: { mean: 3 } }), [['/features/0/properties/fatalities', 'INVALID_ESTIMATE']])
    t.same(refused({ fatalities_by_party: { hts: -2 } }), [['/features/0/properties/fatalities_by_party/hts', 'INVALID_NUMBER']])
    t.same(refused({ fatalities: [4] }), [['/features/0/properties/fatalities', 'INVALID_ESTIMATE']])
  })

  t.test('reads event types as slugs or codebook names; refuses others with the list', async (t) => {
    t.equal(one({ event_type: 'Violence against civilians' }).event_type, 'violence_against_civilians')
    t.equal(one({ event_type: 'battles', sub_event_type: 'Government regains territory' }).sub_event_type, 'government_regains_territory')
    t.equal(
      one({ sub_event_type: 'shelling_artillery_missile_attack' }).sub_event_type,
      'shelling_artillery_missile_attack',
      'without a type, any known sub-type',
    )
    const result = readEventsGeojson(collection(feature('e1', { date: '2024-11-28', event_type: 'airstrike' })))
    t.equal(result.ok, false)
    if (!result.ok) {
      t.same(
        result.problems.map((problem) => problem.code),
        ['INVALID_EVENT_TYPE'],
      )
      for (const type of EVENT_TYPES) t.ok(result.problems[0].reason.includes(type), `lists ${type}`)
    }
    t.same(refused({ event_type: 'battles', sub_event_type: 'air_drone_strike' }), [['/features/0/properties/sub_event_type', 'INVALID_SUB_EVENT_TYPE']])
    t.same(refused({ sub_event_type: 'bombing' }), [['/features/0/properties/sub_event_type', 'INVALID_SUB_EVENT_TYPE']])
  })

  t.test('refuses precisions and violence types outside their lists', async (t) => {
    t.same(refused({ date_precision: 'hour' }), [['/features/0/properties/date_precision', 'INVALID_DATE_PRECISION']])
    t.same(refused({ geo_precision: 'rough' }), [['/features/0/properties/geo_precision', 'INVALID_GEO_PRECISION']])
    t.same(refused({ violence_type: 'state-based' }), [['/features/0/properties/violence_type', 'INVALID_VIOLENCE_TYPE']])
  })

  t.test('reads actors: role, dataset actor id or name, attribution (default reported)', async (t) => {
    t.same(one({ actors: [{ role: 'secondary', name: 'SAA' }] }).actors, [{ role: 'secondary', actor: null, name: 'SAA', attribution: 'reported' }])
    t.same(refused({ actors: [{ role: 'attacker', actor: 'ru' }] }), [['/features/0/properties/actors/0/role', 'INVALID_ACTOR']])
    t.same(refused({ actors: [{ role: 'primary', actor: 'ru', attribution: 'rumoured' }] }), [
      ['/features/0/properties/actors/0/attribution', 'INVALID_ATTRIBUTION'],
    ])
    t.same(refused({ actors: [{ role: 'primary', actor: 'Russian Air Force' }] }), [['/features/0/properties/actors/0/actor', 'INVALID_ACTOR']])
    t.same(refused({ actors: [{ role: 'primary' }] }), [['/features/0/properties/actors/0', 'INVALID_ACTOR']])
    t.same(refused({ actors: 'ru' }), [['/features/0/properties/actors', 'INVALID_ACTOR']])
  })

  t.test('reads sources as records or bare publisher names; refuses a bad url or an unknown member', async (t) => {
    t.same(one({ sources: ['SOHR'] }).sources, [{ publisher: 'SOHR', title: null, url: null, date: null, reported: null, label: null }])
    t.equal(one({ sources: [{ publisher: 'SANA', label: 'partisan: Syrian government' }] }).sources[0].label, 'partisan: Syrian government')
    t.same(refused({ sources: [{ publisher: 'X', url: 'ftp://example.org/a' }] }), [['/features/0/properties/sources/0/url', 'INVALID_URL']])
    t.same(refused({ sources: [{ title: 'no publisher' }] }), [['/features/0/properties/sources/0/publisher', 'MISSING_VALUE']])
    t.same(refused({ sources: [{ publisher: 'X', author: 'Y' }] }), [['/features/0/properties/sources/0', 'INVALID_SOURCE']])
    t.same(refused({ sources: [{ publisher: 'X', date: 'yesterday' }] }), [['/features/0/properties/sources/0/date', 'INVALID_DATE']])
    t.same(refused({ source_count: -1 }), [['/features/0/properties/source_count', 'INVALID_NUMBER']])
  })

  t.test('reads a location as a name or an object of admin levels', async (t) => {
    t.same(one({ location: 'Nubl' }).location, { name: 'Nubl', admin1: null, admin2: null, admin3: null, country: null })
    t.same(refused({ location: { name: 'Nubl', district: 'Azaz' } }), [['/features/0/properties/location', 'INVALID_LOCATION']])
  })

  t.test('accepts a Point or a small Polygon, refusing bad coordinates and geometry', async (t) => {
    t.same(refused({}, point(181, 36)), [['/features/0/geometry/coordinates/0', 'INVALID_COORDINATES']])
    t.same(refused({}, point(37, -95)), [['/features/0/geometry/coordinates/1', 'INVALID_COORDINATES']])
    t.same(refused({}, { type: 'Point', coordinates: ['37', 36] }), [['/features/0/geometry/coordinates', 'INVALID_COORDINATES']])
    t.same(refused({}, null), [['/features/0/geometry', 'MISSING_GEOMETRY']])
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [37, 36],
          [37.1, 36.1],
          [37.1, 36],
          [37, 36.1],
          [37, 36],
        ],
      ],
    }
    t.ok(
      refused({}, bowtie).every(([path, code]) => path.startsWith('/features/0/geometry') && code === 'INVALID_GEOMETRY'),
      'a self-crossing ring is refused',
    )
    t.same(
      refused(
        {},
        {
          type: 'LineString',
          coordinates: [
            [37, 36],
            [37.1, 36.1],
          ],
        },
      ).map(([, code]) => code),
      ['INVALID_GEOMETRY'],
    )
  })

  t.test('keeps members that are not EventDraft members as properties', async (t) => {
    t.same(one({ confidence: 'low', casualty_note: { kids: 2 } }).properties, { confidence: 'low', casualty_note: { kids: 2 } })
  })

  t.test('refuses what is not a FeatureCollection of features with unique ids', async (t) => {
    t.same(problems([]), [['', 'INVALID_GEOJSON']])
    t.same(problems({ type: 'Feature' }), [['/type', 'INVALID_GEOJSON']])
    t.same(problems({ type: 'FeatureCollection' }), [['/features', 'INVALID_GEOJSON']])
    t.same(problems(collection({ type: 'Point' })), [['/features/0/type', 'NOT_A_FEATURE']])
    t.same(problems(collection(feature(undefined, { date: '2024-11-28' }))), [['/features/0/id', 'MISSING_ID']])
    t.same(problems(collection(feature('a', { date: '2024-11-28' }), feature('a', { date: '2024-11-29' }))), [['/features/1/id', 'DUPLICATE_EVENT_ID']])
    t.same(problems(collection({ type: 'Feature', id: 'a', geometry: point(), properties: 'x' })), [['/features/0/properties', 'INVALID_PROPERTIES']])
  })

  t.test('limits text lengths', async (t) => {
    t.same(refused({ notes: 'n'.repeat(10_001) }), [['/features/0/properties/notes', 'TEXT_TOO_LONG']])
    t.same(refused({ location: 'l'.repeat(201) }), [['/features/0/properties/location', 'TEXT_TOO_LONG']])
    t.same(refused({ notes: 5 }), [['/features/0/properties/notes', 'INVALID_TEXT']])
    t.same(refused({ notes: 'a\u0000b' }), [['/features/0/properties/notes', 'INVALID_TEXT']])
    t.same(refused({ notes: 'half \uD83D emoji' }), [['/features/0/properties/notes', 'INVALID_TEXT']])
    t.equal(one({ notes: 'whole 🙂 emoji' }).notes, 'whole 🙂 emoji')
    t.same(problems(collection(feature('i'.repeat(201), { date: '2024-11-28' }))), [['/features/0/id', 'TEXT_TOO_LONG']])
  })

  t.test('reports every problem of a file at once', async (t) => {
    const ok = { date: '2024-11-28' }
    const json = collection(
      feature('a', ok),
      feature('a', ok),
      feature('b', { date: '2024-11-31' }),
      feature('c', { ...ok, event_type: 'airstrike' }),
      feature('d', { ...ok, fatalities: { low: 3, best: 1 } }),
      feature('e', ok, point(200, 0)),
      feature('f', { ...ok, actors: [{ role: 'boss', name: 'X' }] }),
      feature('g', { ...ok, sources: [{ publisher: 'P', url: 'not a url' }] }),
      feature('h', { date_start: '2024-11-29', date_end: '2024-11-28' }),
      feature('i', { ...ok, date_precision: 'hours', injured: -3 }),
    )
    t.same(problems(json), [
      ['/features/1/id', 'DUPLICATE_EVENT_ID'],
      ['/features/2/properties/date', 'INVALID_DATE'],
      ['/features/3/properties/event_type', 'INVALID_EVENT_TYPE'],
      ['/features/4/properties/fatalities', 'INVALID_ESTIMATE'],
      ['/features/5/geometry/coordinates/0', 'INVALID_COORDINATES'],
      ['/features/6/properties/actors/0/role', 'INVALID_ACTOR'],
      ['/features/7/properties/sources/0/url', 'INVALID_URL'],
      ['/features/8/properties/date_end', 'INVALID_DATE_RANGE'],
      ['/features/9/properties/date_precision', 'INVALID_DATE_PRECISION'],
      ['/features/9/properties/injured', 'INVALID_NUMBER'],
    ])
  })

  t.test('reads 10,000 features', async (t) => {
    const features = Array.from({ length: 10_000 }, (_, i) =>
      feature(`e${i}`, { date: '2024-11-28', fatalities: 1, sources: ['SOHR'] }, point(37 + i / 1e5, 36)),
    )
    const read = drafts(collection(...features))
    t.equal(read.length, 10_000)
    t.equal(
      read.reduce((sum, draft) => sum + (draft.fatalities.best ?? 0), 0),
      10_000,
    )
  })
})
