import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import t from 'tap'
import { loadBundle, DEFAULT_DATASET_DIR } from '../../src/modules/imports/imports.bundle.js'
import { buildTestApp, openTestDatabase } from '../helpers.js'

// The bundled events and tallies must answer the seed's claims through the API with what the cited sources say
// (data/aleppo-2024/EVENTS.md). The figures below are the sources' own, typed in from the reports; the assertions check
// the API's filters, its join with the control maps and its sums against hand-computed totals of them.
const WH_ATARIB_28 = 8 // Syrian Civil Defence via TRT World, 28 Nov: eight killed in al-Atarib
const WH_DARAT_IZZA_28 = 4 // the same report: four in Darat Izza
const SOHR_RU_CIVILIANS_28 = 19 // SOHR via AFP: Russian strikes killed 19 civilians on Thursday 28 Nov
const SOHR_ROUNDABOUT_30 = 16 // SOHR via AFP: 16 civilians at a roundabout in Aleppo, "warplanes, likely Russian"
const SOHR_UNIVERSITY_1 = 5 // SOHR via AFP: at least five killed by four Russian strikes near Aleppo university, 1 Dec
const AA_UNIVERSITY_1 = 12 // Anadolu's local sources via TRT World: 12 killed at Aleppo University Hospital, 1 Dec
const SOHR_IDLIB_1 = 8 // SOHR via AFP: Russian strikes killed eight civilians in Idlib, 1 Dec
const SNHR_RU_CIVILIANS = 8 // SNHR, 27 Nov – 3 Dec: civilians it holds Russian forces responsible for
const SNHR_GOVERNMENT_CIVILIANS = 105 // SNHR: the same period, the Syrian government

type Estimate = { low: number | null; best: number | null; high: number | null }
type Tally = { id: string; as_of: string; metric: string; value: Estimate; breakdown: Record<string, number> | null; source: { publisher: string; url: string | null } }

t.test('data/aleppo-2024 events and tallies', async (t) => {
  const database = await openTestDatabase(t)
  const limits = { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 }
  await loadBundle({ db: database.db, limits }, DEFAULT_DATASET_DIR)
  const app = await buildTestApp(t, {}, database)
  const json = async (url: string) => {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`)
    return res.json()
  }
  const q = 'dataset=aleppo-2024'
  const ruStrikes = `${q}&actor=ru&sub_type=air_drone_strike`
  const tallies = async (query: string): Promise<Tally[]> => (await json(`/v1/tallies?${q}&${query}`)).tallies
  const headline = (value: Estimate) => value.best ?? value.low ?? value.high

  t.test('the bundle: every figure has a source, every range is ordered, every GeoNames position is the reference one', async (t) => {
    const read = async (file: string) => JSON.parse(await readFile(join(DEFAULT_DATASET_DIR, file), 'utf8'))
    const events = (await read('events.geojson')).features
    // The dataset's reference features carry their GeoNames ids; an event placed at a GeoNames town must sit on it.
    const towns = new Map<number, number[]>(
      (await read('features.geojson')).features.filter((f: any) => f.properties.geonames_id).map((f: any) => [f.properties.geonames_id, f.geometry.coordinates]),
    )
    const ordered = (e: Estimate | null) => !e || [e.low, e.best, e.high].filter((v) => v !== null).every((v, i, all) => i === 0 || all[i - 1]! <= v!)
    for (const event of events) {
      const p = event.properties
      t.ok(p.sources.length > 0 && p.sources.every((s: any) => s.publisher && s.url && s.reported), `${event.id}: sourced`)
      t.ok(ordered(p.fatalities) && ordered(p.civilian_fatalities) && ordered(p.injured), `${event.id}: low ≤ best ≤ high`)
      const geonameid = /geonameid (\d+)/.exec(p.position_source)?.[1]
      if (geonameid) t.same(event.geometry.coordinates, towns.get(Number(geonameid)), `${event.id}: at GeoNames ${geonameid}`)
    }
    for (const tally of (await read('tallies.geojson')).features) {
      const source = tally.properties.source
      t.ok(source.publisher && source.url && source.reported, `${tally.id}: one sourced statement`)
    }
  })

  t.test('civilians killed by Russian strikes on opposition-held ground, 28 November', async (t) => {
    const day = await json(`/v1/analysis/events?${ruStrikes}&held_by_side=opposition&start=2024-11-28&end=2024-11-28`)
    t.equal(day.total.events, 2, 'al-Atarib and Darat Izza')
    // The White Helmets' per-town counts are the low end; SOHR's 19 for the day (a tally, no per-town split) the high end.
    t.equal(day.total.civilian_fatalities.low, WH_ATARIB_28 + WH_DARAT_IZZA_28)
    t.ok(day.total.civilian_fatalities.high >= WH_ATARIB_28 + WH_DARAT_IZZA_28 && day.total.civilian_fatalities.high <= SOHR_RU_CIVILIANS_28)
    const sohr = (await tallies('metric=civilians_killed&as_of=2024-11-28')).find((s) => s.breakdown?.ru !== undefined)
    t.equal(sohr?.value.best, SOHR_RU_CIVILIANS_28, "SOHR's day total is listed beside the events")
    t.equal(sohr?.source.publisher, 'AFP')
  })

  t.test('civilians killed by Russian strikes on opposition-held ground, 27 November – 1 December', async (t) => {
    const span = `${ruStrikes}&start=2024-11-27&end=2024-12-01`
    const total = (await json(`/v1/analysis/events?${span}&held_by_side=opposition`)).total
    t.equal(total.events, 5, 'al-Atarib, Darat Izza, Aleppo twice after it fell, Idlib city')
    t.equal(total.civilian_fatalities.low, WH_ATARIB_28 + WH_DARAT_IZZA_28 + SOHR_ROUNDABOUT_30 + SOHR_UNIVERSITY_1 + SOHR_IDLIB_1)
    t.equal(total.civilian_fatalities.high, WH_ATARIB_28 + WH_DARAT_IZZA_28 + SOHR_ROUNDABOUT_30 + AA_UNIVERSITY_1 + SOHR_IDLIB_1)
    t.equal((await json(`/v1/analysis/events?${span}&held_by_side=government`)).total.events, 0, 'no Russian strike on government-held ground')
    const days = (await json(`/v1/analysis/events?${span}&held_by_side=opposition&group_by=day`)).groups
    t.same(
      days.map((g: any) => [String(g.key).slice(0, 10), g.civilian_fatalities.low]),
      [
        ['2024-11-28', WH_ATARIB_28 + WH_DARAT_IZZA_28],
        ['2024-11-30', SOHR_ROUNDABOUT_30],
        ['2024-12-01', SOHR_UNIVERSITY_1 + SOHR_IDLIB_1],
      ],
    )
    const events = await json(`/v1/events?${span}`)
    t.equal(events.features.length, 5)
    for (const event of events.features) t.match(event.properties.held_by, { side: 'opposition' }, `${event.id} on opposition-held ground`)
    // SNHR holds the government, not Russia, responsible for most of these deaths: the spread is one of attribution.
    const snhr = (await tallies('metric=civilians_killed&as_of=2024-12-03')).find((s) => s.source.publisher === 'SNHR')
    t.match(snhr?.breakdown, { ru: SNHR_RU_CIVILIANS, saa: SNHR_GOVERNMENT_CIVILIANS })
    t.ok(SNHR_RU_CIVILIANS < total.civilian_fatalities.low, 'SNHR attributes fewer to Russia than SOHR and the White Helmets')
  })

  t.test('a disputed attribution stays disputed', async (t) => {
    const dorms = await json(`/v1/events/ev-2024-11-29-aleppo-university-dorms?${q}`)
    const actors = dorms.properties.actors.map((a: any) => [a.actor, a.attribution])
    t.same(actors, [
      ['hts', 'contested'],
      ['saa', 'contested'],
    ])
    t.equal(dorms.properties.civilian_fatalities.best, 4, 'SANA and Anadolu agree on four dead')
    t.ok(dorms.properties.sources.some((s: any) => s.label?.includes('Syrian government')), 'SANA labelled')
    t.ok(dorms.properties.sources.some((s: any) => s.label?.includes('Turkish')), 'Anadolu labelled')
  })

  t.test('the total dead: every statement as of a date, side by side, never summed', async (t) => {
    const on28 = await tallies('metric=killed&as_of=2024-11-28')
    t.ok(on28.every((s) => s.as_of <= '2024-11-28' && s.source.publisher && s.source.url))
    const values28 = on28.map((s) => headline(s.value)!)
    t.equal(Math.max(...values28), 202, 'SOHR via ANA-MPA: 182 fighters and 20 civilians')
    t.ok(values28.includes(132) && values28.includes(153), "SOHR's earlier counts that day, via Ynetnews and LaPresse")
    // "Over 200 dead" (SOFX) by 28 November, and not before.
    const sofx = on28.find((s) => s.source.publisher === 'SOFX')
    t.equal(sofx?.value.low, 200)
    t.ok((await tallies('metric=killed&as_of=2024-11-27')).every((s) => headline(s.value)! < 200), 'under 200 on 27 Nov')

    const on1 = await tallies('metric=killed&as_of=2024-12-01')
    const afp = on1.filter((s) => s.source.publisher === 'AFP')
    t.same(
      afp.map((s) => s.value.best),
      [412],
      "AFP's latest statement replaces its 242 and 327",
    )
    t.same(afp[0]!.breakdown, { opposition_fighters: 214, saa_and_allies: 137, civilians: 61 })
    t.ok(on1.some((s) => s.source.publisher === 'Europa Press' && s.value.best === 231), 'Europa Press stopped at 231 on 29 Nov')
    const all = await tallies('metric=killed&as_of=2024-12-01&all=true')
    t.same(
      all
        .filter((s) => s.source.publisher === 'AFP')
        .map((s) => s.value.best)
        .sort((a, b) => a! - b!),
      [242, 327, 412],
    )
    // Civilians: the organisations' counts differ in method and area; all are listed, none is summed.
    const civilians = await tallies('metric=civilians_killed&as_of=2024-12-01')
    const byPublisher = Object.fromEntries(civilians.map((s) => [s.source.publisher, headline(s.value)]))
    t.match(byPublisher, { OCHA: 44, 'Al Jazeera': 104, 'Baladi News': 31 })
  })

  t.test('the displaced', async (t) => {
    const on28 = await tallies('metric=displaced&as_of=2024-11-28')
    t.same(
      on28.map((s) => [s.source.publisher, s.value.low]),
      [['OCHA', 14_000]],
    )
    const on1 = await tallies('metric=displaced&as_of=2024-12-01')
    t.same(
      on1.map((s) => [s.source.publisher, s.value.low]),
      [['OCHA', 48_500]],
      'the later update replaces the earlier',
    )
    t.equal((await tallies('metric=displaced&as_of=2024-11-27')).length, 0, 'nothing before the first update')
  })

  t.test('events and tallies in CSV', async (t) => {
    const res = await app.inject({ url: `/v1/events?${q}&f=csv&limit=100` })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /text\/csv/)
    const rows = parse(res.body, { columns: true }) as Record<string, string>[]
    const bundled = JSON.parse(await readFile(join(DEFAULT_DATASET_DIR, 'events.geojson'), 'utf8')).features
    t.equal(rows.length, bundled.length, 'every bundled event')
    t.ok(
      rows.some((row) => Object.values(row).includes('ev-2024-11-30-aleppo-roundabout-airstrike')),
      'the Aleppo roundabout strike',
    )
    const tallyCsv = await app.inject({ url: `/v1/tallies?${q}&metric=displaced&as_of=2024-12-01&f=csv` })
    t.equal(tallyCsv.statusCode, 200)
    t.match(tallyCsv.body, /48500/)
  })
})
