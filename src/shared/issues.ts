/** zod issues as one readable sentence: every boundary (API, protocol, configs, specs) reports them the same way. */
import type { z } from 'zod'

export function describeIssues(context: string, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(arguments)'
    return `${where}: ${issue.message}`
  })
  return `Invalid ${context}: ${parts.join('; ')}`
}
