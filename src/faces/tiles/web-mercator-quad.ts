// The one tile matrix set the tiles are served in: OGC's registered WebMercatorQuad (EPSG:3857,
// 256-pixel tiles, origin top-left, tile matrix z has 2^z × 2^z tiles), the grid of every web map.
import { Errors } from '../../errors.js'
import type { Bbox } from '../../modules/common/schemas.js'

export const TILE_MATRIX_SET_ID = 'WebMercatorQuad'
export const TILE_MATRIX_SET_URI = 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad'
export const WEB_MERCATOR_CRS = 'http://www.opengis.net/def/crs/EPSG/0/3857'

/** The tile matrices served, 0 to 14: past 14 a client overzooms (an MVT at 14 keeps about half a metre of detail at 4096 units a tile). */
export const MIN_ZOOM = 0
export const MAX_ZOOM = 14
/** The registered set defines tile matrices 0 to 24. */
const DEFINED_ZOOMS = 24

/** The latitude where the square Web Mercator world ends, degrees: atan(sinh(π)). */
export const MAX_LATITUDE = (Math.atan(Math.sinh(Math.PI)) * 180) / Math.PI

// Tile matrix 0 of the register (OGC 17-083r4 Annex D): each further matrix halves both.
const SCALE_DENOMINATOR_0 = 559082264.028717
const CELL_SIZE_0_M = 156543.033928041
const ORIGIN_M = 20037508.3427892

export interface TileAddress {
  /** tile matrix (zoom) */
  z: number
  /** tile column, west to east */
  x: number
  /** tile row, north to south */
  y: number
}

/**
 * The tile a request names, or 404 TILE_NOT_FOUND when it is outside the tile matrix set limits:
 * a tile matrix other than 0 to MAX_ZOOM, or a row or column past 2^z − 1.
 */
export function tileAddress(tileMatrix: string, tileRow: number, tileCol: number): TileAddress {
  // Tile matrix ids are the registered ones, "0" to "24" as written there: "03" names none.
  const z = /^(0|[1-9]\d?)$/.test(tileMatrix) ? Number(tileMatrix) : Number.NaN
  if (!(z >= MIN_ZOOM && z <= MAX_ZOOM)) {
    throw new Errors.TILE_NOT_FOUND(
      `Tile matrix '${tileMatrix}' is not served: these tilesets have the ${TILE_MATRIX_SET_ID} tile matrices ${MIN_ZOOM} to ${MAX_ZOOM} (clients overzoom past ${MAX_ZOOM})`,
    )
  }
  const last = 2 ** z - 1
  if (tileRow > last || tileCol > last) {
    throw new Errors.TILE_NOT_FOUND(
      `Tile ${z}/${tileRow}/${tileCol} (tileMatrix/tileRow/tileCol) is outside tile matrix ${z}, whose rows and columns run from 0 to ${last}`,
    )
  }
  return { z, x: tileCol, y: tileRow }
}

/** The limits of every tile matrix served: the whole matrix each (an empty tile answers 204), none past MAX_ZOOM. */
export function tileMatrixSetLimits() {
  return Array.from({ length: MAX_ZOOM - MIN_ZOOM + 1 }, (_, i) => {
    const z = MIN_ZOOM + i
    return { tileMatrix: String(z), minTileRow: 0, maxTileRow: 2 ** z - 1, minTileCol: 0, maxTileCol: 2 ** z - 1 }
  })
}

/** The registered definition of WebMercatorQuad (OGC 2D Tile Matrix Set 2.0, JSON encoding), tile matrices 0 to 24. */
export function webMercatorQuad() {
  return {
    id: TILE_MATRIX_SET_ID,
    title: 'Google Maps Compatible for the World',
    uri: TILE_MATRIX_SET_URI,
    crs: WEB_MERCATOR_CRS,
    orderedAxes: ['X', 'Y'],
    wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible',
    tileMatrices: Array.from({ length: DEFINED_ZOOMS + 1 }, (_, z) => ({
      id: String(z),
      scaleDenominator: SCALE_DENOMINATOR_0 / 2 ** z,
      cellSize: CELL_SIZE_0_M / 2 ** z,
      cornerOfOrigin: 'topLeft' as const,
      pointOfOrigin: [-ORIGIN_M, ORIGIN_M],
      tileWidth: 256,
      tileHeight: 256,
      matrixWidth: 2 ** z,
      matrixHeight: 2 ** z,
    })),
  }
}

/** A box clipped to the Web Mercator world, [west, south, east, north] degrees. */
export function mercatorBounds(bbox: Bbox | null): Bbox {
  if (!bbox) return [-180, -MAX_LATITUDE, 180, MAX_LATITUDE]
  const [west, south, east, north] = bbox
  return [Math.max(-180, west), Math.max(-MAX_LATITUDE, south), Math.min(180, east), Math.min(MAX_LATITUDE, north)]
}
