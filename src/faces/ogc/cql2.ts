// CQL2 text (OGC 21-065, 1.0.0) for the `filter` parameter of OGC API – Features Part 3: a
// hand-written recursive-descent parser over the standard's BNF (annex B, cql2.bnf) that compiles
// the filter into closures once, so a request evaluates it per feature without re-reading text.
// No npm package parses CQL2 text (geostyler-cql-parser reads GeoServer's ECQL, another grammar).
//
// Covered: classes cql2-text, basic-cql2 and advanced-comparison-operators. Values are
// three-valued as the standard's truth tables say (a comparison with NULL is NULL, NOT NULL is
// NULL); a feature is selected only when the whole filter is TRUE.
import { Errors, withDetails } from '../../errors.js'
import type { QueryableType } from '../../modules/common/items.js'

export interface Cql2Filter {
  evaluate(properties: Record<string, unknown>): boolean
  /** The property names the filter uses, each once, in order of first use. */
  properties: string[]
}

/** The CQL2 conformance classes this module passes (see test/faces/cql2.test.ts for each). */
export const CQL2_CONFORMANCE: string[] = [
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
]

type Truth = boolean | null
type Properties = Record<string, unknown>
type Predicate = (properties: Properties) => Truth
/** 'date' exists only as a literal: DATE('…'); queryables are never dates here. */
type ValueType = QueryableType | 'date'
/** Values reduced to something `<` orders: strings as NFC text, the rest as numbers. */
type Key = number | string
type Read = (properties: Properties) => Key | null

interface Operand {
  type: ValueType
  at: number
  read: Read
  isNull: (properties: Properties) => boolean
  property?: string
  /** A character literal's text, kept so it can be read as an instant beside a timestamp. */
  text?: string
}

type TokenKind = 'word' | 'name' | 'string' | 'number' | 'symbol' | 'end'
interface Token {
  kind: TokenKind
  /** The source text (a word, a symbol, a quoted name without quotes, a literal as written). */
  text: string
  upper?: string
  value?: string | number
  at: number
}

const DAY_MS = 86_400_000
const MAX_DEPTH = 64 // parentheses and NOTs nest by recursion: bound it so no filter overflows the stack
const SUPPORTED = 'filters compare properties with values (=, <>, <, >, <=, >=, LIKE, BETWEEN, IN, IS NULL) and join them with AND, OR and NOT'

// The BNF's `whitespace`, `identifierStart` and `identifierPart` productions, character for character.
const WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/y
const START =
  ':_A-Za-z\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u02ff\\u0370-\\u037d\\u037f-\\u1ffe\\u200c\\u200d\\u2070-\\u218f\\u2c00-\\u2fef\\u3001-\\ud7ff\\uf900-\\ufdcf\\ufdf0-\\ufffd\\u{10000}-\\u{effff}'
// eslint-disable-next-line no-misleading-character-class -- the BNF lists combining marks and ZWJ/ZWNJ as identifier characters in their own right
const IDENTIFIER = new RegExp(`[${START}][${START}.0-9\\u0300-\\u036f\\u203f\\u2040]*`, 'uy')
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?/iy
const SYMBOLS = ['<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '+', '-', '*', '/', '%', '^']
const COMPARISONS = new Set(['=', '<>', '<', '>', '<=', '>='])
const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '^', 'DIV'])
/** /req/cql2-text/escaping: backslash escapes. Others (\% and \_) are kept whole for LIKE to read. */
const ESCAPES = new Map([
  ["'", "'"],
  ['\\', '\\'],
  ['a', '\x07'],
  ['b', '\b'],
  ['t', '\t'],
  ['n', '\n'],
  ['v', '\v'],
  ['f', '\f'],
  ['r', '\r'],
])
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'LIKE', 'BETWEEN', 'IN', 'TRUE', 'FALSE', 'DATE', 'TIMESTAMP', 'DIV'])
const GEOMETRIES = new Set(['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION', 'BBOX'])

/**
 * Parses CQL2 text against the collection's queryables; throws INVALID_FILTER (400) naming the
 * 1-based character position and what was expected there.
 */
export function parseCql2Text(text: string, queryables: Record<string, QueryableType>): Cql2Filter {
  const parser = new Parser(text, tokenize(text), queryables)
  const predicate = parser.filter()
  return { evaluate: (properties) => predicate(properties) === true, properties: [...parser.used] }
}

/** The 1-based column of a UTF-16 index, counted in code points as a person counts characters. */
function column(text: string, index: number): number {
  return [...text.slice(0, index)].length + 1
}

function refuse(text: string, index: number, message: string): never {
  const reason = `at character ${column(text, index)}: ${message}`
  throw withDetails(new Errors.INVALID_FILTER(`Invalid filter ${reason}`), [{ path: '/query/filter', code: 'INVALID_FILTER', reason }])
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  const sticky = (re: RegExp, at: number) => {
    re.lastIndex = at
    return re.exec(text)?.[0]
  }
  let i = 0
  while (i < text.length) {
    const space = sticky(WHITESPACE, i)
    if (space) {
      i += space.length
      continue
    }
    const c = text[i]
    if (c === "'") {
      const { value, end } = readString(text, i)
      tokens.push({ kind: 'string', text: text.slice(i, end), value: value.normalize('NFC'), at: i })
      i = end
      continue
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1)
      if (end < 0) refuse(text, i, 'this quoted property name is not closed: expected a " to end it')
      if (end === i + 1) refuse(text, i, 'expected a property name between the double quotes')
      tokens.push({ kind: 'name', text: text.slice(i + 1, end), at: i })
      i = end + 1
      continue
    }
    const number = sticky(NUMBER, i)
    if (number) {
      tokens.push({ kind: 'number', text: number, value: Number(number), at: i })
      i += number.length
      continue
    }
    const word = sticky(IDENTIFIER, i)
    if (word) {
      tokens.push({ kind: 'word', text: word, upper: word.toUpperCase(), at: i })
      i += word.length
      continue
    }
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i))
    if (!symbol) refuse(text, i, `unexpected character '${String.fromCodePoint(text.codePointAt(i)!)}'${c === '!' ? " (write 'not equal' as <>)" : ''}`)
    tokens.push({ kind: 'symbol', text: symbol, at: i })
    i += symbol.length
  }
  tokens.push({ kind: 'end', text: '', at: text.length })
  return tokens
}

/** A character literal from its opening quote: '' and \' are quotes, ESCAPES the rest. */
function readString(text: string, start: number): { value: string; end: number } {
  let value = ''
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]
    if (c === "'") {
      if (text[i + 1] !== "'") return { value, end: i + 1 }
      value += "'"
      i++
    } else if (c === '\\' && i + 1 < text.length) {
      value += ESCAPES.get(text[i + 1]) ?? c + text[i + 1]
      i++
    } else value += c
  }
  return refuse(text, start, "this string is not closed: expected a ' to end it")
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'end of filter'
  if (token.kind === 'string') return `the string ${token.text.length > 40 ? token.text.slice(0, 37) + "...'" : token.text}`
  if (token.kind === 'name') return `"${token.text}"`
  return `'${token.text}'`
}

class Parser {
  readonly used = new Set<string>()
  private next = 0
  private depth = 0

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly queryables: Record<string, QueryableType>,
  ) {}

  filter(): Predicate {
    const predicate = this.or()
    const token = this.peek()
    if (token.kind !== 'end') this.fail(token, 'AND, OR or end of filter')
    return predicate
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.next + ahead, this.tokens.length - 1)]
  }

  private take(): Token {
    const token = this.peek()
    this.next++
    return token
  }

  private isWord(token: Token, ...words: string[]): boolean {
    return token.kind === 'word' && words.includes(token.upper!)
  }

  private isSymbol(token: Token, symbol: string): boolean {
    return token.kind === 'symbol' && token.text === symbol
  }

  private error(at: number, message: string): never {
    return refuse(this.text, at, message)
  }

  /** Refuses `token` where `expected` was due; arithmetic gets its own message, being standard CQL2. */
  private fail(token: Token, expected: string): never {
    if ((token.kind === 'symbol' || token.kind === 'word') && ARITHMETIC.has(token.upper ?? token.text)) {
      this.error(token.at, `arithmetic ('${token.text}') is not supported; ${SUPPORTED}`)
    }
    return this.error(token.at, `expected ${expected}, got ${describe(token)}`)
  }

  private nest(at: number): void {
    if (++this.depth > MAX_DEPTH) this.error(at, `parentheses and NOT nest deeper than ${MAX_DEPTH} levels`)
  }

  // booleanExpression = booleanTerm {OR booleanTerm}: OR binds loosest, so NOT > AND > OR.
  private or(): Predicate {
    const terms = [this.and()]
    while (this.isWord(this.peek(), 'OR')) {
      this.take()
      terms.push(this.and())
    }
    if (terms.length === 1) return terms[0]
    return (p) => {
      let unknown = false
      for (const term of terms) {
        const value = term(p)
        if (value === true) return true
        if (value === null) unknown = true
      }
      return unknown ? null : false
    }
  }

  private and(): Predicate {
    const factors = [this.not()]
    while (this.isWord(this.peek(), 'AND')) {
      this.take()
      factors.push(this.not())
    }
    if (factors.length === 1) return factors[0]
    return (p) => {
      let unknown = false
      for (const factor of factors) {
        const value = factor(p)
        if (value === false) return false
        if (value === null) unknown = true
      }
      return unknown ? null : true
    }
  }

  private not(): Predicate {
    const token = this.peek()
    if (!this.isWord(token, 'NOT')) return this.primary()
    this.take()
    this.nest(token.at)
    const inner = this.not()
    this.depth--
    return negate(inner)
  }

  // booleanPrimary = "(" booleanExpression ")" [IS [NOT] NULL] | predicate | booleanLiteral
  private primary(): Predicate {
    const open = this.peek()
    if (this.isSymbol(open, '(')) {
      this.take()
      this.nest(open.at)
      const inner = this.or()
      this.depth--
      const close = this.peek()
      if (!this.isSymbol(close, ')')) this.fail(close, `AND, OR or ')' to close the '(' at character ${column(this.text, open.at)}`)
      this.take()
      if (!this.isWord(this.peek(), 'IS')) return inner
      const wanted = this.nullTest()
      return (p) => (inner(p) === null) === wanted
    }
    const left = this.operand('a predicate')
    const token = this.peek()
    if (token.kind === 'symbol' && COMPARISONS.has(token.text)) {
      this.take()
      return this.comparison(token.text, left, this.operand(`a value after '${token.text}'`))
    }
    if (this.isWord(token, 'IS')) {
      const wanted = this.nullTest()
      return (p) => left.isNull(p) === wanted
    }
    const not = this.isWord(token, 'NOT')
    if (not) this.take()
    const keyword = this.peek()
    if (this.isWord(keyword, 'LIKE')) return this.maybeNegate(not, this.like(left))
    if (this.isWord(keyword, 'BETWEEN')) return this.maybeNegate(not, this.between(left))
    if (this.isWord(keyword, 'IN')) return this.maybeNegate(not, this.in(left))
    if (not) this.fail(keyword, "LIKE, BETWEEN or IN after 'NOT'")
    if (left.type === 'boolean' && left.property === undefined) {
      const value = left.read({}) === 1
      return () => value
    }
    const hint = left.type === 'boolean' ? ` (a boolean property is tested as ${left.property} = true)` : ''
    return this.fail(token, `a comparison (=, <>, <, >, <=, >=, LIKE, BETWEEN, IN or IS NULL) after ${this.name(left)}${hint}`)
  }

  private maybeNegate(not: boolean, predicate: Predicate): Predicate {
    return not ? negate(predicate) : predicate
  }

  /** Reads IS [NOT] NULL; returns whether the operand must be null for TRUE. */
  private nullTest(): boolean {
    this.take()
    const not = this.isWord(this.peek(), 'NOT')
    if (not) this.take()
    const token = this.take()
    if (!this.isWord(token, 'NULL')) this.fail(token, not ? "NULL after 'IS NOT'" : "NULL or NOT NULL after 'IS'")
    return !not
  }

  private operand(expected: string): Operand {
    const token = this.peek()
    if (token.kind === 'string') {
      this.take()
      return literal('string', token.value as string, token.at, token.value as string)
    }
    if (token.kind === 'number') {
      this.take()
      return this.number(token, 1)
    }
    if (token.kind === 'symbol' && (token.text === '-' || token.text === '+') && this.peek(1).kind === 'number') {
      this.take()
      return this.number(this.take(), token.text === '-' ? -1 : 1, token.at)
    }
    if (token.kind === 'name') {
      this.take()
      return this.property(token)
    }
    if (token.kind !== 'word') {
      const hint = this.isSymbol(token, '(') ? ' (parenthesised arithmetic and arrays are not supported)' : ''
      return this.fail(token, `${expected}${hint}`)
    }
    const word = token.upper!
    if (word === 'TRUE' || word === 'FALSE') {
      this.take()
      return literal('boolean', word === 'TRUE' ? 1 : 0, token.at)
    }
    if (word === 'DATE' || word === 'TIMESTAMP') return this.instant(word)
    if (word === 'NULL') this.error(token.at, 'NULL is not a value to compare with; test for it with IS NULL or IS NOT NULL')
    const call = this.isSymbol(this.peek(1), '(')
    const feature = unsupported(word, call)
    if (feature) this.error(token.at, `${feature} is not supported; ${SUPPORTED}`)
    if (call) this.error(token.at, `functions are not supported (found ${token.text}(…)); ${SUPPORTED}`)
    if (KEYWORDS.has(word)) this.fail(token, expected)
    this.take()
    return this.property(token)
  }

  private number(token: Token, sign: number, at = token.at): Operand {
    const value = sign * (token.value as number)
    if (!Number.isFinite(value)) this.error(at, `the number ${token.text} is out of range`)
    return literal('number', value, at)
  }

  // DATE('YYYY-MM-DD') and TIMESTAMP('YYYY-MM-DDThh:mm:ss[.f]Z'): the BNF's dateInstant and timestampInstant.
  private instant(word: 'DATE' | 'TIMESTAMP'): Operand {
    const keyword = this.take()
    const open = this.take()
    if (!this.isSymbol(open, '(')) {
      const operator = (open.kind === 'symbol' && COMPARISONS.has(open.text)) || this.isWord(open, 'IS', 'IN', 'LIKE', 'BETWEEN', 'NOT')
      const hint = operator ? ` (a property named ${keyword.text} is written "${keyword.text}")` : ''
      this.fail(open, `'(' after ${word}${hint}`)
    }
    const string = this.take()
    const example = word === 'DATE' ? "'2024-11-28'" : "'2024-11-28T12:00:00Z'"
    if (string.kind !== 'string') this.fail(string, `a ${word === 'DATE' ? 'date' : 'timestamp'} in single quotes, e.g. ${word}(${example})`)
    const value = instantOf(string.value as string)
    if (!value || value.type !== word.toLowerCase()) {
      const utc = word === 'TIMESTAMP' && /[+-]\d\d:?\d\d$/.test(string.value as string) ? '; timestamps are UTC, written with Z' : ''
      this.error(string.at, `expected a ${word === 'DATE' ? 'calendar date' : 'UTC timestamp'} like ${example} in ${word}(…), got ${describe(string)}${utc}`)
    }
    const close = this.take()
    if (!this.isSymbol(close, ')')) this.fail(close, `')' to close ${word}(`)
    return literal(value.type, value.key, keyword.at)
  }

  private property(token: Token): Operand {
    const name = token.text
    const type = Object.hasOwn(this.queryables, name) ? this.queryables[name] : undefined
    if (!type) {
      const names = Object.keys(this.queryables)
      const near = names.find((q) => q.toLowerCase() === name.toLowerCase())
      const hint = near ? ` (did you mean '${near}'?)` : ''
      const list = names.length > 0 ? `the queryables are ${names.join(', ')}` : 'this collection has none'
      this.error(token.at, `'${name}' is not a queryable property${hint}; ${list}`)
    }
    this.used.add(name)
    const value = (p: Properties) => (Object.hasOwn(p, name) ? p[name] : undefined)
    return { type, at: token.at, property: name, read: (p) => keyOf(type, value(p)), isNull: (p) => value(p) == null }
  }

  private name(operand: Operand): string {
    return operand.property !== undefined ? `'${operand.property}'` : 'a value'
  }

  private comparison(op: string, left: Operand, right: Operand): Predicate {
    const [a, b] = this.unify(left, right)
    const holds = ORDER[op]
    return (p) => {
      const x = a(p)
      const y = x === null ? null : b(p)
      if (x === null || y === null) return null
      return holds(x < y ? -1 : x > y ? 1 : 0)
    }
  }

  /**
   * Brings two operands to one comparable type. /req/basic-cql2/binary-comparison-predicate D wants
   * both of the same type; /per/basic-cql2/type-casts lets a server cast instead, leaving how to it:
   * - a timestamp beside a DATE is compared by its UTC calendar day (DATE is "an instant with a
   *   granularity of a day"; this service's instants are UTC). So validFrom = DATE('2024-11-28') is
   *   any instant of that day, validFrom <= DATE('2024-11-28') anything up to its end, and
   *   validTo > DATE('2024-11-28') anything from the next day on: the six operators stay complements.
   * - a character literal beside a timestamp is read as a TIMESTAMP or DATE when it is one, as the
   *   advanced-comparison-operators conformance test writes `{timestamp} in ('2022-04-14T14:52:56Z', …)`.
   * Anything else of two types (a string property with a number…) is refused.
   */
  private unify(left: Operand, right: Operand): [Read, Read] {
    const l = this.castString(left, right)
    const r = this.castString(right, l)
    if (l.type === r.type) return [l.read, r.read]
    const temporal = (o: Operand) => o.type === 'timestamp' || o.type === 'date'
    if (temporal(l) && temporal(r)) return [toDay(l), toDay(r)]
    return this.error(r.at, `cannot compare ${typeName(l)} with ${typeName(r)}`)
  }

  private castString(operand: Operand, other: Operand): Operand {
    if (operand.text === undefined || (other.type !== 'timestamp' && other.type !== 'date')) return operand
    const value = instantOf(operand.text)
    if (!value) this.error(operand.at, `cannot compare ${typeName(other)} with a string; write TIMESTAMP('2024-11-28T12:00:00Z') or DATE('2024-11-28')`)
    return literal(value.type, value.key, operand.at)
  }

  // isLikePredicate = characterExpression [NOT] LIKE patternExpression, the pattern a characterLiteral.
  private like(left: Operand): Predicate {
    this.take()
    if (left.type !== 'string') this.error(left.at, `LIKE matches strings; ${typeName(left)} is not one`)
    const pattern = this.peek()
    if (pattern.kind !== 'string') {
      const feature = pattern.kind === 'word' ? unsupported(pattern.upper!, true) : undefined
      if (feature) this.error(pattern.at, `${feature} is not supported; ${SUPPORTED}`)
      this.fail(pattern, "a pattern in single quotes after 'LIKE'")
    }
    this.take()
    const like = this.likePattern(pattern)
    return (p) => {
      const value = left.read(p)
      return value === null ? null : like(value as string)
    }
  }

  /**
   * /req/advanced-comparison-operators/like-predicate: % any run, _ one character, \ escapes the next.
   * Matched by the greedy two-pointer walk of wildcard matching (back to the last % on a mismatch):
   * at most length × pattern steps, where a backtracking RegExp of many % would take exponentially many.
   */
  private likePattern(token: Token): (value: string) => boolean {
    const source = [...(token.value as string)]
    const pattern: { char: string; kind: 'any' | 'one' | 'literal' }[] = []
    for (let i = 0; i < source.length; i++) {
      const c = source[i]
      if (c === '\\') {
        if (i === source.length - 1) this.error(token.at, "a LIKE pattern cannot end with the escape character '\\'")
        pattern.push({ char: source[++i], kind: 'literal' })
      } else pattern.push({ char: c, kind: c === '%' ? 'any' : c === '_' ? 'one' : 'literal' })
    }
    return (value) => {
      const text = [...value]
      let t = 0
      let p = 0
      let star = -1
      let resume = 0
      while (t < text.length) {
        const step = pattern[p]
        if (step && step.kind !== 'any' && (step.kind === 'one' || step.char === text[t])) {
          t++
          p++
        } else if (step?.kind === 'any') {
          star = p++
          resume = t
        } else if (star >= 0) {
          p = star + 1
          t = ++resume
        } else return false
      }
      while (pattern[p]?.kind === 'any') p++
      return p === pattern.length
    }
  }

  // isBetweenPredicate: inclusive; every operand a number (/req/advanced-comparison-operators/between-predicate D).
  private between(left: Operand): Predicate {
    this.take()
    const low = this.operand("a number after 'BETWEEN'")
    const and = this.take()
    if (!this.isWord(and, 'AND')) this.fail(and, "AND between the two bounds of 'BETWEEN'")
    const high = this.operand("a number after 'AND'")
    for (const o of [left, low, high]) if (o.type !== 'number') this.error(o.at, `BETWEEN compares numbers; ${typeName(o)} is not one`)
    return (p) => {
      const v = left.read(p)
      const lo = low.read(p)
      const hi = high.read(p)
      return v === null || lo === null || hi === null ? null : lo <= v && v <= hi
    }
  }

  // isInListPredicate: TRUE if equal to any item, else NULL if anything was NULL (as SQL's IN), else FALSE.
  private in(left: Operand): Predicate {
    this.take()
    const open = this.take()
    if (!this.isSymbol(open, '(')) this.fail(open, "'(' after 'IN'")
    const pairs = [this.unify(left, this.operand("a value in the list after 'IN ('"))]
    while (this.isSymbol(this.peek(), ',')) {
      this.take()
      pairs.push(this.unify(left, this.operand("a value after ','")))
    }
    const close = this.take()
    if (!this.isSymbol(close, ')')) this.fail(close, "',' or ')' in the list after 'IN'")
    return (p) => {
      let unknown = false
      for (const [a, b] of pairs) {
        const x = a(p)
        const y = b(p)
        if (x === null || y === null) unknown = true
        else if (x === y) return true
      }
      return unknown ? null : false
    }
  }
}

const ORDER: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '>': (c) => c > 0,
  '<=': (c) => c <= 0,
  '>=': (c) => c >= 0,
}

function negate(predicate: Predicate): Predicate {
  return (p) => {
    const value = predicate(p)
    return value === null ? null : !value
  }
}

function literal(type: ValueType, key: Key, at: number, text?: string): Operand {
  return { type, at, text, read: () => key, isNull: () => false }
}

/** What the standard's features would be, for a refusal that names them rather than a syntax error. */
function unsupported(word: string, call: boolean): string | undefined {
  if (GEOMETRIES.has(word)) return `the geometry literal ${word}`
  if (!call) return undefined
  if (word.startsWith('S_')) return `the spatial function ${word}`
  if (word.startsWith('T_')) return `the temporal function ${word}`
  if (word.startsWith('A_')) return `the array function ${word}`
  if (word === 'INTERVAL') return 'the temporal interval INTERVAL'
  if (word === 'CASEI') return 'case-insensitive comparison (CASEI)'
  if (word === 'ACCENTI') return 'accent-insensitive comparison (ACCENTI)'
  return undefined
}

function typeName(operand: Operand): string {
  const type = operand.type === 'date' || operand.type === 'timestamp' ? operand.type.toUpperCase() : operand.type
  return operand.property !== undefined ? `${operand.type} property '${operand.property}'` : `a ${type}`
}

/**
 * A property value as a key of its queryable type; a value of another type (or an unreadable
 * timestamp) is unknown, i.e. NULL, rather than coerced. Strings are NFC-normalised, as literals
 * are, per /rec/core/string-normalization (which names NFD: equality is the same canonical
 * equivalence either way, and NFC keeps `_` matching one precomposed letter). Booleans order
 * false < true, which the basic-cql2 test `{boolean} > true` needs to run.
 */
function keyOf(type: QueryableType, value: unknown): Key | null {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value.normalize('NFC') : null
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : null
    case 'boolean':
      return typeof value === 'boolean' ? Number(value) : null
    case 'timestamp': {
      // Values arrive as Date or as RFC 3339 text with a zone (toISOString), never zone-less.
      const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN
      return Number.isNaN(ms) ? null : ms
    }
  }
}

function toDay(operand: Operand): Read {
  if (operand.type === 'date') return operand.read
  return (p) => {
    const ms = operand.read(p) as number | null
    return ms === null ? null : Math.floor(ms / DAY_MS)
  }
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z)?$/i

/**
 * An RFC 3339 full-date (as a day number since 1970-01-01) or UTC date-time (as epoch ms; digits
 * past the millisecond are dropped, the precision of the instants compared with it).
 */
function instantOf(text: string): { type: 'date' | 'timestamp'; key: number } | undefined {
  const m = INSTANT.exec(text)
  if (!m) return undefined
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)))
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as written.
  const back = new Date(0)
  back.setUTCFullYear(y!, mo! - 1, d!)
  back.setUTCHours(h, mi, s, Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)))
  // Dates roll over (2024-02-30 becomes 1 March): a real calendar instant survives the round trip.
  const real =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo! - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s
  if (!real) return undefined
  return m[4] === undefined ? { type: 'date', key: back.getTime() / DAY_MS } : { type: 'timestamp', key: back.getTime() }
}
