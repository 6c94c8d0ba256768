// How an import is to be taken, read from its query once: the rules (a document or a profile's),
// the overlap policy and the valid-date offset, checked before the file is read (a bad parameter
// is the request's fault: 400), with the options that name the import in its content hash.
import { Errors, type ProblemDetail, withDetails } from '../../errors.js'
import { profileRules } from './profiles.js'
import { parseRulesDocument, type RulesDocument, usesActorParameter } from './rules.js'
import { MAX_OFFSET_MS, MAX_OFFSET_TEXT, parseOffsetMs } from './valid-from-offset.js'

export interface ImportPlan {
  rules?: { document: RulesDocument; root: string }
  overlaps: 'keep' | 'refuse' | 'resolve'
  precedence: string[]
  offsetMs: number
  dryRun: boolean
  /** The query as the import's options (stored, and hashed): the rules as the document read, not as the text sent. */
  options: Record<string, unknown>
}

interface PlanQuery {
  rules?: string
  profile?: string
  dry_run: boolean
  overlaps?: 'keep' | 'refuse' | 'resolve'
  precedence?: string
  valid_from_offset?: string
  actor?: string
  actor_property?: string
}

export function planImport<Q extends PlanQuery>(query: Q, kind: 'snapshot' | 'history' | 'features'): ImportPlan {
  const { dry_run: dryRun, rules: rulesText, ...rest } = query
  if (rulesText !== undefined && query.profile !== undefined)
    throw refuse('INVALID_RULES', '/query/profile', 'give either rules (a document) or profile (a named rule set), not both')
  let rules: ImportPlan['rules']
  if (rulesText !== undefined) rules = { document: parseRulesDocument(rulesText, kind), root: '/query/rules' }
  else if (query.profile !== undefined) rules = { document: profileRules(query.profile, kind, { actorProperty: query.actor_property }), root: '/query/profile' }
  const needsActor = rules ? usesActorParameter(rules.document) : undefined
  if (rules && needsActor !== undefined && query.actor === undefined)
    throw refuse(
      'INVALID_REQUEST',
      '/query/actor',
      `${rules.root === '/query/profile' ? `profile ${query.profile}` : 'the rules'} set${rules.root === '/query/profile' ? 's' : ''} the actor the import names ($actor, rule ${needsActor}): give actor=<actor id or name>`,
    )
  const overlaps = query.overlaps ?? 'keep'
  const precedence = (query.precedence ?? '')
    .split(',')
    .map((actor) => actor.trim())
    .filter((actor) => actor.length > 0)
  if (overlaps === 'resolve' && precedence.length === 0)
    throw refuse('INVALID_REQUEST', '/query/precedence', 'overlaps=resolve needs precedence: actor ids, comma-separated, the first keeping shared ground')
  const offsetMs = query.valid_from_offset === undefined ? 0 : parseOffsetMs(query.valid_from_offset)
  if (offsetMs === undefined) throw refuse('INVALID_REQUEST', '/query/valid_from_offset', 'an ISO 8601 duration, optionally signed: -PT3H, P1D')
  if (Math.abs(offsetMs) > MAX_OFFSET_MS)
    throw refuse(
      'INVALID_REQUEST',
      '/query/valid_from_offset',
      `${query.valid_from_offset} is more than ${MAX_OFFSET_TEXT} (a year) either way: an offset moves a capture to the time its map held, hours or days`,
    )
  // Parameters left at their defaults are not recorded: an import taken before they existed hashes as it did.
  const options: Record<string, unknown> = { ...rest }
  if (options.overlaps === 'keep') delete options.overlaps
  if (rules) options.rules = rules.document
  return { rules, overlaps, precedence, offsetMs, dryRun, options }
}

function refuse(code: 'INVALID_RULES' | 'INVALID_REQUEST', path: string, reason: string): Error {
  const detail: ProblemDetail = { path, code, reason }
  return withDetails(code === 'INVALID_RULES' ? new Errors.INVALID_RULES(reason) : new Errors.INVALID_REQUEST(reason), [detail])
}
