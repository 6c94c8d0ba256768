// The geometry engine: pure functions on WGS84 GeoJSON ([lon, lat] degrees), distances in km,
// areas in km². Nothing here performs I/O or imports from the rest of the service; this file is
// its only entry.
export { EARTH_RADIUS_KM, haversineKm, lengthKm, nearestOnSegment, normalizeLon } from './geodesic.js'
export { bboxOf, pointInShape, shapeIntersectsBbox } from './primitives.js'
export type { BBox } from './primitives.js'
export { areasAt, areaRef, prepareAreas, preparedGeometry } from './area-index.js'
export type { AreaInput, AreaRef, PreparedAreas, PreparedGeometry } from './area-index.js'
export { holdingShares, majorityHolder, UnsupportedGeometryError } from './holdings.js'
export type { HoldingShares } from './holdings.js'
export { distanceKm } from './distance.js'
export type { NearestPair } from './distance.js'
export { frontLines } from './fronts.js'
export type { FrontLines, FrontOptions } from './fronts.js'
export { routeSeverance, segmentRoute, sideOf } from './route.js'
export type { RouteSegment, RouteSeverance, SegmentedRoute } from './route.js'
export {
  areaKm2, differencePolygons, intersectPolygons, prepareTerritory, territoryAreaKm2, territoryChange, unionPolygons,
} from './changes.js'
export type { PreparedTerritory, TerritoryChange } from './changes.js'
export { canonicalJson, geometryHash } from './hash.js'
export { MAX_PROBLEMS, normalizeGeometry } from './validate.js'
export type { GeometryProblem, GeometryType, NormalizedGeometry, NormalizeOptions } from './validate.js'
