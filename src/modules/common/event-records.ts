/**
 * What the event and tally readers (ACLED CSV, UCDP GED CSV, Frontline GeoJSON) hand to the import:
 * one shape whatever the file, so the store and the queries never know where a row came from.
 * Field names follow the API's JSON (snake_case), which is also Frontline's own event GeoJSON.
 * Dates are calendar dates (YYYY-MM-DD, UTC); positions are WGS84 [lon, lat].
 */
import type { Point, Polygon, MultiPolygon } from 'geojson'

/** ACLED's event types, as slugs of the codebook's names. */
export const EVENT_TYPES = ['battles', 'explosions_remote_violence', 'violence_against_civilians', 'protests', 'riots', 'strategic_developments'] as const
export type EventType = (typeof EVENT_TYPES)[number]

/**
 * ACLED's sub-event types per event type, as slugs of the codebook's names ("Air/drone strike" →
 * air_drone_strike). A sub-event type outside its event type's list is refused, so a query by
 * sub_type finds every event of that kind whichever file it came from.
 */
export const SUB_EVENT_TYPES: Readonly<Record<EventType, readonly string[]>> = {
  battles: ['armed_clash', 'government_regains_territory', 'non_state_actor_overtakes_territory'],
  explosions_remote_violence: [
    'chemical_weapon',
    'air_drone_strike',
    'suicide_bomb',
    'shelling_artillery_missile_attack',
    'remote_explosive_landmine_ied',
    'grenade',
  ],
  violence_against_civilians: ['sexual_violence', 'attack', 'abduction_forced_disappearance'],
  protests: ['peaceful_protest', 'protest_with_intervention', 'excessive_force_against_protesters'],
  riots: ['violent_demonstration', 'mob_violence'],
  strategic_developments: [
    'agreement',
    'arrests',
    'change_to_group_activity',
    'disrupted_weapons_use',
    'headquarters_or_base_established',
    'looting_property_destruction',
    'non_violent_transfer_of_territory',
    'other',
  ],
}

/** UCDP's type of violence (GED `type_of_violence` 1, 2, 3). */
export const VIOLENCE_TYPES = ['state_based', 'non_state', 'one_sided'] as const
export type ViolenceType = (typeof VIOLENCE_TYPES)[number]

/** How well the date is known: ACLED time_precision 1–3, UCDP date_prec 1–5, mapped to words. */
export const DATE_PRECISIONS = ['day', 'days', 'week', 'month', 'year'] as const
export type DatePrecision = (typeof DATE_PRECISIONS)[number]

/** How well the place is known (ACLED geo_precision 1–3, UCDP where_prec 1–7, mapped to words). */
export const GEO_PRECISIONS = ['exact', 'near', 'district', 'province', 'country', 'unknown'] as const
export type GeoPrecision = (typeof GEO_PRECISIONS)[number]

export const ACTOR_ROLES = ['primary', 'secondary', 'associated_primary', 'associated_secondary'] as const
export type ActorRole = (typeof ACTOR_ROLES)[number]

/** Who says the actor did it: stated by the reporting, claimed by the actor, alleged by another party, or disputed. */
export const ATTRIBUTIONS = ['reported', 'claimed', 'alleged', 'contested'] as const
export type Attribution = (typeof ATTRIBUTIONS)[number]

/** A count as a range: any of the three may be unknown (null). */
export interface Estimate {
  low: number | null
  best: number | null
  high: number | null
}

export interface EventActor {
  role: ActorRole
  /** The dataset's actor id, when the name resolved to one (by id, name or alias); else null. */
  actor: string | null
  /** The name as the file gave it. */
  name: string
  attribution: Attribution
}

/** A source as a record: who published what, when, and the figure as they reported it. */
export interface SourceRecord {
  publisher: string
  title: string | null
  url: string | null
  date: string | null
  /** The statement or figure as reported, quoted or closely paraphrased. */
  reported: string | null
  /** A label for an outlet that speaks for a party to the conflict ("partisan: Syrian government"), else null. */
  label: string | null
}

export interface EventDraft {
  /** The file's own id (ACLED event_id_cnty, UCDP id, or the GeoJSON feature's id). */
  id: string
  date_start: string
  date_end: string
  date_precision: DatePrecision
  event_type: EventType | null
  /** ACLED's sub-event type as a slug of the codebook's name ("air_drone_strike", "shelling_artillery_missile_attack"). */
  sub_event_type: string | null
  violence_type: ViolenceType | null
  actors: EventActor[]
  location: { name: string | null; admin1: string | null; admin2: string | null; admin3: string | null; country: string | null }
  geo_precision: GeoPrecision
  geometry: Point | Polygon | MultiPolygon
  fatalities: Estimate
  civilian_fatalities: Estimate | null
  /** Deaths per side or actor as the source breaks them down (UCDP deaths_a/deaths_b/deaths_unknown), keyed by actor id when resolved, else by name. */
  fatalities_by_party: Record<string, Estimate> | null
  injured: Estimate | null
  sources: SourceRecord[]
  /** How many sources the file says it used (UCDP number_of_sources; else sources.length). */
  source_count: number
  notes: string | null
  /** Every column or member of the input not mapped above, so nothing of the file is lost. */
  properties: Record<string, unknown>
}

export interface TallyDraft {
  id: string
  /** The date the statement holds as of. */
  as_of: string
  /** The span it covers, when it says one ("26 Nov – 1 Dec"). */
  period: { start: string | null; end: string | null } | null
  /** Where it counts: a name, optionally a dataset feature id, an admin area, a geometry. */
  scope: { name: string; feature: string | null; admin: string | null; geometry: Point | Polygon | MultiPolygon | null }
  /** What it counts, as a slug: killed, civilians_killed, fighters_killed, injured, displaced, ... */
  metric: string
  unit: string
  value: Estimate
  /** Parts of the figure as the source gives them ({ "hts": 102, "saa": 80 }, { "children": 4 }). */
  breakdown: Record<string, number> | null
  source: SourceRecord
  method: string | null
  notes: string | null
  properties: Record<string, unknown>
}

/** A problem a reader found: the shape of a problem+json `errors[]` entry (errors.ts ProblemDetail), which modules/common cannot import. */
export interface ReadProblem {
  path: string
  code: string
  reason: string
  index?: number
}

/** What a reader returns: the drafts, or every problem it found (path: "/rows/12/fatalities", "/features/3/properties/date"). */
export type ReadResult<T> = { ok: true; drafts: T[]; skipped: number } | { ok: false; problems: ReadProblem[] }
