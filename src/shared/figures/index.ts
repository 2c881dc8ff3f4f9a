export * from './style'
export * from './metrics'
export * from './axis'
export * from './echartsAxis'
