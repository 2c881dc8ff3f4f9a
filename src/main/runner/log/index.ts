/** The trainer log (issue 17 item 8): lines a person can read, written as the trainer reports. See src/shared/trainerLog.ts. */
export { RunLog, type RunLogOptions } from './runLog'
export { backendReason } from './backend'
export { startLines, epochLine, epochWarnings, endLines, outputLines, type EpochRecord, type EndFacts, type StartFacts } from './format'
