/**
 * The check every run passes before anything is created or submitted: its estimate (./estimate.ts) against the
 * memory limit (./settings.ts). A sweep's runs are all checked first; one refused run refuses the whole request,
 * naming which run and what to shrink, so nothing is half-started.
 */
import { GateLabError } from '../../shared/api'
import type { RunConfig } from '../../shared/config'
import { refusalMessage, tooLargeCode, type MemoryLimit, type RunEstimate } from '../../shared/limits'
import { DataError } from '../../shared/data/errors'
import { nativeKernelStatus } from '../engine/native'
import { dataSize } from './dataSize'
import { estimateRun } from './estimate'

/** The estimate of one configuration; undefined when its data cannot be sized (the data check reports that). */
export async function estimateConfig(config: RunConfig, limit: MemoryLimit): Promise<RunEstimate | undefined> {
  try {
    // The trainer inherits this process's environment, so it runs the kernels this process would choose.
    const kernels = nativeKernelStatus().used ? 'native' : 'wasm'
    return estimateRun(config, await dataSize(config), { limit, kernels })
  } catch (error) {
    // A missing or unreadable file is for the data check to report in its own words; the estimate does not guess.
    if (error instanceof DataError || (error as NodeJS.ErrnoException).code !== undefined) return undefined
    throw error
  }
}

/** Throws a too_large GateLabError (details: the estimate and the run's index) for the first run that does not fit. */
export async function checkRunLimits(configs: readonly RunConfig[], limit: MemoryLimit, place: 'cli' | 'ui' = 'cli'): Promise<RunEstimate[]> {
  const estimates: RunEstimate[] = []
  // Sweeps repeat configurations (seeds): estimate each distinct one once.
  const seen = new Map<string, RunEstimate | undefined>()
  for (const [index, config] of configs.entries()) {
    const { seed: _seed, name: _name, notes: _notes, tags: _tags, ...shape } = config
    const key = JSON.stringify(shape)
    if (!seen.has(key)) seen.set(key, await estimateConfig(config, limit))
    const estimate = seen.get(key)
    if (!estimate) continue
    estimates.push(estimate)
    if (!estimate.fits) {
      const which = configs.length > 1 ? ` (run ${index + 1} of ${configs.length}: ${config.cell}, ${config.units} units)` : ''
      throw new GateLabError({ code: tooLargeCode, message: refusalMessage(estimate, place, which), details: { estimate, index } })
    }
  }
  return estimates
}
