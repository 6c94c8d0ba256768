/**
 * The field checks every event and tally reader shares: dates, counts, estimates, coordinates,
 * texts, sources. Pure: each takes the raw value and the path it came from, returns the value or
 * undefined, and records what is wrong in the reader's ProblemList, so one pass reports everything.
 */
import type { Point } from 'geojson'
import type { ProblemDetail } from '../../../errors.js'
import { TEXT_LIMITS } from '../../common/schemas.js'
import { EARLIEST_INSTANT, LATEST_INSTANT, DATE_RANGE } from '../../common/time.js'
import { EVENT_TYPES, SUB_EVENT_TYPES, type Estimate, type EventType, type SourceRecord } from '../../common/event-records.js'

/**
 * Longest texts a reader keeps, in UTF-16 code units. Names and sources share the limits of the
 * rest of the service; notes and kept columns are longer because ACLED notes and UCDP's source
 * citations routinely run to several hundred words.
 */
export const READ_TEXT_LIMITS = {
  /** an event's or tally's id: /v1/events/{event} takes it as a path segment, which the router caps at 100 */
  id: 100,
  /** a reference feature id a tally's scope names */
  featureId: TEXT_LIMITS.areaKey,
  name: TEXT_LIMITS.name,
  source: TEXT_LIMITS.source,
  notes: 10_000,
  property: 10_000,
} as const

/** Problems kept per file; past it one last entry says how many more there were. */
export const MAX_READ_PROBLEMS = 1000

export class ProblemList {
  private readonly kept: ProblemDetail[] = []
  private more = 0

  add(path: string, code: string, reason: string, index?: number): void {
    if (this.kept.length < MAX_READ_PROBLEMS) this.kept.push(index === undefined ? { path, code, reason } : { path, code, reason, index })
    else this.more++
  }

  get count(): number {
    return this.kept.length + this.more
  }

  list(): ProblemDetail[] {
    if (this.more === 0) return this.kept
    return [...this.kept, { path: '', code: 'TOO_MANY_PROBLEMS', reason: `${this.more} more problem(s) not listed; fix these and try again` }]
  }
}

/** A value quoted for a reason, cut short so a reason never repeats a whole paragraph. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)
}

/** ACLED's and our names as slugs: "Explosions/Remote violence" → explosions_remote_violence. */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
// UCDP GED writes date_start as "2024-11-28" or with a midnight time ("2024-11-28 00:00:00.000").
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?$/
// ACLED's export writes event_date as "28 November 2024" (older files: "28-November-2024", "28 Nov 2024").
const DAY_MONTH_YEAR = /^(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})$/
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

export interface DateOptions {
  /** Accept "28 November 2024" (ACLED). */
  monthNames?: boolean
  /** Accept a time after the date and drop it (UCDP GED). */
  time?: boolean
}

/** A calendar date YYYY-MM-DD within the accepted range, or undefined (the reason is in `problems`). */
export function calendarDate(value: string, path: string, problems: ProblemList, options: DateOptions = {}, index?: number): string | undefined {
  const text = value.trim()
  let parts: [number, number, number] | undefined
  const iso = ISO_DATE.exec(text) ?? (options.time ? ISO_DATE_TIME.exec(text) : null)
  if (iso) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3])]
  else if (options.monthNames) {
    const named = DAY_MONTH_YEAR.exec(text)
    const word = named?.[2].toLowerCase() ?? ''
    const month = word.length >= 3 ? MONTHS.findIndex((name) => name === word || (word.length === 3 && name.startsWith(word))) : -1
    if (named && month >= 0) parts = [Number(named[3]), month + 1, Number(named[1])]
  }
  const forms = `YYYY-MM-DD${options.monthNames ? ' or "28 November 2024"' : ''}`
  if (!parts) {
    problems.add(path, 'INVALID_DATE', `${quote(value)} is not a date: use ${forms}`, index)
    return undefined
  }
  const [year, month, day] = parts
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    problems.add(path, 'INVALID_DATE', `${quote(value)} is not a day of the calendar`, index)
    return undefined
  }
  if (date < EARLIEST_INSTANT || date >= LATEST_INSTANT) {
    problems.add(path, 'INVALID_DATE', `${quote(value)} is outside the dates this service accepts, ${DATE_RANGE}`, index)
    return undefined
  }
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** date_end ≥ date_start, else a problem at the end's path. */
export function checkDateOrder(start: string | undefined, end: string | undefined, path: string, problems: ProblemList, index?: number): void {
  if (start && end && end < start) problems.add(path, 'INVALID_DATE_RANGE', `ends ${end}, before it starts ${start}`, index)
}

const COUNT_TEXT = /^\+?\d+$/
const DECIMAL_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)$/

/** A count in a CSV cell: empty → null; a whole number ≥ 0 → it; else undefined with a problem. */
export function countCell(value: string | undefined, path: string, problems: ProblemList, index?: number): number | null | undefined {
  const text = (value ?? '').trim()
  if (text === '') return null
  if (!COUNT_TEXT.test(text) || !Number.isSafeInteger(Number(text))) {
    problems.add(path, 'INVALID_NUMBER', `${quote(text)} is not a count: give a whole number ≥ 0, or leave it empty when unknown`, index)
    return undefined
  }
  return Number(text)
}

/** A decimal number in a CSV cell: empty → null; else the number or undefined with a problem. */
export function decimalCell(
  value: string | undefined,
  path: string,
  problems: ProblemList,
  code = 'INVALID_NUMBER',
  index?: number,
): number | null | undefined {
  const text = (value ?? '').trim()
  if (text === '') return null
  // Digits past the range of a double read as Infinity, which JSON would store as null.
  if (!DECIMAL_TEXT.test(text) || !Number.isFinite(Number(text))) {
    problems.add(path, code, `${quote(text)} is not a decimal number${DECIMAL_TEXT.test(text) ? ' within the range of a double' : ''}`, index)
    return undefined
  }
  return Number(text)
}

/** A count in JSON: null/absent → null; a whole number ≥ 0 (or its text) → it; else undefined with a problem. */
export function countValue(value: unknown, path: string, problems: ProblemList, index?: number, integer = true): number | null | undefined {
  if (value === undefined || value === null || value === '') return null
  const number = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL_TEXT.test(value.trim()) ? Number(value) : NaN
  if (!Number.isFinite(number) || number < 0 || (integer && !Number.isSafeInteger(number))) {
    problems.add(path, 'INVALID_NUMBER', `${quote(value)} is not a count: give a ${integer ? 'whole ' : ''}number ≥ 0, or null when unknown`, index)
    return undefined
  }
  return number
}

/** low ≤ best ≤ high wherever two are known; a problem naming the three otherwise. */
export function checkEstimate(estimate: Estimate, path: string, problems: ProblemList, index?: number): boolean {
  const { low, best, high } = estimate
  const ordered = (a: number | null, b: number | null) => a === null || b === null || a <= b
  if (ordered(low, best) && ordered(best, high) && ordered(low, high)) return true
  problems.add(path, 'INVALID_ESTIMATE', `low ≤ best ≤ high is not met by low ${low}, best ${best}, high ${high}`, index)
  return false
}

const ESTIMATE_MEMBERS = new Set(['low', 'best', 'high'])

/**
 * An estimate in JSON: {low, best, high} (each a count or null) or a bare count (= best); absent → undefined
 * without a problem, so the caller picks the default. `integer: false` for tallies measured in other units.
 */
export function estimateValue(value: unknown, path: string, problems: ProblemList, index?: number, integer = true): Estimate | null | undefined {
  if (value === undefined || value === null) return null
  if (typeof value === 'number' || typeof value === 'string') {
    const best = countValue(value, path, problems, index, integer)
    return best === undefined ? undefined : { low: null, best, high: null }
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.add(path, 'INVALID_ESTIMATE', `${quote(value)} is not an estimate: give {"low", "best", "high"} or a number (the best estimate)`, index)
    return undefined
  }
  const record = value as Record<string, unknown>
  const unknown = Object.keys(record).filter((key) => !ESTIMATE_MEMBERS.has(key))
  if (unknown.length) problems.add(path, 'INVALID_ESTIMATE', `unknown member(s) ${unknown.join(', ')}: an estimate has low, best and high`, index)
  const low = countValue(record.low, `${path}/low`, problems, index, integer)
  const best = countValue(record.best, `${path}/best`, problems, index, integer)
  const high = countValue(record.high, `${path}/high`, problems, index, integer)
  if (low === undefined || best === undefined || high === undefined || unknown.length) return undefined
  const estimate = { low, best, high }
  return checkEstimate(estimate, path, problems, index) ? estimate : undefined
}

/** A Point from longitude and latitude (WGS84 degrees), both required and in range; a problem names the one at fault. */
export function pointOf(
  lon: number | null | undefined,
  lat: number | null | undefined,
  paths: { lon: string; lat: string },
  problems: ProblemList,
  index?: number,
): Point | undefined {
  if (lon === undefined || lat === undefined) return undefined
  if (lon === null || lat === null) {
    problems.add(lon === null ? paths.lon : paths.lat, 'INVALID_COORDINATES', `${lon === null ? 'longitude' : 'latitude'} is required`, index)
    return undefined
  }
  const lonOk = lon >= -180 && lon <= 180
  const latOk = lat >= -90 && lat <= 90
  if (!lonOk || !latOk) {
    const reason = `longitude ${lon}, latitude ${lat} is outside WGS84 (longitude −180…180, latitude −90…90)`
    problems.add(lonOk ? paths.lat : paths.lon, 'INVALID_COORDINATES', reason, index)
    return undefined
  }
  return { type: 'Point', coordinates: [lon, lat] }
}

// U+0000 and unpaired UTF-16 surrogates: PostgreSQL text and jsonb refuse both.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** A text: trimmed, empty → null, longer than `limit` → undefined with a problem. */
export function textValue(value: unknown, path: string, problems: ProblemList, limit: number, index?: number): string | null | undefined {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') {
    problems.add(path, 'INVALID_TEXT', `${quote(value)} is not text`, index)
    return undefined
  }
  const text = value.trim()
  if (text === '') return null
  if (text.includes('\u0000') || LONE_SURROGATE.test(text)) {
    problems.add(path, 'INVALID_TEXT', `${quote(text)} holds U+0000 or a lone surrogate, which PostgreSQL text cannot store`, index)
    return undefined
  }
  if (text.length > limit) {
    problems.add(path, 'TEXT_TOO_LONG', `${text.length} characters, more than the limit of ${limit}: ${quote(text)}`, index)
    return undefined
  }
  return text
}

/** A ";"-separated list in a cell (ACLED's assoc_actor_*, source), trimmed, empty parts dropped. */
export function splitList(value: string | null | undefined): string[] {
  if (!value) return []
  return value
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

/** An event type given as a slug or the codebook's name; unknown text is refused with the list. */
export function eventTypeOf(value: string | null, path: string, problems: ProblemList, index?: number): EventType | null | undefined {
  if (value === null) return null
  const type = slug(value) as EventType
  if ((EVENT_TYPES as readonly string[]).includes(type)) return type
  problems.add(path, 'INVALID_EVENT_TYPE', `${quote(value)} is not an ACLED event type; one of: ${EVENT_TYPES.join(', ')}`, index)
  return undefined
}

/** A sub-event type as a slug, refused unless it belongs to its event type (or, without one, to any). */
export function subEventTypeOf(value: string | null, type: EventType | null, path: string, problems: ProblemList, index?: number): string | null | undefined {
  if (value === null) return null
  const sub = slug(value)
  const allowed = type ? SUB_EVENT_TYPES[type] : Object.values(SUB_EVENT_TYPES).flat()
  if (allowed.includes(sub)) return sub
  problems.add(path, 'INVALID_SUB_EVENT_TYPE', `${quote(value)} is not a sub-event type${type ? ` of ${type}` : ''}; one of: ${allowed.join(', ')}`, index)
  return undefined
}

/** One of a fixed list of words, or undefined with a problem naming the list. */
export function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  path: string,
  code: string,
  problems: ProblemList,
  index?: number,
): T | undefined {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  problems.add(path, code, `${quote(value)} is not one of: ${allowed.join(', ')}`, index)
  return undefined
}

/** An http(s) URL or null; anything else is refused. */
export function urlValue(value: unknown, path: string, problems: ProblemList, index?: number): string | null | undefined {
  const text = textValue(value, path, problems, READ_TEXT_LIMITS.source, index)
  if (!text) return text
  let url: URL | undefined
  try {
    url = new URL(text)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    problems.add(path, 'INVALID_URL', `${quote(text)} is not an http(s) URL`, index)
    return undefined
  }
  return text
}

/** A source's date: YYYY-MM-DD (a time after it is dropped), or null. */
export function sourceDate(value: unknown, path: string, problems: ProblemList, index?: number): string | null | undefined {
  const text = textValue(value, path, problems, 40, index)
  if (!text) return text
  return calendarDate(text, path, problems, { time: true }, index)
}

export interface SourceFields {
  publisher: unknown
  title?: unknown
  url?: unknown
  date?: unknown
  reported?: unknown
  label?: unknown
}

/** A SourceRecord from its members (publisher required), each checked at `${path}/${member}` or at `paths[member]`. */
export function sourceRecord(
  fields: SourceFields,
  path: string | Record<keyof SourceFields, string>,
  problems: ProblemList,
  index?: number,
): SourceRecord | undefined {
  const at = (member: keyof SourceFields) => (typeof path === 'string' ? `${path}/${member}` : path[member])
  const publisher = textValue(fields.publisher, at('publisher'), problems, READ_TEXT_LIMITS.name, index)
  if (publisher === null) problems.add(at('publisher'), 'MISSING_VALUE', 'a source needs its publisher', index)
  const title = textValue(fields.title, at('title'), problems, READ_TEXT_LIMITS.source, index)
  const url = urlValue(fields.url, at('url'), problems, index)
  const date = sourceDate(fields.date, at('date'), problems, index)
  const reported = textValue(fields.reported, at('reported'), problems, READ_TEXT_LIMITS.source, index)
  const label = textValue(fields.label, at('label'), problems, READ_TEXT_LIMITS.name, index)
  if (!publisher || title === undefined || url === undefined || date === undefined || reported === undefined || label === undefined) return undefined
  return { publisher, title, url, date, reported, label }
}
