import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { copyLength, generateTask, sha256Hex, type TaskSpec } from '../../src/shared/data/tasks'
import type { SequenceDataset } from '../../src/shared/data/types'
import { builtinTasks, isClassificationTask } from '../../src/shared/config'

const spec = (over: Partial<TaskSpec> = {}): TaskSpec => ({
  task: 'adding',
  seqLen: 20,
  samples: 400,
  valSamples: 300,
  testSamples: 200,
  seed: 11,
  horizon: 1,
  ...over
})

/** The value of x at (sequence i, step t, feature f). */
const at = (d: SequenceDataset, i: number, t: number, f: number): number => d.train.x[(i * d.seqLen + t) * d.inputSize + f]!

describe('built-in tasks', () => {
  it('sizes every split from the spec, for every task', () => {
    for (const task of ['adding', 'copy', 'sine', 'order', 'noise'] as const) {
      const d = generateTask(spec({ task }))
      for (const [split, n] of [[d.train, 400], [d.val, 300], [d.test, 200]] as const) {
        expect(split.n).toBe(n)
        expect(split.x.length).toBe(n * d.seqLen * d.inputSize)
        const targetsPer = (d.perStep ? d.seqLen : 1) * (d.kind === 'classification' ? 1 : d.outputSize)
        expect(split.y.length).toBe(n * targetsPer)
        expect(split.x.every(Number.isFinite) && split.y.every(Number.isFinite)).toBe(true)
      }
      expect(d.meta.contentHash).toMatch(/^[0-9a-f]{64}$/)
      expect(d.meta.description.length).toBeGreaterThan(10)
    }
  })

  it('is reproducible from the seed, and a different seed gives different data', () => {
    const a = generateTask(spec({ task: 'sine' }))
    const b = generateTask(spec({ task: 'sine' }))
    expect(b.train.x).toEqual(a.train.x)
    expect(b.meta.contentHash).toBe(a.meta.contentHash)
    const c = generateTask(spec({ task: 'sine', seed: 12 }))
    expect(c.train.x).not.toEqual(a.train.x)
    expect(c.meta.contentHash).not.toBe(a.meta.contentHash)
  })

  it('keeps the validation and test sets when only the training set grows', () => {
    const small = generateTask(spec())
    const large = generateTask(spec({ samples: 800 }))
    expect(large.val.x).toEqual(small.val.x)
    expect(large.test.y).toEqual(small.test.y)
    expect(large.train.x.subarray(0, small.train.x.length)).toEqual(small.train.x)
    expect(large.meta.contentHash).not.toBe(small.meta.contentHash)
    // Splits are drawn from separate streams, not copies of one another.
    expect(small.val.y.subarray(0, 100)).not.toEqual(small.train.y.subarray(0, 100))
  })

  it('adding: exactly one marker in each half, the target is the sum of the marked values, and the baselines hold', () => {
    const d = generateTask(spec({ task: 'adding', samples: 4000, valSamples: 4000 }))
    expect(d).toMatchObject({ kind: 'regression', inputSize: 2, outputSize: 1, perStep: false })
    for (let i = 0; i < 50; i++) {
      const marked = Array.from({ length: d.seqLen }, (_, t) => t).filter((t) => at(d, i, t, 1) === 1)
      expect(marked).toHaveLength(2)
      expect(marked[0]!).toBeLessThan(d.seqLen / 2)
      expect(marked[1]!).toBeGreaterThanOrEqual(d.seqLen / 2)
      expect(d.train.y[i]).toBeCloseTo(at(d, i, marked[0]!, 0) + at(d, i, marked[1]!, 0), 5)
    }
    // CELLS.md: the variance of the sum of two U[0,1] values is 1/6.
    expect(d.meta.baselines!.meanMse).toBeGreaterThan(0.15)
    expect(d.meta.baselines!.meanMse).toBeLessThan(0.18)
    expect(d.meta.baselines!.oneValueMse).toBeCloseTo(1 / 12, 10)
  })

  it('copy: replays the first symbols after the delimiter, blanks elsewhere', () => {
    const d = generateTask(spec({ task: 'copy', seqLen: 30 }))
    const m = copyLength(30)
    expect(m).toBe(10)
    expect(d).toMatchObject({ kind: 'classification', inputSize: 10, outputSize: 9, perStep: true })
    const symbolAt = (i: number, t: number): number => Array.from({ length: 10 }, (_, f) => at(d, i, t, f)).indexOf(1)
    for (let i = 0; i < 20; i++) {
      for (let t = 0; t < 30; t++) {
        const target = d.train.y[i * 30 + t]!
        if (t < 30 - m) expect(target).toBe(8)
        else expect(target).toBe(symbolAt(i, t - (30 - m)))
      }
      expect(symbolAt(i, 30 - m - 1)).toBe(9)
      expect(symbolAt(i, 0)).toBeLessThan(8)
    }
    expect(d.meta.baselines!.memorylessLoss).toBeCloseTo((m * Math.log(8)) / 30, 10)
    expect(copyLength(3)).toBe(1)
  })

  it('order: the class encodes the order of the two X/Y symbols, with a begin and an end marker', () => {
    const d = generateTask(spec({ task: 'order', seqLen: 40, samples: 2000 }))
    expect(d).toMatchObject({ kind: 'classification', inputSize: 8, outputSize: 4, perStep: false })
    const counts = [0, 0, 0, 0]
    for (let i = 0; i < d.train.n; i++) {
      const symbols = Array.from({ length: 40 }, (_, t) => Array.from({ length: 8 }, (_, f) => at(d, i, t, f)).indexOf(1))
      expect(symbols[0]).toBe(6)
      expect(symbols[39]).toBe(7)
      const relevant = symbols.map((s, t) => [s, t] as const).filter(([s]) => s === 4 || s === 5)
      expect(relevant).toHaveLength(2)
      expect(relevant[0]![1]).toBeLessThan(40 * 0.25)
      expect(relevant[1]![1]).toBeGreaterThanOrEqual(40 * 0.5)
      expect(d.train.y[i]).toBe(2 * (relevant[0]![0] - 4) + (relevant[1]![0] - 4))
      counts[d.train.y[i]!]!++
    }
    for (const c of counts) expect(c).toBeGreaterThan(400)
  })

  it('sine: the target continues the mixture, so the last value predicts it better than the mean', () => {
    const d = generateTask(spec({ task: 'sine', seqLen: 40, samples: 2000, valSamples: 2000 }))
    const b = d.meta.baselines!
    expect(b.noiseFloorMse).toBeCloseTo(0.01, 10)
    // Persistence is a weak forecaster for the fast components (periods down to 4 steps), yet clearly beats the mean.
    expect(b.lastValueMse).toBeLessThan(b.meanMse! * 0.8)
    expect(b.lastValueMse).toBeGreaterThan(b.noiseFloorMse!)
    const farther = generateTask(spec({ task: 'sine', seqLen: 40, samples: 2000, valSamples: 2000, horizon: 5 }))
    expect(farther.meta.baselines!.lastValueMse).toBeGreaterThan(b.lastValueMse!)
    expect(farther.meta.contentHash).not.toBe(d.meta.contentHash)
  })

  it('noise: inputs and target are independent standard normals; the mean predictor scores about 1', () => {
    const d = generateTask(spec({ task: 'noise', samples: 3000, valSamples: 3000 }))
    expect(d.meta.baselines!.meanMse).toBeGreaterThan(0.9)
    expect(d.meta.baselines!.meanMse).toBeLessThan(1.1)
    // The target is not the last input (no leak).
    let corr = 0
    for (let i = 0; i < d.train.n; i++) corr += d.train.y[i]! * at(d, i, d.seqLen - 1, 0)
    expect(Math.abs(corr / d.train.n)).toBeLessThan(0.06)
  })

  it('refuses sequences too short for the task, saying what to change', () => {
    expect(() => generateTask(spec({ task: 'copy', seqLen: 2 }))).toThrow(/copy task needs sequences of at least 3 steps \(seqLen is 2\); raise seqLen/)
    expect(() => generateTask(spec({ task: 'order', seqLen: 5 }))).toThrow(/at least 8/)
  })

  it('hashes like node:crypto sha256', () => {
    for (const text of ['', 'abc', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'é ü 日本 '.repeat(40)]) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'))
    }
  })
})

describe('isClassificationTask agrees with the generated datasets', () => {
  it('for every built-in task', () => {
    for (const task of builtinTasks) {
      const d = generateTask(spec({ task, samples: 2, valSamples: 2, testSamples: 2 }))
      expect(isClassificationTask(task)).toBe(d.kind === 'classification')
    }
  })
})
