import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PNG } from 'pngjs'
import type { Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { hideMarkers, startViewer, type ViewerPage } from './browser.js'

// The viewer in Chromium on the bundled dataset, asserting what a person sees against what the API answers: the
// holder of Aleppo, the M5's badge, the distance label, the legend's km², the map's colours, a URL that restores the
// picture, and not one request off the machine. Screenshots go to .tap/viewer/ (kept by CI as artefacts).
const SHOTS = fileURLToPath(new URL('../../.tap/viewer/', import.meta.url))
const DATASET = 'aleppo-2024'
const Q = `dataset=${DATASET}`
const LAYER_NAMES = ['fronts', 'distance', 'route', 'changes']

/** What the page shows, read from its DOM. */
interface Picture {
  instant: string
  state: string
  date: { text: string; instant: string }
  slider: string
  dataset: string
  error: string
  info: { actor: string; side: string; since: string; text: string }
  badge: { text: string; severed: string }
  distance: { km: string; text: string }
  label: { km: string; text: string } | null
  legend: { actor: string; km2: string; text: string }[]
  contested: { km2: string; text: string } | null
  layers: Record<string, boolean>
  /** The instant each chart's cursor stands at (null: no chart drawn). */
  cursors: { area: string | null; distance: string | null }
}

// Written without inner functions: tsx names them with a helper (__name) the page does not have.
function picture(page: Page): Promise<Picture> {
  return page.evaluate((layerNames) => {
    const byId = document.getElementById.bind(document)
    const info = byId('info')!
    const badge = byId('route-badge')!
    const distance = byId('distance-km')!
    const label = document.querySelector<HTMLElement>('.distance-label')
    const contested = document.querySelector<HTMLElement>('#legend tr[data-contested]')
    const error = byId('error')!
    const legend = []
    for (const row of document.querySelectorAll<HTMLElement>('#legend tr[data-actor]'))
      legend.push({ actor: row.dataset.actor ?? '', km2: row.dataset.km2 ?? '', text: row.innerText })
    const layers: Record<string, boolean> = {}
    for (const name of layerNames) layers[name] = (byId(`layer-${name}`) as HTMLInputElement).checked
    return {
      instant: document.body.dataset.instant ?? '',
      state: document.body.dataset.state ?? '',
      date: { text: byId('date')!.textContent ?? '', instant: byId('date')!.dataset.instant ?? '' },
      slider: (byId('slider') as HTMLInputElement).value,
      dataset: (byId('dataset') as HTMLSelectElement).value,
      error: error.hidden ? '' : (error.textContent ?? ''),
      info: { actor: info.dataset.actor ?? '', side: info.dataset.side ?? '', since: info.dataset.since ?? '', text: info.innerText },
      badge: { text: (badge.textContent ?? '').trim(), severed: badge.dataset.severed ?? '' },
      distance: { km: distance.dataset.km ?? '', text: distance.textContent ?? '' },
      label: label ? { km: label.dataset.km ?? '', text: label.textContent ?? '' } : null,
      legend,
      contested: contested ? { km2: contested.dataset.km2 ?? '', text: contested.innerText } : null,
      layers,
      cursors: {
        area: document.querySelector<SVGElement>('#chart-area svg .cursor')?.dataset.at ?? null,
        distance: document.querySelector<SVGElement>('#chart-distance svg .cursor')?.dataset.at ?? null,
      },
    }
  }, LAYER_NAMES)
}

/** The number a person reads in `text` before `unit` ("1,234 km²", "10.9 km"), with half its last shown digit. */
function readNumber(text: string, unit: string): { value: number; tolerance: number } | null {
  const match = new RegExp(`(\\d[\\d,]*(?:\\.(\\d+))?)\\s*${unit}`).exec(text)
  if (!match) return null
  return { value: Number(match[1].replace(/,/g, '')), tolerance: 0.5 * 10 ** -(match[2]?.length ?? 0) + 1e-9 }
}

/** "28 November 2024", the date as a reader sees it. */
const longDate = (iso: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso))

/** The pixel position of [lon, lat] on the map, relative to #map. */
function project(page: Page, lonLat: number[]): Promise<[number, number]> {
  return page.evaluate(([lon, lat]) => {
    const point = (window as any).frontline.map.project([lon, lat])
    return [point.x, point.y] as [number, number]
  }, lonLat)
}

function unproject(page: Page, xy: [number, number]): Promise<[number, number]> {
  return page.evaluate(([x, y]) => (window as any).frontline.map.unproject([x, y]).toArray() as [number, number], xy)
}

/** Clicks the map at [lon, lat], as a person does. */
async function clickMap(page: Page, lonLat: number[]): Promise<void> {
  const box = await page.locator('#map').boundingBox()
  if (!box) throw new Error('#map has no box')
  const [x, y] = await project(page, lonLat)
  await page.mouse.click(box.x + x, box.y + y)
}

/** Saves a screenshot of the whole page under .tap/viewer/. */
async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}${name}.png` })
}

/** The map's canvas as drawn (markers and labels hidden), decoded; saved under .tap/viewer/ too. */
async function mapPixels(page: Page, name: string): Promise<PNG> {
  const show = await hideMarkers(page)
  try {
    const png = await page.locator('#map').screenshot()
    mkdirSync(SHOTS, { recursive: true })
    writeFileSync(`${SHOTS}${name}.png`, png)
    return PNG.sync.read(png)
  } finally {
    await show()
  }
}

/** The median colour of the 7×7 pixels around (x, y): a thin line or a town's dot through them does not change it. */
function colourAt(png: PNG, x: number, y: number): { r: number; g: number; b: number } {
  const channels: number[][] = [[], [], []]
  for (let dy = -3; dy <= 3; dy++)
    for (let dx = -3; dx <= 3; dx++) {
      const px = Math.round(x) + dx
      const py = Math.round(y) + dy
      if (px < 0 || py < 0 || px >= png.width || py >= png.height) continue
      const offset = (py * png.width + px) * 4
      for (let c = 0; c < 3; c++) channels[c].push(png.data[offset + c])
    }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  return { r: median(channels[0]), g: median(channels[1]), b: median(channels[2]) }
}

t.test('the viewer on the bundled dataset, in Chromium', async (t) => {
  const viewer = await startViewer(t)
  const { page, api, base } = viewer
  const timeline = await api(`/v1/datasets/${DATASET}/timeline`)
  const instants: string[] = timeline.instants
  const day = (date: string): string => {
    const found = instants.find((instant) => instant.startsWith(date))
    if (!found) throw new Error(`no instant on ${date} in ${instants.join(', ')}`)
    return found
  }
  const aleppo: number[] = (await api(`/v1/features/aleppo?${Q}`)).geometry.coordinates
  const idlib: number[] = (await api(`/v1/features/idlib?${Q}`)).geometry.coordinates
  const enc = encodeURIComponent
  const holderAt = async (lonLat: number[], at: string) => (await api(`/v1/control/point?${Q}&lon=${lonLat[0]}&lat=${lonLat[1]}&at=${enc(at)}`)).holder

  /** The picture at `at` checked against the API's answers for the same instant. */
  async function checkAgainstApi(
    t: Test,
    shown: Picture,
    at: string,
    options: { point?: number[]; from?: string; to?: string; route?: string; charts?: boolean } = {},
  ) {
    t.equal(shown.instant, at, 'the instant drawn')
    t.equal(shown.date.instant, at)
    t.match(shown.date.text, longDate(at), 'the date shown large')
    t.equal(shown.slider, String(instants.indexOf(at)), 'the slider at that instant')
    t.equal(shown.error, '', 'no error shown')

    const step = (await api(`/v1/analysis/area?${Q}&start=${enc(at)}&end=${enc(at)}`)).series[0]
    const expected = [...step.actors].map((entry: any) => [entry.actor, entry.areaKm2]).sort()
    t.same(shown.legend.map((row) => [row.actor, Number(row.km2)]).sort(), expected, 'the legend: km² per actor as the area analysis answers')
    for (const row of shown.legend) {
      const read = readNumber(row.text, 'km²')
      const km2 = Number(row.km2)
      t.ok(read && Math.abs(read.value - km2) <= Math.max(read.tolerance, 0.5), `${row.actor}: "${row.text.trim()}" reads ${km2} km²`)
    }
    if (step.contestedKm2 > 0) t.equal(Number(shown.contested?.km2), step.contestedKm2, 'the contested row')
    else t.equal(shown.contested, null, 'no contested row')

    if (options.from && options.to) {
      const distance = await api(`/v1/analysis/distance?${Q}&from=${enc(options.from)}&to=${enc(options.to)}&at=${enc(at)}`)
      t.equal(Number(shown.distance.km), distance.distanceKm, `#distance-km is the API's distanceKm (${distance.distanceKm})`)
      t.ok(shown.label, 'a distance label on the map')
      t.equal(Number(shown.label?.km), distance.distanceKm, 'the label is the API distanceKm')
      const read = readNumber(shown.label?.text ?? '', 'km')
      t.ok(read && Math.abs(read.value - distance.distanceKm) <= read.tolerance, `the label "${shown.label?.text}" reads ${distance.distanceKm} km`)
    }
    if (options.route) {
      const route = await api(`/v1/analysis/route?${Q}&feature=${enc(options.route)}&at=${enc(at)}`)
      t.equal(shown.badge.text, route.severed ? 'severed' : 'open', `the ${options.route} badge`)
      t.equal(shown.badge.severed, String(route.severed))
    }
    if (options.charts) t.same(shown.cursors, { area: at, distance: at }, 'both charts have their cursor at the instant')
    if (options.point) {
      const holder = await holderAt(options.point, at)
      t.equal(shown.info.actor, holder?.actor ?? '', 'the watched place: its holder')
      t.equal(shown.info.side, holder?.side ?? '', 'and its side')
    }
  }

  /** Presses ArrowRight on the focused slider and waits for the next instant to be drawn. */
  async function stepRight(p: ViewerPage): Promise<string> {
    const before = await p.page.evaluate(() => document.body.dataset.instant ?? '')
    const next = instants[instants.indexOf(before) + 1]
    await p.page.keyboard.press('ArrowRight')
    await p.ready(next)
    return next
  }

  let shared: { from: string; to: string; route: string } = { from: '', to: '', route: '' }

  t.test('GET / in a browser: the first dataset at the first instant of its timeline', async (t) => {
    await viewer.open('/', instants[0])
    const shown = await picture(page)
    t.equal(shown.dataset, DATASET)
    t.equal(shown.instant, instants[0])
    t.equal(instants[0], day('2024-11-26'))
    const hash = await viewer.hash()
    t.equal(hash.get('dataset'), DATASET, 'the state written in the URL')
    t.equal(hash.get('at'), instants[0])
    t.equal(hash.get('from'), 'side:opposition', 'distance from the side that gained')
    t.equal(hash.get('to'), 'feature:aleppo-outskirts', 'to the outskirts of Aleppo')
    shared = { from: hash.get('from')!, to: hash.get('to')!, route: hash.get('route') ?? '' }
    t.equal(shared.route, 'm5', 'the M5 is the route shown')
  })

  t.test('the dataset picker lists every dataset of /v1/datasets', async (t) => {
    const datasets = (await api('/v1/datasets?limit=1000')).datasets.map((dataset: any) => dataset.id)
    const options = await page.$$eval('#dataset option', (elements) => elements.map((element) => (element as HTMLOptionElement).value))
    t.same(options.sort(), datasets.sort())
  })

  t.test('fronts, distance and route on; a click on Aleppo watches it', async (t) => {
    for (const layer of ['fronts', 'distance', 'route']) {
      const checkbox = page.locator(`#layer-${layer}`)
      if (await checkbox.isChecked()) continue
      await checkbox.check()
      await viewer.ready(instants[0])
    }
    // The charts come after the first picture.
    await page.waitForSelector('#chart-area svg .cursor', { state: 'attached' })
    await page.waitForSelector('#chart-distance svg .cursor', { state: 'attached' })
    await clickMap(page, aleppo)
    await page.waitForSelector('#info[data-side]:not([data-side=""])', { state: 'attached' })
    await viewer.ready(instants[0])
    const point = (await viewer.hash()).get('point')
    t.ok(point, `point= in the URL (${point})`)
    const shown = await picture(page)
    t.same(
      LAYER_NAMES.filter((name) => shown.layers[name]),
      ['fronts', 'distance', 'route'],
    )
    t.equal(shown.info.side, 'government', 'Aleppo is held by the government on 26 November')
    t.equal(shown.badge.text, 'open', 'the M5 reads open on the 26th')
    await checkAgainstApi(t, shown, instants[0], { point: point!.split(',').map(Number), charts: true, ...shared })
    await shoot(page, '2024-11-26')
  })

  t.test('from 26 to 30 November with the keyboard: Tab to the slider, ArrowRight steps', async (t) => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    let focused = ''
    for (let presses = 0; presses < 120 && focused !== 'slider'; presses++) {
      await page.keyboard.press('Tab')
      focused = await page.evaluate(() => document.activeElement?.id ?? '')
    }
    t.equal(focused, 'slider', 'the slider is reached with Tab')
    const point = (await viewer.hash()).get('point')!.split(',').map(Number)
    for (const date of ['2024-11-27', '2024-11-28', '2024-11-29', '2024-11-30']) {
      const at = await stepRight(viewer)
      t.equal(at, day(date))
      const shown = await picture(page)
      await checkAgainstApi(t, shown, at, { point, charts: true, ...shared })
      if (date === '2024-11-28') {
        t.equal(shown.badge.text, 'severed', 'the M5 reads severed on the 28th')
        await shoot(page, date)
      }
      if (date === '2024-11-30') {
        t.equal(shown.info.side, 'opposition', 'Aleppo is held by the opposition on 30 November')
        await shoot(page, date)
      }
    }
    t.equal(await page.evaluate(() => document.activeElement?.id), 'slider', 'focus stays on the slider')
  })

  t.test('reloading the URL restores dataset, instant, layers and view', async (t) => {
    // Away from the defaults first: the route off, the map zoomed in.
    await page.locator('#layer-route').uncheck()
    await viewer.ready(day('2024-11-30'))
    const mapBefore = (await viewer.hash()).get('map')
    await page.locator('.maplibregl-ctrl-zoom-in').click()
    await page.waitForFunction((before) => new URLSearchParams(location.hash.slice(1)).get('map') !== before, mapBefore)
    await viewer.ready(day('2024-11-30'))
    const url = page.url()
    const before = await picture(page)
    const view = () =>
      page.evaluate(() => {
        const map = (window as any).frontline.map
        return { zoom: map.getZoom(), center: map.getCenter().toArray() as number[] }
      })
    const viewBefore = await view()
    await page.reload()
    await viewer.ready(day('2024-11-30'))
    const after = await picture(page)
    t.equal(page.url(), url, 'the same URL')
    t.equal(after.dataset, before.dataset)
    t.equal(after.instant, before.instant)
    t.same(after.layers, before.layers, 'the same layers')
    t.equal(after.layers.route, false)
    t.equal(after.info.side, 'opposition', 'the watched place')
    t.equal(after.info.actor, before.info.actor)
    const viewAfter = await view()
    // The URL keeps the zoom to 0.01 and the centre to 1e-4 degrees.
    t.ok(Math.abs(viewAfter.zoom - viewBefore.zoom) <= 0.006, `zoom ${viewAfter.zoom} ≈ ${viewBefore.zoom}`)
    t.ok(
      Math.abs(viewAfter.center[0] - viewBefore.center[0]) <= 1e-4 && Math.abs(viewAfter.center[1] - viewBefore.center[1]) <= 1e-4,
      `centre ${viewAfter.center} ≈ ${viewBefore.center}`,
    )
    t.equal(after.badge.text, '', 'no route badge with the route off')
    await checkAgainstApi(t, after, day('2024-11-30'), { from: shared.from, to: shared.to })
  })

  t.test('the play button advances the instant', async (t) => {
    const from = await page.evaluate(() => document.body.dataset.instant ?? '')
    await page.locator('#play').click()
    t.equal(await page.locator('#play').getAttribute('aria-pressed'), 'true', 'pressed while playing')
    const next = instants[instants.indexOf(from) + 1]
    await viewer.ready(next)
    t.equal((await picture(page)).instant, next)
    // At the last instant play stops by itself; anywhere else a second press pauses it.
    if ((await page.locator('#play').getAttribute('aria-pressed')) === 'true' && next !== instants.at(-1)) await page.locator('#play').click()
    await page.waitForSelector('#play[aria-pressed="false"]', { state: 'attached' })
  })

  t.test('map colours: Aleppo red on the 26th and green on the 30th, Idlib green on both', async (t) => {
    const p = await viewer.newPage()
    const centre = [(aleppo[0] + idlib[0]) / 2, (aleppo[1] + idlib[1]) / 2]
    // No overlays: only the areas (and the base map under them) at the places sampled.
    await p.open(`/#dataset=${DATASET}&at=${day('2024-11-26')}&layers=&map=9/${centre[1]}/${centre[0]}`, day('2024-11-26'))
    // Beside each city's dot, where the API says the holders are those of the city.
    const places: { name: string; lonLat: number[]; sides: [string, string] }[] = [
      { name: 'Aleppo', lonLat: aleppo, sides: ['government', 'opposition'] },
      { name: 'Idlib', lonLat: idlib, sides: ['opposition', 'opposition'] },
    ]
    const samples: { name: string; xy: [number, number]; sides: [string, string] }[] = []
    const offsets: [number, number][] = [
      [0, 16],
      [16, 0],
      [-16, 0],
      [0, -16],
      [12, 12],
      [-12, 12],
      [12, -12],
      [-12, -12],
    ]
    for (const place of places) {
      const [x, y] = await project(p.page, place.lonLat)
      let found: [number, number] | null = null
      for (const [dx, dy] of offsets) {
        const lonLat = await unproject(p.page, [x + dx, y + dy])
        const holders = [await holderAt(lonLat, day('2024-11-26')), await holderAt(lonLat, day('2024-11-30'))]
        if (holders.every((holder, i) => holder?.side === place.sides[i] && holder?.status !== 'contested')) {
          found = [x + dx, y + dy]
          break
        }
      }
      t.ok(found, `a pixel beside ${place.name} held by ${place.sides.join(' then ')}`)
      if (found) samples.push({ name: place.name, xy: found, sides: place.sides })
    }
    const check = (png: PNG, index: 0 | 1) => {
      for (const sample of samples) {
        const { r, g, b } = colourAt(png, ...sample.xy)
        const side = sample.sides[index]
        // saa is red, hts and sna green; blended with the land under them, so channels compared, not values.
        if (side === 'government') t.ok(r > g + 30, `${sample.name} on the ${index === 0 ? '26th' : '30th'} reads red (rgb ${r},${g},${b})`)
        else t.ok(g > r + 30, `${sample.name} on the ${index === 0 ? '26th' : '30th'} reads green (rgb ${r},${g},${b})`)
      }
    }
    check(await mapPixels(p.page, 'map-2024-11-26'), 0)
    await p.page.locator('#slider').focus()
    for (let i = instants.indexOf(day('2024-11-26')); i < instants.indexOf(day('2024-11-30')); i++) await stepRight(p)
    check(await mapPixels(p.page, 'map-2024-11-30'), 1)
    t.same(p.errors, [], 'no error in the page')
    await p.context.close()
  })

  t.test('/map serves the same page; a date in the URL means the last instant of that day', async (t) => {
    const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }
    const map = await fetch(`${base}/map`, { headers: html })
    const root = await fetch(`${base}/`, { headers: html })
    t.equal(map.status, 200)
    t.match(map.headers.get('content-type'), /^text\/html/)
    t.equal(await root.text(), await map.text(), 'the same page at / and /map')
    const p = await viewer.newPage()
    const since = day('2024-11-26')
    await p.open(`/map#dataset=${DATASET}&at=2024-11-28&layers=route,changes&since=${since}`, day('2024-11-28'))
    const shown = await picture(p.page)
    t.equal(shown.badge.text, 'severed', 'the M5 severed on the 28th')
    t.same(
      LAYER_NAMES.filter((name) => shown.layers[name]),
      ['route', 'changes'],
    )
    await checkAgainstApi(t, shown, day('2024-11-28'), { route: 'm5' })
    // Ground gained and lost since the 26th, per actor, as the changes analysis answers.
    const changes = await api(`/v1/analysis/changes?${Q}&start=${encodeURIComponent(since)}&end=${encodeURIComponent(day('2024-11-28'))}`)
    const rows = await p.page.$$eval('#changes-summary tr[data-actor]', (elements) =>
      elements.map((element) => [
        (element as HTMLElement).dataset.actor,
        Number((element as HTMLElement).dataset.gained),
        Number((element as HTMLElement).dataset.lost),
      ]),
    )
    const moved = changes.actors
      .filter((entry: any) => entry.gainedKm2 > 0 || entry.lostKm2 > 0)
      .map((entry: any) => [entry.actor, entry.gainedKm2, entry.lostKm2])
    t.ok(moved.length > 0, 'ground changed hands between the 26th and the 28th')
    t.same(rows.sort(), moved.sort(), 'the changes summary: km² gained and lost per actor')
    t.same(p.errors, [], 'no error in the page')
    await p.context.close()
  })

  t.test('events and tolls: the circles and totals of the day shown, the tolls reported by then, an event on click', async (t) => {
    const p = await viewer.newPage()
    const at = day('2024-11-28')
    await p.open(`/#dataset=${DATASET}&at=${at}&layers=events`, at)
    await p.page.waitForSelector('#events-summary[data-events]', { state: 'attached' })
    await p.page.waitForSelector('#tallies tr', { state: 'attached' })
    // The map of the 28th is in force for that day alone (the next map is the 29th's).
    const events = await api(`/v1/events?${Q}&start=2024-11-28&end=2024-11-28&limit=1000`)
    const totals = await api(`/v1/analysis/events?${Q}&start=2024-11-28&end=2024-11-28`)
    t.ok(events.features.length > 0, `the bundle has events on 28 November (${events.features.length})`)
    const summary = await p.page.$eval('#events-summary', (element) => {
      const { events, count, fatalitiesBest } = (element as HTMLElement).dataset
      return { events, count, fatalitiesBest }
    })
    t.equal(Number(summary.events), totals.total.events, 'the count of events is the aggregate answer')
    t.equal(Number(summary.count), events.features.length, 'every event of the day is drawn')
    t.equal(summary.fatalitiesBest, String(totals.total.fatalities.best ?? ''), 'the dead (best estimate) as the aggregate answers')
    const drawn = await p.page.evaluate(() => (window as any).frontline.map.querySourceFeatures('events').map((feature: any) => feature.properties.eid))
    t.same([...new Set(drawn)].sort(), events.features.map((feature: any) => feature.id).sort(), 'a circle per event, by id')

    const tallies = await api(`/v1/tallies?${Q}&as_of=2024-11-28`)
    const rows = await p.page.$$eval('#tallies tr[data-tally]', (elements) =>
      elements.map((element) => [(element as HTMLElement).dataset.tally, (element as HTMLElement).dataset.best]),
    )
    t.ok(tallies.tallies.length > 1, 'several tolls reported by the 28th')
    t.same(
      rows.sort(),
      tallies.tallies.map((tally: any) => [tally.id, String(tally.value.best ?? '')]).sort(),
      'every statement listed, each with its own figure',
    )

    // A click on an event's circle: the place, who held the ground that day, and the sources.
    const target = events.features.find((feature: any) => feature.geometry.type === 'Point')
    await p.page.evaluate(([lon, lat]) => (window as any).frontline.map.jumpTo({ center: [lon, lat], zoom: 11 }), target.geometry.coordinates)
    await p.page.waitForFunction(() => (window as any).frontline.map.loaded())
    await clickMap(p.page, target.geometry.coordinates)
    await p.page.waitForSelector('#info[data-event]', { state: 'attached' })
    const info = await p.page.$eval('#info', (element) => ({ id: (element as HTMLElement).dataset.event, text: (element as HTMLElement).innerText }))
    const clicked = events.features.find((feature: any) => feature.id === info.id)
    t.ok(clicked, `the panel shows an event of the day (${info.id})`)
    const held = clicked.properties.held_by
    t.match(info.text, held?.side ? held.side : 'no area covers it', 'with who held its ground')
    t.match(info.text, clicked.properties.sources[0].publisher, 'and its sources')
    t.same(p.errors, [], 'no error in the page')
    await p.context.close()
  })

  t.test('the OGC landing page is still JSON for application/json and HTML at /?f=html', async (t) => {
    const json = await fetch(`${base}/`, { headers: { accept: 'application/json' } })
    t.equal(json.status, 200)
    t.match(json.headers.get('content-type'), /^application\/json/)
    t.match(await json.json(), { links: [{ rel: String }] })
    const landing = await fetch(`${base}/?f=html`, { headers: { accept: 'text/html' } })
    t.equal(landing.status, 200)
    t.match(landing.headers.get('content-type'), /^text\/html/)
    const body = await landing.text()
    t.notMatch(body, 'id="slider"', 'the landing page, not the viewer')
    t.match(body, /conformance/i)
  })

  t.test('the page asked for nothing off the machine', async (t) => {
    const own = (url: string) => url.startsWith(`${base}/`) || url.startsWith(`blob:${base}/`) || url.startsWith('data:')
    t.ok(
      viewer.everyRequest.some((url) => url.includes('/tiles/')),
      'the record holds the tiles, fetched by the map worker',
    )
    t.same(
      viewer.everyRequest.filter((url) => !own(url)),
      [],
      `${viewer.everyRequest.length} requests of every page, all to ${base}`,
    )
    t.same(viewer.errors, [], 'no error in the page')
  })
})
