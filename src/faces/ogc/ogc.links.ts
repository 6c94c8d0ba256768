// Content negotiation and links of the OGC face: JSON by default, HTML for browsers, CSV for tables;
// every link absolute, built from the URL and host the client used.
import type { FastifyRequest } from 'fastify'
import { Errors } from '../../errors.js'
import { CSV_CONTENT_TYPE } from '../../modules/common/media-types.js'
import { baseUrl } from '../../modules/common/paging.js'
import type { OgcLink } from './ogc.schemas.js'

export type OgcFormat = 'json' | 'html' | 'csv'

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8'
export const OPENAPI_CONTENT_TYPE = 'application/vnd.oai.openapi+json;version=3.1'
export const SCHEMA_CONTENT_TYPE = 'application/schema+json'
export { CSV_CONTENT_TYPE }

/** Media types of each format as a link's `type` says it. */
export const LINK_TYPES: Record<OgcFormat, string> = { json: 'application/json', html: 'text/html', csv: 'text/csv' }

/**
 * The format to answer in: `f` when given; else the Accept header's most preferred of those offered
 * (a browser's text/html beats its wildcard; ties go to JSON, then HTML); JSON without Accept. An Accept
 * that names none of them and no wildcard is 406.
 */
export function ogcFormat(request: FastifyRequest, f: string | undefined, offered: OgcFormat[], jsonTypes: string[] = ['application/json']): OgcFormat {
  if (f) return f as OgcFormat
  const accept = (request.headers.accept ?? '').toLowerCase().trim()
  if (accept === '') return offered[0]
  const ranges = accept.split(',').map((range) => {
    const [type, ...params] = range.trim().split(';')
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='))
    return { type: type.trim(), q: q ? Number(q.slice(2)) : 1 }
  })
  const quality = (types: string[]) => Math.max(0, ...ranges.filter((range) => types.includes(range.type)).map((range) => range.q))
  const wildcard = quality(['*/*'])
  const scores: Record<OgcFormat, number> = {
    json: Math.max(wildcard, quality([...jsonTypes, 'application/json', 'application/*'])),
    html: quality(['text/html', 'application/xhtml+xml', 'text/*']),
    csv: quality(['text/csv', 'text/*']),
  }
  let best: OgcFormat | undefined
  for (const format of offered) if (scores[format] > 0 && (best === undefined || scores[format] > scores[best])) best = format
  if (!best)
    throw new Errors.NOT_ACCEPTABLE(
      `${offered.map((format) => (format === 'json' ? jsonTypes[0] : LINK_TYPES[format])).join(', ')} (or f=${offered.join('|')})`,
    )
  return best
}

/** The request's path (without query) and its query parameters. */
function parts(request: FastifyRequest): { path: string; params: URLSearchParams } {
  const mark = request.url.indexOf('?')
  return { path: mark < 0 ? request.url : request.url.slice(0, mark), params: new URLSearchParams(mark < 0 ? '' : request.url.slice(mark + 1)) }
}

/** This resource in another format: the request's URL with f changed, absolute. */
export function formatHref(request: FastifyRequest, f: OgcFormat): string {
  const { path, params } = parts(request)
  params.set('f', f)
  return `${baseUrl(request)}${path}?${params}`
}

/** The self link and the alternates of a resource offered in `formats`, the one answered first. */
export function selfLinks(request: FastifyRequest, answered: OgcFormat, formats: OgcFormat[], types: Partial<Record<OgcFormat, string>> = {}): OgcLink[] {
  const type = (format: OgcFormat) => types[format] ?? LINK_TYPES[format]
  return [
    { href: `${baseUrl(request)}${request.url}`, rel: 'self', type: type(answered), title: 'this document' },
    ...formats
      .filter((format) => format !== answered)
      .map((format) => ({ href: formatHref(request, format), rel: 'alternate', type: type(format), title: `this document as ${format.toUpperCase()}` })),
  ]
}

/** An absolute URL on this service: a path and the query parameters that are given. */
export function href(request: FastifyRequest, path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value)
  const search = params.toString()
  return `${baseUrl(request)}${path}${search ? `?${search}` : ''}`
}
