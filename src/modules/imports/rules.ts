// Mapping rules: one JSON document that says, feature by feature, what a file's features are, so a
// real file imports as it was published. Parsed and checked on the thread that answers (a bad
// document is the request's fault: 400 INVALID_RULES naming where), applied on the worker with the
// file (imports.tasks.ts), and part of the import's content hash.
import { z } from 'zod'
import { Errors, type ProblemDetail, withDetails } from '../../errors.js'
import { TEXT_LIMITS } from '../common/schemas.js'
import { slowPatternProblem } from './regex-safety.js'

/** What a rule may set on an area (valid_from and valid_to: history imports only) or on a reference feature. */
export const AREA_FIELDS = ['actor', 'status', 'source', 'valid_from', 'valid_to'] as const
export const FEATURE_FIELDS = ['id', 'kind', 'name', 'owner_side'] as const
export type RuleField = (typeof AREA_FIELDS)[number] | (typeof FEATURE_FIELDS)[number]

/** The member of `match` that tests the geometry's type (after GeometryCollections of polygons are flattened). */
export const GEOMETRY_MEMBER = 'geometry'
/** Stands for the import's `actor` parameter in a rule's set.actor: a profile says "the actor the user names". */
export const ACTOR_PARAMETER = '$actor'
/**
 * Text longer than this is cut (its start kept) before a regular expression reads it: the shapes
 * accepted (regex-safety.ts) are at worst quadratic, about 1 ms a match at this length (20 to 40 ms
 * at 4 000). DeepStateMap's coded names are about 200 characters.
 */
export const MAX_MATCHED_LENGTH = 1_000
const MAX_RULES = 500

const Scalar = z.union([z.string().max(TEXT_LIMITS.source), z.number(), z.boolean(), z.null()])
const RegexMatcher = z
  .object({
    regex: z.string().min(1).max(1000).describe('an ECMAScript regular expression; no backreferences, no nested unbounded quantifiers'),
    flags: z
      .string()
      .regex(/^(?!.*(.).*\1)[imsu]*$/, 'flags: any of i, m, s and u, each at most once (g and y have no meaning in a match)')
      .optional(),
  })
  .strict()
const Matcher = z.union([Scalar, z.array(Scalar).min(1).max(1000), RegexMatcher])
const Value = z.union([
  z.string().max(TEXT_LIMITS.source),
  z.null(),
  z.object({ property: z.string().min(1).max(100) }).strict(),
  z.object({ capture: z.union([z.number().int().min(1).max(99), z.string().regex(/^[A-Za-z_$][\w$]*$/, 'a capture group name')]) }).strict(),
])
const SetSchema = z.object(Object.fromEntries([...AREA_FIELDS, ...FEATURE_FIELDS].map((field) => [field, Value.optional()]))).strict()
const RuleSchema = z
  .object({
    match: z.record(z.string().min(1).max(100), Matcher).default({}),
    set: SetSchema.optional(),
    skip: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .refine((rule) => (rule.set === undefined) !== (rule.skip === undefined), { message: 'a rule has either set or skip (a reason), not both, not neither' })

export const RulesDocumentSchema = z
  .object({
    rules: z.array(RuleSchema).max(MAX_RULES),
    unmatched: z.enum(['refuse', 'skip']).default('refuse'),
  })
  .strict()
export type RulesDocument = z.infer<typeof RulesDocumentSchema>
export type RuleValue = z.infer<typeof Value>

/** What a rule decided for one feature. */
export type RuleOutcome =
  { kind: 'set'; rule: number; assigned: Partial<Record<RuleField, Assigned>> } | { kind: 'skip'; rule: number; reason: string } | { kind: 'unmatched' }

/** A value a rule gave a field, and where it came from (a property of the feature, or the rule itself), for refusals. */
export interface Assigned {
  value: unknown
  path: string
}

/**
 * Reads and checks a rules document given as text (the `rules` query parameter, URL-decoded) for an
 * import of areas (with or without intervals) or of reference features. Every problem is reported
 * at once, each at its path under `/query/rules`. Throws 400 INVALID_RULES.
 */
export function parseRulesDocument(text: string, kind: 'snapshot' | 'history' | 'features', root = '/query/rules'): RulesDocument {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw invalid([{ path: root, code: 'INVALID_RULES', reason: `not JSON: ${(error as Error).message}` }])
  }
  return checkRulesDocument(json, kind, root)
}

/** Checks a rules document already parsed (a profile's, or the CLI's file): as parseRulesDocument. */
export function checkRulesDocument(json: unknown, kind: 'snapshot' | 'history' | 'features', root = '/query/rules'): RulesDocument {
  const parsed = RulesDocumentSchema.safeParse(json)
  if (!parsed.success) {
    throw invalid(parsed.error.issues.map((issue) => ({ path: [root, ...issue.path].join('/'), code: 'INVALID_RULES', reason: issue.message })))
  }
  const problems: ProblemDetail[] = []
  const allowed: readonly string[] = kind === 'features' ? FEATURE_FIELDS : kind === 'history' ? AREA_FIELDS : AREA_FIELDS.slice(0, 3)
  parsed.data.rules.forEach((rule, r) => {
    const at = `${root}/rules/${r}`
    try {
      checkRule(rule, at, kind, allowed, problems)
    } catch (error) {
      // Nothing in a document may answer 500: what the checks did not foresee is still the document's problem, at its rule.
      problems.push({ path: at, code: 'INVALID_RULES', reason: `the rule could not be read: ${(error as Error).message}` })
    }
  })
  if (problems.length > 0) throw invalid(problems)
  return parsed.data
}

function checkRule(rule: RulesDocument['rules'][number], at: string, kind: string, allowed: readonly string[], problems: ProblemDetail[]): void {
  // Each pattern compiled once here; a rule with one that is refused has its captures left unchecked (nothing to count them in).
  const regexes: RegExp[] = []
  let regexRefused = false
  for (const [member, matcher] of Object.entries(rule.match)) {
    if (matcher === null || typeof matcher !== 'object' || Array.isArray(matcher)) continue
    const { regex, problem } = compileRegex(matcher.regex, matcher.flags)
    if (regex) regexes.push(regex)
    else {
      regexRefused = true
      problems.push({ path: `${at}/match/${escapePointer(member)}/regex`, code: 'INVALID_RULES', reason: problem! })
    }
  }
  for (const [field, value] of Object.entries(rule.set ?? {})) {
    if (value === undefined) continue
    if (!allowed.includes(field)) {
      problems.push({
        path: `${at}/set/${field}`,
        code: 'INVALID_RULES',
        reason: `${field} cannot be set in a ${kind} import: it sets ${allowed.join(', ')}`,
      })
      continue
    }
    if (field === 'status' && typeof value === 'string' && value !== 'controlled' && value !== 'contested')
      problems.push({ path: `${at}/set/status`, code: 'INVALID_RULES', reason: `status is 'controlled' or 'contested', not ${JSON.stringify(value)}` })
    if (typeof value === 'string' && value === ACTOR_PARAMETER && field !== 'actor')
      problems.push({
        path: `${at}/set/${field}`,
        code: 'INVALID_RULES',
        reason: `${ACTOR_PARAMETER} stands for the actor parameter: only set.actor may use it`,
      })
    if (value !== null && typeof value === 'object' && 'capture' in value && !regexRefused) {
      const captures = captureNames(regexes)
      const known = typeof value.capture === 'number' ? value.capture <= captures.count : captures.names.has(value.capture)
      if (!known)
        problems.push({
          path: `${at}/set/${field}/capture`,
          code: 'INVALID_RULES',
          reason: `the rule's regular expressions have no capture group ${JSON.stringify(value.capture)} (${captures.count} numbered${captures.names.size > 0 ? `; named: ${[...captures.names].join(', ')}` : ''})`,
        })
    }
  }
}

/** Whether any rule's set.actor is `$actor`: the import then needs its actor parameter. */
export function usesActorParameter(document: RulesDocument): number | undefined {
  const index = document.rules.findIndex((rule) => rule.set?.actor === ACTOR_PARAMETER)
  return index >= 0 ? index : undefined
}

function invalid(details: ProblemDetail[]): Error {
  const first = details[0]
  return withDetails(
    new Errors.INVALID_RULES(`The rules document is not valid: ${details.length} problem(s), the first at ${first.path}: ${first.reason}`),
    details,
  )
}

function escapePointer(member: string): string {
  return member.replace(/~/g, '~0').replace(/\//g, '~1')
}

/**
 * Why a pattern may not be used, or undefined. Refused: what ECMAScript will not compile,
 * backreferences, and the shapes whose matching time can grow exponentially or as a high power of
 * the text's length (regex-safety.ts): nested repetitions, repetitions in a row over the same
 * characters, and chains of more than two unbounded repetitions.
 */
export function regexProblem(pattern: string, flags = ''): string | undefined {
  return compileRegex(pattern, flags).problem
}

/** The pattern compiled once, or why it may not be used: never throws. */
function compileRegex(pattern: string, flags = ''): { regex?: RegExp; problem?: string } {
  let regex: RegExp
  try {
    regex = new RegExp(pattern, flags)
  } catch (error) {
    return { problem: `not a valid regular expression: ${(error as Error).message}` }
  }
  if (/\\[1-9]|\\k</.test(pattern.replace(/\\\\/g, ''))) return { problem: 'backreferences are not accepted (matching time could grow without bound)' }
  const slow = slowPatternProblem(pattern, flags)
  return slow ? { problem: slow } : { regex }
}

/** How many numbered capture groups the rule's regular expressions have (in member order), and their names. */
function captureNames(regexes: RegExp[]): { count: number; names: Set<string> } {
  let count = 0
  const names = new Set<string>()
  for (const regex of regexes) {
    // An alternation with the empty pattern always matches: exec tells how many groups the pattern has.
    const groups = new RegExp(`${regex.source}|`, regex.flags).exec('')!
    count += groups.length - 1
    for (const name of Object.keys(groups.groups ?? {})) names.add(name)
  }
  return { count, names }
}

/** A rules document ready to apply: regular expressions compiled once. */
export interface CompiledRules {
  rules: {
    match: { member: string; test: (value: unknown) => string[] | null | boolean; names: boolean }[]
    set?: Partial<Record<RuleField, RuleValue>>
    skip?: string
  }[]
  unmatched: 'refuse' | 'skip'
  /** Where the document was given (`/query/rules`, or `/query/profile` for a profile's), for the paths of refusals. */
  root: string
}

export function compileRules(document: RulesDocument, root = '/query/rules'): CompiledRules {
  return {
    root,
    unmatched: document.unmatched,
    rules: document.rules.map((rule) => ({
      set: rule.set as Partial<Record<RuleField, RuleValue>> | undefined,
      skip: rule.skip,
      match: Object.entries(rule.match).map(([member, matcher]) => {
        if (matcher !== null && typeof matcher === 'object' && !Array.isArray(matcher)) {
          const regex = new RegExp(matcher.regex, matcher.flags)
          return { member, names: true, test: (value: unknown) => matchRegex(regex, value) }
        }
        const options = Array.isArray(matcher) ? matcher : [matcher]
        return { member, names: false, test: (value: unknown) => options.some((option) => sameValue(value, option)) }
      }),
    })),
  }
}

/** The match's groups (numbered from 1; named ones as `groups`), or null. Numbers are read as their decimal text. */
function matchRegex(regex: RegExp, value: unknown): (string[] & { named?: Record<string, string | undefined> }) | null {
  const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined
  if (text === undefined) return null
  const found = regex.exec(text.length > MAX_MATCHED_LENGTH ? text.slice(0, MAX_MATCHED_LENGTH) : text)
  if (!found) return null
  const groups = Object.assign(found.slice(1), { named: found.groups })
  return groups as string[] & { named?: Record<string, string | undefined> }
}

/** A property the feature has itself: `constructor` or `toString` are not read from the prototype. */
function ownProperty(properties: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(properties, name) ? properties[name] : undefined
}

/** Equality of a property with a literal: absent matches null; a number matches its decimal text and back. */
function sameValue(value: unknown, literal: string | number | boolean | null): boolean {
  if (literal === null) return value === null || value === undefined
  if (value === null || value === undefined) return false
  if (typeof value === 'object') return false
  return value === literal || String(value) === String(literal)
}

/**
 * The first rule every member of whose match holds, and what it sets: literals as written
 * (`$actor` stays for the service to read the actor parameter), properties read from the feature,
 * captures from the rule's regular expressions. `geometryType` is the type after flattening.
 */
export function applyRules(compiled: CompiledRules, index: number, properties: Record<string, unknown>, geometryType: string | null): RuleOutcome {
  outer: for (let r = 0; r < compiled.rules.length; r++) {
    const rule = compiled.rules[r]
    const numbered: (string | undefined)[] = []
    const named: Record<string, string | undefined> = {}
    for (const { member, test } of rule.match) {
      const result = test(member === GEOMETRY_MEMBER ? geometryType : ownProperty(properties, member))
      if (result === null || result === false) continue outer
      if (Array.isArray(result)) {
        numbered.push(...result)
        Object.assign(named, (result as { named?: Record<string, string | undefined> }).named ?? {})
      }
    }
    if (rule.skip !== undefined) return { kind: 'skip', rule: r, reason: rule.skip }
    const assigned: Partial<Record<RuleField, Assigned>> = {}
    for (const [field, value] of Object.entries(rule.set ?? {}) as [RuleField, RuleValue | undefined][]) {
      if (value === undefined) continue
      const at = `${compiled.root}/rules/${r}/set/${field}`
      if (value === null || typeof value === 'string') assigned[field] = { value, path: at }
      else if ('property' in value)
        assigned[field] = { value: ownProperty(properties, value.property), path: `/features/${index}/properties/${escapePointer(value.property)}` }
      else assigned[field] = { value: typeof value.capture === 'number' ? numbered[value.capture - 1] : named[value.capture], path: `${at}/capture` }
    }
    return { kind: 'set', rule: r, assigned }
  }
  return { kind: 'unmatched' }
}
