// Query parameters are a contract: one a route does not know is refused by name with the ones it
// does (a typo such as date= for at= must not answer today's map), and every refusal of a value
// shows a valid example of it.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { z } from 'zod'
import { Errors, withDetails } from '../errors.js'

/** Examples of the parameters the API shares, by name: what a refusal shows when the schema names none of its own. */
const EXAMPLES: Record<string, string> = {
  dataset: 'aleppo-2024',
  at: '2024-11-28',
  known_at: '2024-12-01T12:00Z',
  start: '2024-11-26',
  end: '2024-11-30',
  step: 'P1D',
  lon: '37.16',
  lat: '36.20',
  bbox: '36.5,35.8,37.5,36.6',
  actor: 'hts',
  side: 'opposition',
  sides: 'government,opposition',
  from: 'side:opposition',
  to: 'feature:aleppo-outskirts',
  feature: 'm5',
  owner: 'government',
  limit: '100',
  offset: '0',
  kind: 'town',
  q: 'aleppo',
  f: 'csv',
  tolerance_km: '0.5',
  polygons: 'false',
  table: 'matrix',
}

type Schema = z.ZodType & { _zod: { def: { type: string; innerType?: Schema; in?: Schema; out?: Schema; shape?: Record<string, Schema> } } }

/** The object schema under optional, default, pipe (preprocess) and the like; undefined when there is none. */
function objectOf(schema: unknown): z.ZodObject | undefined {
  let current = schema as Schema | undefined
  for (let depth = 0; current && depth < 8; depth++) {
    if (current instanceof z.ZodObject) return current
    const def = current._zod?.def
    current = def?.innerType ?? def?.in
  }
  return undefined
}

/** The example a schema names (meta example or examples[0]) at any level of its wrapping. */
function schemaExample(schema: Schema | undefined): string | undefined {
  for (let current = schema, depth = 0; current && depth < 8; depth++) {
    const meta = current.meta?.() as { example?: unknown; examples?: unknown[] } | undefined
    const example = meta?.example ?? meta?.examples?.[0]
    if (example !== undefined) return String(example)
    const def = current._zod?.def
    current = def?.innerType ?? def?.in ?? def?.out
  }
  return undefined
}

const accepted = new WeakMap<object, string[]>()

/** The query parameters a route's schema declares, in its order. */
export function acceptedParameters(querystring: unknown): string[] {
  if (!querystring || typeof querystring !== 'object') return []
  let names = accepted.get(querystring)
  if (!names) {
    names = Object.keys(objectOf(querystring)?.shape ?? {})
    accepted.set(querystring, names)
  }
  return names
}

/** A valid example of a query or path parameter of the request's route: `at=2024-11-28`; undefined when none is known. */
export function parameterExample(request: FastifyRequest, context: 'query' | 'path', name: string): string | undefined {
  const schema = request.routeOptions?.schema as { querystring?: unknown; params?: unknown } | undefined
  const shape = objectOf(context === 'query' ? schema?.querystring : schema?.params)?.shape as Record<string, Schema> | undefined
  const example = schemaExample(shape?.[name]) ?? EXAMPLES[name]
  if (example === undefined) return undefined
  return context === 'query' ? `${name}=${example}` : example
}

/** The closest accepted name to an unknown one, when it is close enough to be a typo (or a known synonym). */
function suggestion(name: string, names: string[]): string | undefined {
  const synonyms: Record<string, string> = {
    date: 'at',
    time: 'at',
    day: 'at',
    as_of: 'at',
    datetime: 'at',
    knownat: 'known_at',
    page: 'offset',
    size: 'limit',
  }
  const synonym = synonyms[name.toLowerCase()]
  if (synonym && names.includes(synonym)) return synonym
  let best: { name: string; distance: number } | undefined
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate)
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = { name: candidate, distance }
  }
  return best?.name
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = current
  }
  return previous[b.length]
}

async function parametersPlugin(app: FastifyInstance): Promise<void> {
  // A callback, not an async hook: it runs on every request, and most have nothing to refuse.
  app.addHook('preValidation', (request, _reply, done) => {
    const schema = request.routeOptions?.schema as { querystring?: unknown; hide?: boolean } | undefined
    // Routes without a schema (the documentation's static files) and hidden ones take what they are given.
    if (!schema || schema.hide) return done()
    const given = Object.keys((request.query ?? {}) as Record<string, unknown>)
    if (given.length === 0) return done()
    const names = acceptedParameters(schema.querystring)
    // Named one by one up to a point: a query of thousands of names gets a problem of ten.
    const unknown = given.filter((name) => !names.includes(name)).slice(0, 10)
    if (unknown.length === 0) return done()
    const acceptedText = names.length > 0 ? names.join(', ') : 'none'
    const details = unknown.map((name) => {
      const close = suggestion(name, names)
      return {
        path: `/query/${name}`,
        code: 'UNKNOWN_PARAMETER',
        reason: `unknown parameter ${JSON.stringify(name.slice(0, 60))}${close ? ` (did you mean ${close}?)` : ''}; accepted: ${acceptedText}`,
      }
    })
    done(
      withDetails(
        new Errors.UNKNOWN_PARAMETER(
          `${unknown.map((name) => JSON.stringify(name.slice(0, 60))).join(', ')} ${unknown.length === 1 ? 'is not a parameter' : 'are not parameters'} of ` +
            `${request.method} ${request.routeOptions.url}; accepted: ${acceptedText}`,
        ),
        details,
      ),
    )
  })
}

export default fp(parametersPlugin, { name: 'parameters' })
