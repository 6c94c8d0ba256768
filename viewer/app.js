// The viewer: a dataset's control map at one instant of its timeline, drawn from the service's vector tiles, with
// the analyses the API computes for that instant drawn over it, and charts of the whole timeline beside it.
// Everything it loads comes from this server (MapLibre GL JS included); the state is in the URL's fragment.

import { forgetAnswers, getAll, getJson } from './api.js'
import { drawAreaChart, drawDistanceChart } from './charts.js'
import { eventDetail } from './events.js'
import { escapeHtml, km2, longDate, shortDate } from './format.js'
import { clearOverlay, LOAD } from './overlays.js'
import { LAYERS, readState, writeState } from './state.js'
import { actorColours, AREA_OPACITY, AREA_SOURCES, baseStyle, CONTESTED, datasetLayers, hatchImage } from './style.js'

const maplibregl = window.maplibregl
const settings = JSON.parse(document.getElementById('settings')?.textContent ?? '{}')
const $ = (id) => document.getElementById(id)
const PLAY_STEP_MS = 1200
const LABEL_KINDS = { city: 0, base: 1, airport: 1, town: 2, district: 2, village: 3, outskirts: 9, highway: 1 }

/** What the page shows and what it knows of the dataset shown; the overlays read it. */
const context = {
  dataset: null,
  actors: [],
  colours: {},
  features: [],
  instants: [],
  sources: new Map(),
  // The events drawn, by id, as the API gave them (the map keeps only flat properties).
  shownEvents: new Map(),
  state: readState(location.hash),
  setData: (name, data) => map.getSource(name)?.setData(data),
  setLabel,
  featureName: (id) => context.features.find((feature) => feature.id === id)?.properties.name ?? id,
  actorName: (id) => context.actors.find((actor) => actor.id === id)?.name ?? id,
}
window.frontline = { map: null, state: context.state }

let map
let attribution
let generation = 0
let controller = null
let playing = false
let playToken = 0
let direction = 1
let datasetGeneration = 0
let panelGeneration = 0
let chartGeneration = 0
let areaCursor = () => {}
let distanceCursor = () => {}
let chartStep = 'P1D'
// Which of the two area sources is shown, and the instant each holds (see showAreas).
const areas = { shown: 0, instants: [null, null] }
const labels = new Map()
let featureMarkers = []

main().catch(fail)

async function main() {
  const datasets = await getAll('/v1/datasets', {}, 'datasets')
  $('dataset').innerHTML = datasets.map((dataset) => `<option value="${escapeHtml(dataset.id)}">${escapeHtml(dataset.name)}</option>`).join('')
  $('dataset').addEventListener('change', () => openDataset($('dataset').value, { ...readState(''), layers: null }).catch(fail))
  const chosen = datasets.find((dataset) => dataset.id === context.state.dataset) ?? datasets[0]
  if (!chosen) {
    $('date').textContent = 'No dataset yet: import one through the API (see /docs)'
    document.body.dataset.state = 'ready'
    return
  }
  map = new maplibregl.Map({ container: 'map', style: baseStyle(settings), center: [0, 20], zoom: 1, attributionControl: false, maxPitch: 0, fadeDuration: 0 })
  window.frontline.map = map
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left')
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left')
  // The dataset is asked for while the map loads its style and base map.
  const loading = loadDataset(chosen.id)
  await new Promise((resolve) => map.once('load', resolve))
  map.addImage('hatch', hatchImage())
  map.on('moveend', () => {
    context.state.map = { zoom: map.getZoom(), center: map.getCenter().toArray() }
    writeHash()
  })
  map.on('zoom', zoomLabels)
  map.on('click', (event) => pick(event).catch(fail))
  for (const layer of ['feature-points', 'highways', 'outskirts', 'events']) {
    map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'))
    map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''))
  }
  // When the areas were first drawn, for the benchmark (bench/viewer.ts) and anyone curious.
  const painted = () => {
    if (!map.getSource(AREA_SOURCES[0]) || !map.isSourceLoaded(AREA_SOURCES[0])) return
    window.frontline.firstPaint = performance.now()
    map.off('render', painted)
  }
  map.on('render', painted)
  wireControls()
  await openDataset(chosen.id, context.state, await loading)
}

/** A dataset's record, timeline, actors, features and sources, and what changed over its whole timeline. */
async function loadDataset(id) {
  const path = `/v1/datasets/${encodeURIComponent(id)}`
  const timeline = getJson(`${path}/timeline`, { limit: 10_000 })
  // What changed over the whole timeline: which sides to show a front between, and where to look.
  // Only a default: when it cannot be had, the sides come from the actors and the view from the dataset's extent.
  const whole = timeline
    .then(({ first, last }) =>
      first && last && first !== last ? getJson('/v1/analysis/changes', { dataset: id, start: first, end: last, polygons: true }) : null,
    )
    .catch((error) => {
      console.warn(error)
      return null
    })
  // Whether the dataset holds events: the events layer is on by default only where there are some.
  const events = getJson('/v1/events', { dataset: id, limit: 1 })
    .then((answer) => (answer.numberMatched ?? answer.features.length) > 0)
    .catch(() => false)
  const [dataset, actors, features, sources] = await Promise.all([
    getJson(path),
    getAll(`${path}/actors`, {}, 'actors'),
    getAll('/v1/features', { dataset: id }, 'features'),
    getAll(`${path}/sources`, {}, 'sources'),
  ])
  return { dataset, actors, features, sources, timeline: await timeline, whole: await whole, hasEvents: await events }
}

/** Opens a dataset (loaded here unless given): picks what the URL does not say, and shows it. */
async function openDataset(id, wanted, loaded) {
  const mine = ++datasetGeneration
  document.body.dataset.state = 'loading'
  $('dataset').value = id
  forgetAnswers()
  const { dataset, timeline, actors, features, sources, whole, hasEvents } = loaded ?? (await loadDataset(id))
  // Another dataset was picked meanwhile: that one is shown.
  if (mine !== datasetGeneration) return
  if (playing) stop()
  clearDataset()
  Object.assign(context, {
    dataset,
    actors,
    features,
    instants: timeline.instants,
    colours: actorColours(actors),
    sources: new Map(sources.map((s) => [s.id, s])),
  })
  $('disclaimer').textContent = dataset.disclaimer ?? ''
  const first = timeline.instants[0]
  const state = context.state
  Object.assign(state, defaults(wanted, whole, hasEvents))
  state.dataset = id
  state.at = instantFor(wanted.at) ?? first ?? null
  fillChoices()
  drawDatasetLayers(dataset)
  placeFeatureLabels()
  frame(wanted.map, whole, timeline.coverage?.bbox)
  $('slider').max = String(Math.max(0, context.instants.length - 1))
  $('ticks').innerHTML = ticks(context.instants)
  if (!state.at) {
    $('date').textContent = 'This dataset has no areas yet'
    document.body.dataset.state = 'ready'
    return
  }
  await show(context.instants.indexOf(state.at))
  // The charts after the first picture: they cover the whole timeline, and would otherwise queue before it.
  await drawCharts()
}

/** What the previous dataset left on screen: overlays, labels, the watched place, the panels and the charts. */
function clearDataset() {
  generation++
  controller?.abort()
  for (const layer of LAYERS) clearOverlay(context, layer)
  for (const name of [...labels.keys()]) setLabel(name, null)
  for (const id of ['info', 'history', 'legend', 'sources', 'chart-area', 'chart-distance']) $(id).replaceChildren()
  delete $('info').dataset.actor
  delete $('history').dataset.feature
  areaCursor = () => {}
  distanceCursor = () => {}
  panelGeneration++
  chartGeneration++
}

/** The state asked for, completed: sides from who gained and who lost most, the feature nearest the story. */
function defaults(wanted, whole, hasEvents) {
  const sides = [...new Set(context.actors.map((actor) => actor.side).filter(Boolean))]
  const ranked = whole ? [...whole.sides].sort((a, b) => b.netKm2 - a.netKm2).map((entry) => entry.side) : sides
  const gainer = ranked[0] ?? sides[0]
  const loser = ranked.at(-1) !== gainer ? ranked.at(-1) : sides.find((side) => side !== gainer)
  const byKind = (kind) => context.features.filter((feature) => feature.properties.kind === kind)
  const target = byKind('outskirts')[0] ?? byKind('city')[0] ?? context.features[0]
  const highways = byKind('highway')
  // The longest highway: the main road of the region is the one whose severance a reader asks about first.
  const route = [...highways].sort((a, b) => lineLength(b.geometry) - lineLength(a.geometry))[0]
  const valid = (instant) => (instantFor(instant) ? instantFor(instant) : null)
  return {
    sides: wanted.sides && wanted.sides.every((side) => sides.includes(side)) ? wanted.sides : gainer && loser ? [gainer, loser] : [sides[0], sides[1]],
    from: wanted.from ?? (gainer ? `side:${gainer}` : null),
    to: wanted.to ?? (target ? `feature:${target.id}` : null),
    route: wanted.route && context.features.some((feature) => feature.id === wanted.route) ? wanted.route : (route?.id ?? null),
    since: valid(wanted.since) ?? context.instants[0] ?? null,
    layers:
      wanted.layers ??
      LAYERS.filter((layer) => layer !== 'changes' && (layer !== 'route' || route) && (layer !== 'distance' || target) && (layer !== 'events' || hasEvents)),
    point: wanted.point ?? null,
  }
}

/** A line's length in degrees, enough to rank lines of one region. */
function lineLength(geometry) {
  const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.type === 'MultiLineString' ? geometry.coordinates : []
  let total = 0
  for (const line of lines) for (let i = 1; i < line.length; i++) total += Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1])
  return total
}

/** The timeline instant a URL's `at` names: the instant itself, or for a date the last instant on or before its end. */
function instantFor(at) {
  if (!at) return null
  if (context.instants.includes(at)) return at
  const end = /^\d{4}-\d{2}-\d{2}$/.test(at) ? Date.parse(`${at}T23:59:59.999Z`) : Date.parse(at)
  if (!Number.isFinite(end)) return null
  return context.instants.filter((instant) => Date.parse(instant) <= end).at(-1) ?? null
}

function fillChoices() {
  const { state, actors, features, instants } = context
  const sides = [...new Set(actors.map((actor) => actor.side).filter(Boolean))]
  const options = (items, selected) =>
    items.map(([value, text]) => `<option value="${escapeHtml(value)}"${value === selected ? ' selected' : ''}>${escapeHtml(text)}</option>`).join('')
  $('sides-a').innerHTML = options(
    sides.map((side) => [side, side]),
    state.sides[0],
  )
  $('sides-b').innerHTML = options(
    sides.map((side) => [side, side]),
    state.sides[1],
  )
  $('distance-from').innerHTML = options(
    [...sides.map((side) => [`side:${side}`, `side ${side}`]), ...actors.map((actor) => [`actor:${actor.id}`, actor.name])],
    state.from,
  )
  $('distance-to').innerHTML = options(
    features.filter((feature) => feature.properties.kind !== 'highway').map((feature) => [`feature:${feature.id}`, feature.properties.name ?? feature.id]),
    state.to,
  )
  $('route-feature').innerHTML = options(
    features.filter((feature) => /LineString/.test(feature.geometry.type)).map((feature) => [feature.id, feature.properties.name ?? feature.id]),
    state.route,
  )
  $('changes-since').innerHTML = options(
    instants.map((instant) => [instant, shortDate(instant)]),
    state.since,
  )
  for (const layer of LAYERS) $(`layer-${layer}`).checked = state.layers.includes(layer)
}

/** The dataset's areas as vector tiles, its reference features, and its attribution on the map. */
function drawDatasetLayers(dataset) {
  for (const layer of datasetLayers({}).map((entry) => entry.id)) if (map.getLayer(layer)) map.removeLayer(layer)
  const first = context.state.at ?? context.instants[0]
  AREA_SOURCES.forEach((id, index) => {
    if (map.getSource(id)) map.removeSource(id)
    map.addSource(id, {
      type: 'vector',
      tiles: [tileUrl(first)],
      minzoom: 0,
      maxzoom: 14,
      // Said once: both sources are the same collection.
      attribution: index === 0 ? `${escapeHtml(dataset.name)}: ${escapeHtml(dataset.licence ?? 'licence not stated')}` : undefined,
    })
  })
  Object.assign(areas, { shown: 0, instants: [first, first] })
  for (const layer of datasetLayers(context.colours)) map.addLayer(layer)
  // String ids kept as a property: MapLibre keeps only numeric feature ids.
  const features = context.features.map((feature) => ({ ...feature, properties: { ...feature.properties, fid: feature.id } }))
  context.setData('features', { type: 'FeatureCollection', features })
  if (attribution) map.removeControl(attribution)
  attribution = new maplibregl.AttributionControl({ compact: false, customAttribution: ['Frontline', '<a href="https://maplibre.org/">MapLibre</a>'] })
  map.addControl(attribution, 'bottom-right')
}

function tileUrl(at) {
  const collection = encodeURIComponent(`${context.dataset.id}-areas`)
  return `${location.origin}/collections/${collection}/tiles/WebMercatorQuad/{z}/{y}/{x}?datetime=${encodeURIComponent(at)}`
}

/** The view from the URL, else the ground that changed hands, else the dataset's extent. */
function frame(view, whole, bbox) {
  if (view) return map.jumpTo(view)
  const changed = whole?.polygons?.features.filter((feature) => feature.properties.level === 'side') ?? []
  const box = changed.length > 0 ? boundsOf(changed) : bbox
  if (box) map.fitBounds([box.slice(0, 2), box.slice(2, 4)], { padding: 40, animate: false, maxZoom: 11 })
}

function boundsOf(features) {
  const box = [Infinity, Infinity, -Infinity, -Infinity]
  const visit = (coordinates) => {
    if (typeof coordinates[0] === 'number') {
      box[0] = Math.min(box[0], coordinates[0])
      box[1] = Math.min(box[1], coordinates[1])
      box[2] = Math.max(box[2], coordinates[0])
      box[3] = Math.max(box[3], coordinates[1])
    } else coordinates.forEach(visit)
  }
  for (const feature of features) visit(feature.geometry.coordinates)
  return box
}

function ticks(instants) {
  const every = Math.max(1, Math.ceil(instants.length / 12))
  return instants
    .map((instant, index) =>
      index % every === 0 || index === instants.length - 1
        ? `<span style="left:${(index / Math.max(1, instants.length - 1)) * 100}%">${escapeHtml(shortDate(instant))}</span>`
        : '',
    )
    .join('')
}

/**
 * Shows the instant at `index`: asks for every overlay, the legend and the watched place at that instant, then draws
 * them and the instant's tiles together, so that the map changes in one frame. The page reads `ready` when the map has
 * drawn it all; a newer instant makes the answers for this one be dropped. Then the neighbours are asked for ahead.
 */
async function show(index) {
  const at = context.instants[index]
  if (!at) return
  // The tiles loaded ahead are those of the next step in the direction the reader is going.
  const previous = context.instants.indexOf(context.state.at)
  if (previous >= 0 && index !== previous) direction = index > previous ? 1 : -1
  const mine = ++generation
  controller?.abort()
  controller = new AbortController()
  const { signal } = controller
  document.body.dataset.state = 'loading'
  context.state.at = at
  $('slider').value = String(index)
  $('slider').setAttribute('aria-valuetext', longDate(at))
  $('date').textContent = longDate(at)
  $('date').dataset.instant = at
  $('csv-link').href = `/v1/control?dataset=${encodeURIComponent(context.dataset.id)}&at=${encodeURIComponent(at)}`
  writeHash()
  const [results] = await Promise.all([Promise.allSettled(loaders(at, signal)), areasLoaded(at)])
  if (mine !== generation) return
  showAreas(at)
  for (const result of results) if (result.status === 'fulfilled') result.value()
  areaCursor(at)
  distanceCursor(at)
  const failures = results.filter((result) => result.status === 'rejected' && result.reason?.name !== 'AbortError')
  showError(failures.map((failure) => failure.reason.message).join('; '))
  await drawn()
  if (mine !== generation) return
  listSources()
  document.body.dataset.instant = at
  document.body.dataset.state = 'ready'
  // Ahead of time: the answers for both neighbours, and the tiles of the one a step forward (or back, at the end).
  for (const next of [index + 1, index - 1]) if (context.instants[next]) Promise.allSettled(loaders(context.instants[next], signal))
  const ahead = context.instants[index + direction] ?? context.instants[index - direction]
  if (ahead) loadAreas(1 - areas.shown, ahead)
}

/**
 * The areas are drawn from two tile sources, one shown and one hidden (opacity 0): the hidden one loads the instant the
 * page expects next, so that stepping to it costs one frame rather than a round of tile requests and decoding.
 */
function loadAreas(which, at) {
  if (areas.instants[which] === at) return
  areas.instants[which] = at
  map.getSource(AREA_SOURCES[which]).setTiles([tileUrl(at)])
}

/** Resolves when a source holds the tiles of `at` (the hidden one is made to load them when neither does). */
async function areasLoaded(at) {
  if (areas.instants[areas.shown] === at) return
  const hidden = 1 - areas.shown
  loadAreas(hidden, at)
  const id = AREA_SOURCES[hidden]
  if (map.isSourceLoaded(id)) return
  await new Promise((resolve) => {
    const check = (event) => {
      // The metadata event of the new tiles comes while the old ones still count as loaded: only content counts.
      if (event?.type === 'sourcedata' && (event.sourceId !== id || event.sourceDataType === 'metadata')) return
      if (!map.isSourceLoaded(id) && map.getSource(id)) return
      map.off('sourcedata', check)
      map.off('idle', check)
      resolve()
    }
    map.on('sourcedata', check)
    map.on('idle', check)
  })
}

/** Shows the source that holds `at`, hides the other. */
function showAreas(at) {
  const which = areas.instants.indexOf(at)
  if (which < 0 || which === areas.shown) return
  areas.shown = which
  AREA_SOURCES.forEach((id, index) => {
    for (const [part, [property, opacity]] of Object.entries(AREA_OPACITY)) map.setPaintProperty(`${id}-${part}`, property, index === which ? opacity : 0)
  })
}

/** Every part of the picture at `at`, each resolving with the function that draws it. */
function loaders(at, signal) {
  return [loadLegend(at, signal), loadInfo(at, signal), ...context.state.layers.map((layer) => LOAD[layer](context, at, signal))]
}

/** Resolves once the map has drawn everything it was given. */
function drawn() {
  return new Promise((resolve) => {
    map.once('idle', resolve)
    map.triggerRepaint()
  })
}

/** Km² per actor at the instant, from the area analysis, in the map's colours. */
async function loadLegend(at, signal) {
  const answer = await getJson('/v1/analysis/area', { dataset: context.dataset.id, start: at, end: at }, signal, { keep: true })
  return () => drawLegend(answer.series[0])
}

function drawLegend(step) {
  const rows = [...(step?.actors ?? [])]
    .sort((a, b) => b.areaKm2 - a.areaKm2)
    .map(
      (entry) =>
        `<tr data-actor="${escapeHtml(entry.actor)}" data-km2="${entry.areaKm2}"><td><span class="swatch" style="background:${escapeHtml(context.colours[entry.actor] ?? '#999')}"></span></td>` +
        `<td>${escapeHtml(context.actorName(entry.actor))}<small> ${escapeHtml(entry.side ?? '')}</small></td><td class="num">${km2(entry.areaKm2)}</td></tr>`,
    )
  if (step?.contestedKm2 > 0)
    rows.push(
      `<tr data-contested data-km2="${step.contestedKm2}"><td><span class="swatch hatch" style="background-color:${CONTESTED}"></span></td><td>contested</td><td class="num">${km2(step.contestedKm2)}</td></tr>`,
    )
  $('legend').innerHTML = rows.join('') || '<tr><td>no ground mapped at this date</td></tr>'
}

/** The watched place: who holds it at the instant, since when, on whose word. */
async function loadInfo(at, signal) {
  const point = context.state.point
  if (!point) return () => {}
  const answer = await getJson('/v1/control/point', { dataset: context.dataset.id, lon: point[0], lat: point[1], at }, signal, { keep: true })
  return () => drawInfo(point, answer)
}

function drawInfo(point, answer) {
  const info = $('info')
  setLabel('point', point, '', {}, 'watched')
  const holder = answer.holder
  info.dataset.actor = holder?.actor ?? ''
  info.dataset.side = holder?.side ?? ''
  info.dataset.since = holder?.since ?? ''
  const where = `<p class="where">${point[1].toFixed(4)}° N, ${point[0].toFixed(4)}° E</p>`
  if (!holder) {
    info.innerHTML = `${where}<p>No area covers this place at this date.</p>`
    return
  }
  const since = holder.since ? `${holder.sinceIsLowerBound ? 'at least since' : 'since'} ${escapeHtml(longDate(holder.since))}` : ''
  const others =
    answer.holders.length > 1
      ? `<p>Also claimed: ${answer.holders
          .slice(1)
          .map((entry) => escapeHtml(context.actorName(entry.actor)))
          .join(', ')}</p>`
      : ''
  info.innerHTML =
    `${where}<p class="holder"><span class="swatch" style="background:${escapeHtml(context.colours[holder.actor] ?? '#999')}"></span>` +
    `<strong>${escapeHtml(context.actorName(holder.actor))}</strong> (${escapeHtml(holder.side ?? 'no side')}, ${escapeHtml(holder.status)}) ${since}</p>` +
    others +
    `<p>Sources: ${sourceList(holder.sources)}</p>`
}

function sourceList(ids) {
  if (!ids || ids.length === 0) return 'none cited'
  return ids
    .map((id) => {
      const source = context.sources.get(id)
      const title = escapeHtml(source?.title ?? id)
      // Only web addresses become links: a source record's url is the dataset's text, and `javascript:` would run.
      return /^https?:\/\//i.test(source?.url ?? '') ? `<a href="${escapeHtml(source.url)}" rel="noreferrer">${title}</a>` : title
    })
    .join('; ')
}

/** The sources the areas on screen cite, from the tiles drawn. */
function listSources() {
  const ids = new Set()
  for (const feature of map.querySourceFeatures(AREA_SOURCES[areas.shown], { sourceLayer: 'areas' }))
    for (const id of String(feature.properties.sources ?? '').split(',')) if (id) ids.add(id)
  $('sources').innerHTML = [...ids]
    .sort()
    .map((id) => {
      const source = context.sources.get(id)
      const text = source ? `${escapeHtml(source.publisher ?? '')}${source.date ? `, ${escapeHtml(source.date)}` : ''}: ` : ''
      return `<li>${text}${sourceList([id])}</li>`
    })
    .join('')
}

/** A click: a reference feature shows its holder history; anywhere else becomes the watched place. */
async function pick(event) {
  const box = [
    [event.point.x - 4, event.point.y - 4],
    [event.point.x + 4, event.point.y + 4],
  ]
  const circle = map.queryRenderedFeatures(box, { layers: ['events'] })[0]
  if (circle) {
    const shown = context.shownEvents.get(circle.properties.eid)
    if (shown) {
      panelGeneration++
      $('history').dataset.feature = ''
      $('history').innerHTML = ''
      $('info').dataset.event = circle.properties.eid
      $('info').innerHTML = eventDetail(context, shown)
      return
    }
  }
  const hit = map.queryRenderedFeatures(box, { layers: ['feature-points', 'highways', 'outskirts'] })[0]
  if (hit) {
    const feature = context.features.find((entry) => entry.id === hit.properties.fid)
    if (feature) {
      await showHistory(feature)
      if (feature.geometry.type === 'Point') watch(feature.geometry.coordinates)
      return
    }
  }
  panelGeneration++
  $('history').dataset.feature = ''
  $('history').innerHTML = ''
  watch(event.lngLat.toArray())
}

function watch(point) {
  context.state.point = point
  writeHash()
  show(context.instants.indexOf(context.state.at)).catch(fail)
}

/** Who held a reference feature over the whole timeline, row by row. */
async function showHistory(feature) {
  const mine = ++panelGeneration
  const answer = await getJson(`/v1/features/${encodeURIComponent(feature.id)}/control`, {
    dataset: context.dataset.id,
    start: context.instants[0],
    end: context.instants.at(-1),
  })
  // A later click (or another dataset) owns the panel now.
  if (mine !== panelGeneration) return
  const rows = answer.history.map((entry) => {
    const holders = (entry.holders ?? [])
      .map(
        (holder) =>
          `${escapeHtml(context.actorName(holder.actor))}${holder.share !== undefined && holder.share < 1 ? ` ${Math.round(holder.share * 100)}%` : ''}`,
      )
      .join(', ')
    return `<tr><td>${escapeHtml(shortDate(entry.from))} → ${entry.to ? escapeHtml(shortDate(entry.to)) : '…'}</td><td>${holders || escapeHtml(context.actorName(entry.actor) ?? 'nobody')}</td></tr>`
  })
  $('history').dataset.feature = feature.id
  $('history').innerHTML = `<h3>${escapeHtml(feature.properties.name ?? feature.id)}: holders over time</h3><table>${rows.join('')}</table>`
}

/** Names of reference features, as DOM labels (the page needs no glyph server); fewer when zoomed out. */
function placeFeatureLabels() {
  for (const marker of featureMarkers) marker.remove()
  featureMarkers = context.features
    .filter((feature) => feature.geometry.type === 'Point')
    .map((feature) => {
      const element = document.createElement('div')
      element.className = `label kind-${feature.properties.kind ?? 'other'}`
      element.dataset.rank = String(LABEL_KINDS[feature.properties.kind] ?? 3)
      element.textContent = feature.properties.name ?? feature.id
      return new maplibregl.Marker({ element, anchor: 'left', offset: [8, 0] }).setLngLat(feature.geometry.coordinates).addTo(map)
    })
  zoomLabels()
}

function zoomLabels() {
  const zoom = map.getZoom()
  const shown = zoom < 6.5 ? 0 : zoom < 7.5 ? 1 : zoom < 9 ? 2 : 3
  for (const marker of featureMarkers) marker.getElement().hidden = Number(marker.getElement().dataset.rank) > shown
}

/** A label the page places on the map (`name` identifies it); null removes it. */
function setLabel(name, lngLat, text, data = {}, className = `${name}-label`) {
  labels.get(name)?.remove()
  labels.delete(name)
  if (!lngLat) return
  const element = document.createElement('div')
  element.className = `overlay-label ${className}`
  element.textContent = text
  Object.assign(element.dataset, data)
  labels.set(name, new maplibregl.Marker({ element }).setLngLat(lngLat).addTo(map))
}

async function drawCharts() {
  const { dataset, instants, state } = context
  const first = instants[0]
  const last = instants.at(-1)
  const days = (Date.parse(last) - Date.parse(first)) / 86_400_000
  // At most 200 points a chart: a day apart, or as many days as that takes.
  chartStep = `P${Math.max(1, Math.ceil(days / 200))}D`
  const mine = chartGeneration
  const area = await getJson('/v1/analysis/area', { dataset: dataset.id, start: first, end: last, step: chartStep })
  if (mine !== chartGeneration) return
  areaCursor = drawAreaChart($('chart-area'), area, context.actors, context.colours, jumpTo)
  areaCursor(state.at)
  await drawDistanceSeries()
}

const jumpTo = (iso) => show(nearestIndex(iso)).catch(fail)

async function drawDistanceSeries() {
  const { dataset, instants, state } = context
  const mine = ++chartGeneration
  if (!state.from || !state.to) {
    $('chart-distance').replaceChildren()
    distanceCursor = () => {}
    return
  }
  const distance = await getJson('/v1/analysis/distance', {
    dataset: dataset.id,
    from: state.from,
    to: state.to,
    start: instants[0],
    end: instants.at(-1),
    step: chartStep,
  })
  // Another choice of side or feature (or another dataset) was made meanwhile: its series is drawn instead.
  if (mine !== chartGeneration) return
  const label = `${state.from.replace(/^\w+:/, '')} → ${context.featureName(state.to.replace(/^feature:/, ''))}`
  distanceCursor = drawDistanceChart($('chart-distance'), distance, label, jumpTo)
  distanceCursor(state.at)
}

function nearestIndex(iso) {
  const t = Date.parse(iso)
  let best = 0
  context.instants.forEach((instant, index) => {
    if (Math.abs(Date.parse(instant) - t) < Math.abs(Date.parse(context.instants[best]) - t)) best = index
  })
  return best
}

function wireControls() {
  const current = () => context.instants.indexOf(context.state.at)
  $('slider').addEventListener('input', () => show(Number($('slider').value)).catch(fail))
  $('prev').addEventListener('click', () => show(Math.max(0, current() - 1)).catch(fail))
  $('next').addEventListener('click', () => show(Math.min(context.instants.length - 1, current() + 1)).catch(fail))
  $('play').addEventListener('click', () => (playing ? stop() : play().catch(fail)))
  const redraw = () => show(current()).catch(fail)
  for (const layer of LAYERS)
    $(`layer-${layer}`).addEventListener('change', () => {
      const on = $(`layer-${layer}`).checked
      context.state.layers = LAYERS.filter((name) => (name === layer ? on : (context.state.layers ?? []).includes(name)))
      if (!on) clearOverlay(context, layer)
      redraw()
    })
  const choose = (id, apply, alsoCharts = false) =>
    $(id).addEventListener('change', () => {
      apply($(id).value)
      if (alsoCharts) drawDistanceSeries().catch(fail)
      redraw()
    })
  choose('sides-a', (value) => (context.state.sides = [value, context.state.sides[1]]))
  choose('sides-b', (value) => (context.state.sides = [context.state.sides[0], value]))
  choose('distance-from', (value) => (context.state.from = value), true)
  choose('distance-to', (value) => (context.state.to = value), true)
  choose('route-feature', (value) => (context.state.route = value))
  choose('changes-since', (value) => (context.state.since = value))
}

/** Steps through the timeline, one instant each PLAY_STEP_MS once the last is drawn; from the start when at the end. */
async function play() {
  const mine = ++playToken
  playing = true
  $('play').setAttribute('aria-pressed', 'true')
  $('play').setAttribute('aria-label', 'pause')
  $('play').innerHTML = '&#10073;&#10073;'
  try {
    if (context.instants.indexOf(context.state.at) === context.instants.length - 1) await show(0)
    while (playing && mine === playToken) {
      await new Promise((resolve) => setTimeout(resolve, PLAY_STEP_MS))
      const next = context.instants.indexOf(context.state.at) + 1
      if (!playing || mine !== playToken || next >= context.instants.length) break
      await show(next)
    }
  } finally {
    // A newer play owns the button now; this one only lets go of it if it is still the one playing.
    if (mine === playToken) stop()
  }
}

function stop() {
  playing = false
  playToken++
  $('play').setAttribute('aria-pressed', 'false')
  $('play').setAttribute('aria-label', 'play')
  $('play').innerHTML = '&#9654;'
}

function writeHash() {
  history.replaceState(null, '', writeState(context.state))
}

function showError(message) {
  $('error').hidden = !message
  $('error').textContent = message
}

function fail(error) {
  if (error?.name === 'AbortError') return
  console.error(error)
  showError(error?.message ?? String(error))
  document.body.dataset.state = 'ready'
}
