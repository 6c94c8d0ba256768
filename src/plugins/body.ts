import { isUtf8 } from 'node:buffer'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { firstInvalidUtf8, parseJsonBody, pointerToken, printable, refusal, type TextProblem, textProblem } from '../json-body.js'

/**
 * How requests are read. JSON bodies (application/json, and GeoJSON files under their registered
 * media type) are held to the rules of json-body.ts; query parameters and path parameters to the
 * same text rules. A route with `config: { jsonOnWorker: true }` (the imports) gets the body's bytes
 * as they came: its worker task reads them by the same rules, off the thread that answers requests.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's JSON body is read on a worker: the parser hands on its bytes (see bodyPlugin). */
    jsonOnWorker?: boolean
  }
}

async function bodyPlugin(app: FastifyInstance): Promise<void> {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser(['application/json', 'application/geo+json'], { parseAs: 'buffer' }, (request, body, done) => {
    const buffer = body as Buffer
    // An empty body is refused here, with Fastify's own problem, wherever the rest would be read.
    if (buffer.length === 0) parseJson(request, '', done)
    else if (request.routeOptions.config.jsonOnWorker === true) done(null, buffer)
    else {
      let value: unknown
      try {
        value = parseJsonBody(buffer)
      } catch (error) {
        done(error as Error, undefined)
        return
      }
      done(null, value)
    }
  })

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const url = request.raw.url ?? ''
    const query = url.indexOf('?')
    if (query !== -1) {
      const problem = checkQuery(url.slice(query + 1))
      if (problem) throw refusal(problem)
    }
    for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
      const reason = typeof value === 'string' ? textProblem(value) : undefined
      if (reason) throw refusal({ code: 'INVALID_TEXT', path: `/path/${pointerToken(name)}`, reason: `path parameter ${name} ${reason}` })
    }
  })
}

// ---- query strings ----

/**
 * Checks each parameter of a raw query string as bytes: percent-decoded (and + as space, as
 * application/x-www-form-urlencoded has it) it must be UTF-8 without NUL. The decoded values
 * Fastify hands on would hide both (U+FFFD, or a NUL PostgreSQL refuses with a 500).
 */
function checkQuery(query: string): TextProblem | undefined {
  if (!/[%+\u0080-\uffff]/.test(query)) return undefined
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const rawName = eq === -1 ? part : part.slice(0, eq)
    const rawValue = eq === -1 ? '' : part.slice(eq + 1)
    const name = percentDecode(rawName)
    const value = percentDecode(rawValue)
    const label = pointerToken(printable(Buffer.from(name.bytes).toString('utf8')))
    for (const [what, decoded] of [
      ['name', name],
      ['value', value],
    ] as const) {
      const bytes = Buffer.from(decoded.bytes)
      const reason = decoded.loneSurrogate
        ? 'contains a lone UTF-16 surrogate, which is not Unicode text'
        : !isUtf8(bytes)
          ? `is not valid UTF-8 once percent-decoded (byte ${firstInvalidUtf8(bytes)} starts an invalid sequence)`
          : bytes.includes(0)
            ? 'contains U+0000 (NUL), which PostgreSQL text and jsonb cannot hold'
            : undefined
      if (reason) return { code: 'INVALID_TEXT', path: `/query/${label}`, reason: `the ${what} of query parameter ${label} ${reason}` }
    }
  }
  return undefined
}

function percentDecode(text: string): { bytes: number[]; loneSurrogate: boolean } {
  const bytes: number[] = []
  let loneSurrogate = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x25 && i + 2 < text.length && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else if (c === 0x2b) bytes.push(0x20)
    else if (c < 0x80) bytes.push(c)
    else {
      const point = text.codePointAt(i)!
      if (point >= 0xd800 && point <= 0xdfff) loneSurrogate = true
      if (point > 0xffff) i++
      bytes.push(...Buffer.from(String.fromCodePoint(point), 'utf8'))
    }
  }
  return { bytes, loneSurrogate }
}

export default fp(bodyPlugin, { name: 'body' })
