/**
 * From the inspectRun result (src/shared/inspect.ts) to what the Inside view draws, and the view's state in the
 * address bar. Pure: no DOM, no React, so the unit tests cover it.
 */
import type { InspectSequence, InspectSplit, LayerDirectionTraces, Matrix, TraceName } from '../../../shared/inspect'
import { isGate, tanhBounded } from './alignment'
import { niceSymmetric, unitDomain, type Domain } from './scales'

/** A matrix's values as float32, for the canvas (a float32 holds every digit the tooltip shows). */
export function toFloat32(m: Matrix): Float32Array {
  return Float32Array.from(m.values)
}

/** The colour domain of a trace: [0, 1] for gates, ±1 for tanh-bounded states, ±max|c| (rounded up) for the LSTM cell. */
export function traceDomain(trace: TraceName, values: ArrayLike<number>): Domain {
  if (isGate(trace)) return unitDomain
  return niceSymmetric(values, tanhBounded.has(trace))
}

export type Direction = 'forward' | 'backward'

/** The traces of one layer and direction, or undefined when the result has none for it. */
export function pickLayer<T extends { layer: number; direction: Direction }>(items: readonly T[] | undefined, layer: number, direction: Direction): T | undefined {
  return items?.find((x) => x.layer === layer && x.direction === direction)
}

export function traceNames(t: LayerDirectionTraces): TraceName[] {
  return (['i', 'f', 'g', 'o', 'c', 'h', 'z', 'r', 'n'] as const).filter((n) => t.values[n])
}

// ---------------------------------------------------------------------------------------------------------------
// The view's state, kept in the hash query so a reload, the back button and a shared link show the same view.

export interface InsideState {
  /** How the sequence is chosen. */
  pick: 'index' | 'best' | 'worst'
  split: InspectSplit
  index: number
  k: number
  layer: number
  direction: Direction
}

export const defaultState: InsideState = { pick: 'index', split: 'test', index: 0, k: 5, layer: 0, direction: 'forward' }

const int = (s: string | undefined, fallback: number): number => {
  const n = s === undefined ? NaN : Number(s)
  return Number.isInteger(n) && n >= 0 ? n : fallback
}

export function stateFromQuery(q: Record<string, string>): InsideState {
  const pick = q.pick === 'best' || q.pick === 'worst' ? q.pick : 'index'
  const split = q.split === 'train' || q.split === 'val' ? q.split : 'test'
  return {
    pick,
    split,
    index: int(q.index, 0),
    k: Math.min(50, Math.max(1, int(q.k, 5))),
    layer: int(q.layer, 0),
    direction: q.dir === 'backward' ? 'backward' : 'forward'
  }
}

export function queryFromState(s: InsideState): Record<string, string> {
  const q: Record<string, string> = {}
  if (s.pick !== 'index') {
    q.pick = s.pick
    q.k = String(s.k)
  } else {
    q.split = s.split
    q.index = String(s.index)
  }
  if (s.layer) q.layer = String(s.layer)
  if (s.direction === 'backward') q.dir = 'backward'
  return q
}

/** The request's `sequence` for a state. */
export function sequenceOf(s: InsideState): InspectSequence {
  if (s.pick === 'best') return { kind: 'best', k: s.k }
  if (s.pick === 'worst') return { kind: 'worst', k: s.k }
  return { kind: 'index', split: s.split, index: s.index }
}

/**
 * Says what is wrong with an index, in the words of the picker, or null when it is in range. `count` is the number of
 * sequences in the split (from the run's dataset), null when not known yet.
 */
export function indexProblem(text: string, split: InspectSplit, count: number | null): string | null {
  const splitName = split === 'val' ? 'validation' : split
  if (text.trim() === '') return 'Enter a sequence number.'
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0) return `Sequence numbers are whole numbers from 0${count ? ` to ${count - 1}` : ''}.`
  if (count !== null && n >= count) return `The ${splitName} split has ${count.toLocaleString('en-US')} sequences: pick a number from 0 to ${(count - 1).toLocaleString('en-US')}.`
  return null
}

// ---------------------------------------------------------------------------------------------------------------
// Edited sequences: the values typed (or moved) in the editor, one line per step, one number per feature.

export type Parsed = { ok: true; values: number[][] } | { ok: false; message: string }

/**
 * Reads the editor's text: one line per step, features separated by commas, spaces or tabs. Every line needs exactly
 * one number per feature; the message names the first line that does not, in the editor's words.
 */
export function parseValues(text: string, features: readonly string[]): Parsed {
  const lines = text.split(/\r?\n/).map((l) => l.trim())
  while (lines.length && lines[lines.length - 1] === '') lines.pop()
  if (lines.length === 0) return { ok: false, message: 'Type at least one step: one line per step, one number per feature.' }
  if (lines.length > 10_000) return { ok: false, message: `At most 10,000 steps can be inspected; this has ${lines.length.toLocaleString('en-US')} lines.` }
  const want = features.length
  const values: number[][] = []
  for (let i = 0; i < lines.length; i++) {
    const parts = lines[i]!.split(/[\s,;]+/).filter((p) => p !== '')
    if (parts.length !== want) {
      return {
        ok: false,
        message: `Line ${i + 1} has ${parts.length} value${parts.length === 1 ? '' : 's'}; each step needs ${want} (${features.join(', ')}).`
      }
    }
    const row = parts.map(Number)
    const bad = row.findIndex((v) => !Number.isFinite(v))
    if (bad >= 0) return { ok: false, message: `Line ${i + 1}: “${parts[bad]}” is not a number.` }
    values.push(row)
  }
  return { ok: true, values }
}

/** The editor's text for a sequence given as [features, steps] (original units). */
export function valuesText(inputs: Matrix): string {
  const [features, steps] = inputs.shape
  const lines: string[] = []
  for (let t = 0; t < steps; t++) {
    const row: string[] = []
    for (let d = 0; d < features; d++) row.push(String(Number(inputs.values[d * steps + t]!.toPrecision(6))))
    lines.push(row.join(', '))
  }
  return lines.join('\n')
}

/**
 * The adding problem's edit: values [steps][2] (value, marker) with the markers moved to steps a and b; the target is
 * the sum of the two marked values (CELLS.md). Steps out of range or equal say so.
 */
export function moveAddingMarkers(values: readonly number[][], a: number, b: number): { ok: true; values: number[][]; target: number } | { ok: false; message: string } {
  const T = values.length
  for (const s of [a, b]) {
    if (!Number.isInteger(s) || s < 0 || s >= T) return { ok: false, message: `Marker steps go from 0 to ${T - 1}; ${s} is outside.` }
  }
  if (a === b) return { ok: false, message: 'The two markers must be on different steps.' }
  const out = values.map((row, t) => [row[0]!, t === a || t === b ? 1 : 0])
  return { ok: true, values: out, target: out[a]![0]! + out[b]![0]! }
}

/** The steps of the adding problem's markers (second feature = 1), in order. */
export function addingMarkers(values: readonly number[][]): number[] {
  const out: number[] = []
  values.forEach((row, t) => row[1] === 1 && out.push(t))
  return out
}

/** values[t][d] from a [features, steps] matrix. */
export function stepsOf(inputs: Matrix): number[][] {
  const [features, steps] = inputs.shape
  return Array.from({ length: steps }, (_, t) => Array.from({ length: features }, (_, d) => inputs.values[d * steps + t]!))
}

/** Feature names for labels: the adding problem's two inputs by their meaning, else the data's names (x0, x1 … when it has none). */
export function featureNames(task: string, features: readonly string[], count: number): string[] {
  if (task === 'adding' && count === 2) return ['value', 'marker']
  return Array.from({ length: count }, (_, k) => features[k] ?? `x${k}`)
}
