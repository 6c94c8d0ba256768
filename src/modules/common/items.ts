// What the OGC face asks of the services' collections: the types a queryable property is compared
// as, and what a request for items selects besides time.
import type { Bbox } from './schemas.js'

/** The types a filter may compare a property as (CQL2: string, number, boolean, timestamp). */
export type QueryableType = 'string' | 'number' | 'boolean' | 'timestamp'

/** What a request for OGC items selects besides time: a box, ids, a predicate and an order on the queryable properties, a page. */
export interface ItemSelection {
  bbox?: Bbox
  /** item ids as text: an id no item has matches nothing */
  ids?: string[]
  /** a predicate on the queryable properties (a CQL2 filter) */
  where?: (properties: Record<string, unknown>) => boolean
  /** an order on the queryable properties; id order when absent */
  compare?: (a: Record<string, unknown>, b: Record<string, unknown>) => number
  limit: number
  offset: number
}
