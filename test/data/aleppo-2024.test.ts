import t from 'tap'
import { loadBundle, DEFAULT_DATASET_DIR } from '../../src/modules/imports/imports.bundle.js'
import { greatCircleKm } from '../geo/shapes.js'
import { buildTestApp, openTestDatabase } from '../helpers.js'

// The bundled dataset must tell the reported story of 26 November – 1 December 2024 from data,
// through the same API a client uses. Every figure is checked against the range its cited sources
// give (the source ids are in the messages and in data/aleppo-2024/manifest.json), not against a
// window fitted to the data:
//
//   front → Aleppo outskirts  27 Nov: anadolu-anews-2024-11-28 "some 5 km from Aleppo city",
//                                     reuters-2024-11-28 (army source) "almost 10 km from the outskirts",
//                                     rudaw-sohr-2024-11-29 (SOHR) "within 10 kilometers" → at most 10 km
//                             28 Nov: trt-world-2024-11-29 "within 1 km of the outer neighbourhoods",
//                                     afp-sohr-2024-11-29 (next morning) "almost two kilometers" → 0–2 km
//                             29 Nov: afp-sohr-2024-11-30, ap-2024-11-29: inside the western districts
//   "advanced ~10 km" (sofx-2024-11-28, an aggregator reading reuters-2024-11-28) is the closure of
//   that gap: from beyond 10 km (26 Nov) to within 2 km (28 Nov), so at least 8 km. The depth along
//   a named axis (al-Atarib – Urum al-Kubra – Khan al-Asal – Aleppo) is asserted on its own: at least
//   the distance between Urum al-Kubra and Khan al-Asal, both reported taken by 28 Nov.
const q = 'dataset=aleppo-2024'

t.test('data/aleppo-2024', async (t) => {
  const database = await openTestDatabase(t)
  const limits = { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 }
  const report = await loadBundle({ db: database.db, limits }, DEFAULT_DATASET_DIR)
  const app = await buildTestApp(t, {}, database)
  const json = async (url: string) => {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`)
    return res.json()
  }
  const holder = async (id: string, at: string) => (await json(`/v1/features/${id}/control?${q}&at=${at}`)).holder
  const distance = async (at: string) => json(`/v1/analysis/distance?${q}&from=side:opposition&to=feature:aleppo-outskirts&at=${at}`)
  const position = async (id: string): Promise<number[]> => (await json(`/v1/features/${id}?${q}`)).geometry.coordinates
  const dataset = await json('/v1/datasets/aleppo-2024')
  const snapshots: { validFrom: string; taken: { place: string; sources: string[]; status?: string }[] }[] = dataset.properties.snapshots

  t.test('loads once: a second load writes nothing', async (t) => {
    t.ok(report.imports.length >= 7, 'features and six snapshots')
    const again = await loadBundle({ db: database.db, limits }, DEFAULT_DATASET_DIR)
    t.ok(again.imports.every((entry) => entry.replayed))
  })

  t.test('has the stable ids clients rely on', async (t) => {
    for (const actor of ['hts', 'sna', 'saa', 'ru', 'sdf']) t.equal((await app.inject({ url: `/v1/datasets/aleppo-2024/actors/${actor}` })).statusCode, 200, actor)
    t.match(await json('/v1/datasets/aleppo-2024/actors/hts'), { side: 'opposition' })
    t.match(await json('/v1/datasets/aleppo-2024/actors/sna'), { side: 'opposition' })
    t.match(await json('/v1/datasets/aleppo-2024/actors/saa'), { side: 'government' })
    t.match(await json('/v1/datasets/aleppo-2024/actors/ru'), { side: 'government' })
    t.match(await json('/v1/datasets/aleppo-2024/actors/sdf'), { side: 'sdf' })
    for (const id of ['aleppo', 'aleppo-outskirts', 'm5', 'm4', 'base-46', 'saraqib', 'idlib']) t.equal((await app.inject({ url: `/v1/features/${id}?${q}` })).statusCode, 200, id)
    t.match(await json(`/v1/features/m5?${q}`), { geometry: { type: 'LineString' }, properties: { ownerSide: 'government' } })
    t.match(await json(`/v1/features/aleppo-outskirts?${q}`), { geometry: { type: 'Polygon' } })
    const timeline = await json(`/v1/datasets/aleppo-2024/timeline`)
    t.equal(timeline.first, '2024-11-26T00:00:00.000Z')
    t.same(
      snapshots.map((s) => s.validFrom),
      ['2024-11-26', '2024-11-27', '2024-11-28', '2024-11-29', '2024-11-30', '2024-12-01'],
      'six daily snapshots',
    )
  })

  t.test('every reference feature says where its position comes from and how far off it may be', async (t) => {
    const list = await json(`/v1/features?${q}&limit=1000`)
    t.ok(list.features.length > 50)
    const cited = new Set<string>()
    for (const feature of list.features) {
      t.type(feature.properties.positionSource, 'string', `${feature.id}: positionSource`)
      t.ok(feature.properties.uncertaintyKm > 0 && feature.properties.uncertaintyKm <= 5, `${feature.id}: uncertaintyKm ${feature.properties.uncertaintyKm}`)
      for (const source of feature.properties.positionSources ?? []) cited.add(source)
    }
    for (const source of cited) t.match(await json(`/v1/datasets/aleppo-2024/sources/${source}`), { registered: true }, `position source ${source}`)
    // The positions fixed from published coordinates and distances, checked against those figures.
    const atarib = await position('al-atarib')
    const base = await position('base-46')
    t.ok(base[0] > atarib[0] && base[1] < atarib[1], 'Base 46 lies south-east of al-Atarib (wikipedia-siege-of-base-46)')
    const toAtarib = greatCircleKm(base, atarib)
    t.ok(toAtarib > 4 && toAtarib < 7, `al-Atarib about five kilometres west of Base 46: ${toAtarib.toFixed(1)} km (daily-star-2012-10-09)`)
    const nubl = await position('nubl')
    const zahraa = await position('al-zahraa')
    t.ok(zahraa[0] > nubl[0] && zahraa[1] < nubl[1], 'al-Zahraa lies south-east of Nubl (wikipedia-al-zahraa)')
    const khanAlAsal = await position('khan-al-asal')
    const fromCentre = greatCircleKm(khanAlAsal, await position('aleppo'))
    t.ok(Math.abs(fromCentre - 12) < 0.2, `Khan al-Asal 12 km from central Aleppo: ${fromCentre.toFixed(2)} km (wikipedia-khan-al-asal)`)
    const sheikhAli = await position('sheikh-ali')
    const m5 = (await json(`/v1/features/m5?${q}`)).geometry.coordinates as number[][]
    const leg = m5.findIndex((p, i) => i > 0 && m5[i - 1][1] <= sheikhAli[1] && p[1] > sheikhAli[1])
    const [a, b] = [m5[leg - 1], m5[leg]]
    const m5Lon = a[0] + ((sheikhAli[1] - a[1]) / (b[1] - a[1])) * (b[0] - a[0])
    t.ok(sheikhAli[0] < m5Lon, `Sheikh Ali lies west of the M5 (${sheikhAli[0]} < ${m5Lon.toFixed(4)})`)
  })

  t.test('each place reported taken changes hands on the day its sources give', async (t) => {
    let checked = 0
    for (let i = 1; i < snapshots.length; i++) {
      const { validFrom: day, taken } = snapshots[i]
      const before = snapshots[i - 1].validFrom
      for (const entry of taken) {
        const cites = entry.sources.join(', ')
        for (const source of entry.sources) t.match(await json(`/v1/datasets/aleppo-2024/sources/${source}`), { registered: true }, `${source} is registered`)
        const was = await holder(entry.place, before)
        const now = await holder(entry.place, day)
        t.not(was?.side, 'opposition', `${entry.place} not opposition-held on ${before}`)
        if (entry.status === 'contested') t.match(now, { actor: null, status: 'contested' }, `${entry.place} contested on ${day} (${cites})`)
        else t.match(now, { side: 'opposition' }, `${entry.place} opposition-held on ${day} (${cites})`)
        checked++
      }
    }
    t.ok(checked >= 25, `${checked} places checked`)
    const first = snapshots[1].taken.map((entry) => entry.place)
    for (const id of ['base-46', 'urum-al-kubra', 'urum-al-sughra', 'anjara', 'qubtan-al-jabal', 'sheikh-aqil', 'kafr-basin', 'qasimiyah', 'hur', 'bala'])
      t.ok(first.includes(id), `${id} reported taken on 27 Nov`)
    t.notOk(
      snapshots.some((s) => s.taken.some((entry) => entry.place === 'sheikh-ali' || entry.place === 'kafr-naha')),
      'Sheikh Ali and Kafr Naha are in no report: not listed as taken',
    )
  })

  t.test('26 November: before the offensive', async (t) => {
    const m5 = await json(`/v1/analysis/route?${q}&feature=m5&at=2024-11-26`)
    t.equal(m5.severed, false, 'the M5 is open for the government')
    t.match(await holder('base-46', '2024-11-26'), { side: 'government' })
    const d = await distance('2024-11-26')
    t.ok(d.distanceKm > 10, `front ${d.distanceKm} km from the outskirts: more than the ~10 km reached on 27 Nov (reuters-2024-11-28, rudaw-sohr-2024-11-29)`)
  })

  t.test('27 November: the base and the villages west of Aleppo', async (t) => {
    const m5 = await json(`/v1/analysis/route?${q}&feature=m5&at=2024-11-27`)
    t.equal(m5.severed, false, 'the M5 is still open: the cut is reported on 28 Nov (afp-sohr-2024-11-28)')
    t.match(await holder('base-46', '2024-11-27'), { side: 'opposition' }, 'Base 46 taken (anadolu-anews-2024-11-28, syrian-observer-2024-11-27)')
    const d = await distance('2024-11-27')
    const before = await distance('2024-11-26')
    t.ok(
      d.distanceKm > 0 && d.distanceKm <= 10 && d.distanceKm < before.distanceKm,
      `front ${d.distanceKm} km from the outskirts: within the sources' 5–10 km or nearer (anadolu-anews-2024-11-28, reuters-2024-11-28, rudaw-sohr-2024-11-29)`,
    )
  })

  t.test('28 November: M5 cut, within 0–2 km of the outskirts', async (t) => {
    const m5 = await json(`/v1/analysis/route?${q}&feature=m5&at=2024-11-28`)
    t.equal(m5.severed, true, 'the M5 is severed (afp-sohr-2024-11-28)')
    const saraqib = await position('saraqib')
    const aleppo = await position('aleppo')
    const zerbah = await position('al-zerbah')
    const cutStretches = m5.segments.filter((s: any) => s.side === 'opposition')
    const between = cutStretches.filter((s: any) => s.geometry.coordinates.every(([, lat]: number[]) => lat > saraqib[1] && lat < aleppo[1]))
    t.ok(between.length > 0, `a cut lies between Saraqib (lat ${saraqib[1]}) and Aleppo (lat ${aleppo[1]})`)
    t.ok(
      between.some((s: any) => s.geometry.coordinates.some((p: number[]) => greatCircleKm(p, zerbah) < 3)),
      'the M5 is cut at al-Zerbah (syria-revisited-2024-11-29, afp-sohr-2024-11-28)',
    )
    t.match(await holder('saraqib', '2024-11-28'), { side: 'government' }, 'Saraqib itself falls on the 29th (afp-sohr-2024-11-30)')
    const d = await distance('2024-11-28')
    t.equal(d.overlaps, false, 'not yet inside the city (afp-sohr-2024-11-29: a Syrian official says the city limits were not reached)')
    t.ok(d.distanceKm > 0 && d.distanceKm <= 2, `front ${d.distanceKm} km from the outskirts, within the sources' 0–2 km (trt-world-2024-11-29: within 1 km; afp-sohr-2024-11-29: almost 2 km)`)
    const series = await json(`/v1/analysis/distance?${q}&from=side:opposition&to=feature:aleppo-outskirts&start=2024-11-26&end=2024-11-28&step=P1D`)
    t.ok(
      series.summary.advanceKm >= 8,
      `the gap to the outskirts closed by ${series.summary.advanceKm} km: from beyond 10 km to within 2 km, the sources' "about 10 km" (sofx-2024-11-28, reuters-2024-11-28)`,
    )
    const axis = async (at: string) => (await json(`/v1/analysis/route?${q}&feature=atarib-aleppo-axis&owner=government&at=${at}`)).kmBySide.opposition ?? 0
    const depth = (await axis('2024-11-28')) - (await axis('2024-11-26'))
    const floor = greatCircleKm(await position('urum-al-kubra'), await position('khan-al-asal'))
    t.ok(depth >= floor, `depth along the al-Atarib – Aleppo axis ${depth.toFixed(1)} km ≥ Urum al-Kubra → Khan al-Asal ${floor.toFixed(1)} km (anadolu-anews-2024-11-28, syria-revisited-2024-11-29)`)
    const changes = await json(`/v1/analysis/changes?${q}&start=2024-11-26&end=2024-11-28`)
    const changed = changes.featuresChanged.filter((f: any) => f.from?.side === 'government' && f.to?.side === 'opposition')
    t.ok(changed.some((f: any) => f.id === 'base-46'), 'the base changed hands')
    t.ok(changed.filter((f: any) => f.kind === 'village' || f.kind === 'town').length >= 15, `villages: ${changed.map((f: any) => f.id)}`)
    const opposition = changes.sides.find((s: any) => s.side === 'opposition')
    t.ok(opposition.gainedKm2 > 245, `opposition gained ${opposition.gainedKm2} km² in two days, more than the 245 km² of the first day (anadolu-anews-2024-11-28)`)
    const front = await json(`/v1/analysis/fronts?${q}&at=2024-11-28&sides=opposition,government`)
    t.ok(front.features[0].properties.lengthKm > 50)
  })

  t.test('29 November: inside western Aleppo', async (t) => {
    const d = await distance('2024-11-29')
    t.equal(d.overlaps, true, 'the opposition holds ground inside the outskirts (afp-sohr-2024-11-30, ap-2024-11-29)')
    t.match(await holder('aleppo', '2024-11-29'), { side: 'government' }, 'the centre not yet')
  })

  t.test('30 November and 1 December: Aleppo held by the opposition; the SNA in the east', async (t) => {
    for (const day of ['2024-11-30', '2024-12-01']) {
      t.match(await holder('aleppo', day), { side: 'opposition' }, `${day} (politico-2024-11-30, devdiscourse-cnn-2024-12-01)`)
    }
    t.match(await holder('aleppo', '2024-11-28'), { side: 'government' })
    for (const id of ['as-safirah', 'khanasir', 'kuweires-airbase', 'tal-rifaat']) {
      t.match(await holder(id, '2024-12-01'), { actor: 'sna' }, `${id} taken by the SNA on 1 Dec (wikipedia-dawn-of-freedom, daily-sabah-2024-12-01)`)
      t.notMatch(await holder(id, '2024-11-30'), { side: 'opposition' }, `${id} not before`)
    }
    const control = await json(`/v1/control?${q}&at=2024-12-01`)
    t.ok(
      control.features.some((f: any) => f.properties.status === 'contested' && f.properties.actor === null),
      'the ground between the HTS line and the SNA corridor to Khanasir is contested, not given to a side',
    )
  })
})
