// Events and tallies beside the map: the events dated within the map shown (from its instant to the next one's),
// drawn as circles sized by their dead and coloured by what happened, with their totals; and the running tolls
// reported by that date, every source side by side, never added up.

import { getJson } from './api.js'
import { escapeHtml, shortDate } from './format.js'

const KEEP = { keep: true }
const DAY_MS = 86_400_000
const NUMBER = new Intl.NumberFormat('en-GB')

/** What happened, in the colours of the circles (ACLED's sub-event types where they say it, else the event type). */
export const EVENT_KINDS = [
  { id: 'air', label: 'air or drone strike', colour: '#c51b7d', match: (p) => p.sub_event_type === 'air_drone_strike' },
  { id: 'shelling', label: 'shelling, artillery, missiles', colour: '#e08214', match: (p) => /shelling|artillery|missile/.test(p.sub_event_type ?? '') },
  { id: 'battle', label: 'battle', colour: '#2d004b', match: (p) => p.event_type === 'battles' },
  { id: 'civilians', label: 'violence against civilians', colour: '#b2182b', match: (p) => p.event_type === 'violence_against_civilians' },
  { id: 'other', label: 'other', colour: '#4d4d4d', match: () => true },
]

export const kindOf = (properties) => EVENT_KINDS.find((kind) => kind.match(properties)).id

/** The calendar days the map at `at` is in force for: up to the day before the next instant (at least `at`'s day). */
export function daysShown(instants, at) {
  const index = instants.indexOf(at)
  const next = instants[index + 1]
  const first = at.slice(0, 10)
  const last = next ? new Date(Math.max(Date.parse(first), Date.parse(next) - DAY_MS)).toISOString().slice(0, 10) : first
  return { start: first, end: last }
}

/** "12 (8–19)": the best estimate (else the low, else the high), and the range where both ends are known and differ from it. */
const estimate = (value) => {
  const { low, best, high } = value ?? {}
  const shown = best ?? low ?? high
  if (shown === null || shown === undefined) return '–'
  const ranged = low !== null && low !== undefined && high !== null && high !== undefined && (low !== shown || high !== shown)
  return `${NUMBER.format(shown)}${ranged ? ` (${NUMBER.format(low)}–${NUMBER.format(high)})` : ''}`
}

function sourceLinks(sources) {
  if (!sources || sources.length === 0) return 'no source given'
  return sources
    .map((source) => {
      const name = escapeHtml([source.publisher, source.date ? shortDate(source.date) : null].filter(Boolean).join(', '))
      const label = source.label ? ` <small>(${escapeHtml(source.label)})</small>` : ''
      // Only web addresses become links: a source's url is the dataset's text, and `javascript:` would run.
      const link = /^https?:\/\//i.test(source.url ?? '') ? `<a href="${escapeHtml(source.url)}" rel="noreferrer">${name}</a>` : name
      const reported = source.reported ? `: “${escapeHtml(source.reported)}”` : ''
      return `${link}${label}${reported}`
    })
    .join('; ')
}

/** One event, as the "Here" panel shows it when its circle is clicked. */
export function eventDetail(context, feature) {
  const p = feature.properties
  const actors = (p.actors ?? [])
    .map(
      (entry) =>
        `${escapeHtml(entry.actor ? context.actorName(entry.actor) : entry.name)} <small>(${escapeHtml(entry.role)}, ${escapeHtml(entry.attribution)})</small>`,
    )
    .join(', ')
  const held = p.held_by
    ? `${escapeHtml(p.held_by.actor ? context.actorName(p.held_by.actor) : p.held_by.status)}${p.held_by.side ? ` (${escapeHtml(p.held_by.side)})` : ''}`
    : 'no area covers it'
  const when = p.date_start === p.date_end ? shortDate(p.date_start) : `${shortDate(p.date_start)} – ${shortDate(p.date_end)}`
  return (
    `<h3 data-event="${escapeHtml(feature.id)}">${escapeHtml(p.location?.name ?? feature.id)}, ${escapeHtml(when)}</h3>` +
    `<p>${escapeHtml((p.sub_event_type ?? p.event_type ?? p.violence_type ?? 'event').replaceAll('_', ' '))}${actors ? ` by ${actors}` : ''}</p>` +
    `<p>Ground held by ${held} on that date.</p>` +
    `<p>Dead ${estimate(p.fatalities)}${p.civilian_fatalities ? `, civilians ${estimate(p.civilian_fatalities)}` : ''}${p.injured ? `, injured ${estimate(p.injured)}` : ''}</p>` +
    (p.notes ? `<p>${escapeHtml(p.notes)}</p>` : '') +
    `<p>Sources: ${sourceLinks(p.sources)}</p>`
  )
}

/** The events of the days the map shows, and their totals. */
export async function loadEvents(context, at, signal) {
  const { start, end } = daysShown(context.instants, at)
  const params = { dataset: context.dataset.id, start, end }
  const [events, totals] = await Promise.all([
    getJson('/v1/events', { ...params, limit: 1000 }, signal, KEEP),
    getJson('/v1/analysis/events', params, signal, KEEP),
  ])
  return () => drawEvents(context, events, totals, start, end)
}

function drawEvents(context, events, totals, start, end) {
  const features = events.features.map((feature) => ({
    ...feature,
    // A point to draw: an event given as a small area is drawn at its first vertex's ring centre.
    geometry: feature.geometry.type === 'Point' ? feature.geometry : { type: 'Point', coordinates: centreOf(feature.geometry) },
    properties: { eid: feature.id, kind: kindOf(feature.properties), dead: feature.properties.fatalities?.best ?? feature.properties.fatalities?.low ?? 0 },
  }))
  context.setData('events', { type: 'FeatureCollection', features })
  context.shownEvents = new Map(events.features.map((feature) => [feature.id, feature]))
  const summary = document.getElementById('events-summary')
  const total = totals.total
  summary.dataset.events = String(total.events)
  summary.dataset.count = String(events.features.length)
  summary.dataset.fatalitiesBest = String(total.fatalities?.best ?? '')
  const span = start === end ? shortDate(start) : `${shortDate(start)} – ${shortDate(end)}`
  summary.innerHTML =
    `<p>${escapeHtml(span)}: <strong>${NUMBER.format(total.events)}</strong> events, dead ${estimate(total.fatalities)}, civilians ${estimate(total.civilian_fatalities)}` +
    `${events.numberMatched > events.features.length ? ` (the first ${NUMBER.format(events.features.length)} drawn)` : ''}</p>` +
    `<ul class="event-kinds">${EVENT_KINDS.map((kind) => `<li><span class="dot" style="background:${kind.colour}"></span>${escapeHtml(kind.label)}</li>`).join('')}</ul>`
}

function centreOf(geometry) {
  const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0]
  const sum = ring.reduce(([x, y], [lon, lat]) => [x + lon, y + lat], [0, 0])
  return [sum[0] / ring.length, sum[1] / ring.length]
}

/** The tolls reported by the last day the map shows: every statement, source by source. */
export async function loadTallies(context, at, signal) {
  const { end } = daysShown(context.instants, at)
  const answer = await getJson('/v1/tallies', { dataset: context.dataset.id, as_of: end }, signal, KEEP)
  return () => drawTallies(answer, end)
}

function drawTallies(answer, asOf) {
  const table = document.getElementById('tallies')
  const rows = answer.tallies.map(
    (tally) =>
      `<tr data-tally="${escapeHtml(tally.id)}" data-metric="${escapeHtml(tally.metric)}" data-best="${tally.value.best ?? ''}">` +
      `<td>${escapeHtml(tally.metric.replaceAll('_', ' '))}<small> ${escapeHtml(tally.scope.name)}</small></td>` +
      `<td class="num">${estimate(tally.value)} <small>${escapeHtml(tally.unit)}</small></td>` +
      `<td><small>as of ${escapeHtml(shortDate(tally.as_of))}</small> ${sourceLinks([tally.source])}</td></tr>`,
  )
  table.innerHTML =
    `<caption>reported by ${escapeHtml(shortDate(asOf))}, each source apart</caption>` + (rows.join('') || '<tr><td>no toll reported by this date</td></tr>')
}

/** Clears the events and tallies when switched off. */
export function clearEvents(context) {
  context.setData('events', { type: 'FeatureCollection', features: [] })
  context.shownEvents = new Map()
  document.getElementById('events-summary').replaceChildren()
  document.getElementById('tallies').replaceChildren()
}
