// Overlaps between the areas of one import: ground two actors both claim at one instant, measured
// (src/geo/overlaps.ts) and kept, refused or resolved as the import's overlaps parameter says.
import { Errors, type ProblemDetail, withDetails } from '../../errors.js'
import type { ActorValues } from '../../store/actors.repository.js'
import { measureOverlaps, normalizeGeometry, type Overlap, type OverlapInput, resolveOverlaps } from '../../geo/index.js'
import type { ImportNote } from '../../store/records.js'
import type { ActorResolver } from './actor-resolver.js'
import type { ImportPlan } from './import-plan.js'
import { measureGeometry, slugify } from './imports.parse.js'
import type { AreaDraft } from './imports.service.js'

/** Whether two intervals [from, to) share an instant (to null: open end). */
export function intervalsMeet(aFrom: Date, aTo: Date | null, bFrom: Date, bTo: Date | null): boolean {
  return (aTo === null || bFrom < aTo) && (bTo === null || aFrom < bTo)
}

/**
 * Overlaps between areas of different actors at one instant (the snapshot's; in a history, pairs
 * whose intervals meet), and the policy of the import applied to them: keep (each reported, and
 * noted on both features), refuse (a problem per overlap), resolve (the shared ground left to the
 * actor first in precedence; an area left with nothing is dropped, noted). A history resolves
 * within one interval only: two areas whose intervals differ but meet are refused under resolve,
 * as no single clip is right for both spans. Contested areas without an actor take no part.
 */
export function applyOverlapPolicy(
  drafts: AreaDraft[],
  plan: ImportPlan,
  actors: { resolver: ActorResolver; known: ReadonlySet<string>; created: readonly ActorValues[] },
  withIntervals: boolean,
): { drafts: AreaDraft[]; overlaps: Overlap[]; errors: ProblemDetail[]; notes: ImportNote[]; invalid?: ProblemDetail[] } {
  // Checked whether or not anything overlaps: a typo in precedence is the request's fault, found before the file's content decides.
  const precedence = plan.overlaps === 'resolve' ? resolvePrecedence(plan.precedence, actors) : []
  const byIndex = new Map(drafts.map((draft) => [draft.feature.index, draft]))
  // Areas of one actor never overlap: a map of one holder (a daily union) is not read back from its text to be measured.
  const measure = (group: AreaDraft[]) => (actorsIn(group) < 2 ? [] : withIntervals ? measureOverTime(group) : measureOverlaps(inputsOf(group)))
  const found = measure(drafts)
  const notes: ImportNote[] = []
  const describe = (overlap: Overlap) =>
    `features ${overlap.features[0]} (${overlap.actors[0]}) and ${overlap.features[1]} (${overlap.actors[1]}) both cover ${overlap.areaKm2.toFixed(3)} km²`
  if (found.length === 0) return { drafts, overlaps: [], errors: [], notes }
  if (plan.overlaps === 'keep') {
    for (const overlap of found)
      for (const index of overlap.features) notes.push({ index, path: `/features/${index}/geometry`, note: `overlap: ${describe(overlap)} (overlaps=keep)` })
    return { drafts, overlaps: found, errors: [], notes }
  }
  const problem = (overlap: Overlap, why = ''): ProblemDetail => ({
    index: overlap.features[1],
    path: `/features/${overlap.features[1]}/geometry`,
    code: 'OVERLAPPING_AREAS',
    reason: `${describe(overlap)} around [${overlap.bbox.map((value) => value.toFixed(3)).join(', ')}]${why}`,
  })
  if (plan.overlaps === 'refuse') return { drafts, overlaps: found, errors: found.map((overlap) => problem(overlap)), notes }

  // resolve: by precedence of actor ids (names and aliases read as the file's are).
  const groups = new Map<string, AreaDraft[]>()
  for (const draft of drafts) {
    const key = withIntervals ? `${draft.validFrom!.toISOString()}|${draft.validTo?.toISOString() ?? ''}` : ''
    groups.set(key, [...(groups.get(key) ?? []), draft])
  }
  const clipped = new Map<number, OverlapInput['geometry'] | null>()
  for (const group of groups.values()) {
    const inputs = inputsOf(group)
    resolveOverlaps(inputs, precedence).forEach(({ index, geometry }, k) => {
      // The same object back: nothing was taken from it.
      if (geometry !== inputs[k].geometry) clipped.set(index, geometry)
    })
  }
  const kept: AreaDraft[] = []
  const invalid: ProblemDetail[] = []
  for (const draft of drafts) {
    const index = draft.feature.index
    if (!clipped.has(index)) {
      kept.push(draft)
      continue
    }
    const geometry = clipped.get(index)!
    const lost = found.filter((overlap) => overlap.features.includes(index)).map((overlap) => overlap.actors[overlap.features[0] === index ? 1 : 0])
    if (geometry === null) {
      notes.push({
        index,
        path: `/features/${index}/geometry`,
        note: `overlaps=resolve: all of its ground is ${[...new Set(lost)].join(', ')}'s by precedence: not imported`,
      })
      continue
    }
    // Stored as every area is: normalised and validated (winding, repeats, rings), so it hashes as the same shape sent
    // again would; a clip that leaves no valid shape is refused with the reason, never stored unchecked.
    const normalised = normalizeGeometry(geometry, { allowed: ['Polygon', 'MultiPolygon'], maxVertices: Number.MAX_SAFE_INTEGER })
    if (normalised.errors.length > 0) {
      for (const problem of normalised.errors)
        invalid.push({
          index,
          path: `/features/${index}/geometry`,
          code: 'INVALID_GEOMETRY',
          reason: `overlaps=resolve left this area a shape that is not valid (${problem.path || '/'}: ${problem.reason}); correct the overlap in the file, or import with overlaps=keep`,
        })
      continue
    }
    if (normalised.empty || !normalised.geometry) {
      notes.push({
        index,
        path: `/features/${index}/geometry`,
        note: `overlaps=resolve: nothing valid is left of its ground once ${[...new Set(lost)].join(', ')}'s is taken: not imported`,
      })
      continue
    }
    const record = measureGeometry(normalised.geometry, normalised.vertexCount)
    notes.push({
      index,
      path: `/features/${index}/geometry`,
      note: `overlaps=resolve: ${(draft.feature.geometry.areaKm2 - record.areaKm2).toFixed(3)} km² shared with ${[...new Set(lost)].join(', ')} left to them by precedence`,
    })
    kept.push({ ...draft, feature: { ...draft.feature, geometry: record } })
  }
  // What resolving could not settle: actors both absent from precedence, or (history) intervals that differ.
  const left = measure(kept)
  const errors = left.map((overlap) => {
    const [a, b] = overlap.features.map((index) => byIndex.get(index)!)
    const why =
      withIntervals && (a.validFrom!.getTime() !== b.validFrom!.getTime() || (a.validTo?.getTime() ?? null) !== (b.validTo?.getTime() ?? null))
        ? ': their intervals differ, and resolve clips within one interval only (split the features at the change)'
        : `: neither ${overlap.actors[0]} nor ${overlap.actors[1]} is in precedence`
    return problem(overlap, why)
  })
  return { drafts: kept, overlaps: found, errors, notes, invalid }
}

/**
 * The actor ids precedence names, each entry read as the actor property is (an id, name or alias,
 * case-insensitively; the alias map of the import first), or one of the actors the import creates
 * (by its id, its name, or the id its name makes). Throws 400 INVALID_REQUEST at /query/precedence,
 * one problem per entry that names no actor.
 */
export function resolvePrecedence(
  entries: string[],
  actors: { resolver: ActorResolver; known: ReadonlySet<string>; created: readonly ActorValues[] },
): string[] {
  const problems: ProblemDetail[] = []
  const ids = entries.map((entry, position) => {
    const stored = actors.resolver.resolve(entry)
    if (stored !== undefined && (actors.known.has(stored) || actors.created.some((actor) => actor.id === stored))) return stored
    const key = entry.trim().toLowerCase()
    const created = actors.created.find((actor) => actor.id === key || actor.name.trim().toLowerCase() === key || actor.id === slugify(entry))
    if (created) return created.id
    problems.push({
      path: '/query/precedence',
      code: 'UNKNOWN_ACTOR',
      reason: `entry ${position + 1}, ${JSON.stringify(entry)}, names no actor of the dataset and none this import creates: give actor ids, names or aliases`,
    })
    return entry
  })
  if (problems.length > 0)
    throw withDetails(new Errors.INVALID_REQUEST(`precedence names ${problems.length} unknown actor(s): ${problems.map((p) => p.reason).join('; ')}`), problems)
  return ids
}

/** How many different actors the areas name (contested areas without one take no part). */
function actorsIn(group: AreaDraft[]): number {
  return new Set(group.map((draft) => draft.actorId).filter((actor) => actor !== null)).size
}

function inputsOf(group: AreaDraft[]): OverlapInput[] {
  return group
    .filter((draft) => draft.actorId !== null)
    .map((draft) => ({ index: draft.feature.index, actor: draft.actorId!, geometry: JSON.parse(draft.feature.geometry.json) }))
}

/**
 * The overlaps of a history: pairs of areas whose intervals meet. Two intervals meet exactly when
 * the later start lies in both, so the areas holding at each distinct start are measured, keeping
 * the pairs one of which starts there: areas that succeed one another on the same ground (the
 * usual history) are never clipped against each other.
 */
function measureOverTime(drafts: AreaDraft[]): Overlap[] {
  const starts = [...new Set(drafts.map((draft) => draft.validFrom!.getTime()))].sort((a, b) => a - b)
  const found = new Map<string, Overlap>()
  for (const start of starts) {
    const active = drafts.filter((draft) => draft.validFrom!.getTime() <= start && (draft.validTo == null || start < draft.validTo.getTime()))
    if (actorsIn(active) < 2) continue
    const fresh = new Set(active.filter((draft) => draft.validFrom!.getTime() === start).map((draft) => draft.feature.index))
    for (const overlap of measureOverlaps(inputsOf(active))) {
      const key = overlap.features.join('|')
      if ((fresh.has(overlap.features[0]) || fresh.has(overlap.features[1])) && !found.has(key)) found.set(key, overlap)
    }
  }
  return [...found.values()].sort((a, b) => a.features[0] - b.features[0] || a.features[1] - b.features[1])
}
