import { Errors, withHeaders } from '../../errors.js'

/**
 * Bounds the analyses running at once. Geometry work is synchronous CPU: past the bound a request
 * is refused at once with 429 and Retry-After rather than queued behind a heavy client.
 */
export class AnalysisGate {
  #running = 0
  constructor(readonly maxConcurrent: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.maxConcurrent) throw withHeaders(new Errors.ANALYSIS_BUSY(), { 'retry-after': '1' })
    this.#running++
    try {
      return await work()
    } finally {
      this.#running--
    }
  }

  get running(): number {
    return this.#running
  }
}

/** A time budget checked between steps of an analysis (a date of a series, a pair of sides). */
export class Deadline {
  readonly #endsAt: number
  constructor(readonly budgetMs: number) {
    this.#endsAt = Date.now() + budgetMs
  }

  check(): void {
    if (Date.now() > this.#endsAt) throw withHeaders(new Errors.ANALYSIS_TIMEOUT(this.budgetMs), { 'retry-after': '5' })
  }
}
