// One paging shape for every list: `limit` and `offset` in, absolute `links` (self, next, prev),
// `numberReturned` and `numberMatched` out, as OGC API – Features pages its items.
import { z } from 'zod'
import { integer, intParam } from './schemas.js'

/** The largest offset a page may start at: far past any list the service holds, and within a PostgreSQL integer. */
const MAX_OFFSET = 100_000_000

/** `limit` and `offset` for a list: `...pagingParams(100, 1000)` in a query schema. */
export function pagingParams(defaultLimit: number, maxLimit: number) {
  return {
    limit: intParam(integer(1, maxLimit).default(defaultLimit)).describe(`page size, 1 to ${maxLimit} (default ${defaultLimit})`),
    offset: intParam(integer(0, MAX_OFFSET).default(0)).describe('how many items to skip: the next and prev links carry it'),
  }
}

export const LinkSchema = z
  .object({
    rel: z.string().describe('self, next or prev (RFC 8288)'),
    href: z.string().describe('absolute URL'),
    type: z.string().optional().describe('media type of the linked answer'),
  })
  .meta({ id: 'Link', description: 'a link to this page or a neighbour (absolute href)' })

/** The members every page carries. */
export const PageMembers = {
  numberMatched: z.number().int().min(0).describe('how many items match, over all pages'),
  numberReturned: z.number().int().min(0).describe('how many items this page holds'),
  links: z.array(LinkSchema).describe('self, and next and prev where there are such pages'),
}

/** What the links are made of: the request as the client sent it (Fastify's request has these members). */
export interface PagedRequest {
  protocol: string
  host: string
  url: string
}

export interface Page {
  limit: number
  offset: number
  matched: number
  returned: number
}

/** The scheme and host the client used (behind TRUST_PROXY hops: the ones it forwarded). */
export function baseUrl(request: PagedRequest): string {
  return `${request.protocol}://${request.host}`
}

/**
 * self, next and prev links of a page: the request's own URL with every parameter kept and only
 * `offset` (and `limit`, made explicit) changed, absolute.
 */
export function pageLinks(request: PagedRequest, page: Page, type: string): z.infer<typeof LinkSchema>[] {
  // Split at the first '?' only: a later one belongs to a value (q=what?).
  const mark = request.url.indexOf('?')
  const path = mark < 0 ? request.url : request.url.slice(0, mark)
  const search = mark < 0 ? '' : request.url.slice(mark + 1)
  const href = (offset: number) => {
    const params = new URLSearchParams(search)
    params.set('limit', String(page.limit))
    params.set('offset', String(offset))
    return `${baseUrl(request)}${path}?${params}`
  }
  const links = [{ rel: 'self', href: `${baseUrl(request)}${request.url}`, type }]
  if (page.offset + page.returned < page.matched) links.push({ rel: 'next', href: href(page.offset + page.limit), type })
  // Past the end, prev is the last page there is, not one more page past the end.
  const lastStart = page.matched === 0 ? 0 : Math.floor((page.matched - 1) / page.limit) * page.limit
  if (page.offset > 0) links.push({ rel: 'prev', href: href(Math.max(0, Math.min(page.offset - page.limit, lastStart))), type })
  return links
}

/** The page's members for a list of `items` that are already this page. */
export function pageOf(request: PagedRequest, page: Omit<Page, 'returned'>, returned: number, type: string) {
  const full = { ...page, returned }
  return { numberMatched: page.matched, numberReturned: returned, links: pageLinks(request, full, type) }
}
