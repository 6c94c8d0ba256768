import type { Bbox } from './records.js'

/** A bbox as a PostgreSQL box literal. */
export function boxLiteral([minLon, minLat, maxLon, maxLat]: Bbox): string {
  return `(${minLon},${minLat}),(${maxLon},${maxLat})`
}

/** PostgreSQL prints a box as (x1,y1),(x2,y2) with the upper-right corner first. */
export function parseBox(text: string): Bbox {
  const [x1, y1, x2, y2] = text.replace(/[()]/g, '').split(',').map(Number)
  return [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)]
}
