import { type ExpressionBuilder, type ExpressionWrapper, type SqlBool } from 'kysely'
import type { Tables } from '../db/schema.js'

type Versioned = 'control_areas' | 'features'

/**
 * Rows as the service knew them at `knownAt`: recorded by then and not yet superseded.
 * Without `knownAt`, current knowledge (the partial indexes cover `superseded_at IS NULL`).
 */
export function knownAt<T extends Versioned>(knownAt: Date | undefined) {
  return (eb: ExpressionBuilder<Tables, T>): ExpressionWrapper<Tables, T, SqlBool> => {
    const ref = eb.eb as unknown as ExpressionBuilder<Tables, Versioned>
    if (!knownAt) return ref('superseded_at', 'is', null) as unknown as ExpressionWrapper<Tables, T, SqlBool>
    return ref.and([
      ref('recorded_at', '<=', knownAt),
      ref.or([ref('superseded_at', 'is', null), ref('superseded_at', '>', knownAt)]),
    ]) as unknown as ExpressionWrapper<Tables, T, SqlBool>
  }
}
