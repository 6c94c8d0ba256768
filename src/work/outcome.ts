// What crosses back from a worker: the value, or the error as plain data. Declared errors keep
// their code, status, details and headers, so the problem a client gets is the same either side.

export interface CarriedError {
  message: string
  code?: string
  statusCode?: number
  details?: unknown
  headers?: Record<string, string>
  stack?: string
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: CarriedError }

export function succeeded<T>(value: T): Outcome<T> {
  return { ok: true, value }
}

export function failed(error: unknown): Outcome<never> {
  if (!(error instanceof Error)) return { ok: false, error: { message: String(error) } }
  const { code, statusCode, details, headers } = error as Error & Omit<CarriedError, 'message' | 'stack'>
  return { ok: false, error: { message: error.message, code, statusCode, details, headers, stack: error.stack } }
}

/** The value, or the carried error thrown again as an Error with the same fields. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value
  const { message, stack, ...fields } = outcome.error
  const error = Object.assign(new Error(message), fields)
  if (stack) error.stack = stack
  throw error
}
