// vt-pbf 3 ships no types: the one function the tiles use, as its README documents it.
declare module 'vt-pbf' {
  import type { LegacyTile } from 'geojson-vt'

  const vtpbf: {
    /** Encodes geojson-vt tiles, one layer per member, as one Mapbox Vector Tile (protobuf, uncompressed). */
    fromGeojsonVt(layers: Record<string, LegacyTile>, options?: { version?: number; extent?: number }): Uint8Array
  }
  export default vtpbf
}
