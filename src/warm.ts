// A starting server asks itself one question of each kind before it listens: V8 compiles a
// function well only once it has run, and a path's first request after start paid for its routes,
// schemas and queries being compiled, and each analysis thread for its first view's rows.
import type { FastifyInstance } from 'fastify'
import { listActors } from './store/actors.repository.js'
import { listDatasets } from './store/datasets.repository.js'
import { listAllFeatures } from './store/features.repository.js'

const EXERCISE_MS = 3000

/** The questions asked, by path; `at` is the dataset's latest change, `before` the one before it. */
function questions(
  dataset: string,
  at: string,
  before: string,
  place: [number, number],
  side: string | undefined,
  feature: string | undefined,
  line: string | undefined,
): string[] {
  const d = `dataset=${encodeURIComponent(dataset)}`
  return [
    `/v1/control?${d}&at=${at}`,
    `/v1/control/point?${d}&lon=${place[0]}&lat=${place[1]}&at=${at}`,
    `/v1/analysis/fronts?${d}&at=${at}`,
    `/v1/analysis/changes?${d}&start=${before}&end=${at}`,
    ...(side && feature ? [`/v1/analysis/distance?${d}&from=side:${encodeURIComponent(side)}&to=feature:${encodeURIComponent(feature)}&at=${at}`] : []),
    ...(line ? [`/v1/analysis/route?${d}&feature=${encodeURIComponent(line)}&at=${at}`] : []),
  ]
}

/**
 * Asks, through the app's own routes, one question of each path about the first dataset that has
 * a map (the map and a point at its latest change, fronts, changes since the change before,
 * distance and route where it has reference features), each analysis once per analysis thread, so
 * each thread has read that view. Answers are kept as any are. A question that fails is left alone:
 * warming never stops a start. In `npm run bench -- --only postgis`, the first request after start
 * ÷ PostGIS's on PGlite / PostgreSQL, before → after: on one 3,300-vertex MultiPolygon a day, point
 * 2.40 / 1.88 → 0.70 / 1.64, distance 2.28 / 1.77 → 0.59 / 0.89, route 3.49 / 2.49 → 1.25 / 1.40,
 * changes 4.97 / 5.35 → 2.36 / 2.04; on 120 polygons a day, route 5.50 / 5.55 → 0.59 / 1.06. It took
 * 0.3 s there, 0.6 s on the 120 polygons; past EXERCISE_MS no further question is asked.
 */
export async function exerciseAnswers(app: FastifyInstance): Promise<void> {
  const until = Date.now() + EXERCISE_MS
  const { datasets } = await listDatasets(app.db, { limit: 10, offset: 0 })
  for (const dataset of datasets) {
    const view = await app.readModel.open(dataset.id)
    const instants = await view.changeInstants()
    const coverage = await view.coverage()
    if (instants.length === 0 || !coverage.bbox) continue
    const at = instants.at(-1)!.toISOString()
    const before = (instants.at(-2) ?? instants.at(-1)!).toISOString()
    const [west, south, east, north] = coverage.bbox
    const side = (await listActors(app.db, dataset.id))[0]?.side
    const features = await listAllFeatures(app.db, dataset.id)
    const line = features.find((feature) => feature.geometry.type === 'LineString' || feature.geometry.type === 'MultiLineString')
    const asked = questions(dataset.id, at, before, [(west + east) / 2, (south + north) / 2], side, features[0]?.id, line?.id)
    for (const url of asked) {
      if (Date.now() > until) return
      // A small analysis runs on this thread when none other does there (ANALYSIS_INLINE_US): one more, so each worker has one too.
      const times = url.startsWith('/v1/analysis/') ? app.config.ANALYSIS_WORKERS + (app.config.ANALYSIS_INLINE_US > 0 ? 1 : 0) : 1
      // At once, each from an address of its own (a client's share may be one analysis), so that each thread takes one.
      await Promise.all(Array.from({ length: times }, (_, i) => app.inject({ url, remoteAddress: `127.0.0.${2 + i}` }).catch(() => undefined)))
    }
    return
  }
}
