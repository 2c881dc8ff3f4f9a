/**
 * Baselines of the built-in tasks, computed on the generated validation and test splits (CELLS.md, "Useful facts for
 * tests"): the adding problem's two plateaus (predict the mean: MSE ≈ 1/6; track one of the two values: ≈ 1/12), the
 * sine task's persistence, mean and AR(p), chance and majority class for the classification tasks.
 */
import type { BuiltinTask } from '../config'
import type { SequenceDataset, Split } from '../data/types'
import { fitLinear, predictLinear } from './linear'
import { pickBest, scoreRegression } from './score'
import type { Baseline, BaselineId, BaselineScores, BaselineSet } from './types'

/** What a task's baselines need of its generated dataset (src/shared/data/types.ts), and of the task. */
export interface TaskBaselineInput extends Pick<SequenceDataset, 'seqLen' | 'inputSize' | 'outputSize' | 'perStep' | 'train' | 'val' | 'test'> {
  task: BuiltinTask
  /** The noise standard deviation of a task that adds noise to its target (sine), for its noise floor. */
  noiseSd?: number
  /** Copy task: how many symbols are replayed, and of how many kinds. */
  copy?: { length: number; symbols: number }
}

function trainMean(train: Split): number {
  let mean = 0
  for (const v of train.y) mean += v
  return mean / Math.max(1, train.y.length)
}

function constant(split: Split, value: number): Float64Array {
  return new Float64Array(split.y.length).fill(value)
}

function accuracy(split: Split, predict: (i: number) => number): BaselineScores {
  let right = 0
  for (let i = 0; i < split.y.length; i++) if (split.y[i] === predict(i)) right++
  return split.y.length === 0 ? {} : { acc: right / split.y.length }
}

/** The most frequent class in the training targets. */
function majorityClass(train: Split, classes: number): number {
  const counts = new Array<number>(classes).fill(0)
  for (const v of train.y) counts[v]!++
  return counts.indexOf(Math.max(...counts))
}

/**
 * Each predicting baseline of a built-in task, for every target of one split: the regression tasks' training mean,
 * one value (adding), persistence and AR(p) (sine); the classification tasks' majority class. The stored scores
 * (taskBaselines) and the predictions export (src/main/export/predictions.ts) both come from here.
 */
export function taskBaselinePredictions(
  input: Pick<TaskBaselineInput, 'task' | 'seqLen' | 'outputSize' | 'train'>,
  split: Split
): Partial<Record<BaselineId, Float64Array>> {
  const { task, train, seqLen } = input
  if (task === 'order' || task === 'copy') return { majority: constant(split, majorityClass(train, input.outputSize)) }
  const out: Partial<Record<BaselineId, Float64Array>> = {}
  if (task === 'sine') out.persistence = Float64Array.from({ length: split.n }, (_, i) => split.x[i * seqLen + seqLen - 1]!)
  out.mean = constant(split, trainMean(train))
  if (task === 'adding') {
    // Knowing one of the two marked values x₁, the best guess is x₁ + E[x₂] = x₁ + 0.5 (MSE = Var(x₂) = 1/12).
    const oneValue = new Float64Array(split.n)
    for (let i = 0; i < split.n; i++) {
      let t = 0
      while (t < seqLen && split.x[(i * seqLen + t) * 2 + 1] !== 1) t++
      oneValue[i] = (t < seqLen ? split.x[(i * seqLen + t) * 2]! : 0.5) + 0.5
    }
    out.oneValue = oneValue
  }
  if (task === 'sine') {
    const fit = fitLinear(train, input.outputSize)
    if (fit) out.ar = predictLinear(fit, split, 1)
  }
  return out
}

export function taskBaselines(input: TaskBaselineInput): BaselineSet {
  const { task, train, val, test, seqLen } = input
  const entries: Baseline[] = []
  const windows = { train: train.n, val: val.n, test: test.n }
  if (task === 'order' || task === 'copy') {
    const classes = input.outputSize
    const majority = majorityClass(train, classes)
    entries.push({ id: 'chance', label: 'chance', detail: `a uniform guess among ${classes} classes`, theoretical: true, val: { acc: 1 / classes }, test: { acc: 1 / classes } })
    entries.push({ id: 'majority', label: 'majority class', detail: `always the most frequent training class (${majority})`, val: accuracy(val, () => majority), test: accuracy(test, () => majority) })
    if (task === 'copy' && input.copy) {
      const { length: m, symbols } = input.copy
      const acc = (seqLen - m + m / symbols) / seqLen
      entries.push({ id: 'memoryless', label: 'memoryless', detail: 'blanks right, a uniform guess for each replayed symbol (expected accuracy)', val: { acc }, test: { acc } })
    }
    return { version: 1, metric: 'acc', entries, best: pickBest(entries, 'acc'), windows }
  }
  const [pv, pt] = [taskBaselinePredictions(input, val), taskBaselinePredictions(input, test)]
  const scored = (id: BaselineId): Pick<Baseline, 'val' | 'test'> => ({ val: scoreRegression(pv[id]!, val.y), test: scoreRegression(pt[id]!, test.y) })
  entries.push({ id: 'mean', label: 'training mean', detail: 'always the mean training target', ...scored('mean') })
  if (task === 'adding') {
    entries.push({ id: 'oneValue', label: 'one value', detail: 'the first marked value + 0.5: what a model that tracks only one value reaches (≈ 1/12)', ...scored('oneValue') })
  }
  if (task === 'sine') {
    entries.unshift({ id: 'persistence', label: 'persistence', detail: 'the last input value', ...scored('persistence') })
    if (pv.ar && pt.ar) entries.push({ id: 'ar', label: `AR(${seqLen})`, detail: 'least squares on the training sequences', ...scored('ar') })
  }
  if (input.noiseSd !== undefined) {
    const mse = input.noiseSd ** 2
    entries.push({ id: 'noiseFloor', label: 'noise floor', detail: `the target's own noise (SD ${input.noiseSd}): no model can do better on average`, theoretical: true, val: { mse }, test: { mse } })
  }
  return { version: 1, metric: 'mse', entries, best: pickBest(entries, 'mse'), plateau: 'mean', windows }
}
