/** Limits known before a run starts (issue 19, item 4; docs/RELIABILITY.md "Limits before a run starts"). */
export { estimateRun, fusedWorkspaceFloats, TRAINER_OVERHEAD_BYTES, type DataSize } from './estimate'
export { dataSize } from './dataSize'
export { checkRunLimits, estimateConfig } from './check'
export { plainFailure, isOutOfMemory } from './failure'
export { labSettings, resolveMemoryLimit, setMemoryLimit, defaultMemoryLimitBytes } from './settings'
