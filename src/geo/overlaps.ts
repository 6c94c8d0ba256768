import Flatbush from 'flatbush'
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { areaKm2, differencePolygons, intersectPolygons, unionPolygons } from './changes.js'
import { analyzeTopology } from './dissolve.js'
import { type BBox, bboxOf } from './primitives.js'

// Overlaps between the areas of one map (one import, one instant): ground two actors both claim.
// Areas of one actor may overlap freely (they are one territory); only different actors count.

type Areal = Polygon | MultiPolygon

/** One area of a map: its position in the import (`index`), who holds it, and its RFC 7946 geometry. */
export interface OverlapInput {
  index: number
  actor: string
  geometry: Polygon | MultiPolygon
}

/** Ground two areas of different actors both cover: the features' indices (ascending), their actors in that order, km² on the sphere, and the box of the shared ground. */
export interface Overlap {
  features: [number, number]
  actors: [string, string]
  areaKm2: number
  bbox: BBox
}

/** The polygons of every input, each with its input's position, indexed by bbox. */
interface PartIndex {
  parts: Position[][][]
  owner: number[]
  boxes: BBox[]
  index: Flatbush | null
}

function indexParts(features: readonly OverlapInput[]): PartIndex {
  const parts: Position[][][] = []
  const owner: number[] = []
  const boxes: BBox[] = []
  features.forEach((feature, k) => {
    const polys = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates
    for (const p of polys) {
      if (p.length === 0 || p[0].length < 4) continue
      parts.push(p)
      owner.push(k)
      boxes.push(bboxOf({ type: 'Polygon', coordinates: p }))
    }
  })
  if (parts.length === 0) return { parts, owner, boxes, index: null }
  const index = new Flatbush(parts.length)
  for (const b of boxes) index.add(b[0], b[1], b[2], b[3])
  index.finish()
  return { parts, owner, boxes, index }
}

/**
 * The polygons other than `p` whose boxes share ground with p's: boxes that meet only along a line
 * or at a point (neighbouring cells of a grid) cannot hold shared ground, and are never clipped.
 */
function partsNear({ boxes, index }: PartIndex, p: number): number[] {
  const [minX, minY, maxX, maxY] = boxes[p]
  return index!.search(minX, minY, maxX, maxY, (q) => {
    const b = boxes[q]
    return q !== p && Math.max(minX, b[0]) < Math.min(maxX, b[2]) && Math.max(minY, b[1]) < Math.min(maxY, b[3])
  })
}

const asAreal = (parts: Position[][][]): Areal =>
  parts.length === 1 ? { type: 'Polygon', coordinates: parts[0] } : { type: 'MultiPolygon', coordinates: parts }

/**
 * Every pair of areas of different actors sharing at least `minKm2` km² (geodesic, the sphere of
 * `areaKm2`), ordered by the pair's indices. Only polygons whose bboxes meet are clipped (a Flatbush
 * index over every polygon), and a group that meets only along exactly shared edges (cells of one
 * topology, the usual shape of a well-drawn map) is not clipped at all. Shared boundaries and
 * vertices are not overlaps; slivers under `minKm2` (one border digitised twice) are dropped.
 * Where three actors claim one patch, each pair reports it.
 */
export function measureOverlaps(features: OverlapInput[], minKm2 = 0.01): Overlap[] {
  const near = indexParts(features)
  const { parts, owner } = near
  if (!near.index) return []
  // For each pair (k < l) of inputs of different actors: the polygons of each that meet the other's boxes.
  const pairs = new Map<string, { k: number; l: number; a: Set<number>; b: Set<number> }>()
  const involved = new Set<number>()
  parts.forEach((_, p) => {
    const k = owner[p]
    for (const q of partsNear(near, p)) {
      const l = owner[q]
      if (l <= k || features[l].actor === features[k].actor) continue
      const key = `${k},${l}`
      let pair = pairs.get(key)
      if (!pair) pairs.set(key, (pair = { k, l, a: new Set(), b: new Set() }))
      pair.a.add(p)
      pair.b.add(q)
      involved.add(p).add(q)
    }
  })
  // A map drawn from one topology (cells meeting only along shared edges) overlaps nowhere: one check, no clip.
  if (pairs.size === 0 || analyzeTopology([...involved].map((p) => parts[p]))) return []
  const out: Overlap[] = []
  for (const { k, l, a, b } of pairs.values()) {
    const pa = [...a].map((p) => parts[p])
    const pb = [...b].map((q) => parts[q])
    if (analyzeTopology([...pa, ...pb])) continue
    const shared = intersectPolygons(asAreal(pa), asAreal(pb))
    const km2 = areaKm2(shared)
    if (!shared || !(km2 >= minKm2)) continue
    const [i, j] = features[k].index <= features[l].index ? [k, l] : [l, k]
    out.push({ features: [features[i].index, features[j].index], actors: [features[i].actor, features[j].actor], areaKm2: km2, bbox: bboxOf(shared) })
  }
  return out.sort((x, y) => x.features[0] - y.features[0] || x.features[1] - y.features[1])
}

/**
 * Gives ground claimed by areas of different actors to the actor that comes first in `precedence`
 * (actor ids, highest first): every area loses what areas of actors ranked above its own cover.
 * An actor not in the list ranks below every listed one; two unlisted actors keep their overlap
 * (both keep the ground: measure what is left with `measureOverlaps` and refuse it if it matters).
 * Areas of one actor never clip each other. One answer per input, in input order: the geometry
 * unchanged (the same object) where nothing was taken, null where all of it was.
 * Only areas whose polygons' bboxes meet are clipped (Flatbush index), in one difference per area.
 */
export function resolveOverlaps(features: OverlapInput[], precedence: string[]): { index: number; geometry: Polygon | MultiPolygon | null }[] {
  const rank = new Map<string, number>()
  precedence.forEach((actor, r) => {
    if (!rank.has(actor)) rank.set(actor, r)
  })
  const rankOf = (actor: string): number => rank.get(actor) ?? Infinity
  const near = indexParts(features)
  const { parts, owner } = near
  return features.map((feature, k) => {
    const mine = rankOf(feature.actor)
    if (!near.index || mine === 0) return { index: feature.index, geometry: feature.geometry }
    const own: number[] = []
    const above = new Set<number>()
    parts.forEach((_, p) => {
      if (owner[p] !== k) return
      own.push(p)
      for (const q of partsNear(near, p)) {
        const other = features[owner[q]]
        if (other.actor !== feature.actor && rankOf(other.actor) < mine) above.add(q)
      }
    })
    if (above.size === 0) return { index: feature.index, geometry: feature.geometry }
    const stronger = [...above].map((q) => parts[q])
    // Neighbours that only share edges with this area take nothing from it: no clip.
    if (analyzeTopology([...own.map((p) => parts[p]), ...stronger])) return { index: feature.index, geometry: feature.geometry }
    const left = differencePolygons(feature.geometry, unionPolygons([asAreal(stronger)]))
    return { index: feature.index, geometry: left && areaKm2(left) > 0 ? left : null }
  })
}
