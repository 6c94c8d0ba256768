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

/**
 * The step of a series, an ISO 8601 duration: calendar parts (years, months) and fixed ones (weeks,
 * days, hours, minutes, seconds). P1D, P1W, P1M, P1Y, PT6H, P1DT12H, P1Y2M.
 */
export interface Step {
  /** the duration as given, e.g. P1M */
  text: string
  /** calendar months (years × 12 + months): added by the calendar, the day clamped to the month's end */
  months: number
  /** the fixed part, ms (UTC has no daylight saving: a day is always 86,400,000 ms) */
  ms: number
}

const DURATION = /^P(?:(\d{1,6})Y)?(?:(\d{1,7})M)?(?:(\d{1,7})W)?(?:(\d{1,8})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,10})M)?(?:(\d{1,12})S)?)?$/i

/** Parses an ISO 8601 duration of years, months, weeks, days, hours, minutes or seconds; undefined when it is not one, is zero, or is longer than the accepted range. */
export function parseStep(value: string): Step | undefined {
  const text = value.trim().toUpperCase()
  const match = DURATION.exec(text)
  if (!match || text === 'P' || text.endsWith('T')) return undefined
  const [years, months, weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0))
  const step = { text, months: years * 12 + months, ms: ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 }
  if (step.months === 0 && step.ms === 0) return undefined
  // No step is longer than the whole accepted range: P99999Y is refused, not an overflow.
  const span = LATEST_INSTANT.getTime() - EARLIEST_INSTANT.getTime()
  return step.months <= 12 * 300 && step.ms <= span ? step : undefined
}

/** Why a step is refused, for the problem's detail. */
export const STEP_RULE = 'an ISO 8601 duration such as P1D, P1W, P1M, P1Y, PT6H or P1DT12H'

/**
 * `start + n × step`. Calendar months are added from `start` itself (never step by step), so a series
 * from 31 January by P1M reads 29 February (2024), 31 March, 30 April: the day is clamped to each
 * month's length and never drifts. Then the fixed part, n × ms.
 */
export function addSteps(start: Date, step: Step, n: number): Date {
  let time = start.getTime()
  if (step.months !== 0) {
    const year = start.getUTCFullYear()
    const month = start.getUTCMonth() + step.months * n
    const targetYear = year + Math.floor(month / 12)
    const targetMonth = ((month % 12) + 12) % 12
    const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate()
    const day = Math.min(start.getUTCDate(), lastDay)
    const timeOfDay = time - Date.UTC(year, start.getUTCMonth(), start.getUTCDate())
    time = Date.UTC(targetYear, targetMonth, day) + timeOfDay
  }
  return new Date(time + step.ms * n)
}

/**
 * The instants of a series from `start` to `end` (both inclusive when on the grid) by `step`;
 * `tooMany(count)` is thrown past `maxSteps`, before any instant is made.
 */
export function stepInstants(start: Date, end: Date, step: Step, maxSteps: number, tooMany: (count: number) => Error): Date[] {
  const count = stepCount(start, end, step)
  if (count > maxSteps) throw tooMany(count)
  return Array.from({ length: count }, (_, n) => addSteps(start, step, n))
}

/** How many instants a series has, without making them (months counted by the calendar). */
export function stepCount(start: Date, end: Date, step: Step): number {
  if (step.months === 0) return Math.floor((end.getTime() - start.getTime()) / step.ms) + 1
  // Months: estimate by the average month, then correct by walking at most a step or two.
  const average = step.months * 30.436875 * DAY_MS + step.ms
  let n = Math.max(0, Math.floor((end.getTime() - start.getTime()) / average) - 1)
  while (addSteps(start, step, n + 1) <= end) n++
  while (n > 0 && addSteps(start, step, n) > end) n--
  return n + 1
}

/** The `at` and `known_at` of a query: bare dates mean the end of the day; `at` defaults to now. */
export function queryInstants(query: { at?: string; known_at?: string }, now = new Date()): { at: Date; knownAt?: Date } {
  const at = query.at === undefined ? now : parseInstant(query.at, 'end-of-day')
  const knownAt = query.known_at === undefined ? undefined : parseInstant(query.known_at, 'end-of-day')
  // The route schemas have already checked both parse; this guards direct callers.
  if (!at) throw new TypeError(`unparseable at: ${query.at}`)
  return { at, knownAt }
}
