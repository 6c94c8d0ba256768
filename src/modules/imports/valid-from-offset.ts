// valid_from_offset: an ISO 8601 duration, signed, added to every valid date an import reads. Files
// are often stamped with their capture or publication time, not the time the map held (DeepState's
// daily captures at ~03:00 UTC show the previous evening). Years and months are refused: their
// length depends on the date, and an offset is meant to be one fixed shift.

/** [+-]P[nW][nD][T[nH][nM][n[.n]S]], at least one part. */
export const DURATION_PATTERN = /^[+-]?P(?=\d|T\d)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/

/** The offset in milliseconds (signed), or undefined when the text is not such a duration. */
export function parseOffsetMs(text: string): number | undefined {
  const parts = DURATION_PATTERN.exec(text)
  if (!parts) return undefined
  const [weeks, days, hours, minutes, seconds] = parts.slice(1).map((part) => (part === undefined ? 0 : Number(part)))
  const ms = (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000 + Math.round(seconds * 1000)
  return text.startsWith('-') ? -ms : ms
}

import { DATE_RANGE, EARLIEST_INSTANT, LATEST_INSTANT } from '../common/time.js'

/** The largest offset accepted, either way: a year (366 days). A capture is hours or days from the map it shows. */
export const MAX_OFFSET_MS = 366 * 86_400_000
export const MAX_OFFSET_TEXT = 'P366D'

/** The instant shifted by the offset; the same Date when there is none. */
export function shifted(instant: Date, offsetMs: number): Date {
  return offsetMs === 0 ? instant : new Date(instant.getTime() + offsetMs)
}

/** Why an instant moved by the offset may not be stored (outside the dates the service accepts), or undefined. */
export function shiftedProblem(read: Date, moved: Date, offsetText: string | undefined): string | undefined {
  if (moved >= EARLIEST_INSTANT && moved < LATEST_INSTANT) return undefined
  const at = Number.isNaN(moved.getTime()) ? 'an invalid date' : moved.toISOString()
  return `${read.toISOString()} moved by valid_from_offset ${offsetText ?? ''} is ${at}, outside the dates this service accepts, ${DATE_RANGE}`
}
