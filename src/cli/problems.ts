// What the CLI prints of the API's answers: a refusal with every problem it lists (path, reason,
// code), and an import's result as a short report. --json prints the answers themselves instead.

/** A non-2xx answer: the message is human-readable (every problem listed); the answer is kept for --json. */
export class Refusal extends Error {
  constructor(
    readonly what: string,
    readonly answer: { status: number; text: string },
  ) {
    super(`${what}: ${describeProblem(answer)}`)
  }
}

interface ProblemEntry {
  path?: string
  index?: number
  code?: string
  reason?: string
  message?: string
  [member: string]: unknown
}

interface Problem {
  code?: string
  title?: string
  detail?: string
  errors?: ProblemEntry[]
  [member: string]: unknown
}

const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'code', 'instance', 'errors'])
const ENTRY_MEMBERS = new Set(['path', 'index', 'code', 'reason', 'message'])

/** One member's value in a line of text: strings bare, the rest as JSON. */
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value))

/**
 * A problem+json answer as lines of text: status, code and detail, then every entry of `errors[]`
 * (none left out: a refused file's 382 problems are 382 lines), each with its JSON path, its reason
 * and its code, and any other member the problem or an entry carries (an overlap's actors and km²).
 */
export function describeProblem({ status, text: body }: { status: number; text: string }): string {
  let problem: Problem
  try {
    problem = JSON.parse(body) as Problem
    if (typeof problem !== 'object' || problem === null) throw new Error('not an object')
  } catch {
    return `${status} ${body.slice(0, 500)}`
  }
  const lines = [`${status} ${problem.code ?? problem.title ?? ''}${problem.detail ? `: ${problem.detail}` : ''}`]
  for (const [member, value] of Object.entries(problem)) if (!PROBLEM_MEMBERS.has(member)) lines.push(`  ${member}: ${text(value)}`)
  const errors = Array.isArray(problem.errors) ? problem.errors : []
  if (errors.length > 1) lines.push(`  ${errors.length} problems:`)
  for (const entry of errors) lines.push(`  ${problemLine(entry)}`)
  if (status === 401 || status === 403) lines.push('  (set API_TOKENS to one of the server’s write tokens)')
  return lines.join('\n')
}

/** One problem: its JSON path (and feature, where the path does not say it), reason, code and any other member. */
function problemLine(entry: ProblemEntry): string {
  const where = entry.path ?? (entry.index !== undefined ? `/features/${entry.index}` : '')
  const feature = entry.index !== undefined && !where.startsWith(`/features/${entry.index}`) ? ` (feature ${entry.index})` : ''
  const extra = Object.entries(entry)
    .filter(([member]) => !ENTRY_MEMBERS.has(member))
    .map(([member, value]) => `${member}=${text(value)}`)
  const reason = entry.reason ?? entry.message ?? ''
  return `${where}${feature}: ${reason}${entry.code ? ` [${entry.code}]` : ''}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`
}

interface ImportAnswer {
  import?: { id?: number | null; dataset?: string; kind?: string; validFrom?: string | null; counts?: Record<string, unknown>; notes?: ProblemEntry[] }
  replayed?: boolean
  revision?: number
  dryRun?: boolean
  skippedBy?: Record<string, number>
  overlaps?: { features?: number[]; actors?: string[]; areaKm2?: number }[]
  refused?: ProblemEntry[]
  [member: string]: unknown
}

const NOTES_SHOWN = 50

/** An import's result as a report: what was (or, in a dry run, would be) written, skipped by reason, overlaps, notes. */
export function describeImport(answer: ImportAnswer): string {
  const record = answer.import ?? {}
  const counts = { ...(record.counts ?? {}) }
  const skippedBy = (answer.skippedBy ?? record.counts?.skippedBy ?? (record as { skippedBy?: unknown }).skippedBy) as Record<string, number> | undefined
  delete counts.skippedBy
  const at = record.validFrom ? ` at ${record.validFrom}` : ''
  const head = answer.dryRun
    ? `dry run of a ${record.kind ?? ''} import into ${record.dataset ?? '?'}${at}: nothing was written`
    : answer.replayed
      ? `import ${record.id} into ${record.dataset}${at} was already loaded (the same content): nothing was written`
      : `import ${record.id}: ${record.kind} into ${record.dataset}${at}, revision ${answer.revision}`
  const lines = [head]
  const countText = Object.entries(counts)
    .filter(([, value]) => typeof value === 'number')
    .map(([name, value]) => `${name} ${value}`)
  if (countText.length > 0) lines.push(`  ${answer.dryRun ? 'would be: ' : ''}${countText.join(', ')}`)
  if (skippedBy && Object.keys(skippedBy).length > 0) {
    lines.push(
      `  skipped by reason: ${Object.entries(skippedBy)
        .map(([reason, n]) => `${reason} ${n}`)
        .join(', ')}`,
    )
  }
  const overlaps = Array.isArray(answer.overlaps) ? answer.overlaps : []
  if (overlaps.length > 0) {
    const total = overlaps.reduce((sum, overlap) => sum + (overlap.areaKm2 ?? 0), 0)
    lines.push(`  ${overlaps.length} overlap(s) between different actors' areas, ${round(total)} km² in all:`)
    for (const overlap of overlaps) {
      lines.push(`    features ${(overlap.features ?? []).join(' and ')} (${(overlap.actors ?? []).join(' / ')}): ${round(overlap.areaKm2 ?? 0)} km²`)
    }
  }
  const refused = Array.isArray(answer.refused) ? answer.refused : []
  if (answer.dryRun) {
    lines.push(refused.length > 0 ? `  the import would be refused: ${refused.length} problem(s):` : '  the import would land: no problem found')
    for (const entry of refused) lines.push(`    ${problemLine(entry)}`)
  }
  const notes = record.notes ?? []
  if (notes.length > 0) {
    // Notes that say the same of many features (z dropped, a rule's skip) are one line each, with how many and where.
    const groups = new Map<string, { first: string; same: boolean; where: string[] }>()
    for (const note of notes) {
      const said = text(note.note ?? note.reason ?? '')
      const key = said.replace(/\d+(\.\d+)?/g, '#')
      const group = groups.get(key) ?? { first: said, same: true, where: [] }
      group.same &&= group.first === said
      group.where.push(note.path ?? (note.index !== undefined ? `/features/${note.index}` : ''))
      groups.set(key, group)
    }
    const shown = [...groups.entries()].slice(0, NOTES_SHOWN)
    lines.push(`  ${notes.length} note(s)${groups.size > NOTES_SHOWN ? `, the first ${NOTES_SHOWN} kinds (--json for all)` : ''}:`)
    for (const [key, { first, same, where }] of shown) {
      if (where.length === 1) lines.push(`    ${where[0] ? `${where[0]}: ` : ''}${first}`)
      else lines.push(`    ${where.length}× ${same ? first : key.replaceAll('#', 'n')} (${where.slice(0, 3).join(', ')}${where.length > 3 ? ', …' : ''})`)
    }
  }
  return lines.join('\n')
}

const round = (km2: number) => Math.round(km2 * 1000) / 1000
