// Named rule sets for the files people actually have (`profile=NAME`): each a rules document
// (rules.ts) written for one source's conventions, documented here and in the README.
import { Errors, withDetails } from '../../errors.js'
import { ACTOR_PARAMETER, checkRulesDocument, type RulesDocument } from './rules.js'

const POINTS_AND_LINES = { match: { geometry: ['Point', 'MultiPoint', 'LineString', 'MultiLineString'] }, skip: 'points and lines' }
/** Names without a `geoJSON.` code: DeepStateMap's exports before the codes (2022 and 2023), read by their style colour. */
const UNCODED = '^(?![\\s\\S]*geoJSON\\.)'
const fill = (colours: string[]) => ({ regex: `^(${colours.join('|')})$`, flags: 'i' })

/**
 * DeepStateMap's raw export (deepstatemap.live, KML-style GeoJSON): the category of an area is
 * coded at the end of `name`, `"<uk> /// <en> /// geoJSON.<code>"` (the parts separated by spaces,
 * no-break spaces or newlines). Occupied ground (`status.occupied`), ORDLO and Crimea
 * (`territories.ordlo`, `territories.crimea`) are the actor named by `actor`, controlled; ground of
 * unknown status (`status.unknown`) is that actor's, contested. Liberated ground
 * (`status.dismissed`, `status.dismissed_at`), the political polygons outside the occupied area
 * (`territories.*`: Karelia, the Kurils, Abkhazia, Transnistria, Tuzla… and `zmiinyi_island`) and
 * the points (events, unit positions) are skipped, each counted under its reason. Exports from
 * before the codes (2022, 2023) carry the category in the style colour (`fill`): #a52714 occupied,
 * #000000 and #880e4f Crimea and ORDLO (#880e4f also Tuzla and Transnistria, told apart by name),
 * #bcaaa4 unknown, #0f9d58 and #0288d1 liberated, #ff5252 political. Any other coded category is
 * refused, naming the feature: a new category is a decision, not a default. The export is
 * published (the file's time) when the map was drawn: its valid_from is that time, no offset.
 */
const DEEPSTATE_RAW: RulesDocument = {
  rules: [
    POINTS_AND_LINES,
    { match: { name: { regex: 'geoJSON\\.status\\.occupied(?![\\w.-])' } }, set: { actor: ACTOR_PARAMETER, status: 'controlled' } },
    { match: { name: { regex: 'geoJSON\\.territories\\.(crimea|ordlo)(?![\\w.-])' } }, set: { actor: ACTOR_PARAMETER, status: 'controlled' } },
    { match: { name: { regex: 'geoJSON\\.status\\.unknown(?![\\w.-])' } }, set: { actor: ACTOR_PARAMETER, status: 'contested' } },
    { match: { name: { regex: 'geoJSON\\.status\\.dismissed(_at)?(?![\\w.-])' } }, skip: 'liberated' },
    { match: { name: { regex: 'geoJSON\\.(territories\\.[\\w-]+|zmiinyi_island)(?![\\w.-])' } }, skip: 'political polygons' },
    { match: { name: { regex: UNCODED }, fill: fill(['#a52714', '#000000']) }, set: { actor: ACTOR_PARAMETER, status: 'controlled' } },
    {
      match: { name: { regex: `${UNCODED}[\\s\\S]*(Крим|ОРДЛО|Crimea|CADR)` }, fill: fill(['#880e4f']) },
      set: { actor: ACTOR_PARAMETER, status: 'controlled' },
    },
    { match: { name: { regex: UNCODED }, fill: fill(['#bcaaa4']) }, set: { actor: ACTOR_PARAMETER, status: 'contested' } },
    { match: { name: { regex: UNCODED }, fill: fill(['#0f9d58', '#0288d1']) }, skip: 'liberated' },
    { match: { name: { regex: UNCODED }, fill: fill(['#ff5252', '#880e4f']) }, skip: 'political polygons' },
  ],
  unmatched: 'refuse',
}

/**
 * The daily union files (`cyterat/deepstate-map-data`, deepstatemap_data_YYYYMMDD.geojson): one
 * MultiPolygon of the occupied ground, empty properties, the actor named by `actor`, controlled.
 * The file's date is its capture (~03:00 UTC) and it shows the map of the previous evening: import
 * it with valid_from the capture and valid_from_offset=-PT6H (or the offset you know) so that
 * valid_from is when the map held. Anything but an area is skipped.
 */
const DEEPSTATE_DAILY: RulesDocument = {
  rules: [
    { match: { geometry: ['Polygon', 'MultiPolygon'] }, set: { actor: ACTOR_PARAMETER, status: 'controlled' } },
    { match: {}, skip: 'not an area' },
  ],
  unmatched: 'refuse',
}

/**
 * The generic map with its actor in a property (`actor_property`, default `actor`; the status and
 * source in theirs, as without a profile): areas with an actor are imported; points and lines, and
 * areas whose actor property is absent or blank, are skipped and counted (`points and lines`,
 * `no actor`) rather than refused.
 */
function actorProperty(actorPropertyName: string): RulesDocument {
  return {
    rules: [
      POINTS_AND_LINES,
      { match: { [actorPropertyName]: { regex: '\\S' } }, set: { actor: { property: actorPropertyName } } },
      { match: {}, skip: 'no actor' },
    ],
    unmatched: 'refuse',
  }
}

export const PROFILE_NAMES = ['deepstate-raw', 'deepstate-daily', 'actor-property'] as const
export type ProfileName = (typeof PROFILE_NAMES)[number]

/** One line per profile, for the parameter's description. */
export const PROFILE_SUMMARY =
  "deepstate-raw: DeepStateMap's raw export (category coded in name; points, liberated and political polygons skipped; needs actor); " +
  'deepstate-daily: the daily union files (one MultiPolygon, needs actor; the capture shows the previous evening: see valid_from_offset); ' +
  'actor-property: the actor in a property (actor_property), points, lines and areas without an actor skipped'

/** The rules document of a profile, checked as a document sent by the user is. Throws 400 UNKNOWN_PROFILE. */
export function profileRules(name: string, kind: 'snapshot' | 'history' | 'features', options: { actorProperty?: string } = {}): RulesDocument {
  if (kind === 'features') throw unknown(`profile ${JSON.stringify(name)}: profiles map areas; a features import takes a rules document`)
  const document =
    name === 'deepstate-raw'
      ? DEEPSTATE_RAW
      : name === 'deepstate-daily'
        ? DEEPSTATE_DAILY
        : name === 'actor-property'
          ? actorProperty(options.actorProperty ?? 'actor')
          : undefined
  if (!document) throw unknown(`no profile is called ${JSON.stringify(name)}: the profiles are ${PROFILE_NAMES.join(', ')}`)
  return checkRulesDocument(document, kind, '/query/profile')
}

function unknown(reason: string): Error {
  return withDetails(new Errors.UNKNOWN_PROFILE(reason), [{ path: '/query/profile', code: 'UNKNOWN_PROFILE', reason }])
}
