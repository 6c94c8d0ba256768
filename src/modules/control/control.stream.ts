// Pages of areas too large to build whole: their size estimated from the rows before any geometry
// is read, and their features made batch by batch, each batch's geometry texts fetched when the
// reader has taken the one before.

/** What a page's size is estimated from: a row's geometry hash and vertex count (no geometry). */
export interface SizedRow {
  id: number
  geometryHash: string
  vertexCount: number
}

// A position written at full double precision, `[-179.12345678901234,-89.12345678901234],`, is
// 41 characters; the bundled data's are 32 on average. An estimate on the high side streams a page
// a little early, never too late.
const BYTES_PER_VERTEX = 40
// A feature's members besides its geometry (id, time, actor, side, status, sources…): about 400
// bytes in the bundled data; its own properties may add more.
const BYTES_PER_FEATURE = 512

/** The estimated length of the GeoJSON text of these rows' features, bytes. */
export function estimatedBytes(rows: readonly SizedRow[]): number {
  let bytes = 0
  for (const row of rows) bytes += row.vertexCount * BYTES_PER_VERTEX + BYTES_PER_FEATURE
  return bytes
}

/**
 * A streamed answer's batch, in estimated bytes: an eighth of the bound, at most 1 MiB. Ten clients
 * each holding a batch of text, its JSON and its compression hold tens of MiB, and a batch of 1 MiB
 * is a few dozen areas, one query each.
 */
export function streamBatchBytes(streamFromBytes: number): number {
  return Math.min(1024 * 1024, streamFromBytes / 8)
}

/** A geometry named by a page's row was gone when its batch was read (its dataset deleted meanwhile). */
export class GeometryVanished extends Error {
  constructor(hash: string, areaId: number) {
    super(`the geometry ${hash} of area ${areaId} was gone when its batch was read (its dataset deleted meanwhile): the answer was cut short`)
  }
}

/**
 * The features of `rows` as JSON text, comma-separated across batches (the caller writes the
 * brackets), in batches of about `batchBytes` of estimated text. A batch's geometries are fetched
 * by hash when the reader asks for it: a hash names one geometry forever, so the rows already read
 * and the texts read later are of one answer. A hash that vanished in between throws
 * GeometryVanished: the reader then cuts the answer short rather than send a wrong complete one.
 */
export async function* featureBatches<Row extends SizedRow>(
  rows: readonly Row[],
  batchBytes: number,
  fetchTexts: (hashes: string[]) => Promise<Map<string, string>>,
  render: (row: Row, geometryText: string) => string,
): AsyncGenerator<string> {
  let start = 0
  while (start < rows.length) {
    let end = start
    let bytes = 0
    while (end < rows.length && (end === start || bytes < batchBytes)) bytes += estimatedBytes([rows[end++]])
    const batch = rows.slice(start, end)
    const texts = await fetchTexts(batch.map((row) => row.geometryHash))
    const features = batch.map((row) => {
      const text = texts.get(row.geometryHash)
      if (text === undefined) throw new GeometryVanished(row.geometryHash, row.id)
      return render(row, text)
    })
    yield `${start === 0 ? '' : ','}${features.join(',')}`
    start = end
  }
}
