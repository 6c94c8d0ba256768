// The analyses drawn: each asks the API for an instant and resolves with a function that draws the answer (map data
// and a few words). The page asks for every part of a picture first and draws them together, in one frame.

import { getJson } from './api.js'
import { clearEvents, loadEvents, loadTallies } from './events.js'
import { escapeHtml, km, km2, shortDate } from './format.js'

const collection = (features) => ({ type: 'FeatureCollection', features })
const NONE = collection([])
const KEEP = { keep: true }

/** Fronts between the two chosen sides: the lines, and their total length. */
export async function loadFronts(context, at, signal) {
  const [a, b] = context.state.sides
  const output = document.getElementById('fronts-km')
  if (!a || !b || a === b)
    return () => {
      context.setData('fronts', NONE)
      output.textContent = 'pick two sides'
      output.dataset.km = ''
    }
  const answer = await getJson('/v1/analysis/fronts', { dataset: context.dataset.id, at, sides: `${a},${b}` }, signal, KEEP)
  const total = answer.features.reduce((sum, feature) => sum + feature.properties.lengthKm, 0)
  return () => {
    context.setData('fronts', answer)
    output.textContent = km(total)
    output.dataset.km = String(Math.round(total * 1000) / 1000)
  }
}

/** The shortest line from a side to a feature, labelled on the map with its length. */
export async function loadDistance(context, at, signal) {
  const { from, to } = context.state
  const output = document.getElementById('distance-km')
  const answer = await getJson('/v1/analysis/distance', { dataset: context.dataset.id, from, to, at }, signal, KEEP)
  return () => drawDistance(context, answer, output)
}

function drawDistance(context, answer, output) {
  const line = answer.line ?? (answer.nearest ? { type: 'LineString', coordinates: [answer.nearest.from, answer.nearest.to] } : null)
  context.setData('distance', line ? collection([{ type: 'Feature', geometry: line, properties: { distanceKm: answer.distanceKm } }]) : NONE)
  const text = answer.distanceKm === null ? 'no such ground' : answer.overlaps ? '0 km (inside)' : km(answer.distanceKm)
  output.textContent = text
  output.dataset.km = answer.distanceKm === null ? '' : String(answer.distanceKm)
  if (answer.nearest) {
    const [lon1, lat1] = answer.nearest.from
    const [lon2, lat2] = answer.nearest.to
    context.setLabel('distance', [(lon1 + lon2) / 2, (lat1 + lat2) / 2], text, { km: output.dataset.km })
  } else context.setLabel('distance', null)
}

/** A route cut into stretches coloured by holder, its cut points, and a severed/open badge. */
export async function loadRoute(context, at, signal) {
  const feature = context.state.route
  const answer = await getJson('/v1/analysis/route', { dataset: context.dataset.id, feature, at }, signal, KEEP)
  return () => drawRoute(context, answer, feature)
}

function drawRoute(context, answer, feature) {
  const badge = document.getElementById('route-badge')
  const detail = document.getElementById('route-detail')
  const segments = answer.segments.map((segment) => ({
    type: 'Feature',
    geometry: segment.geometry,
    properties: { actor: segment.holders[0]?.actor ?? null, side: segment.side, lengthKm: segment.lengthKm },
  }))
  context.setData('route', collection(segments))
  context.setData('cuts', collection(answer.cutPoints.map((coordinates) => ({ type: 'Feature', geometry: { type: 'Point', coordinates }, properties: {} }))))
  badge.textContent = answer.severed ? 'severed' : 'open'
  badge.dataset.severed = String(answer.severed)
  badge.className = answer.severed ? 'badge severed' : 'badge open'
  const bySide = Object.entries(answer.kmBySide)
    .map(([side, value]) => `${escapeHtml(side)} ${km(value)}`)
    .join(', ')
  detail.innerHTML = `for ${escapeHtml(answer.owner ?? 'its owner')}: ${bySide}${answer.unmappedKm > 0 ? `, unmapped ${km(answer.unmappedKm)}` : ''}`
  if (answer.cutPoints.length > 0) context.setLabel('route', answer.cutPoints[0], `${context.featureName(feature)} severed`, { severed: 'true' })
  else context.setLabel('route', null)
}

/** Ground gained between the chosen earlier instant and the one shown, with km² gained and lost per actor. */
export async function loadChanges(context, at, signal) {
  const since = context.state.since
  const table = document.getElementById('changes-summary')
  if (!since || Date.parse(since) >= Date.parse(at))
    return () => {
      context.setData('changes', NONE)
      table.innerHTML = '<tr><td>pick an earlier date than the one shown</td></tr>'
    }
  const answer = await getJson('/v1/analysis/changes', { dataset: context.dataset.id, start: since, end: at, polygons: true }, signal, KEEP)
  return () => drawChanges(context, answer, since, at, table)
}

function drawChanges(context, answer, since, at, table) {
  context.setData('changes', collection(answer.polygons.features.filter((feature) => feature.properties.level === 'actor')))
  const rows = answer.actors
    .filter((entry) => entry.gainedKm2 > 0 || entry.lostKm2 > 0)
    .map(
      (entry) =>
        `<tr data-actor="${escapeHtml(entry.actor)}" data-gained="${entry.gainedKm2}" data-lost="${entry.lostKm2}">` +
        `<td><span class="swatch" style="background:${escapeHtml(context.colours[entry.actor] ?? '#999')}"></span>${escapeHtml(context.actorName(entry.actor))}</td>` +
        `<td>+${km2(entry.gainedKm2)}</td><td>−${km2(entry.lostKm2)}</td></tr>`,
    )
  table.innerHTML =
    `<caption>${escapeHtml(shortDate(since))} → ${escapeHtml(shortDate(at))}</caption>` +
    (rows.length > 0 ? rows.join('') : '<tr><td>no ground changed hands</td></tr>')
}

/** Clears an overlay that was switched off. */
export function clearOverlay(context, layer) {
  if (layer === 'fronts') {
    context.setData('fronts', NONE)
    document.getElementById('fronts-km').textContent = ''
  } else if (layer === 'distance') {
    context.setData('distance', NONE)
    context.setLabel('distance', null)
    document.getElementById('distance-km').textContent = ''
  } else if (layer === 'route') {
    context.setData('route', NONE)
    context.setData('cuts', NONE)
    context.setLabel('route', null)
    const badge = document.getElementById('route-badge')
    badge.textContent = ''
    delete badge.dataset.severed
    document.getElementById('route-detail').textContent = ''
  } else if (layer === 'changes') {
    context.setData('changes', NONE)
    document.getElementById('changes-summary').innerHTML = ''
  } else if (layer === 'events') clearEvents(context)
}

/** The events of the days shown and the tolls reported by then, drawn together. */
async function loadEventsAndTallies(context, at, signal) {
  const [events, tallies] = await Promise.all([loadEvents(context, at, signal), loadTallies(context, at, signal)])
  return () => {
    events()
    tallies()
  }
}

export const LOAD = { fronts: loadFronts, distance: loadDistance, route: loadRoute, changes: loadChanges, events: loadEventsAndTallies }
