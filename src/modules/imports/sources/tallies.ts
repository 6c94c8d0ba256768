/**
 * Tallies — as-of statements such as "182 fighters and 19 civilians killed as of 28 Nov" — from
 * Frontline's tally GeoJSON or CSV (columns named after TallyDraft's members). One statement per
 * tally and one source per statement. Pure and synchronous; never throws.
 */
import type { Estimate, ReadResult, SourceRecord, TallyDraft } from '../../common/event-records.js'
import { readCsvRecords, type CsvRow, type CsvTable } from './csv-table.js'
import { collectionFeatures, eventGeometry, isObject, readSource, type FeatureInput } from './events-geojson.js'
import {
  calendarDate,
  checkDateOrder,
  checkEstimate,
  decimalCell,
  estimateValue,
  pointOf,
  ProblemList,
  quote,
  READ_TEXT_LIMITS,
  slug,
  sourceRecord,
  textValue,
} from './read-fields.js'

/** The unit a tally counts in when it names none: tolls and displacement count people. */
export const DEFAULT_TALLY_UNIT = 'people'

const METRIC = /^[a-z0-9][a-z0-9_]{0,63}$/
const MEMBERS = new Set(['as_of', 'period', 'scope', 'metric', 'unit', 'value', 'breakdown', 'source', 'method', 'notes'])

export function readTalliesGeojson(json: unknown): ReadResult<TallyDraft> {
  const problems = new ProblemList()
  const drafts: TallyDraft[] = []
  for (const feature of collectionFeatures(json, problems, 'DUPLICATE_TALLY_ID')) {
    const draft = readFeature(feature, problems)
    if (draft) drafts.push(draft)
  }
  if (problems.count) return { ok: false, problems: problems.list() }
  return { ok: true, drafts, skipped: 0 }
}

function readFeature(feature: FeatureInput, problems: ProblemList): TallyDraft | undefined {
  const { index, properties: p } = feature
  const at = (member: string) => `${feature.path}/properties/${member}`
  const before = problems.count
  const geometry =
    feature.geometry === null || feature.geometry === undefined ? null : eventGeometry(feature.geometry, `${feature.path}/geometry`, problems, index)

  const asOf = requiredDate(p.as_of, at('as_of'), problems, index)
  let period: TallyDraft['period'] = null
  if (p.period !== undefined && p.period !== null) {
    if (!isObject(p.period)) problems.add(at('period'), 'INVALID_PERIOD', 'period is {start, end}, each YYYY-MM-DD or null', index)
    else {
      const start = optionalDate(p.period.start, `${at('period')}/start`, problems, index)
      const end = optionalDate(p.period.end, `${at('period')}/end`, problems, index)
      checkDateOrder(start ?? undefined, end ?? undefined, `${at('period')}/end`, problems, index)
      period = { start: start ?? null, end: end ?? null }
    }
  }

  let scope: TallyDraft['scope'] | undefined
  if (typeof p.scope === 'string') {
    const name = textValue(p.scope, at('scope'), problems, READ_TEXT_LIMITS.name, index)
    if (name) scope = { name, feature: null, admin: null, geometry: geometry ?? null }
  } else if (isObject(p.scope)) {
    const name = textValue(p.scope.name, `${at('scope')}/name`, problems, READ_TEXT_LIMITS.name, index)
    if (name === null) problems.add(`${at('scope')}/name`, 'MISSING_VALUE', 'a scope needs its name', index)
    const featureId = textValue(p.scope.feature, `${at('scope')}/feature`, problems, READ_TEXT_LIMITS.featureId, index)
    const admin = textValue(p.scope.admin, `${at('scope')}/admin`, problems, READ_TEXT_LIMITS.name, index)
    if (name) scope = { name, feature: featureId ?? null, admin: admin ?? null, geometry: geometry ?? null }
  } else problems.add(at('scope'), 'MISSING_VALUE', 'every tally needs its scope: a name or {name, feature, admin}', index)

  const metric = metricOf(p.metric, at('metric'), problems, index)
  const unit = textValue(p.unit, at('unit'), problems, 50, index)
  const value = estimateValue(p.value, at('value'), problems, index, false)
  if (value === null || (value && value.low === null && value.best === null && value.high === null))
    problems.add(at('value'), 'MISSING_VALUE', 'every tally needs its value: {low, best, high} or a number (the best)', index)
  const breakdown = breakdownOf(p.breakdown, at('breakdown'), problems, index)
  let source: SourceRecord | undefined
  if (p.source === undefined || p.source === null)
    problems.add(at('source'), 'MISSING_VALUE', 'every tally needs its source (one record: publisher, title, url, date, reported, label)', index)
  else if (Array.isArray(p.source))
    problems.add(at('source'), 'INVALID_SOURCE', 'a tally has ONE source: when two sources give a figure, make them two tallies', index)
  else source = readSource(p.source, at('source'), problems, index)
  const method = textValue(p.method, at('method'), problems, READ_TEXT_LIMITS.source, index)
  const notes = textValue(p.notes, at('notes'), problems, READ_TEXT_LIMITS.notes, index)

  const properties: Record<string, unknown> = {}
  for (const [key, member] of Object.entries(p)) if (!MEMBERS.has(key)) properties[key] = member

  if (problems.count > before || !asOf || !scope || !metric || !value || !source || breakdown === undefined) return undefined
  return tallyDraft({ id: feature.id, as_of: asOf, period, scope, metric, value, breakdown, source, properties }, { unit, method, notes })
}

/** A tally from its checked members; the optional texts absent (null) take their defaults. */
function tallyDraft(
  members: Omit<TallyDraft, 'unit' | 'method' | 'notes'>,
  texts: { unit: string | null | undefined; method: string | null | undefined; notes: string | null | undefined },
): TallyDraft {
  return { ...members, unit: texts.unit ?? DEFAULT_TALLY_UNIT, method: texts.method ?? null, notes: texts.notes ?? null }
}

/** The columns of the tally CSV; every other column is kept in properties. */
export const TALLY_CSV_COLUMNS = [
  'id',
  'as_of',
  'period_start',
  'period_end',
  'scope_name',
  'scope_feature',
  'scope_admin',
  'metric',
  'unit',
  'value',
  'value_low',
  'value_best',
  'value_high',
  'breakdown',
  'source_publisher',
  'source_title',
  'source_url',
  'source_date',
  'source_reported',
  'source_label',
  'method',
  'notes',
  'longitude',
  'latitude',
] as const
export const TALLY_REQUIRED_COLUMNS = ['id', 'as_of', 'scope_name', 'metric', 'source_publisher'] as const
const CSV_MAPPED = new Set<string>(TALLY_CSV_COLUMNS)

export function readTalliesCsv(text: string): ReadResult<TallyDraft> {
  return readCsvRecords(text, { required: TALLY_REQUIRED_COLUMNS, idColumn: 'id', duplicateCode: 'DUPLICATE_TALLY_ID', header: valueColumns, row: readRow })
}

/** The header names the value, in either form. */
function valueColumns(table: CsvTable, problems: ProblemList): boolean {
  if (['value', 'value_low', 'value_best', 'value_high'].some((column) => table.columns.includes(column))) return true
  problems.add(
    '/header',
    'MISSING_COLUMN',
    `the header lacks the value: give a value column or value_low, value_best, value_high; it has ${table.columns.join(', ')}`,
  )
  return false
}

function readRow(row: CsvRow, problems: ProblemList): TallyDraft | undefined {
  const n = row.number
  const at = (column: string) => `/rows/${n}/${column}`
  const before = problems.count
  const cell = (column: string, limit: number = READ_TEXT_LIMITS.name) => textValue(row.get(column), at(column), problems, limit, n)

  const id = cell('id', READ_TEXT_LIMITS.id)
  if (id === null) problems.add(at('id'), 'MISSING_VALUE', 'every tally needs its id', n)
  const asOf = requiredDate(row.get('as_of'), at('as_of'), problems, n)
  const start = optionalDate(row.get('period_start'), at('period_start'), problems, n)
  const end = optionalDate(row.get('period_end'), at('period_end'), problems, n)
  checkDateOrder(start ?? undefined, end ?? undefined, at('period_end'), problems, n)
  const period = start || end ? { start: start ?? null, end: end ?? null } : null

  const lon = decimalCell(row.get('longitude'), at('longitude'), problems, 'INVALID_COORDINATES', n)
  const lat = decimalCell(row.get('latitude'), at('latitude'), problems, 'INVALID_COORDINATES', n)
  const geometry = lon === null && lat === null ? null : pointOf(lon, lat, { lon: at('longitude'), lat: at('latitude') }, problems, n)

  const name = cell('scope_name')
  if (name === null) problems.add(at('scope_name'), 'MISSING_VALUE', 'every tally needs its scope_name', n)
  const scope = {
    name: name ?? '',
    feature: cell('scope_feature', READ_TEXT_LIMITS.featureId) ?? null,
    admin: cell('scope_admin') ?? null,
    geometry: geometry ?? null,
  }

  const metric = metricOf(row.get('metric'), at('metric'), problems, n)
  const unit = cell('unit', 50)
  const value = valueCells(row, problems)
  let breakdown: Record<string, number> | null | undefined = null
  const breakdownText = cell('breakdown', READ_TEXT_LIMITS.source)
  if (breakdownText) {
    let parsed: unknown
    try {
      parsed = JSON.parse(breakdownText)
    } catch {
      problems.add(at('breakdown'), 'INVALID_BREAKDOWN', `${quote(breakdownText)} is not JSON: give an object such as {"civilians": 19, "fighters": 182}`, n)
    }
    if (parsed !== undefined) breakdown = breakdownOf(parsed, at('breakdown'), problems, n, true)
  }
  const source = sourceRecord(
    {
      publisher: row.get('source_publisher'),
      title: row.get('source_title'),
      url: row.get('source_url'),
      date: row.get('source_date'),
      reported: row.get('source_reported'),
      label: row.get('source_label'),
    },
    {
      publisher: at('source_publisher'),
      title: at('source_title'),
      url: at('source_url'),
      date: at('source_date'),
      reported: at('source_reported'),
      label: at('source_label'),
    },
    problems,
    n,
  )
  const method = cell('method', READ_TEXT_LIMITS.source)
  const notes = cell('notes', READ_TEXT_LIMITS.notes)

  const properties: Record<string, unknown> = {}
  for (const [column, raw] of row.entries()) {
    if (CSV_MAPPED.has(column)) continue
    const text = textValue(raw, at(column), problems, READ_TEXT_LIMITS.property, n)
    if (text !== undefined) properties[column] = text
  }

  if (problems.count > before || !id || !asOf || !name || !metric || !value || !source || breakdown === undefined || geometry === undefined) return undefined
  return tallyDraft({ id, as_of: asOf, period, scope, metric, value, breakdown, source, properties }, { unit, method, notes })
}

/** value (= best) or value_low/value_best/value_high; giving both forms in one row is refused. */
function valueCells(row: CsvRow, problems: ProblemList): Estimate | undefined {
  const n = row.number
  const at = (column: string) => `/rows/${n}/${column}`
  const number = (column: string) => {
    const value = decimalCell(row.get(column), at(column), problems, 'INVALID_NUMBER', n)
    if (value !== null && value !== undefined && value < 0) {
      problems.add(at(column), 'INVALID_NUMBER', `${quote(row.get(column))} is negative: a tally counts ≥ 0`, n)
      return undefined
    }
    return value
  }
  const bare = number('value')
  const low = number('value_low')
  const best = number('value_best')
  const high = number('value_high')
  if (bare === undefined || low === undefined || best === undefined || high === undefined) return undefined
  if (bare !== null && (low !== null || best !== null || high !== null)) {
    problems.add(at('value'), 'INVALID_ESTIMATE', 'give value (the best estimate) or value_low, value_best, value_high, not both', n)
    return undefined
  }
  const estimate = bare !== null ? { low: null, best: bare, high: null } : { low, best, high }
  if (estimate.low === null && estimate.best === null && estimate.high === null) {
    problems.add(at('value'), 'MISSING_VALUE', 'every tally needs its value (or value_low, value_best, value_high)', n)
    return undefined
  }
  return checkEstimate(estimate, at('value_best'), problems, n) ? estimate : undefined
}

function requiredDate(value: unknown, path: string, problems: ProblemList, index: number): string | undefined {
  const date = optionalDate(value, path, problems, index)
  if (date === null) problems.add(path, 'MISSING_VALUE', 'required: a date YYYY-MM-DD', index)
  return date ?? undefined
}

function optionalDate(value: unknown, path: string, problems: ProblemList, index: number): string | null | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null
  if (typeof value !== 'string') {
    problems.add(path, 'INVALID_DATE', `${quote(value)} is not a date: use YYYY-MM-DD`, index)
    return undefined
  }
  return calendarDate(value, path, problems, {}, index)
}

/** A metric as a slug (killed, civilians_killed, displaced); "Civilians killed" is read as civilians_killed. */
function metricOf(value: unknown, path: string, problems: ProblemList, index: number): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    problems.add(path, 'MISSING_VALUE', 'every tally needs its metric: killed, civilians_killed, injured, displaced, …', index)
    return undefined
  }
  const metric = typeof value === 'string' ? slug(value) : ''
  if (!METRIC.test(metric)) {
    problems.add(path, 'INVALID_METRIC', `${quote(value)} is not a metric: a slug of letters, digits and _ (killed, civilians_killed, displaced)`, index)
    return undefined
  }
  return metric
}

/** Parts of a figure: an object of names to numbers ≥ 0; null when absent. */
function breakdownOf(value: unknown, path: string, problems: ProblemList, index: number, flat = false): Record<string, number> | null | undefined {
  if (value === undefined || value === null) return null
  if (!isObject(value)) {
    problems.add(path, 'INVALID_BREAKDOWN', `${quote(value)} is not a breakdown: give an object such as {"civilians": 19, "fighters": 182}`, index)
    return undefined
  }
  const parts: Record<string, number> = {}
  let ok = true
  for (const [part, number] of Object.entries(value)) {
    const at = flat ? path : `${path}/${part.replace(/~/g, '~0').replace(/\//g, '~1')}`
    if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) {
      problems.add(at, 'INVALID_BREAKDOWN', `${quote(part)}: ${quote(number)} is not a number ≥ 0`, index)
      ok = false
    } else if (part.length > READ_TEXT_LIMITS.name) {
      problems.add(at, 'TEXT_TOO_LONG', `a part's name has more than ${READ_TEXT_LIMITS.name} characters`, index)
      ok = false
    } else parts[part] = number
  }
  return ok ? parts : undefined
}
