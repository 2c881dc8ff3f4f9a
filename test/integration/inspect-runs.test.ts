/**
 * The gate inspector on real runs (issue 14 §9, §11): LSTM, GRU and a vanilla RNN trained on the adding problem at
 * T = 50 through the real CLI and trainer (fused engine), then inspected through the `inspectRun` handler — its worker
 * thread, the stored weights, the test split rebuilt from the seed:
 *  - known behaviour: the solved LSTM's and GRU's integrated gradients put the two marked steps on top for ≥ 90% of
 *    test sequences; the RNN's ‖∂L/∂h_t‖ falls by orders of magnitude more from t = T back to t = 1 than theirs;
 *  - the float64 network is the trained model: its predictions equal TF.js's on the stored weights, for both engines,
 *    stacked and bidirectional, a reset-before GRU and hardSigmoid gates;
 *  - statistics over a split and a stated sample; the host's event loop stays free while the worker computes;
 *  - bad input: a run without weights answers {ok: false, reason}; `gatelab inspect` exits 2 naming an index out of
 *    range, a values file with the wrong number of features, a run without weights; --json and --out CSV work.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectRequestSchema, type InspectOk, type InspectRequest, type InspectResult } from '../../src/shared/inspect'
import { inspectRun } from '../../src/main/inspect'
import { computePredictions } from '../../src/main/report/predictions'
import { createLabStore, type LabStore } from '../../src/main/labStore'
import { Store } from '../../src/main/store/store'
import { cliEntry, repoRoot, tempDir } from '../helpers/host'

const cli = (args: string[]) => spawnSync(process.execPath, [cliEntry, ...args], { cwd: repoRoot, encoding: 'utf8' })
const dir = tempDir()
const db = join(dir, 'lab.db')
const TEST_SEQUENCES = 100

// The adding problem at T = 50 (CELLS.md: solved = validation MSE < 0.01). 8 epochs of 125 batches: the fused engine
// solves it with LSTM and GRU in a few seconds of CPU each (seed 1), and the RNN does not.
const adding = ['--task', 'adding', '--seq-len', '50', '--samples', '4000', '--val-samples', '200', '--test-samples', String(TEST_SEQUENCES), '--units', '32', '--lr', '0.01', '--clip', '1', '--batch', '32', '--epochs', '8', '--seed', '1']

function train(args: string[]): { runId: string; best: { valLoss: number } } {
  const result = cli(['train', ...args, '--db', db, '--json'])
  expect(result.status, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as { runId: string; best: { valLoss: number } }
}

let store: LabStore
const runs: Record<string, { runId: string; best: { valLoss: number } }> = {}

beforeAll(() => {
  for (const cell of ['lstm', 'gru', 'rnn']) runs[cell] = train([...adding, '--cell', cell])
  // Small runs of the other forms, for the parity check: layers engine (reset-before GRU), stacked + bidirectional, hardSigmoid.
  const tiny = ['--task', 'adding', '--seq-len', '8', '--samples', '256', '--val-samples', '32', '--test-samples', '16', '--units', '5', '--epochs', '1', '--seed', '3']
  runs.layersGru = train([...tiny, '--cell', 'gru', '--engine', 'layers', '--layers', '2', '--bidirectional'])
  runs.hardLstm = train([...tiny, '--cell', 'lstm', '--recurrent-activation', 'hardSigmoid', '--layers', '2', '--bidirectional'])
  runs.layersRnn = train([...tiny, '--cell', 'rnn', '--engine', 'layers'])
  store = createLabStore(Store.open(db, { owner: { kind: 'test' } }))
}, 600_000)

afterAll(() => store?.close())

async function inspect(args: Partial<InspectRequest> & { runId: string }): Promise<InspectOk> {
  const result: InspectResult = await inspectRun(store, inspectRequestSchema.parse(args))
  if (!result.ok) throw new Error(result.reason)
  return result
}

/** The two steps with the largest Σ_features |attribution|. */
function topTwo(m: { shape: [number, number]; values: number[] }): number[] {
  const [D, T] = m.shape
  const score = Array.from({ length: T }, (_, t) => {
    let s = 0
    for (let d = 0; d < D; d++) s += Math.abs(m.values[d * T + t]!)
    return [t, s] as const
  })
  return score.sort((a, b) => b[1] - a[1]).slice(0, 2).map(([t]) => t).sort((a, b) => a - b)
}

describe('known behaviour on the adding problem, T = 50', () => {
  it('LSTM and GRU solve it; their attribution puts the two marked steps on top for ≥ 90% of test sequences', { timeout: 300_000 }, async () => {
    for (const cell of ['lstm', 'gru']) {
      expect(runs[cell]!.best.valLoss, `${cell} must solve the adding problem (val MSE < 0.01)`).toBeLessThan(0.01)
      let hitsIg = 0
      let hitsGxI = 0
      for (let index = 0; index < TEST_SEQUENCES; index++) {
        const r = await inspect({ runId: runs[cell]!.runId, sequence: { kind: 'index', split: 'test', index }, traces: false, gradients: false, memory: false, igSteps: 32 })
        const s = r.sequences[0]!
        const T = s.steps
        // The marker feature (1 at the two marked steps) is feature 1 of the adding problem.
        const marked = Array.from({ length: T }, (_, t) => t).filter((t) => s.inputs.values[1 * T + t] === 1)
        expect(marked).toHaveLength(2)
        if (JSON.stringify(topTwo(s.attribution!.integratedGradients)) === JSON.stringify(marked)) hitsIg++
        if (JSON.stringify(topTwo(s.attribution!.gradientTimesInput)) === JSON.stringify(marked)) hitsGxI++
        // Completeness: Σ IG ≈ ŷ(x) − ŷ(baseline).
        const a = s.attribution!
        expect(Math.abs(a.integratedSum - (a.prediction - a.baselinePrediction))).toBeLessThan(0.02 * Math.max(0.1, Math.abs(a.prediction - a.baselinePrediction)))
      }
      console.log(`${cell}: integrated gradients put the marked steps on top for ${hitsIg}/${TEST_SEQUENCES} test sequences, gradient × input for ${hitsGxI}/${TEST_SEQUENCES}`)
      expect(hitsIg / TEST_SEQUENCES).toBeGreaterThanOrEqual(0.9)
    }
  })

  it("the RNN's ‖∂L/∂h_t‖ falls by orders of magnitude more from t = T back to t = 1 than the LSTM's and the GRU's", { timeout: 120_000 }, async () => {
    const decades: Record<string, number> = {}
    for (const cell of ['lstm', 'gru', 'rnn']) {
      const per: number[] = []
      for (let index = 0; index < 10; index++) {
        const r = await inspect({ runId: runs[cell]!.runId, sequence: { kind: 'index', split: 'test', index }, traces: false, attribution: false, memory: false })
        const norms = r.sequences[0]!.gradients![0]!.dhNorm
        per.push(Math.log10(norms[norms.length - 1]! / norms[0]!))
      }
      per.sort((a, b) => a - b)
      decades[cell] = per[per.length >> 1]!
    }
    console.log(`median decay of ‖∂L/∂h_t‖ from t = T to t = 1, in decades: ${JSON.stringify(decades)}`)
    expect(decades.rnn! - decades.lstm!).toBeGreaterThan(2)
    expect(decades.rnn! - decades.gru!).toBeGreaterThan(2)
  })
})

describe('the inspector explains the model that was trained', () => {
  it("its float64 predictions are TF.js's on the stored weights (both engines, stacked, bidirectional, reset-before GRU, hardSigmoid)", { timeout: 120_000 }, async () => {
    for (const key of ['lstm', 'gru', 'rnn', 'layersGru', 'hardLstm', 'layersRnn']) {
      const run = store.getRun(runs[key]!.runId)
      const tfjs = await computePredictions(run, store.getArtifact(run.id, 'model.json').data, store.getArtifact(run.id, 'weights.bin').data, 5)
      if (!tfjs.ok) throw new Error(tfjs.reason)
      for (let index = 0; index < 5; index++) {
        const r = await inspect({ runId: run.id, sequence: { kind: 'index', split: 'test', index }, attribution: false })
        expect(Math.abs(r.sequences[0]!.prediction[0]! - tfjs.predicted[index]!), `${key} (${run.cellForm}) sequence ${index}`).toBeLessThan(1e-5)
        expect(r.sequences[0]!.target![0]).toBeCloseTo(tfjs.truth[index]!, 6)
      }
    }
    const gru = await inspect({ runId: runs.layersGru!.runId, attribution: false })
    expect(gru).toMatchObject({ form: 'gru-before', layers: [{ bidirectional: true, directions: ['forward', 'backward'] }, { bidirectional: true }] })
    expect(gru.sequences[0]!.traces).toHaveLength(4)
    expect(gru.sequences[0]!.traces![0]!.values.z!.shape).toEqual([5, 8])
    const hard = await inspect({ runId: runs.hardLstm!.runId, layers: [1] })
    expect(hard.gateActivation).toBe('hard_sigmoid')
    expect(hard.sequences[0]!.traces!.map((t) => `${t.layer}/${t.direction}`)).toEqual(['1/forward', '1/backward'])
    expect(hard.sequences[0]!.memory!.map((m) => m.gate)).toEqual(['f', 'f'])
  })
})

describe('statistics, best/worst, edited values', () => {
  it('gate statistics over a whole split and a stated sample, computed while the event loop stays free', { timeout: 120_000 }, async () => {
    let worstLag = 0
    let last = performance.now()
    const timer = setInterval(() => {
      const now = performance.now()
      worstLag = Math.max(worstLag, now - last - 5)
      last = now
    }, 5)
    const all = await inspect({ runId: runs.lstm!.runId, traces: false, gradients: false, attribution: false, memory: false, stats: { split: 'val' } })
    clearInterval(timer)
    expect(all.stats).toMatchObject({ split: 'val', total: 200, sequences: 200, sampled: false, steps: 50 })
    expect(all.stats!.gates.map((g) => g.gate)).toEqual(['i', 'f', 'g', 'o'])
    for (const g of all.stats!.gates) {
      expect(g.mean).toHaveLength(32)
      for (const [l, r] of g.leftSaturated.map((v, k) => [v, g.rightSaturated[k]!])) expect(l! + r!).toBeLessThanOrEqual(1)
      // each unit's histogram adds up to 1
      expect(g.histogram.values.slice(0, g.histogram.shape[1]).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
    }
    // The host's event loop never waited on the computation (the worker thread did it).
    expect(worstLag).toBeLessThan(250)
    const sample = await inspect({ runId: runs.gru!.runId, traces: false, gradients: false, attribution: false, memory: false, stats: { split: 'test', sample: 10 } })
    expect(sample.stats).toMatchObject({ total: TEST_SEQUENCES, sequences: 10, sampled: true })
    expect(sample.stats!.gates.map((g) => g.gate)).toEqual(['z', 'r', 'n'])
  })

  it('best and worst K rank the test split by loss; edited values are scaled, predicted and explained', { timeout: 60_000 }, async () => {
    const best = await inspect({ runId: runs.lstm!.runId, sequence: { kind: 'best', k: 3 }, traces: false, attribution: false })
    const worst = await inspect({ runId: runs.lstm!.runId, sequence: { kind: 'worst', k: 3 }, traces: false, attribution: false })
    const losses = (r: InspectOk) => r.sequences.map((s) => s.loss!)
    expect(losses(best)).toEqual([...losses(best)].sort((a, b) => a - b))
    expect(losses(worst)).toEqual([...losses(worst)].sort((a, b) => b - a))
    expect(losses(best)[2]!).toBeLessThanOrEqual(losses(worst)[2]!)
    // Move the markers: 0.3 at t = 5 and 0.6 at t = 40.
    const values = Array.from({ length: 50 }, (_, t) => [t === 5 ? 0.3 : t === 40 ? 0.6 : 0.5, t === 5 || t === 40 ? 1 : 0])
    const edited = await inspect({ runId: runs.lstm!.runId, sequence: { kind: 'values', values, target: [0.9] }, igSteps: 32 })
    const s = edited.sequences[0]!
    expect(s.source).toEqual({ split: 'edited' })
    expect(s.prediction[0]).toBeCloseTo(0.9, 1)
    expect(s.gradientOf).toBe('loss')
    expect(topTwo(s.attribution!.integratedGradients)).toEqual([5, 40])
  })
})

describe('bad input', () => {
  it('a run without weights answers {ok: false, reason}; the CLI exits 2 naming the problem', { timeout: 120_000 }, async () => {
    const queued = store.createRun({ config: { ...store.getRun(runs.lstm!.runId).config } }).id
    const result = await inspectRun(store, inspectRequestSchema.parse({ runId: queued }))
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/has not saved weights yet/) })
    const id = runs.lstm!.runId
    const values3 = join(dir, 'three.csv')
    writeFileSync(values3, 'a,b,c\n1,2,3\n4,5,6\n')
    for (const [args, message] of [
      [[queued], /cannot be inspected: it is queued and has not saved weights/],
      [[id, '--index', String(TEST_SEQUENCES)], new RegExp(`Index ${TEST_SEQUENCES} is out of range: the test split has ${TEST_SEQUENCES} sequences`)],
      [[id, '--split', 'val', '--index', '999'], /Index 999 is out of range: the validation split has 200 sequences/],
      [[id, '--values', values3], /three\.csv: Step 1 of the values has 3 features; this run's model takes 2 per step/],
      [[id, '--best', '2', '--worst', '2'], /one of --index, --best, --worst, --values/],
      [['no-such-run'], /no-such-run/]
    ] as const) {
      const r = cli(['inspect', ...args, '--db', db])
      expect(r.status, r.stderr).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(message)
    }
  })

  it('--json states shapes; --out writes long-form CSV', { timeout: 60_000 }, () => {
    const json = cli(['inspect', runs.gru!.runId, '--index', '2', '--json', '--db', db])
    expect(json.status, json.stderr).toBe(0)
    const out = JSON.parse(json.stdout) as InspectOk & { shapes: string }
    expect(out.shapes).toMatch(/\[units, steps\]/)
    expect(out.sequences[0]!.traces![0]!.values.h!.shape).toEqual([32, 50])
    const csv = join(dir, 'inside.csv')
    const r = cli(['inspect', runs.gru!.runId, '--index', '2', '--stats', '--sample', '5', '--out', csv, '--db', db])
    expect(r.status, r.stderr).toBe(0)
    const lines = readFileSync(csv, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('run_id,sequence,layer,direction,gate,unit,t,value')
    expect(lines).toContain(`${runs.gru!.runId},test:2,0,forward,z,0,0,${out.sequences[0]!.traces![0]!.values.z!.values[0]}`)
    expect(lines.some((l) => l.includes(',stats:test,0,forward,z:right,'))).toBe(true)
  })
})
