// Small SVG charts beside the map, linked to the slider: a cursor at the instant shown, a click picks the date.

import { km, km2, shortDate } from './format.js'

const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 200
const LABELS = 150
const ROW = 34
const PAD = { left: 4, right: 4, top: 4, bottom: 4 }

function element(name, attributes = {}, parent) {
  const node = document.createElementNS(SVG, name)
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value))
  parent?.appendChild(node)
  return node
}

/** A time axis over [first, last] mapped to [PAD.left, WIDTH - PAD.right]. */
function timeScale(first, last) {
  const t0 = Date.parse(first)
  const span = Math.max(1, Date.parse(last) - t0)
  return (iso) => PAD.left + ((Date.parse(iso) - t0) / span) * (WIDTH - PAD.left - PAD.right)
}

function polyline(points, x, y) {
  return points.map((point) => `${x(point.at).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ')
}

/**
 * A chart: one row per series (each its own vertical scale, so a small actor's change shows beside a large one's),
 * a cursor line, and `onPick(iso)` when clicked. Returns `setCursor(iso)`.
 */
function drawChart(container, rows, first, last, onPick, formatValue) {
  container.replaceChildren()
  if (rows.length === 0) {
    container.textContent = 'Nothing to plot.'
    return () => {}
  }
  const height = rows.length * ROW + PAD.top + PAD.bottom
  const svg = element('svg', { viewBox: `0 0 ${WIDTH + LABELS} ${height}`, role: 'img', 'aria-label': container.dataset.label ?? 'chart' }, container)
  const x = timeScale(first, last)
  rows.forEach((row, index) => {
    const values = row.points.map((point) => point.value).filter((value) => value !== null)
    const min = Math.min(...values)
    const max = Math.max(...values)
    const top = PAD.top + index * ROW + 4
    const y = (value) => top + (ROW - 10) * (max === min ? 0.5 : 1 - (value - min) / (max - min))
    const group = element('g', { class: 'series', 'data-id': row.id }, svg)
    element(
      'polyline',
      {
        points: polyline(
          row.points.filter((point) => point.value !== null),
          x,
          y,
        ),
        fill: 'none',
        stroke: row.colour,
        'stroke-width': 2,
      },
      group,
    )
    const label = element('text', { x: WIDTH + 6, y: top + 10, class: 'series-label' }, group)
    label.textContent = row.label
    const range = element('text', { x: WIDTH + 6, y: top + 22, class: 'series-range' }, group)
    range.textContent = min === max ? formatValue(min) : `${formatValue(min)} – ${formatValue(max)}`
  })
  const cursor = element('line', { class: 'cursor', y1: 0, y2: height, stroke: '#000', 'stroke-width': 1 }, svg)
  svg.addEventListener('click', (event) => {
    const box = svg.getBoundingClientRect()
    const px = ((event.clientX - box.left) / box.width) * (WIDTH + LABELS)
    const t = Date.parse(first) + ((px - PAD.left) / (WIDTH - PAD.left - PAD.right)) * (Date.parse(last) - Date.parse(first))
    onPick(new Date(Math.max(Date.parse(first), Math.min(Date.parse(last), t))).toISOString())
  })
  const axis = element('text', { x: PAD.left, y: height - 1, class: 'axis' }, svg)
  axis.textContent = `${shortDate(first)} – ${shortDate(last)}`
  return (iso) => {
    const position = x(iso).toFixed(1)
    cursor.setAttribute('x1', position)
    cursor.setAttribute('x2', position)
    cursor.dataset.at = iso
  }
}

/** Area held per actor over time, from GET /v1/analysis/area's series. */
export function drawAreaChart(container, answer, actors, colours, onPick) {
  const names = Object.fromEntries(actors.map((actor) => [actor.id, actor.name]))
  const ids = [...new Set(answer.series.flatMap((step) => step.actors.map((entry) => entry.actor)))]
  const rows = ids.map((id) => ({
    id,
    label: names[id] ?? id,
    colour: colours[id] ?? '#999',
    points: answer.series.map((step) => ({ at: step.at, value: step.actors.find((entry) => entry.actor === id)?.areaKm2 ?? 0 })),
  }))
  const first = answer.series[0]?.at
  const last = answer.series.at(-1)?.at
  return drawChart(container, rows, first, last, onPick, km2)
}

/** Distance from a side to a feature over time, from GET /v1/analysis/distance's series. */
export function drawDistanceChart(container, answer, label, onPick) {
  const points = answer.series.map((step) => ({ at: step.at, value: step.distanceKm }))
  const rows = points.some((point) => point.value !== null) ? [{ id: 'distance', label, colour: '#1f3fbf', points }] : []
  return drawChart(container, rows, answer.series[0]?.at, answer.series.at(-1)?.at, onPick, km)
}
