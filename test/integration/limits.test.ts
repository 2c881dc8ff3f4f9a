/**
 * Limits before a run starts (issue 19, item 4), with real trainer processes: the memory estimate against the peak
 * resident memory (VmHWM) the trainer really reached; a huge-but-allowed build shows "preparing" and a cancel stops it
 * within 2 s; a run that really runs out of memory fails with a plain reason.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import trainerPath from '../../src/main/runner/trainerPath'
import { createNodeSpawner } from '../../src/main/runner/spawner.node'
import { normalizeRunConfig, type RunConfigInput } from '../../src/shared/config'
import type { TrainerMessage } from '../../src/shared/protocol'
import { createNodeLab } from '../../src/main/host'
import type { Lab } from '../../src/main/lab'
import type { ApiEvent } from '../../src/shared/api'
import { estimateConfig } from '../../src/main/limits'
import { formatBytes } from '../../src/shared/limits'
import { tempDir } from '../helpers/host'

const spawnTrainer = createNodeSpawner(trainerPath)
const linux = process.platform === 'linux'

/** Trains one configuration in a real trainer and reads its peak resident memory just before it exits. */
async function peakMemory(input: RunConfigInput): Promise<{ peakBytes: number; status: string }> {
  const parsed = normalizeRunConfig(input)
  if (!parsed.ok) throw new Error(parsed.message)
  const trainer = spawnTrainer({ name: 'limits peak' })
  try {
    await trainer.ready()
    const finished = await trainer.request<Extract<TrainerMessage, { type: 'run:finished' }>>(
      (seq) => ({ type: 'train', seq, runId: 'peak', config: parsed.config }),
      Number.POSITIVE_INFINITY
    )
    const status = readFileSync(`/proc/${trainer.pid}/status`, 'utf8')
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)![1])
    return { peakBytes: kb * 1024, status: finished.status }
  } finally {
    await trainer.stop()
  }
}

/** The estimate must be within this factor of the measured peak, either way. */
const FACTOR = 2

describe.runIf(linux)('memory estimate against real trainers', () => {
  // Small runs, each dominated by a different part: the process itself, the data, the fused kernels' activations,
  // the layers engine's gradient tape.
  const cases: [string, RunConfigInput][] = [
    ['tiny (process overhead)', { task: 'adding', seqLen: 4, samples: 64, valSamples: 16, testSamples: 16, units: 4, epochs: 1, seed: 1 }],
    ['data-heavy', { task: 'adding', seqLen: 100, samples: 100_000, valSamples: 500, testSamples: 500, units: 4, batch: 8192, epochs: 1, seed: 1, telemetry: false }],
    ['fused activations', { task: 'sine', seqLen: 600, samples: 64, valSamples: 128, testSamples: 128, units: 128, batch: 64, epochs: 1, seed: 1, telemetry: false }],
    ['layers engine tape', { task: 'adding', seqLen: 60, samples: 128, valSamples: 32, testSamples: 32, units: 128, batch: 128, epochs: 1, seed: 1, engine: 'layers', telemetry: false }]
  ]
  it.each(cases)(`%s: within ×${FACTOR} of the measured peak`, async (_name, input) => {
    const parsed = normalizeRunConfig(input)
    if (!parsed.ok) throw new Error(parsed.message)
    const estimate = (await estimateConfig(parsed.config, { bytes: 2 ** 40, source: 'default' }))!
    const { peakBytes, status } = await peakMemory(input)
    expect(status).toBe('completed')
    const ratio = estimate.memory.totalBytes / peakBytes
    console.log(`limits: ${_name}: estimate ${formatBytes(estimate.memory.totalBytes)}, measured peak ${formatBytes(peakBytes)}, ratio ${ratio.toFixed(2)}`)
    expect(ratio).toBeGreaterThan(1 / FACTOR)
    expect(ratio).toBeLessThan(FACTOR)
  }, 240_000)
})

let lab: Lab | undefined
afterEach(async () => {
  await lab?.close()
  lab = undefined
})

describe('preparing, cancel and out of memory with a real lab', () => {
  it('shows a slow build as "preparing" and cancels it within 2 s', async () => {
    const events: ApiEvent[] = []
    let cancelledAt = Number.NaN // when the lab published the run as cancelled (its final state recorded)
    lab = createNodeLab({ dbPath: join(tempDir(), 'lab.db'), mode: 'node', owner: 'test', concurrency: 1 })
    lab.events.subscribe((e) => {
      events.push(e)
      if (e.type === 'run:update' && e.run.status === 'cancelled' && Number.isNaN(cancelledAt)) cancelledAt = performance.now()
    })
    // Allowed (a few hundred MiB) but slow to build: the orthogonal initialisation of a 1,536-unit LSTM's recurrent kernel.
    const config: RunConfigInput = { task: 'adding', seqLen: 4, samples: 16, valSamples: 8, testSamples: 8, units: 1536, batch: 8, epochs: 1, seed: 2 }
    await lab.checkLimits([config]) // fits
    const [id] = lab.startRuns([config])
    const seen = (status: string): boolean => events.some((e) => e.type === 'run:update' && e.run.id === id && e.run.status === status)
    await waitFor(() => seen('preparing'))
    expect(lab.store.getRunSummary(id!).status).toBe('preparing')
    expect(lab.store.listRuns({ status: ['preparing'] }).rows.map((r) => r.id)).toEqual([id])
    // Let the trainer get into its build (it loads TF.js, then builds; the build alone takes about a minute), then cancel.
    await new Promise((r) => setTimeout(r, 2500))
    expect(seen('running')).toBe(false)
    // The product's promise (USER-GUIDE, RELIABILITY): a cancel ends the run within 2 s. Measured in this process from
    // the API call to the lab publishing the run cancelled, with no polling or browser between: 200 ms of it is the
    // deliberate wait before the building trainer is killed (PREPARING_CANCEL_MS), the rest the kill, the trainer's
    // exit and the record (50-90 ms at a load average of 5). The bound stays the promise itself.
    const started = performance.now()
    await lab.api.cancelRun({ id: id! })
    await lab.waitForRun(id!)
    const settled = performance.now() - started
    const took = cancelledAt - started
    console.log(`limits: cancel of a preparing run: recorded cancelled after ${took.toFixed(0)} ms (settled after ${settled.toFixed(0)} ms)`)
    expect(took).toBeLessThan(2000)
    expect(lab.store.getRunSummary(id!).status).toBe('cancelled')
    expect(lab.trainerPids()).toEqual([])
  }, 120_000)

  it('says "out of memory" in plain words when a trainer cannot allocate its data', async () => {
    lab = createNodeLab({ dbPath: join(tempDir(), 'lab.db'), mode: 'node', owner: 'test', concurrency: 1 })
    // Past the limits check on purpose (startRuns alone does not check): the trainer itself meets the failure.
    const [id] = lab.startRuns([{ task: 'adding', seqLen: 100_000, samples: 10_000_000, epochs: 1, seed: 1 }])
    await lab.waitForRun(id!)
    const run = lab.store.getRun(id!)
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/^out of memory: the run needed more than the memory it had \(estimated [\d.]+ TiB\); shrink /)
    expect(run.error).toMatch(/sequence length \(--seq-len\)/)
    expect(run.error).toMatch(/Invalid typed array length/)
  }, 120_000)
})

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}
