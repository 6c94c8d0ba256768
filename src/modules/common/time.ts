const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
// An ISO 8601 instant: date, time with optional seconds and fraction, optional Z or offset (UTC when absent).
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i
const DAY_MS = 86_400_000

/**
 * Instants the service accepts, in imports and queries alike: 1900-01-01T00:00Z (inclusive) to
 * 2200-01-01T00:00Z (exclusive), i.e. every day from 1900-01-01 to 2199-12-31 (UTC). Wide enough for
 * any map of a front; narrow enough that a typo (0100-01-01, 9999-12-31) is caught, not stored.
 */
export const EARLIEST_INSTANT = new Date(Date.UTC(1900, 0, 1))
export const LATEST_INSTANT = new Date(Date.UTC(2200, 0, 1))
export const DATE_RANGE = '1900-01-01 to 2199-12-31 (UTC)'

/**
 * How a bare date is read. In an import it is the start of that day (a map published for the
 * 26th holds from 00:00 UTC); in a query it is the end of that day, the state published for it.
 */
export type DateRole = 'start-of-day' | 'end-of-day'

/** Parses a date or ISO 8601 instant (UTC unless an offset is given); undefined when it does not parse or lies outside DATE_RANGE. */
export function parseInstant(value: string, role: DateRole): Date | undefined {
  const instant = parseAnyInstant(value, role)
  return instant && inRange(instant) ? instant : undefined
}

/** Why a text is not an instant the service accepts: it does not parse, or it lies outside DATE_RANGE; undefined when it is one. */
export function instantProblem(value: string): string | undefined {
  const instant = parseAnyInstant(value, 'start-of-day')
  if (!instant)
    return `${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} is not a date: use YYYY-MM-DD or an ISO 8601 instant such as 2024-11-28T06:00Z`
  if (!inRange(instant)) return `${JSON.stringify(value)} is outside the dates this service accepts, ${DATE_RANGE}`
  return undefined
}

function inRange(instant: Date): boolean {
  return instant >= EARLIEST_INSTANT && instant < LATEST_INSTANT
}

function parseAnyInstant(value: string, role: DateRole): Date | undefined {
  const trimmed = value.trim()
  const date = DATE_ONLY.exec(trimmed)
  if (date) {
    const start = utcDate(Number(date[1]), Number(date[2]), Number(date[3]))
    if (!start) return undefined
    return role === 'start-of-day' ? start : new Date(start.getTime() + DAY_MS - 1)
  }
  const instant = INSTANT.exec(trimmed)
  if (!instant) return undefined
  const day = utcDate(Number(instant[1]), Number(instant[2]), Number(instant[3]))
  const [hours, minutes, seconds] = [Number(instant[4]), Number(instant[5]), Number(instant[6] ?? 0)]
  if (!day || hours > 23 || minutes > 59 || seconds > 59) return undefined
  const fractionMs = Math.floor(Number(`0.${instant[7] ?? '0'}`) * 1000)
  let offsetMinutes = 0
  const zone = instant[8]
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const offsetHours = Number(digits.slice(0, 2))
    const offsetMins = Number(digits.slice(2))
    if (offsetHours > 14 || offsetMins > 59) return undefined
    offsetMinutes = sign * (offsetHours * 60 + offsetMins)
  }
  return new Date(day.getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000 + fractionMs - offsetMinutes * 60_000)
}

export function isInstant(value: string): boolean {
  return parseInstant(value, 'start-of-day') !== undefined
}

function utcDate(year: number, month: number, day: number): Date | undefined {
  const date = new Date(Date.UTC(year, month - 1, day))
  // Date.UTC rolls 2024-02-30 over to March: a round trip catches impossible dates.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  return date
}

/** ISO 8601 durations of days, hours or weeks (P1D, PT6H, P1W, P1DT12H): the steps of a series. */
export function parseDurationMs(value: string): number | undefined {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/i.exec(value.trim())
  if (!match || value.trim().toUpperCase() === 'P' || value.trim().toUpperCase() === 'PT') return undefined
  const [weeks, days, hours, minutes] = match.slice(1).map((part) => Number(part ?? 0))
  const ms = (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000
  // No step is longer than the whole accepted range: P99999999999999W is refused, not an overflow.
  return ms > 0 && ms <= LATEST_INSTANT.getTime() - EARLIEST_INSTANT.getTime() ? ms : undefined
}

/** The `at` and `known_at` of a query: bare dates mean the end of the day; `at` defaults to now. */
export function queryInstants(query: { at?: string; known_at?: string }, now = new Date()): { at: Date; knownAt?: Date } {
  const at = query.at === undefined ? now : parseInstant(query.at, 'end-of-day')
  const knownAt = query.known_at === undefined ? undefined : parseInstant(query.known_at, 'end-of-day')
  // The route schemas have already checked both parse; this guards direct callers.
  if (!at) throw new TypeError(`unparseable at: ${query.at}`)
  return { at, knownAt }
}
