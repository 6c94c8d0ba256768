// What the page shows, kept in the URL's fragment so that a link or a reload restores the same picture.
// `/` refuses query parameters it does not know; the fragment never reaches the server.

export const LAYERS = ['fronts', 'distance', 'route', 'changes', 'events']

/** The state written in a fragment (`#dataset=…&at=…`), every member present, unknown ones dropped. */
export function readState(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const list = (name) => (params.get(name) ?? '').split(',').filter((item) => item !== '')
  const numbers = (name, count) => {
    const values = list(name).map(Number)
    return values.length === count && values.every(Number.isFinite) ? values : null
  }
  return {
    dataset: params.get('dataset'),
    at: params.get('at'),
    layers: params.has('layers') ? list('layers').filter((layer) => LAYERS.includes(layer)) : null,
    sides: list('sides').length === 2 ? list('sides') : null,
    from: params.get('from'),
    to: params.get('to'),
    route: params.get('route'),
    since: params.get('since'),
    map: toView(slashNumbers(params.get('map'))),
    point: numbers('point', 2),
  }
}

function slashNumbers(text) {
  const values = (text ?? '').split('/').map(Number)
  return values.length === 3 && values.every(Number.isFinite) ? values : null
}

/** `zoom/lat/lon` as the map takes it. */
function toView(values) {
  return values && values.length === 3 ? { zoom: values[0], center: [values[2], values[1]] } : null
}

/** The fragment for a state: members in a fixed order, the view rounded to what a screen can tell apart. */
export function writeState(state) {
  const params = new URLSearchParams()
  const put = (name, value) => value !== null && value !== undefined && value !== '' && params.set(name, value)
  put('dataset', state.dataset)
  put('at', state.at)
  // Always written, empty too: no `layers` means the dataset's defaults, `layers=` none.
  params.set('layers', (state.layers ?? []).join(','))
  put('sides', state.sides?.join(','))
  put('from', state.from)
  put('to', state.to)
  put('route', state.route)
  put('since', state.since)
  if (state.map) put('map', `${state.map.zoom.toFixed(2)}/${state.map.center[1].toFixed(4)}/${state.map.center[0].toFixed(4)}`)
  if (state.point) put('point', state.point.map((value) => value.toFixed(5)).join(','))
  // URLSearchParams encodes ':' and ',' and '/'; they are safe in a fragment, and easier to read as they are.
  return `#${params.toString().replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%2F/g, '/')}`
}
