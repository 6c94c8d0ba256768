// Property-based: whatever a file holds, a reader answers drafts or problems, never an exception.
// Seeded, so a failure repeats exactly (FUZZ_SEED=<seed> npx tap test/modules/sources/never-throws.test.ts).
import fc from 'fast-check'
import t from 'tap'
import { readAcledCsv } from '../../../src/modules/imports/sources/acled.js'
import type { ReadResult } from '../../../src/modules/common/event-records.js'
import { readEventsGeojson } from '../../../src/modules/imports/sources/events-geojson.js'
import { readTalliesCsv, readTalliesGeojson } from '../../../src/modules/imports/sources/tallies.js'
import { readUcdpCsv } from '../../../src/modules/imports/sources/ucdp.js'

const SEED = Number(process.env.FUZZ_SEED ?? 20_241_128)
const RUNS = 300

function wellFormed(result: ReadResult<unknown>): boolean {
  if (result.ok) return Array.isArray(result.drafts) && Number.isInteger(result.skipped)
  return (
    result.problems.length > 0 &&
    result.problems.every(
      (problem) => typeof problem.path === 'string' && /^[A-Z_]+$/.test(problem.code) && typeof problem.reason === 'string' && problem.reason !== '',
    )
  )
}

const cell = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1',
    '3',
    '7',
    '1e3',
    '36.2',
    '200',
    '2024-11-28',
    '28 November 2024',
    '2024-02-30',
    'Battles',
    'Air/drone strike',
    '"',
    '""',
    ',',
    '\n',
    '\r\n',
    ';',
    '\uFEFF',
    '\u0000',
    '\uD800',
  ),
  fc.string({ maxLength: 20 }),
)

const EVENT_MEMBERS = [
  'date',
  'date_start',
  'date_end',
  'date_precision',
  'event_type',
  'sub_event_type',
  'violence_type',
  'actors',
  'location',
  'geo_precision',
  'fatalities',
  'civilian_fatalities',
  'fatalities_by_party',
  'injured',
  'sources',
  'source_count',
  'notes',
]
const TALLY_MEMBERS = ['as_of', 'period', 'scope', 'metric', 'unit', 'value', 'breakdown', 'source', 'method', 'notes']

const value = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  cell,
  fc.integer({ min: -5, max: 500 }),
  fc.record({ low: fc.anything({ maxDepth: 1 }), best: fc.integer({ min: -2, max: 9 }) }),
)

function features(members: string[]) {
  const geometry = fc.oneof(
    fc.constant(null),
    fc.record({ type: fc.constantFrom('Point', 'Polygon', 'LineString', 'Nope'), coordinates: fc.anything({ maxDepth: 4 }) }),
    fc.record({ type: fc.constant('Point'), coordinates: fc.tuple(fc.double(), fc.double()) }),
  )
  const feature = fc.record({
    type: fc.constantFrom('Feature', 'Feature', 'Thing'),
    id: fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)),
    geometry,
    properties: fc.oneof(fc.dictionary(fc.constantFrom(...members, 'extra'), value, { maxKeys: 8 }), fc.anything({ maxDepth: 1 })),
  })
  return fc.oneof(fc.record({ type: fc.constant('FeatureCollection'), features: fc.array(feature, { maxLength: 6 }) }), fc.anything({ maxDepth: 3 }))
}

function csvText(header: string[]) {
  const row = fc.array(cell, { minLength: header.length - 2, maxLength: header.length + 1 }).map((cells) => cells.join(','))
  return fc.oneof(
    fc.array(row, { maxLength: 5 }).map((rows) => [header.join(','), ...rows].join('\n')),
    fc.string({ maxLength: 200 }),
  )
}

const ACLED_HEADER =
  'event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp'.split(
    ',',
  )
const UCDP_HEADER =
  'id,relid,year,active_year,code_status,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,side_a_new_id,side_a,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob'.split(
    ',',
  )
const TALLY_HEADER =
  'id,as_of,period_start,period_end,scope_name,metric,value,value_low,value_best,value_high,breakdown,source_publisher,source_url,source_date,longitude,latitude'.split(
    ',',
  )

t.test('readers never throw', async (t) => {
  const check = (name: string, arbitrary: fc.Arbitrary<unknown>, read: (input: never) => ReadResult<unknown>) =>
    t.test(name, async (t) => {
      fc.assert(
        fc.property(arbitrary, (input) => wellFormed(read(input as never))),
        { seed: SEED, numRuns: RUNS },
      )
      t.pass(`${RUNS} inputs, each answered with drafts or problems`)
    })
  check('readEventsGeojson', features(EVENT_MEMBERS), readEventsGeojson)
  check('readTalliesGeojson', features(TALLY_MEMBERS), readTalliesGeojson)
  check('readAcledCsv', csvText(ACLED_HEADER), readAcledCsv)
  check('readUcdpCsv', csvText(UCDP_HEADER), readUcdpCsv)
  check('readTalliesCsv', csvText(TALLY_HEADER), readTalliesCsv)
})
