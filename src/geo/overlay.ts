// Polygon overlay (union, difference, intersection) through Clipper2 (clipper2-ts, a TypeScript port of Angus
// Johnson's Clipper2). Clipper2 works on integers: coordinates are scaled to 1e-8° (about 1 mm) and its
// predicates are exact on them (BigInt where a product could pass 2^53), so it never fails on nearly
// coincident vertices as a floating-point sweep can. On two consecutive DeepStateMap days (one MultiPolygon of
// ~3,000 vertices each) it took 3–17 ms where polyclip-ts took 125–210 ms, with the same km² to the m².
import { Clipper, ClipType, FillRule, type PathD, type PathsD, type PolyPathD, PolyTreeD } from 'clipper2-ts'
import type { MultiPolygon, Polygon, Position } from 'geojson'

type Areal = Polygon | MultiPolygon

/** Decimal places of degrees kept by the overlay: 1e-8° is about 1.1 mm on the ground. */
const PRECISION = 8

export type OverlayOperation = 'union' | 'difference' | 'intersection'

const CLIP_TYPES: Record<OverlayOperation, ClipType> = {
  union: ClipType.Union,
  difference: ClipType.Difference,
  intersection: ClipType.Intersection,
}

/**
 * `a` op (the union of `others`): for a union, of `a` and every other; null when nothing is left. Each
 * polygon's outer ring is made counter-clockwise and its holes clockwise, and the non-zero rule fills them, so
 * polygons that overlap one another count once and a hole stays a hole unless another polygon covers it, whatever
 * orientation the input had. The answer follows RFC 7946: outer rings counter-clockwise, holes clockwise, closed.
 */
export function overlay(op: OverlayOperation, a: Areal, others: readonly Areal[]): Areal | null {
  const subject = op === 'union' ? [a, ...others].flatMap(paths) : paths(a)
  const clip = op === 'union' ? [] : others.flatMap(paths)
  const tree = new PolyTreeD()
  Clipper.booleanOpDWithPolyTree(CLIP_TYPES[op], subject, clip, tree, FillRule.NonZero, PRECISION)
  const polygons: Position[][][] = []
  collect(tree, polygons, ringStarts([a, ...others]))
  if (polygons.length === 0) return null
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons }
}

/** A polygon's rings as Clipper paths (open: Clipper closes them), outer ring positive, holes negative. */
function paths(g: Areal): PathsD {
  const out: PathsD = []
  for (const rings of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) {
    rings.forEach((ring, index) => {
      if (ring.length < 4) return
      const path: PathD = new Array(ring.length - 1)
      for (let i = 0; i < ring.length - 1; i++) path[i] = { x: ring[i][0], y: ring[i][1] }
      // Positive (counter-clockwise with y up, as lon/lat are) for the outer ring, negative for a hole.
      if (Clipper.isPositiveD(path) !== (index === 0)) path.reverse()
      out.push(path)
    })
  }
  return out
}

/** The first vertex of every input ring, as `lon,lat`. */
function ringStarts(inputs: readonly Areal[]): Set<string> {
  const starts = new Set<string>()
  for (const g of inputs)
    for (const rings of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) for (const r of rings) if (r.length > 0) starts.add(`${r[0][0]},${r[0][1]}`)
  return starts
}

/**
 * The tree's outer rings as polygons with their holes; islands inside holes become polygons of their own. Clipper
 * starts a ring where its sweep met it; a ring that kept an input ring's first vertex starts there again, so that
 * a ring the operation left alone comes out as it went in.
 */
function collect(node: PolyPathD, out: Position[][][], starts: Set<string>): void {
  for (let i = 0; i < node.count; i++) {
    const outer = node.child(i)
    const rings = [ring(outer.poly!, starts)]
    for (let j = 0; j < outer.count; j++) {
      const hole = outer.child(j)
      rings.push(ring(hole.poly!, starts))
      collect(hole, out, starts)
    }
    if (rings[0].length >= 4) out.push(rings.filter((r) => r.length >= 4))
  }
}

// Clipper scales its integers back by multiplying with 1e-8, which can leave 36.10000000000001 for 36.1; dividing
// the integer by 1e8 gives the double nearest the decimal, so a vertex the input had comes out unchanged.
const SCALE = 10 ** PRECISION
const unscale = (value: number): number => Math.round(value * SCALE) / SCALE

function ring(path: PathD, starts: Set<string>): Position[] {
  const n = path.length
  const points: Position[] = new Array(n)
  let first = -1
  for (let i = 0; i < n; i++) {
    points[i] = [unscale(path[i].x), unscale(path[i].y)]
    if (first < 0 && starts.has(`${points[i][0]},${points[i][1]}`)) first = i
  }
  if (first < 0) first = 0
  const out: Position[] = new Array(n + 1)
  for (let i = 0; i < n; i++) out[i] = points[(first + i) % n]
  out[n] = out[0]
  return out
}
