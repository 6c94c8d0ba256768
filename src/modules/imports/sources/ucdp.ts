/**
 * UCDP GED's CSV (the columns its codebook names: id, relid, … gwnob) as EventDrafts. Pure and
 * synchronous, so it can run on a worker thread; never throws.
 */
import type { DatePrecision, Estimate, EventDraft, GeoPrecision, ReadResult, SourceRecord, ViolenceType } from '../../common/event-records.js'
import { readCsvRecords, type CsvRow } from './csv-table.js'
import {
  calendarDate,
  checkDateOrder,
  checkEstimate,
  countCell,
  decimalCell,
  pointOf,
  type ProblemList,
  quote,
  READ_TEXT_LIMITS,
  textValue,
} from './read-fields.js'

export const UCDP_REQUIRED_COLUMNS = [
  'id',
  'type_of_violence',
  'side_a',
  'side_b',
  'latitude',
  'longitude',
  'date_prec',
  'date_start',
  'date_end',
  'where_prec',
  'best',
  'low',
  'high',
] as const

const MAPPED = new Set([
  'id',
  'type_of_violence',
  'side_a',
  'side_b',
  'number_of_sources',
  'source_office',
  'source_date',
  'source_headline',
  'where_prec',
  'where_coordinates',
  'adm_1',
  'adm_2',
  'latitude',
  'longitude',
  'country',
  'date_prec',
  'date_start',
  'date_end',
  'deaths_a',
  'deaths_b',
  'deaths_civilians',
  'deaths_unknown',
  'best',
  'high',
  'low',
])

/** Kept columns that are integers in the codebook (ids and codes), stored as numbers when the cell is one. */
const NUMERIC_PROPERTIES = new Set(['year', 'conflict_new_id', 'dyad_new_id', 'side_a_new_id', 'side_b_new_id', 'priogrid_gid', 'country_id', 'event_clarity'])

const VIOLENCE: Record<string, ViolenceType> = { '1': 'state_based', '2': 'non_state', '3': 'one_sided' }

/**
 * date_prec: 1 the exact day; 2 a span of two to six days; 3 a known week; 4 a known month; 5 a
 * known year. date_start and date_end carry the span itself, so the words only name its grain.
 */
const DATE_PREC: Record<string, DatePrecision> = { '1': 'day', '2': 'days', '3': 'week', '4': 'month', '5': 'year' }

/**
 * where_prec: 1 the exact place → exact; 2 within about 25 km of a named place → near; 3 an ADM2
 * (district, municipality), coded to its centroid → district; 4 an ADM1 (province), its centroid →
 * province; 6 the whole country, its centroid → country. 5 covers unlike cases (a part of a country
 * larger than an ADM1, a point between two places, a place named only loosely) and 7 a sea or
 * airspace with estimated coordinates: neither is a unit of the list, so both are `unknown`, read
 * "the point is a stand-in". The code itself is kept as properties.where_prec.
 */
const WHERE_PREC: Record<string, GeoPrecision> = { '1': 'exact', '2': 'near', '3': 'district', '4': 'province', '5': 'unknown', '6': 'country', '7': 'unknown' }

export function readUcdpCsv(text: string): ReadResult<EventDraft> {
  return readCsvRecords(text, { required: UCDP_REQUIRED_COLUMNS, idColumn: 'id', duplicateCode: 'DUPLICATE_EVENT_ID', row: readRow })
}

function readRow(row: CsvRow, problems: ProblemList): EventDraft | undefined {
  const n = row.number
  const at = (column: string) => `/rows/${n}/${column}`
  const before = problems.count
  const cell = (column: string, limit: number = READ_TEXT_LIMITS.name) => textValue(row.get(column), at(column), problems, limit, n)
  const required = (column: string, what: string, limit?: number) => {
    const value = cell(column, limit)
    if (value === null) problems.add(at(column), 'MISSING_VALUE', `every GED event has ${what}`, n)
    return value
  }

  const id = required('id', 'its id', READ_TEXT_LIMITS.id)
  const violenceCell = row.get('type_of_violence')?.trim() ?? ''
  const violenceType = VIOLENCE[violenceCell]
  if (!violenceType)
    problems.add(
      at('type_of_violence'),
      'INVALID_VIOLENCE_TYPE',
      `${quote(violenceCell)} is not a GED type_of_violence: 1 (state-based), 2 (non-state) or 3 (one-sided)`,
      n,
    )

  const dates = ['date_start', 'date_end'].map((column) => {
    const value = row.get(column)?.trim() ?? ''
    if (value === '') {
      problems.add(at(column), 'MISSING_VALUE', `every GED event has its ${column}`, n)
      return undefined
    }
    return calendarDate(value, at(column), problems, { time: true }, n)
  })
  const [dateStart, dateEnd] = dates
  checkDateOrder(dateStart, dateEnd, at('date_end'), problems, n)
  const precCell = row.get('date_prec')?.trim() ?? ''
  const datePrecision = DATE_PREC[precCell]
  if (!datePrecision) problems.add(at('date_prec'), 'INVALID_DATE_PRECISION', `${quote(precCell)} is not a GED date_prec: 1 to 5`, n)

  const sideA = required('side_a', 'a side_a')
  const sideB = required('side_b', 'a side_b')

  const lon = decimalCell(row.get('longitude'), at('longitude'), problems, 'INVALID_COORDINATES', n)
  const lat = decimalCell(row.get('latitude'), at('latitude'), problems, 'INVALID_COORDINATES', n)
  const geometry = pointOf(lon, lat, { lon: at('longitude'), lat: at('latitude') }, problems, n)
  const whereCell = row.get('where_prec')?.trim() ?? ''
  const geoPrecision = WHERE_PREC[whereCell]
  if (!geoPrecision) problems.add(at('where_prec'), 'INVALID_GEO_PRECISION', `${quote(whereCell)} is not a GED where_prec: 1 to 7`, n)

  const count = (column: string) => countCell(row.get(column), at(column), problems, n)
  const fatalities: Estimate = { low: count('low') ?? null, best: count('best') ?? null, high: count('high') ?? null }
  for (const column of ['best', 'low', 'high'] as const)
    if ((row.get(column) ?? '').trim() === '') problems.add(at(column), 'MISSING_VALUE', `every GED event has its ${column} estimate`, n)
  checkEstimate(fatalities, at('best'), problems, n)
  const deathsA = count('deaths_a')
  const deathsB = count('deaths_b')
  const deathsUnknown = count('deaths_unknown')
  const deathsCivilians = count('deaths_civilians')
  const byParty: Record<string, Estimate> = {}
  // Keyed by the side's name as GED writes it; the import resolves names to dataset actors.
  if (sideA && deathsA !== null && deathsA !== undefined) byParty[sideA] = { low: null, best: deathsA, high: null }
  if (sideB && deathsB !== null && deathsB !== undefined) byParty[sideB] = { low: null, best: (byParty[sideB]?.best ?? 0) + deathsB, high: null }
  if (deathsUnknown !== null && deathsUnknown !== undefined) byParty.unknown = { low: null, best: deathsUnknown, high: null }

  // GED's sources are parallel ";"-separated lists: one publisher (source_office), date and headline per article.
  const offices = splitParallel(row.get('source_office'))
  const sourceDates = splitParallel(row.get('source_date'))
  const headlines = splitParallel(row.get('source_headline'))
  const sources: SourceRecord[] = []
  offices.forEach((office, i) => {
    const publisher = textValue(office, at('source_office'), problems, READ_TEXT_LIMITS.name, n)
    const title = textValue(headlines.length === offices.length ? headlines[i] : null, at('source_headline'), problems, READ_TEXT_LIMITS.source, n)
    const dateText = sourceDates.length === offices.length ? sourceDates[i] : sourceDates.length === 1 ? sourceDates[0] : ''
    const date = dateText ? calendarDate(dateText, at('source_date'), problems, { time: true }, n) : null
    if (publisher) sources.push({ publisher, title: title ?? null, url: null, date: date ?? null, reported: null, label: null })
  })
  const numberCell = row.get('number_of_sources')?.trim() ?? ''
  // Older GED releases write -1 where the number of sources was not recorded.
  const numberOfSources = numberCell === '' || numberCell === '-1' ? null : countCell(numberCell, at('number_of_sources'), problems, n)

  const location = {
    name: cell('where_coordinates') ?? null,
    admin1: cell('adm_1') ?? null,
    admin2: cell('adm_2') ?? null,
    admin3: null,
    country: cell('country') ?? null,
  }
  const properties = keptColumns(row, problems)
  // source_count then counts the records; the code is kept so "not recorded" is not lost.
  if (numberCell === '-1') properties.number_of_sources = -1
  if (headlines.length > 0 && headlines.length !== offices.length) properties.source_headline = row.get('source_headline')?.trim()
  if (sourceDates.length > 1 && sourceDates.length !== offices.length) properties.source_date = row.get('source_date')?.trim()

  if (problems.count > before || !id || !violenceType || !dateStart || !dateEnd || !datePrecision || !geometry || !geoPrecision) return undefined
  return {
    id,
    date_start: dateStart,
    date_end: dateEnd,
    date_precision: datePrecision,
    // UCDP codes no ACLED event type: its type of violence is the nearest, and is kept as violence_type.
    event_type: null,
    sub_event_type: null,
    violence_type: violenceType,
    actors: [
      { role: 'primary', actor: null, name: sideA as string, attribution: 'reported' },
      { role: 'secondary', actor: null, name: sideB as string, attribution: 'reported' },
    ],
    location,
    geo_precision: geoPrecision,
    geometry,
    fatalities,
    civilian_fatalities: deathsCivilians === null || deathsCivilians === undefined ? null : { low: null, best: deathsCivilians, high: null },
    fatalities_by_party: Object.keys(byParty).length ? byParty : null,
    injured: null,
    sources,
    source_count: numberOfSources ?? sources.length,
    notes: null,
    properties,
  }
}

function splitParallel(value: string | undefined): string[] {
  const text = (value ?? '').trim()
  if (text === '') return []
  return text.split(';').map((part) => part.trim())
}

function keptColumns(row: CsvRow, problems: ProblemList): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const [column, value] of row.entries()) {
    if (MAPPED.has(column) && column !== 'where_prec' && column !== 'date_prec') continue
    const text = textValue(value, `/rows/${row.number}/${column}`, problems, READ_TEXT_LIMITS.property, row.number)
    if (text === undefined) continue
    properties[column] =
      text !== null && (NUMERIC_PROPERTIES.has(column) || column === 'where_prec' || column === 'date_prec') && /^-?\d+$/.test(text) ? Number(text) : text
  }
  return properties
}
