/**
 * GateLab's statistics: pure functions for host, renderer, reports and tests. See docs/STATISTICS.md for what each
 * number means, the formulas, conventions and sources.
 */
export * from './special'
export * from './descriptive'
export * from './ttest'
export * from './bootstrap'
export * from './group'
export * from './curves'
export * from './smoothing'
export * from './compare'
