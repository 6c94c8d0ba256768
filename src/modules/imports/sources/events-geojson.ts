/**
 * Frontline's event GeoJSON as EventDrafts: a FeatureCollection whose features carry an id, a Point
 * (or small Polygon) and properties named as EventDraft's members. Shared with the tally reader:
 * the collection walk and the geometry check. Pure and synchronous; never throws.
 */
import type { MultiPolygon, Point, Polygon } from 'geojson'
import { normalizeGeometry } from '../../../geo/index.js'
import {
  ACTOR_ROLES,
  ATTRIBUTIONS,
  DATE_PRECISIONS,
  GEO_PRECISIONS,
  VIOLENCE_TYPES,
  type Estimate,
  type EventActor,
  type EventDraft,
  type ReadResult,
  type SourceRecord,
} from '../../common/event-records.js'
import {
  calendarDate,
  checkDateOrder,
  countValue,
  estimateValue,
  eventTypeOf,
  oneOf,
  pointOf,
  ProblemList,
  quote,
  READ_TEXT_LIMITS,
  sourceRecord,
  subEventTypeOf,
  textValue,
} from './read-fields.js'

/** Vertices an event's (or a tally scope's) polygon may have: events are points or small areas, not boundaries. */
export const MAX_EVENT_VERTICES = 2000

const MEMBERS = new Set([
  'date',
  'date_start',
  'date_end',
  'date_precision',
  'event_type',
  'sub_event_type',
  'violence_type',
  'actors',
  'location',
  'geo_precision',
  'fatalities',
  'civilian_fatalities',
  'fatalities_by_party',
  'injured',
  'sources',
  'source_count',
  'notes',
])

const ACTOR_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/
const LOCATION_MEMBERS = ['name', 'admin1', 'admin2', 'admin3', 'country'] as const

export interface FeatureInput {
  index: number
  path: string
  id: string
  geometry: unknown
  properties: Record<string, unknown>
}

/**
 * The features of a FeatureCollection with a usable id and properties object; problems for the
 * rest (and for duplicate ids, code `duplicateCode`).
 */
export function collectionFeatures(json: unknown, problems: ProblemList, duplicateCode: string): FeatureInput[] {
  if (!isObject(json) || json.type !== 'FeatureCollection') {
    problems.add(isObject(json) ? '/type' : '', 'INVALID_GEOJSON', 'the body must be a GeoJSON FeatureCollection')
    return []
  }
  if (!Array.isArray(json.features)) {
    problems.add('/features', 'INVALID_GEOJSON', 'a FeatureCollection needs a features array')
    return []
  }
  const features: FeatureInput[] = []
  const seen = new Map<string, number>()
  json.features.forEach((feature: unknown, index) => {
    const path = `/features/${index}`
    if (!isObject(feature) || feature.type !== 'Feature') {
      problems.add(`${path}/type`, 'NOT_A_FEATURE', 'each member of features must be a GeoJSON Feature', index)
      return
    }
    const rawId = feature.id ?? (isObject(feature.properties) ? feature.properties.id : undefined)
    const id = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : rawId
    if (typeof id !== 'string' || id.trim() === '') {
      problems.add(`${path}/id`, 'MISSING_ID', `every feature needs an id (text), got ${quote(rawId ?? null)}`, index)
      return
    }
    if (id.length > READ_TEXT_LIMITS.id) {
      problems.add(`${path}/id`, 'TEXT_TOO_LONG', `the id has ${id.length} characters, more than the limit of ${READ_TEXT_LIMITS.id}`, index)
      return
    }
    const first = seen.get(id)
    if (first !== undefined) {
      problems.add(`${path}/id`, duplicateCode, `${quote(id)} is also the id of feature ${first}`, index)
      return
    }
    seen.set(id, index)
    if (feature.properties !== null && feature.properties !== undefined && !isObject(feature.properties)) {
      problems.add(`${path}/properties`, 'INVALID_PROPERTIES', 'properties must be an object or null', index)
      return
    }
    const properties = { ...((feature.properties as Record<string, unknown> | null) ?? {}) }
    delete properties.id
    features.push({ index, path, id, geometry: feature.geometry, properties })
  })
  return features
}

/** A Point, Polygon or MultiPolygon in WGS84, checked and normalised; undefined (with problems) otherwise. */
export function eventGeometry(input: unknown, path: string, problems: ProblemList, index: number): Point | Polygon | MultiPolygon | undefined {
  if (input === null || input === undefined) {
    problems.add(path, 'MISSING_GEOMETRY', 'give a Point (or a small Polygon) where it happened', index)
    return undefined
  }
  if (isObject(input) && input.type === 'Point' && Array.isArray(input.coordinates) && input.coordinates.length >= 2) {
    const [lon, lat] = input.coordinates as unknown[]
    if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
      problems.add(`${path}/coordinates`, 'INVALID_COORDINATES', `${quote(input.coordinates)} is not a position [longitude, latitude] of numbers`, index)
      return undefined
    }
    return pointOf(lon, lat, { lon: `${path}/coordinates/0`, lat: `${path}/coordinates/1` }, problems, index)
  }
  const normalized = normalizeGeometry(input, { allowed: ['Point', 'Polygon', 'MultiPolygon'], maxVertices: MAX_EVENT_VERTICES })
  for (const error of normalized.errors) problems.add(`${path}${error.path}`, 'INVALID_GEOMETRY', error.reason, index)
  if (normalized.empty && !normalized.errors.length) problems.add(path, 'MISSING_GEOMETRY', 'the geometry has no coordinates', index)
  if (!normalized.geometry || normalized.errors.length) return undefined
  return normalized.geometry as Point | Polygon | MultiPolygon
}

export function readEventsGeojson(json: unknown): ReadResult<EventDraft> {
  const problems = new ProblemList()
  const drafts: EventDraft[] = []
  for (const feature of collectionFeatures(json, problems, 'DUPLICATE_EVENT_ID')) {
    const draft = readFeature(feature, problems)
    if (draft) drafts.push(draft)
  }
  if (problems.count) return { ok: false, problems: problems.list() }
  return { ok: true, drafts, skipped: 0 }
}

function readFeature(feature: FeatureInput, problems: ProblemList): EventDraft | undefined {
  const { index, properties: p } = feature
  const at = (member: string) => `${feature.path}/properties/${member}`
  const before = problems.count
  const geometry = eventGeometry(feature.geometry, `${feature.path}/geometry`, problems, index)

  const dateOf = (member: string) => (typeof p[member] === 'string' ? calendarDate(p[member] as string, at(member), problems, {}, index) : undefined)
  for (const member of ['date', 'date_start', 'date_end'])
    if (p[member] !== undefined && p[member] !== null && typeof p[member] !== 'string')
      problems.add(at(member), 'INVALID_DATE', `${quote(p[member])} is not a date: use YYYY-MM-DD`, index)
  let dateStart: string | undefined
  let dateEnd: string | undefined
  if (p.date !== undefined && p.date !== null) {
    if ((p.date_start ?? null) !== null || (p.date_end ?? null) !== null)
      problems.add(at('date'), 'INVALID_DATE', 'give date (one day) or date_start and date_end, not both', index)
    dateStart = dateEnd = dateOf('date')
  } else if ((p.date_start ?? null) !== null) {
    dateStart = dateOf('date_start')
    // date_start alone is one day, as date is.
    dateEnd = (p.date_end ?? null) !== null ? dateOf('date_end') : dateStart
    checkDateOrder(dateStart, dateEnd, at('date_end'), problems, index)
  } else problems.add(at('date'), 'MISSING_VALUE', 'every event needs date (YYYY-MM-DD) or date_start and date_end', index)

  const datePrecision =
    p.date_precision === undefined || p.date_precision === null
      ? 'day'
      : oneOf(p.date_precision, DATE_PRECISIONS, at('date_precision'), 'INVALID_DATE_PRECISION', problems, index)
  const typeText = textValue(p.event_type, at('event_type'), problems, READ_TEXT_LIMITS.name, index)
  const eventType = typeText === undefined ? undefined : eventTypeOf(typeText, at('event_type'), problems, index)
  const subText = textValue(p.sub_event_type, at('sub_event_type'), problems, READ_TEXT_LIMITS.name, index)
  const subEventType = eventType === undefined || subText === undefined ? undefined : subEventTypeOf(subText, eventType, at('sub_event_type'), problems, index)
  const violenceType =
    p.violence_type === undefined || p.violence_type === null
      ? null
      : oneOf(p.violence_type, VIOLENCE_TYPES, at('violence_type'), 'INVALID_VIOLENCE_TYPE', problems, index)
  const geoPrecision =
    p.geo_precision === undefined || p.geo_precision === null
      ? 'exact'
      : oneOf(p.geo_precision, GEO_PRECISIONS, at('geo_precision'), 'INVALID_GEO_PRECISION', problems, index)

  const actors = readActors(p.actors, at('actors'), problems, index)
  const location = readLocation(p.location, at('location'), problems, index)

  const fatalities = estimateValue(p.fatalities, at('fatalities'), problems, index)
  const civilians = estimateValue(p.civilian_fatalities, at('civilian_fatalities'), problems, index)
  const injured = estimateValue(p.injured, at('injured'), problems, index)
  const byParty = readByParty(p.fatalities_by_party, at('fatalities_by_party'), problems, index)

  const sources = readSources(p.sources, at('sources'), problems, index)
  const sourceCount = p.source_count === undefined || p.source_count === null ? null : countValue(p.source_count, at('source_count'), problems, index)
  const notes = textValue(p.notes, at('notes'), problems, READ_TEXT_LIMITS.notes, index)

  const properties: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(p)) if (!MEMBERS.has(key)) properties[key] = value

  if (problems.count > before) return undefined
  return {
    id: feature.id,
    date_start: dateStart as string,
    date_end: dateEnd as string,
    date_precision: datePrecision!,
    event_type: eventType!,
    sub_event_type: subEventType!,
    violence_type: violenceType!,
    actors: actors!,
    location: location!,
    geo_precision: geoPrecision!,
    geometry: geometry!,
    fatalities: fatalities ?? { low: null, best: null, high: null },
    civilian_fatalities: civilians ?? null,
    fatalities_by_party: byParty ?? null,
    injured: injured ?? null,
    sources: sources!,
    source_count: sourceCount ?? sources!.length,
    notes: notes ?? null,
    properties,
  }
}

function readActors(value: unknown, path: string, problems: ProblemList, index: number): EventActor[] | undefined {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) {
    problems.add(path, 'INVALID_ACTOR', 'actors must be an array of {role, actor or name, attribution}', index)
    return undefined
  }
  const actors: EventActor[] = []
  value.forEach((entry: unknown, i) => {
    const at = `${path}/${i}`
    if (!isObject(entry)) {
      problems.add(at, 'INVALID_ACTOR', `${quote(entry)} is not an actor: give {role, actor or name, attribution}`, index)
      return
    }
    const role = oneOf(entry.role ?? 'primary', ACTOR_ROLES, `${at}/role`, 'INVALID_ACTOR', problems, index)
    const attribution = oneOf(entry.attribution ?? 'reported', ATTRIBUTIONS, `${at}/attribution`, 'INVALID_ATTRIBUTION', problems, index)
    const id = textValue(entry.actor, `${at}/actor`, problems, 64, index)
    if (id && !ACTOR_ID.test(id)) problems.add(`${at}/actor`, 'INVALID_ACTOR', `${quote(id)} is not an actor id (a slug: a-z, 0-9, - and _)`, index)
    const name = textValue(entry.name, `${at}/name`, problems, READ_TEXT_LIMITS.name, index)
    if (!id && !name && id !== undefined && name !== undefined)
      problems.add(at, 'INVALID_ACTOR', 'give the dataset actor id (actor) or the name as reported (name)', index)
    if (role && attribution && (id || name)) actors.push({ role, actor: id ?? null, name: (name ?? id) as string, attribution })
  })
  return actors
}

function readLocation(value: unknown, path: string, problems: ProblemList, index: number): EventDraft['location'] | undefined {
  const location: EventDraft['location'] = { name: null, admin1: null, admin2: null, admin3: null, country: null }
  if (value === undefined || value === null) return location
  if (typeof value === 'string') {
    const name = textValue(value, path, problems, READ_TEXT_LIMITS.name, index)
    return name === undefined ? undefined : { ...location, name }
  }
  if (!isObject(value)) {
    problems.add(path, 'INVALID_LOCATION', 'location is a name or {name, admin1, admin2, admin3, country}', index)
    return undefined
  }
  let ok = true
  for (const member of LOCATION_MEMBERS) {
    const text = textValue(value[member], `${path}/${member}`, problems, READ_TEXT_LIMITS.name, index)
    if (text === undefined) ok = false
    else location[member] = text
  }
  const unknown = Object.keys(value).filter((key) => !(LOCATION_MEMBERS as readonly string[]).includes(key))
  if (unknown.length) {
    problems.add(path, 'INVALID_LOCATION', `unknown member(s) ${unknown.join(', ')}: a location has ${LOCATION_MEMBERS.join(', ')}`, index)
    ok = false
  }
  return ok ? location : undefined
}

function readByParty(value: unknown, path: string, problems: ProblemList, index: number): Record<string, Estimate> | null | undefined {
  if (value === undefined || value === null) return null
  if (!isObject(value)) {
    problems.add(path, 'INVALID_ESTIMATE', 'fatalities_by_party maps an actor id or name to an estimate or a number', index)
    return undefined
  }
  const parties: Record<string, Estimate> = {}
  let ok = true
  for (const [party, estimate] of Object.entries(value)) {
    if (party.length > READ_TEXT_LIMITS.name) {
      problems.add(`${path}/${escapePointer(party)}`, 'TEXT_TOO_LONG', `the party's name has more than ${READ_TEXT_LIMITS.name} characters`, index)
      ok = false
      continue
    }
    const read = estimateValue(estimate, `${path}/${escapePointer(party)}`, problems, index)
    if (read === undefined) ok = false
    else if (read !== null) parties[party] = read
  }
  return ok ? parties : undefined
}

function readSources(value: unknown, path: string, problems: ProblemList, index: number): SourceRecord[] | undefined {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) {
    problems.add(path, 'INVALID_SOURCE', 'sources must be an array of {publisher, title, url, date, reported, label}', index)
    return undefined
  }
  const sources: SourceRecord[] = []
  let ok = true
  value.forEach((entry: unknown, i) => {
    const record = readSource(entry, `${path}/${i}`, problems, index)
    if (record) sources.push(record)
    else ok = false
  })
  return ok ? sources : undefined
}

const SOURCE_MEMBERS = ['publisher', 'title', 'url', 'date', 'reported', 'label']

/** One source: {publisher, title, url, date, reported, label}, or a bare publisher name. */
export function readSource(entry: unknown, path: string, problems: ProblemList, index: number): SourceRecord | undefined {
  if (typeof entry === 'string')
    return sourceRecord({ publisher: entry }, { publisher: path, title: path, url: path, date: path, reported: path, label: path }, problems, index)
  if (!isObject(entry)) {
    problems.add(path, 'INVALID_SOURCE', `${quote(entry)} is not a source: give {publisher, title, url, date, reported, label}`, index)
    return undefined
  }
  const unknown = Object.keys(entry).filter((key) => !SOURCE_MEMBERS.includes(key))
  if (unknown.length) problems.add(path, 'INVALID_SOURCE', `unknown member(s) ${unknown.join(', ')}: a source has ${SOURCE_MEMBERS.join(', ')}`, index)
  const record = sourceRecord(entry as { publisher: unknown }, path, problems, index)
  return unknown.length ? undefined : record
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
