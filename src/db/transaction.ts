import type { Db, Tx } from './database.js'

/**
 * SQLSTATEs after which running the whole transaction again can succeed: PostgreSQL chose it as
 * the victim of a deadlock (40P01), or could not serialise it with a concurrent one (40001).
 */
const RETRYABLE = new Set(['40P01', '40001'])

/** How many times a transaction is run again after a retryable failure. */
export const TRANSACTION_RETRIES = 1

export function isRetryableTransactionError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && RETRYABLE.has((error as { code?: unknown }).code as string)
}

/**
 * Runs `work` in one transaction, and once more from the start when PostgreSQL aborted it as a
 * deadlock victim or a serialisation failure: the other transaction has then gone ahead, and the
 * retry waits for its locks in turn. `work` must be safe to run twice: everything it does is
 * inside the transaction (rolled back) or derived from its arguments. Writers take their locks in
 * one order (the dataset row first, then rows by key order) so that retries stay rare.
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, options: { onRetry?: (error: unknown) => void } = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(work)
    } catch (error) {
      if (attempt >= TRANSACTION_RETRIES || !isRetryableTransactionError(error)) throw error
      options.onRetry?.(error)
    }
  }
}
