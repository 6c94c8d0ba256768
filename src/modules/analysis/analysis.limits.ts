import { Errors, withHeaders } from '../../errors.js'

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
