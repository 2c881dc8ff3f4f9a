/**
 * The one place a trainer turns a run configuration into data: built-in tasks are generated from the seed
 * (src/shared/data/tasks.ts); bundled series (`data:NAME`) and CSV files (`csv:PATH`) come from src/main/data.
 */
import { builtinTasks, type BuiltinTask, type RunConfig } from '../../shared/config'
import { generateTask, type TaskSpec } from '../../shared/data/tasks'
import type { SequenceDataset } from '../../shared/data/types'
import { loadExternalDataset } from '../data'

export function isBuiltinTask(task: string): task is BuiltinTask {
  return (builtinTasks as readonly string[]).includes(task)
}

export function taskSpecFromConfig(config: RunConfig & { task: BuiltinTask }): TaskSpec {
  const { task, seqLen, samples, valSamples, testSamples, seed, horizon } = config
  return { task, seqLen, samples, valSamples, testSamples, seed, horizon }
}

export async function loadDataset(config: RunConfig): Promise<SequenceDataset> {
  const { task } = config
  if (isBuiltinTask(task)) return generateTask(taskSpecFromConfig({ ...config, task }))
  return loadExternalDataset(config)
}
