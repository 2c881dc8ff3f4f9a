/**
 * Bad data is bad input: before `gatelab train` writes a run to the store, it loads a CSV or bundled series once in
 * its own process, so a malformed file ends as exit 2 with the loader's message and nothing is recorded.
 */
import type { RunConfig } from '../../shared/config'
import { builtinTasks } from '../../shared/config'
import { loadExternalDataset } from '../data'
import { UsageError } from './args'

export async function checkDataSource(config: RunConfig): Promise<void> {
  if ((builtinTasks as readonly string[]).includes(config.task)) return
  try {
    await loadExternalDataset(config)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}
