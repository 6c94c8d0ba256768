// Whether a rules document's regular expression may run on a file's text: ECMAScript matching
// backtracks, and some shapes take exponential or high-polynomial time on a short line. No
// linear-time engine is at hand (re2 needs a native build), so the shapes are refused up front,
// and the text a pattern reads is bounded (rules.ts MAX_MATCHED_LENGTH) and the whole validation
// has a time budget (imports.routes.ts). Measured on the worst accepted shapes (.*a, \s*x,
// ^.*a.*b: quadratic) against 1 000 characters: about 1 ms a match; at 4 000, 20 to 40 ms.

/** A quantifier whose count may vary by more than this is counted as unbounded (a{0,1000} is a*). */
const WIDE_SPAN = 32
/** The most unbounded repetitions over shared characters in a chain, the scan over start positions included. */
const MAX_CHAIN = 2

type Node =
  | { kind: 'atom'; source: string; min: number; max: number; anchor?: boolean }
  | { kind: 'group'; look: boolean; branches: Node[][]; min: number; max: number; source: string }

/** Characters every atom is tried against: classes of letters, digits, spaces and marks, and each character of the pattern. */
const SAMPLES = [
  'a',
  'z',
  'A',
  'Z',
  'é',
  'ж',
  'Ж',
  '日',
  '0',
  '9',
  '_',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u00a0',
  '\u2028',
  '.',
  ',',
  '-',
  '/',
  '#',
  ':',
  ';',
  '!',
  '"',
  "'",
  '(',
  ')',
  '\u200b',
  '\\',
]

/**
 * Why the pattern may take too long to match, or undefined. Refused: a group holding a repetition
 * or an alternation that is itself repeated more than once (`(a+)+`, `(a|b)*`, `(a+){2,25}`,
 * exponential), two unbounded repetitions in a row that can match the same characters (`.*.*x`,
 * `\d*\d*`), and more than two unbounded repetitions chained over shared characters, counting the
 * scan over start positions of a pattern not anchored by `^` (`.*a.*b`, `^.*.*.*x`: cubic or
 * worse). Backreferences and what does not compile are refused by the caller.
 */
export function slowPatternProblem(pattern: string, flags = ''): string | undefined {
  const unicode = flags.includes('u')
  let tree: Node[][]
  try {
    tree = new Parser(pattern, unicode).parse()
  } catch {
    // What the scan cannot read is not accepted: it compiled, but its shape is unknown.
    return 'a pattern this service cannot check for slow shapes: write it more plainly'
  }
  const sets = new CharSets(pattern, flags)
  const nested = findNestedRepeat(tree)
  if (nested) return nested
  const state: Chain = { length: 1, set: sets.all, open: true, adjacent: false, real: false }
  try {
    walkBranches(tree, state, sets, flags.includes('m'))
  } catch (error) {
    if (error instanceof SlowShape) return error.message
    throw error
  }
  return undefined
}

class SlowShape extends Error {}

/** The chain of unbounded repetitions the match is in: how many, the characters of the last, and whether the text between let it go on. */
interface Chain {
  length: number
  set: Uint8Array
  open: boolean
  /** Nothing the match must read since the last unbounded repetition. */
  adjacent: boolean
  /** The last link is a repetition of the pattern (not the scan over start positions). */
  real: boolean
}

function findNestedRepeat(branches: Node[][]): string | undefined {
  for (const sequence of branches)
    for (const node of sequence) {
      if (node.kind !== 'group') continue
      if (node.max > 1 && (node.branches.length > 1 || node.branches.some((branch) => branch.some(varies))))
        return (
          `the repeated group ${clip(node.source)} holds a repetition or an alternation (as in (a+)+, (a|b)*, (a+){2,25}): ` +
          'such patterns can take exponential time; rewrite without the nesting'
        )
      const inner = findNestedRepeat(node.branches)
      if (inner) return inner
    }
  return undefined
}

/** Whether a node (or anything inside it) repeats a variable number of times or chooses between branches. */
function varies(node: Node): boolean {
  if (node.min !== node.max) return true
  if (node.kind === 'atom') return false
  return node.branches.length > 1 || node.branches.some((branch) => branch.some(varies))
}

function unbounded(node: Node): boolean {
  return node.max === Infinity || node.max - node.min > WIDE_SPAN
}

/** Walks alternatives from one state: the state after is the widest of theirs. */
function walkBranches(branches: Node[][], state: Chain, sets: CharSets, multiline: boolean): void {
  const ends = branches.map((sequence) => {
    const copy = { ...state }
    for (const node of sequence) step(node, copy, sets, multiline)
    return copy
  })
  merge(state, ends, sets)
}

function merge(state: Chain, ends: Chain[], sets: CharSets): void {
  if (ends.length === 0) return
  const set = new Uint8Array(sets.size)
  for (const end of ends) if (end.open) end.set.forEach((bit, i) => (set[i] |= bit))
  state.length = Math.max(...ends.map((end) => end.length))
  state.open = ends.some((end) => end.open)
  state.set = set
  state.adjacent = ends.some((end) => end.adjacent)
  state.real = ends.some((end) => end.real)
}

function step(node: Node, state: Chain, sets: CharSets, multiline: boolean): void {
  if (node.kind === 'atom' && node.anchor) {
    // ^ without the m flag: the match starts at the text's start only (V8 does not scan start positions).
    if (node.source === '^' && !multiline) Object.assign(state, { length: 0, open: false, adjacent: false, real: false })
    return
  }
  if (node.kind === 'group' && node.look) {
    // A lookaround is tried where it stands, and never backtracked into: what it holds chains from here, nothing leaves it.
    walkBranches(node.branches, { ...state }, sets, multiline)
    return
  }
  if (node.kind === 'group' && node.max <= 1) {
    const before = { ...state }
    walkBranches(node.branches, state, sets, multiline)
    if (node.min === 0) merge(state, [before, { ...state }], sets)
    return
  }
  const set = node.kind === 'atom' ? sets.of(node.source) : sets.ofGroup(node)
  if (unbounded(node)) {
    const shares = state.open && state.length > 0 && overlaps(set, state.set)
    if (shares && state.adjacent && state.real)
      throw new SlowShape(
        `${clip(node.source)} repeats without bound right after another repetition that can match the same characters (as in .*.*x or \\d*\\d*): ` +
          'the text can be split between them in too many ways; merge them into one',
      )
    const length = shares ? state.length + 1 : 1
    if (length > MAX_CHAIN)
      throw new SlowShape(
        `${length} unbounded repetitions that can match the same characters follow one another${state.real && length === 2 ? '' : ' (counting the scan over start positions of a pattern not anchored by ^)'}, ` +
          `up to ${clip(node.source)}: matching time could grow as the text's length to the power ${length} (as in .*a.*b); anchor the pattern with ^, or make the repetitions match different characters`,
      )
    Object.assign(state, { length, set, open: true, adjacent: true, real: true })
    return
  }
  if (node.min >= 1) {
    state.adjacent = false
    if (state.open && !overlaps(set, state.set)) state.open = false
  }
}

function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] && b[i]) return true
  return false
}

function clip(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)
}

/** Which of the sample characters an atom matches (one character of text: a literal, an escape, a class, the dot). */
class CharSets {
  readonly samples: string[]
  readonly all: Uint8Array
  readonly #cache = new Map<string, Uint8Array>()
  readonly #flags: string

  constructor(pattern: string, flags: string) {
    this.samples = [...new Set([...SAMPLES, ...pattern])]
    this.all = new Uint8Array(this.samples.length).fill(1)
    this.#flags = flags.replace('m', '')
  }

  get size(): number {
    return this.samples.length
  }

  of(source: string): Uint8Array {
    let set = this.#cache.get(source)
    if (set) return set
    let regex: RegExp | undefined
    try {
      regex = new RegExp(`^(?:${source})$`, this.#flags)
    } catch {
      regex = undefined
    }
    // An atom that cannot be tried alone (a lone surrogate, say) is taken to match anything.
    set = regex ? Uint8Array.from(this.samples, (sample) => (regex.test(sample) ? 1 : 0)) : this.all
    this.#cache.set(source, set)
    return set
  }

  /** A repeated group holds no repetition or alternation (findNestedRepeat): the characters of its atoms, together. */
  ofGroup(node: Extract<Node, { kind: 'group' }>): Uint8Array {
    const set = new Uint8Array(this.size)
    const visit = (nodes: Node[]) => {
      for (const inner of nodes) {
        if (inner.kind === 'group') inner.branches.forEach(visit)
        else if (!inner.anchor) this.of(inner.source).forEach((bit, i) => (set[i] |= bit))
      }
    }
    node.branches.forEach(visit)
    return set
  }
}

/** A reader of ECMAScript pattern syntax, enough to find atoms, groups and quantifiers (the pattern compiled already). */
class Parser {
  #i = 0

  constructor(
    private readonly text: string,
    private readonly unicode: boolean,
  ) {}

  parse(): Node[][] {
    const branches = this.#alternation()
    if (this.#i !== this.text.length) throw new Error('unexpected )')
    return branches
  }

  #alternation(): Node[][] {
    const branches: Node[][] = [this.#sequence()]
    while (this.text[this.#i] === '|') {
      this.#i++
      branches.push(this.#sequence())
    }
    return branches
  }

  #sequence(): Node[] {
    const nodes: Node[] = []
    while (this.#i < this.text.length && this.text[this.#i] !== '|' && this.text[this.#i] !== ')') {
      const start = this.#i
      const node = this.#atom()
      const [min, max] = this.#quantifier()
      // An atom keeps its own text (its characters are tried alone); a group its text with the quantifier, for messages.
      nodes.push(node.kind === 'atom' ? { ...node, min, max } : { ...node, min, max, source: this.text.slice(start, this.#i) })
    }
    return nodes
  }

  #atom(): Node {
    const text = this.text
    const start = this.#i
    const c = text[this.#i]
    if (c === '(') {
      this.#i++
      let look = false
      if (text[this.#i] === '?') {
        const prefix = /^\?(?:<[=!]|[=!:]|<[^>]+>|[ims-]+:)/.exec(text.slice(this.#i))
        if (!prefix) throw new Error('unknown group')
        look = /^\?<?[=!]/.test(prefix[0])
        this.#i += prefix[0].length
      }
      const branches = this.#alternation()
      if (text[this.#i] !== ')') throw new Error('unclosed group')
      this.#i++
      return { kind: 'group', look, branches, min: 1, max: 1, source: text.slice(start, this.#i) }
    }
    if (c === '^' || c === '$') {
      this.#i++
      return { kind: 'atom', source: c, min: 1, max: 1, anchor: true }
    }
    if (c === '[') {
      for (this.#i++; this.#i < text.length && text[this.#i] !== ']'; this.#i++) if (text[this.#i] === '\\') this.#i++
      if (text[this.#i] !== ']') throw new Error('unclosed class')
      this.#i++
      return { kind: 'atom', source: text.slice(start, this.#i), min: 1, max: 1 }
    }
    if (c === '\\') {
      const escape = /^\\(?:[pP]\{[^}]*\}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|k<[^>]*>|\d+|[\s\S])/.exec(text.slice(this.#i))!
      this.#i += escape[0].length
      const anchor = escape[0] === '\\b' || escape[0] === '\\B'
      return { kind: 'atom', source: escape[0], min: 1, max: 1, ...(anchor ? { anchor: true } : {}) }
    }
    const point = this.unicode ? String.fromCodePoint(text.codePointAt(this.#i)!) : c
    this.#i += point.length
    return { kind: 'atom', source: /[.]/.test(point) ? point : escapeLiteral(point), min: 1, max: 1 }
  }

  #quantifier(): [number, number] {
    const rest = this.text.slice(this.#i, this.#i + 40)
    const found = /^(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})\??/.exec(rest)
    if (!found) return [1, 1]
    this.#i += found[0].length
    if (found[1] === '*') return [0, Infinity]
    if (found[1] === '+') return [1, Infinity]
    if (found[1] === '?') return [0, 1]
    const min = Number(found[2])
    if (found[3] === undefined) return [min, min]
    return [min, found[4] === '' ? Infinity : Number(found[4])]
  }
}

function escapeLiteral(point: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(point) ? `\\${point}` : point
}
