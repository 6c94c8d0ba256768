// JSON bodies as received, read by the same rules wherever they are read: on the thread that answers
// requests (plugins/body.ts) or on a worker of the pool, which parses an import's file so that this
// thread never holds tens of megabytes of coordinates. Each refusal is a 400 naming the JSON Pointer
// (/body/…, /query/<name>, /path/<name>) of the offending text.
import { isUtf8 } from 'node:buffer'
import sjson from 'secure-json-parse'
import { Errors, withDetails } from './errors.js'

/**
 * How deeply JSON bodies may nest (arrays and objects). A GeoJSON FeatureCollection of
 * MultiPolygons needs 8 (collection, features, feature, geometry, coordinates, polygon, ring,
 * position); a GeometryCollection adds two per level; properties rarely go past a handful. 64 leaves
 * room for all of that and keeps every recursive step after the parser (validation, hashing,
 * PostgreSQL's jsonb) far from its stack limit: 100k-deep arrays used to answer 500.
 */
export const MAX_JSON_DEPTH = 64
/** Longest member name or parameter name echoed in a problem's path. */
const MAX_NAME_IN_PATH = 100

export interface TextProblem {
  code: 'JSON_TOO_DEEP' | 'INVALID_TEXT'
  path: string
  reason: string
}

export function refusal(problem: TextProblem): Error {
  const error =
    problem.code === 'JSON_TOO_DEEP'
      ? new Errors.JSON_TOO_DEEP(`${problem.path}: ${problem.reason}`)
      : new Errors.INVALID_TEXT(`${problem.path}: ${problem.reason}`)
  return withDetails(error, [{ path: problem.path, code: problem.code, reason: problem.reason }])
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Why PostgreSQL could not store this text faithfully; undefined when it can. */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains U+0000 (NUL), which PostgreSQL text and jsonb cannot hold'
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate, which is not Unicode text'
  return undefined
}

// ---- JSON bodies ----

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const LETTER_U = 0x75

const STRUCTURE = /["[\]{}]/g
/** A \u escape that may spell NUL or a surrogate: rare in real files (JSON writers escape neither), so its presence sends the text to the full scan. */
const SUSPICIOUS_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/

/**
 * The fast path, for the files of every day: true when the text nests at most `maxDepth` deep and
 * has no \u escape that could spell NUL or a surrogate. It jumps from bracket to bracket and over
 * whole strings with native searches (~100 ms for 40 MB of coordinates, a quarter of JSON.parse);
 * anything it cannot clear goes to scanJson, which decides and names the path.
 */
function certainlyFine(text: string, maxDepth: number): boolean {
  if (SUSPICIOUS_ESCAPE.test(text)) return false
  const structure = new RegExp(STRUCTURE)
  let depth = 0
  for (let match = structure.exec(text); match !== null; match = structure.exec(text)) {
    const c = text.charCodeAt(match.index)
    if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return false
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--
    else {
      // Skip the string: its closing quote is the first one not escaped (preceded by an even number of backslashes).
      let end = text.indexOf('"', match.index + 1)
      for (;;) {
        if (end === -1) return true
        let backslashes = 0
        while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++
        if (backslashes % 2 === 0) break
        end = text.indexOf('"', end + 1)
      }
      structure.lastIndex = end + 1
    }
  }
  return true
}

/**
 * One linear pass over JSON text that follows its structure without building it: how deep it
 * nests, where each string sits, and whether a \u escape spells NUL or a lone surrogate. Strings are
 * skipped whole, so brackets inside them do not count. With `stopAt`, answers the JSON Pointer of
 * the value (or member name) at that character instead. Malformed JSON is left to JSON.parse.
 */
function scanJson(text: string, maxDepth: number, stopAt = Infinity): { problem?: TextProblem; path: string } {
  // Per level (1 = the root container): array or object, the element index or the last member name.
  const isArray: boolean[] = [false]
  const index: number[] = [0]
  const keyStart: number[] = [-1]
  const keyEnd: number[] = [-1]
  const expectKey: boolean[] = [false]
  let depth = 0
  const path = (inKey = -1, inKeyEnd = -1) => {
    let pointer = '/body'
    for (let level = 1; level <= depth; level++) {
      if (isArray[level]) pointer += `/${index[level]}`
      else if (level === depth && inKey >= 0) pointer += `/${pointerToken(memberName(text, inKey, inKeyEnd))}`
      else if (keyStart[level] >= 0 && !expectKey[level]) pointer += `/${pointerToken(memberName(text, keyStart[level], keyEnd[level]))}`
    }
    return pointer
  }
  const length = text.length
  for (let i = 0; i < length; i++) {
    if (i >= stopAt) return { path: path() }
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const start = i
      const isKey = depth > 0 && !isArray[depth] && expectKey[depth]
      let problem: string | undefined
      for (i++; i < length; i++) {
        const s = text.charCodeAt(i)
        if (s === QUOTE) break
        if (i >= stopAt) return { path: isKey ? path(start, i + 1) : path() }
        if (s !== BACKSLASH) continue
        if (text.charCodeAt(i + 1) !== LETTER_U) {
          i++
          continue
        }
        const unit = hex4(text, i + 2)
        if (unit === 0) problem ??= 'contains \\u0000 (NUL), which PostgreSQL text and jsonb cannot hold'
        else if (unit >= 0xd800 && unit <= 0xdbff) {
          const next = text.charCodeAt(i + 6) === BACKSLASH && text.charCodeAt(i + 7) === LETTER_U ? hex4(text, i + 8) : -1
          if (next >= 0xdc00 && next <= 0xdfff) i += 6
          else problem ??= `contains \\u${text.slice(i + 2, i + 6)}, a high surrogate with no low surrogate after it: not Unicode text`
        } else if (unit >= 0xdc00 && unit <= 0xdfff)
          problem ??= `contains \\u${text.slice(i + 2, i + 6)}, a low surrogate with no high surrogate before it: not Unicode text`
        if (unit >= 0) i += 5
      }
      if (problem) {
        const where = isKey ? path(start, i + 1) : path()
        return { problem: { code: 'INVALID_TEXT', path: where, reason: `the ${isKey ? 'member name' : 'string'} ${problem}` }, path: where }
      }
      if (isKey) {
        keyStart[depth] = start
        keyEnd[depth] = i + 1
        expectKey[depth] = false
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++
      if (depth > maxDepth) {
        depth--
        const where = path()
        return {
          problem: { code: 'JSON_TOO_DEEP', path: where, reason: `JSON nests deeper than ${maxDepth} levels of arrays and objects here; flatten it` },
          path: where,
        }
      }
      isArray[depth] = c === OPEN_ARRAY
      index[depth] = 0
      keyStart[depth] = -1
      keyEnd[depth] = -1
      expectKey[depth] = c === OPEN_OBJECT
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth > 0) depth--
    } else if (c === COMMA && depth > 0) {
      if (isArray[depth]) index[depth]++
      else expectKey[depth] = true
    } else if (c === COLON && depth > 0) expectKey[depth] = false
  }
  return { path: path() }
}

/** The value of four hex digits at `at`, or -1 when they are not four hex digits (JSON.parse refuses those). */
function hex4(text: string, at: number): number {
  let value = 0
  for (let k = at; k < at + 4; k++) {
    const c = text.charCodeAt(k)
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1
    if (digit < 0) return -1
    value = value * 16 + digit
  }
  return value
}

/** A member name as text fit for a path: decoded, NUL and lone surrogates made visible, long ones cut. */
function memberName(text: string, start: number, end: number): string {
  let name: string
  try {
    name = JSON.parse(text.slice(start, end)) as string
  } catch {
    name = text.slice(start + 1, Math.max(start + 1, end - 1))
  }
  return printable(name)
}

export function printable(name: string): string {
  const visible = name.replaceAll('\u0000', '\\u0000').replace(new RegExp(LONE_SURROGATE, 'g'), '\uFFFD')
  return visible.length > MAX_NAME_IN_PATH ? `${visible.slice(0, MAX_NAME_IN_PATH)}…` : visible
}

/** A JSON Pointer reference token (RFC 6901 §3). */
export function pointerToken(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1')
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629 §4), or the length. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    let max = 0xbf
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80]
    else if (b === 0xe0) [need, min] = [2, 0xa0]
    else if (b === 0xed)
      [need, min, max] = [2, 0x80, 0x9f] // no encoded surrogates
    else if (b >= 0xe1 && b <= 0xef) [need, min] = [2, 0x80]
    else if (b === 0xf0) [need, min] = [3, 0x90]
    else if (b === 0xf4) [need, min, max] = [3, 0x80, 0x8f]
    else if (b >= 0xf1 && b <= 0xf3) [need, min] = [3, 0x80]
    else return i
    if (i + need >= bytes.length) return i
    const second = bytes[i + 1]
    if (second < min || second > max) return i
    for (let k = 2; k <= need; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i
    i += need + 1
  }
  return bytes.length
}

/**
 * The text of a JSON body, or the refusal that names where it breaks the rules: UTF-8 (RFC 8259
 * §8.1), at most MAX_JSON_DEPTH levels deep, and only text PostgreSQL can store (no U+0000, no lone
 * UTF-16 surrogate, in values or member names).
 */
export function jsonText(bytes: Uint8Array): { text: string } | { refusal: Error } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const text = buffer.toString('utf8')
  if (!isUtf8(buffer)) {
    // Node would decode the bad bytes as U+FFFD and the import would store that without a word.
    const offset = firstInvalidUtf8(buffer)
    const at = buffer.subarray(0, offset).toString('utf8').length
    const path = scanJson(text, MAX_JSON_DEPTH, at).path
    const hex = [...buffer.subarray(offset, offset + 4)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ')
    return { refusal: refusal({ code: 'INVALID_TEXT', path, reason: `the body is not valid UTF-8: byte ${offset} starts an invalid sequence (${hex})` }) }
  }
  const problem = certainlyFine(text, MAX_JSON_DEPTH) ? undefined : scanJson(text, MAX_JSON_DEPTH).problem
  return problem ? { refusal: refusal(problem) } : { text }
}

/**
 * A JSON body parsed by the rules of jsonText and of Fastify's own parser (a `__proto__` or
 * `constructor.prototype` member is refused), with the same problems: for bytes read away from the
 * request's parser (an import's file on a worker, or a file on the command line).
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  const read = jsonText(bytes)
  if ('refusal' in read) throw read.refusal
  if (read.text.trim() === '') {
    throw withDetails(new Errors.MALFORMED_JSON('the body is empty; a JSON document was expected'), [
      { path: '/body', code: 'EMPTY_BODY', reason: 'empty body' },
    ])
  }
  try {
    return sjson.parse(read.text, { protoAction: 'error', constructorAction: 'error' })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw withDetails(new Errors.MALFORMED_JSON(reason), [{ path: '/body', code: 'MALFORMED_JSON', reason }])
  }
}
