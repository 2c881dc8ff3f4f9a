/**
 * A SQL `where` clause built from optional filters: each condition with its own `?` parameters, in order, so the
 * store's queries (listRuns, listClusterRuns) say only which filters they have, not how to join them.
 */
export class Where {
  private readonly conditions: string[] = []
  readonly params: unknown[] = []

  /** Adds one condition and the values of its `?` placeholders. */
  add(condition: string, ...params: unknown[]): this {
    this.conditions.push(condition)
    this.params.push(...params)
    return this
  }

  /** `column in (?, ?, …)` over these values. */
  in(column: string, values: readonly unknown[]): this {
    return this.add(`${column} in (${values.map(() => '?').join(', ')})`, ...values)
  }

  /** "where a and b", or '' when nothing was added. */
  get sql(): string {
    return this.conditions.length > 0 ? `where ${this.conditions.join(' and ')}` : ''
  }
}
