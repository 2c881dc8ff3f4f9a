/**
 * The run queue with everything real: a Lab on a SQLite file, trainer processes training small models. Each run
 * must end in exactly one final state, with its metrics and log kept, whatever happens to its trainer.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { ApiEvent } from '../../src/shared/api'
import type { RunConfigInput } from '../../src/shared/config'
import { createNodeLab } from '../../src/main/host'
import type { Lab } from '../../src/main/lab'
import { tempDir } from '../helpers/host'
import { TRAINER_RUNS } from '../../src/main/runner/queue'

/** Small enough to train in a few seconds on the wasm backend. */
const tiny: RunConfigInput = { task: 'adding', seqLen: 8, samples: 256, valSamples: 64, testSamples: 64, units: 6, batch: 32, epochs: 2, seed: 3 }

let lab: Lab | undefined
afterEach(async () => {
  await lab?.close()
  lab = undefined
})

function openLab(concurrency = 2): { lab: Lab; events: ApiEvent[] } {
  const events: ApiEvent[] = []
  lab = createNodeLab({ dbPath: join(tempDir(), 'lab.db'), mode: 'node', owner: 'test', concurrency })
  lab.events.subscribe((e) => events.push(e))
  return { lab, events }
}

const statuses = (events: ApiEvent[], id: string): string[] =>
  events.flatMap((e) => (e.type === 'run:update' && e.run.id === id ? [e.run.status] : [])).filter((s, i, a) => s !== a[i - 1])

describe('run queue', () => {
  it('trains queued runs up to the concurrency limit and records everything', async () => {
    const { lab, events } = openLab(1)
    const [a, b] = lab.startRuns([tiny, { ...tiny, cell: 'gru' }])
    // With one slot, the second run waits until the first has finished.
    expect(lab.store.getRunSummary(b!).status).toBe('queued')
    await Promise.all([lab.waitForRun(a!), lab.waitForRun(b!)])
    for (const id of [a!, b!]) {
      const run = lab.store.getRun(id)
      expect(run.status).toBe('completed')
      expect(run.paramCount).toBeGreaterThan(0)
      expect(run.backend).toMatch(/^(wasm|cpu|tensorflow)$/)
      expect(run.summary.valLoss?.count).toBe(2)
      expect(run.test.loss).toBeGreaterThan(0)
      expect(lab.store.getRunLog(id)).toBeTypeOf('string')
      expect(statuses(events, id)).toEqual(['queued', 'preparing', 'running', 'completed'])
    }
    const startedB = lab.store.getRun(b!).startedAt!
    expect(startedB >= lab.store.getRun(a!).endedAt!).toBe(true)
    expect(events.some((e) => e.type === 'run:progress' && e.runId === a)).toBe(true)
    expect(events.some((e) => e.type === 'run:metrics' && e.runId === b && e.points.length > 0)).toBe(true)
  })

  it('cancels a queued run at once and a running one within a batch, keeping its metrics', async () => {
    const { lab, events } = openLab(1)
    // Far more epochs than it can train before the cancel (the most the schema allows): with the whole fused step 200
    // epochs of this model took about 6 s, which a loaded machine could spend before the first metrics arrive.
    const long: RunConfigInput = { ...tiny, samples: 2048, epochs: 100_000 }
    const [running, queued] = lab.startRuns([long, long])
    await expect(lab.api.cancelRun({ id: queued! })).resolves.toEqual({ status: 'cancelled' })
    expect(lab.store.getRunSummary(queued!).status).toBe('cancelled')
    // Wait until the first run has stored some per-batch losses, then cancel it.
    await waitFor(() => events.some((e) => e.type === 'run:metrics' && e.runId === running))
    await lab.api.cancelRun({ id: running! })
    await lab.waitForRun(running!)
    const run = lab.store.getRun(running!)
    expect(run.status).toBe('cancelled')
    expect(run.summary.batchLoss?.count ?? 0).toBeGreaterThan(0)
    await expect(lab.api.cancelRun({ id: running! })).rejects.toThrow(/already cancelled/)
  })

  it('marks a run failed with the reason when its trainer is killed, and carries on', async () => {
    const { lab, events } = openLab(1)
    // The victim cannot finish before it is killed (see the cancel test above).
    const [victim, next] = lab.startRuns([{ ...tiny, samples: 2048, epochs: 100_000 }, tiny])
    await waitFor(() => events.some((e) => e.type === 'run:metrics' && e.runId === victim))
    const pid = lab.trainerPids()[0]!
    process.kill(pid, 'SIGKILL')
    await lab.waitForRun(victim!)
    const failed = lab.store.getRun(victim!)
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(/killed by SIGKILL/)
    expect(failed.summary.batchLoss?.count ?? 0).toBeGreaterThan(0)
    await lab.waitForRun(next!)
    expect(lab.store.getRunSummary(next!).status).toBe('completed')
  })

  it('hands a trainer on to the next waiting fused run, and a handed-on trainer computes the bits a fresh one does', async () => {
    const { lab } = openLab(1)
    const spawned = countSpawns(lab)
    const a: RunConfigInput = { ...tiny, engine: 'fused' }
    const b: RunConfigInput = { ...tiny, engine: 'fused', cell: 'gru', dropout: 0.1, seed: 5 }
    const layers: RunConfigInput = { ...tiny, engine: 'layers', cell: 'gru', dropout: 0.1, seed: 5 }
    const ids = lab.startRuns([a, b, a, b, layers, a, layers])
    for (const id of ids) await lab.waitForRun(id!)
    // Concurrency 1: each run was waiting when the one before it completed. One process trained the first four; the
    // layers-engine runs and the fused run after one each had a fresh process.
    expect(spawned()).toBe(4)
    const [a1, b1, a2, b2, l1, a3, l2] = ids.map((id) => lab.store.getRun(id!))
    for (const [first, again] of [[a1!, a2!], [b1!, b2!], [a1!, a3!], [l1!, l2!]] as const) {
      expect(again.status).toBe('completed')
      // The first of each pair trained in a fresh process, the second (but the last pairs) after other runs in it.
      // Every number but the epoch's wall time, numTensors (TF.js's live tensors) included.
      const numbers = ({ epochMs: _, ...rest }: Record<string, number>): Record<string, number> => rest
      expect(numbers(again.final)).toEqual(numbers(first.final))
      expect(Object.keys(numbers(first.final))).toEqual(expect.arrayContaining(['loss', 'valLoss', 'numTensors']))
      expect(again.test).toEqual(first.test)
      // The stored files byte for byte: the weights, and model.json with its layer names (counted per model, not per
      // process: src/main/engine/model.ts).
      for (const file of ['weights.bin', 'model.json']) {
        expect(Buffer.from(lab.store.getArtifact(again.id, file).data).equals(Buffer.from(lab.store.getArtifact(first.id, file).data))).toBe(true)
      }
      // Each run's log holds its own run only.
      const log = lab.store.getRunLog(again.id)!
      expect(log).toContain(again.id)
      expect(log).not.toContain(first.id)
      expect(log.match(/^run {6}/gm)).toHaveLength(1)
    }
  })

  it('starts a fresh trainer after a run that did not complete, and after TRAINER_RUNS runs', async () => {
    const { lab, events } = openLab(1)
    const spawned = countSpawns(lab)
    const [cancelled, after] = lab.startRuns([{ ...tiny, samples: 2048, epochs: 100_000 }, tiny])
    await waitFor(() => events.some((e) => e.type === 'run:metrics' && e.runId === cancelled))
    await lab.api.cancelRun({ id: cancelled! })
    await lab.waitForRun(after!)
    expect(lab.store.getRunSummary(after!).status).toBe('completed')
    expect(spawned()).toBe(2)
    // TRAINER_RUNS + 1 short runs in one slot: one trainer for the first TRAINER_RUNS, a fresh one for the last.
    const many = lab.startRuns(Array.from({ length: TRAINER_RUNS + 1 }, (_, k) => ({ ...tiny, epochs: 1, seed: k + 1 })))
    for (const id of many) await lab.waitForRun(id!)
    expect(many.map((id) => lab.store.getRunSummary(id!).status)).toEqual(many.map(() => 'completed'))
    expect(spawned()).toBe(4)
    // Nothing is left running once the queue is empty.
    await waitFor(() => lab.trainerPids().length === 0)
  })

  it('refuses an invalid configuration without creating any run', async () => {
    const { lab } = openLab()
    await expect(lab.api.startRuns({ configs: [tiny, { ...tiny, units: -1 }] })).rejects.toThrow(/units.*configuration 2 of 2/)
    expect(lab.store.listRuns({}).total).toBe(0)
  })
})

/** Counts the trainer processes the lab starts from now on (the queue calls lab.spawnTrainer for each). */
function countSpawns(lab: Lab): () => number {
  let count = 0
  const spawn = lab.spawnTrainer.bind(lab)
  lab.spawnTrainer = (name, env) => {
    count++
    return spawn(name, env)
  }
  return () => count
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

