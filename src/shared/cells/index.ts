/** The float64 cell math every part of GateLab that explains or checks a model uses (see cell.ts, network.ts). */
export * from './cell'
export * from './network'
export * from './stats'
