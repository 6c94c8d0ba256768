// Content negotiation for tabular answers: JSON (or GeoJSON) by default, CSV on request.
import type { FastifyRequest } from 'fastify'
import { Errors } from '../errors.js'

/** The representations a tabular route offers: JSON (or GeoJSON) and CSV. */
export type TableFormat = 'json' | 'csv'

/**
 * Which representation to send: `f` when given, else the Accept header (text/csv when it names
 * text/csv before, or without, any JSON type); JSON otherwise. A request whose Accept names neither
 * (and no wildcard) is answered 406, naming what is offered.
 */
export function tableFormat(request: FastifyRequest, f: TableFormat | undefined, json = 'application/json'): TableFormat {
  if (f) return f
  const accept = (request.headers.accept ?? '').toLowerCase()
  if (accept.trim() === '') return 'json'
  const ranges = accept.split(',').map((range) => {
    const [type, ...params] = range.trim().split(';')
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='))
    return { type: type.trim(), q: q ? Number(q.slice(2)) : 1 }
  })
  const quality = (types: string[]) => Math.max(0, ...ranges.filter((range) => types.includes(range.type)).map((range) => range.q))
  const csv = quality(['text/csv', 'text/*'])
  const jsonQuality = quality([json, 'application/json', 'application/*+json', 'application/geo+json', 'application/*'])
  const wildcard = quality(['*/*'])
  if (csv > 0 && csv >= jsonQuality) return 'csv'
  if (jsonQuality > 0 || wildcard > 0) return 'json'
  throw new Errors.NOT_ACCEPTABLE(`${json} or text/csv (or f=csv)`)
}
