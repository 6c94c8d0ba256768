/**
 * ACLED's CSV export (the columns its codebook names: event_id_cnty, event_date, … timestamp) as
 * EventDrafts. Pure and synchronous, so it can run on a worker thread; never throws.
 */
import type { DatePrecision, EventActor, EventDraft, GeoPrecision, ReadResult, SourceRecord } from '../../common/event-records.js'
import { readCsvRecords, type CsvRow } from './csv-table.js'
import {
  calendarDate,
  countCell,
  decimalCell,
  eventTypeOf,
  pointOf,
  type ProblemList,
  quote,
  READ_TEXT_LIMITS,
  splitList,
  subEventTypeOf,
  textValue,
} from './read-fields.js'

/** The columns a row cannot be read without; every other codebook column may be absent. */
export const ACLED_REQUIRED_COLUMNS = ['event_id_cnty', 'event_date', 'event_type', 'sub_event_type', 'actor1', 'latitude', 'longitude', 'fatalities'] as const

/** Columns mapped into the draft's own members; every other column is kept in `properties`. */
const MAPPED = new Set([
  'event_id_cnty',
  'event_date',
  'time_precision',
  'event_type',
  'sub_event_type',
  'actor1',
  'assoc_actor_1',
  'actor2',
  'assoc_actor_2',
  'country',
  'admin1',
  'admin2',
  'admin3',
  'location',
  'latitude',
  'longitude',
  'geo_precision',
  'source',
  'notes',
  'fatalities',
  'civilian_targeting',
])

/** Kept columns that are numbers in the codebook, stored as numbers when the cell is a whole number. */
const NUMERIC_PROPERTIES = new Set(['year', 'iso', 'inter1', 'inter2', 'interaction', 'timestamp'])

/**
 * time_precision: 1 the source gives the day; 2 a week or a similar span (ACLED codes a date in it);
 * 3 only the month (ACLED codes its mid-point). The coded date stays date_start = date_end: ACLED
 * publishes one representative date, and widening it to a guessed span would invent a range.
 */
const TIME_PRECISION: Record<string, DatePrecision> = { '1': 'day', '2': 'week', '3': 'month' }

/**
 * geo_precision: 1 the source names the town and its coordinates are used → exact; 2 the source
 * names a part of a region or "near" a town, coded to a town that stands for the area → near;
 * 3 only a larger region is named, coded to a natural feature or a provincial capital → district.
 * District, not province: ACLED codes to the finest admin unit the source supports and records it
 * in admin1–admin3, so a 3 stands for an area of about a district; its fallback to a provincial
 * capital is the exception, and the admin columns kept on the event still say which.
 */
const GEO_PRECISION: Record<string, GeoPrecision> = { '1': 'exact', '2': 'near', '3': 'district' }

export function readAcledCsv(text: string): ReadResult<EventDraft> {
  return readCsvRecords(text, { required: ACLED_REQUIRED_COLUMNS, idColumn: 'event_id_cnty', duplicateCode: 'DUPLICATE_EVENT_ID', row: readRow })
}

function readRow(row: CsvRow, problems: ProblemList): EventDraft | undefined {
  const n = row.number
  const at = (column: string) => `/rows/${n}/${column}`
  const before = problems.count
  const cell = (column: string, limit: number = READ_TEXT_LIMITS.name) => textValue(row.get(column), at(column), problems, limit, n)

  const id = cell('event_id_cnty', READ_TEXT_LIMITS.id)
  if (id === null) problems.add(at('event_id_cnty'), 'MISSING_VALUE', 'every event needs its event_id_cnty', n)

  const dateText = row.get('event_date')?.trim() ?? ''
  let date: string | undefined
  if (dateText === '') problems.add(at('event_date'), 'MISSING_VALUE', 'every event needs its event_date', n)
  else date = calendarDate(dateText, at('event_date'), problems, { monthNames: true }, n)

  const precisionCell = row.get('time_precision')?.trim() ?? ''
  const datePrecision = precisionCell === '' ? 'day' : TIME_PRECISION[precisionCell]
  if (!datePrecision) problems.add(at('time_precision'), 'INVALID_DATE_PRECISION', `${quote(precisionCell)} is not an ACLED time_precision: 1, 2 or 3`, n)

  const typeText = cell('event_type')
  const eventType = typeText === undefined ? undefined : eventTypeOf(typeText, at('event_type'), problems, n)
  if (typeText === null) problems.add(at('event_type'), 'MISSING_VALUE', 'every ACLED event has an event_type', n)
  const subText = cell('sub_event_type')
  const subEventType = eventType === undefined || subText === undefined ? undefined : subEventTypeOf(subText, eventType, at('sub_event_type'), problems, n)

  const actors: EventActor[] = []
  const actor = (name: string, role: EventActor['role']) => actors.push({ role, actor: null, name, attribution: 'reported' })
  const actor1 = cell('actor1')
  if (actor1 === null) problems.add(at('actor1'), 'MISSING_VALUE', 'every ACLED event names actor1', n)
  if (actor1) actor(actor1, 'primary')
  for (const name of listCell(row, 'assoc_actor_1', problems)) actor(name, 'associated_primary')
  const actor2 = cell('actor2')
  if (actor2) actor(actor2, 'secondary')
  for (const name of listCell(row, 'assoc_actor_2', problems)) actor(name, 'associated_secondary')

  const location = { name: cell('location'), admin1: cell('admin1'), admin2: cell('admin2'), admin3: cell('admin3'), country: cell('country') }

  const lon = decimalCell(row.get('longitude'), at('longitude'), problems, 'INVALID_COORDINATES', n)
  const lat = decimalCell(row.get('latitude'), at('latitude'), problems, 'INVALID_COORDINATES', n)
  const geometry = pointOf(lon, lat, { lon: at('longitude'), lat: at('latitude') }, problems, n)

  const geoCell = row.get('geo_precision')?.trim() ?? ''
  const geoPrecision = geoCell === '' ? 'exact' : GEO_PRECISION[geoCell]
  if (!geoPrecision) problems.add(at('geo_precision'), 'INVALID_GEO_PRECISION', `${quote(geoCell)} is not an ACLED geo_precision: 1, 2 or 3`, n)

  // ACLED gives one figure, its conservative estimate of reported deaths: the best, with no range.
  const fatalities = countCell(row.get('fatalities'), at('fatalities'), problems, n)

  // `source` lists the publishers ACLED used, separated by ";" ("SOHR; Anadolu Agency").
  const sources: SourceRecord[] = listCell(row, 'source', problems).map((publisher) => ({
    publisher,
    title: null,
    url: null,
    date: null,
    reported: null,
    label: null,
  }))
  const notes = cell('notes', READ_TEXT_LIMITS.notes)

  const properties = keptColumns(row, problems)
  const targeting = (row.get('civilian_targeting') ?? '').trim()
  if (targeting !== '' && targeting.toLowerCase() !== 'civilian targeting')
    problems.add(at('civilian_targeting'), 'INVALID_VALUE', `${quote(targeting)} is not ACLED's civilian_targeting: "Civilian targeting" or empty`, n)
  // The codebook's flag that civilians were the target, whatever the event type: kept as a boolean.
  if (row.get('civilian_targeting') !== undefined) properties.civilian_targeting = targeting !== ''

  if (problems.count > before || !id || !date || !datePrecision || eventType === undefined || subEventType === undefined || !geometry || !geoPrecision)
    return undefined
  return {
    id,
    date_start: date,
    date_end: date,
    date_precision: datePrecision,
    event_type: eventType,
    sub_event_type: subEventType,
    violence_type: null,
    actors,
    location: {
      name: location.name ?? null,
      admin1: location.admin1 ?? null,
      admin2: location.admin2 ?? null,
      admin3: location.admin3 ?? null,
      country: location.country ?? null,
    },
    geo_precision: geoPrecision,
    geometry,
    fatalities: { low: null, best: fatalities ?? null, high: null },
    civilian_fatalities: null,
    fatalities_by_party: null,
    injured: null,
    sources,
    source_count: sources.length,
    notes: notes ?? null,
    properties,
  }
}

/** A ";"-separated cell with each part within the name limit. */
function listCell(row: CsvRow, column: string, problems: ProblemList): string[] {
  const parts = splitList(row.get(column))
  for (const part of parts) textValue(part, `/rows/${row.number}/${column}`, problems, READ_TEXT_LIMITS.name, row.number)
  return parts.filter((part) => part.length <= READ_TEXT_LIMITS.name)
}

/** Every column not mapped to a member, so nothing of the export is lost; empty cells → null. */
function keptColumns(row: CsvRow, problems: ProblemList): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const [column, value] of row.entries()) {
    if (MAPPED.has(column)) continue
    const text = textValue(value, `/rows/${row.number}/${column}`, problems, READ_TEXT_LIMITS.property, row.number)
    if (text === undefined) continue
    properties[column] = text !== null && NUMERIC_PROPERTIES.has(column) && /^-?\d+$/.test(text) ? Number(text) : text
  }
  return properties
}
