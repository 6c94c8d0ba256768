/**
 * Merges intervals that overlap or meet and returns the merged one containing `at`: a place held
 * by the same actor through several daily polygons has been held since the first of them.
 */
export function holdingSpan(intervals: { validFrom: Date; validTo: Date | null }[], at: Date): { from: Date; to: Date | null } | undefined {
  const sorted = [...intervals].sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime())
  let current: { from: Date; to: Date | null } | undefined
  for (const interval of sorted) {
    if (current && (current.to === null || interval.validFrom <= current.to)) {
      if (current.to !== null && (interval.validTo === null || interval.validTo > current.to)) current.to = interval.validTo
      continue
    }
    if (current && current.from <= at && (current.to === null || current.to > at)) return current
    current = { from: interval.validFrom, to: interval.validTo }
  }
  if (current && current.from <= at && (current.to === null || current.to > at)) return current
  return undefined
}

export function validAt(interval: { validFrom: Date; validTo: Date | null }, at: Date): boolean {
  return interval.validFrom <= at && (interval.validTo === null || interval.validTo > at)
}

/** Rounds to `digits` decimals: answers carry km to the metre and km² to a thousandth. */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
