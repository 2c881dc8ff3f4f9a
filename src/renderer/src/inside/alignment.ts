/**
 * Which gates of two runs sit side by side (CELLS.md, "Reading the gates"): LSTM f (keep the old cell) ↔ GRU z (keep
 * the old state, h = z ⊙ h_prev + (1 − z) ⊙ n); LSTM i (admit the candidate) ↔ GRU 1 − z; the candidates g ↔ n (each
 * a fresh tanh proposal); h ↔ h. The LSTM output gate o, the GRU reset gate r and the LSTM cell c have no counterpart
 * and stand on their own. Pure: the pages and the tests use the same table.
 */
import type { CellKind } from './scales'

/** Every trace a cell records: LSTM i f g o c h; GRU z r n h; RNN h. */
export type TraceName = 'i' | 'f' | 'g' | 'o' | 'c' | 'h' | 'z' | 'r' | 'n'

export const cellTraces: Record<CellKind, TraceName[]> = {
  lstm: ['i', 'f', 'g', 'o', 'c', 'h'],
  gru: ['z', 'r', 'n', 'h'],
  rnn: ['h']
}

/** Gates are in (0, 1) (sequential scale); the rest are signed (diverging scale). */
export const gateNames: ReadonlySet<TraceName> = new Set(['i', 'f', 'o', 'z', 'r'])

export const isGate = (name: TraceName): boolean => gateNames.has(name)

/** Bounded by tanh (|x| ≤ 1), so their scale is always ±1; the LSTM cell c is not bounded. */
export const tanhBounded: ReadonlySet<TraceName> = new Set(['g', 'n', 'h'])

/** One side of an aligned row: a run's trace, or its complement 1 − x (GRU 1 − z). */
export interface AlignedSide {
  trace: TraceName
  complement: boolean
}

export interface AlignedRow {
  /** What the row means, in plain words. */
  role: string
  sides: [AlignedSide | null, AlignedSide | null]
}

const plain = (trace: TraceName): AlignedSide => ({ trace, complement: false })

/** The LSTM ↔ GRU table, LSTM on the left. */
const lstmGru: Array<{ role: string; lstm: AlignedSide | null; gru: AlignedSide | null }> = [
  { role: 'keeps the old memory', lstm: plain('f'), gru: plain('z') },
  { role: 'admits the new candidate', lstm: plain('i'), gru: { trace: 'z', complement: true } },
  { role: 'the candidate (a fresh tanh proposal)', lstm: plain('g'), gru: plain('n') },
  { role: 'exposes the cell (LSTM only)', lstm: plain('o'), gru: null },
  { role: 'resets the old state inside the candidate (GRU only)', lstm: null, gru: plain('r') },
  { role: 'the cell state (LSTM only)', lstm: plain('c'), gru: null },
  { role: 'the hidden state (the layer’s output)', lstm: plain('h'), gru: plain('h') }
]

const traceRoles: Record<TraceName, string> = {
  i: 'input gate: admits the candidate',
  f: 'forget gate: keeps the old cell',
  g: 'candidate cell content',
  o: 'output gate: exposes the cell',
  c: 'cell state',
  h: 'hidden state',
  z: 'update gate: keeps the old state',
  r: 'reset gate',
  n: 'candidate state'
}

export function roleOf(trace: TraceName): string {
  return traceRoles[trace]
}

/**
 * The rows of a two-run comparison, left run first. Same cells: trace by trace. LSTM and GRU: the table above (mirrored
 * when the GRU is on the left). With an RNN: h ↔ h, the other run's traces on their own.
 */
export function alignTraces(left: CellKind, right: CellKind): AlignedRow[] {
  if (left === right) return cellTraces[left].map((t) => ({ role: traceRoles[t], sides: [plain(t), plain(t)] }))
  if ((left === 'lstm' && right === 'gru') || (left === 'gru' && right === 'lstm')) {
    const flip = left === 'gru'
    return lstmGru.map((r) => ({ role: r.role, sides: flip ? [r.gru, r.lstm] : [r.lstm, r.gru] }))
  }
  // One of them is an RNN: only the hidden states correspond.
  const rows: AlignedRow[] = []
  for (const t of cellTraces[left]) if (t !== 'h') rows.push({ role: traceRoles[t], sides: [plain(t), null] })
  for (const t of cellTraces[right]) if (t !== 'h') rows.push({ role: traceRoles[t], sides: [null, plain(t)] })
  rows.push({ role: traceRoles.h, sides: [plain('h'), plain('h')] })
  return rows
}

/** Traces with saturation statistics: the sigmoid gates and the tanh candidates g and n (not the states c and h). */
export const statTraces: ReadonlySet<TraceName> = new Set(['i', 'f', 'g', 'o', 'z', 'r', 'n'])

/** The rows of the saturation scatter: the traces that have statistics. */
export function alignGates(left: CellKind, right: CellKind): AlignedRow[] {
  return alignTraces(left, right).filter((r) => r.sides.some((s) => s !== null) && r.sides.every((s) => s === null || statTraces.has(s.trace)))
}

/** How a side is written: f, z, 1 − z. */
export function sideLabel(side: AlignedSide): string {
  return side.complement ? `1 − ${side.trace}` : side.trace
}

/** Values of 1 − x, elementwise (a new array). */
export function complementValues(values: Float32Array | Float64Array): Float32Array {
  const out = new Float32Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = 1 - values[i]!
  return out
}

/** Per-unit saturation statistics of one gate (Karpathy et al. 2015): fractions below 0.1 and above 0.9, the mean. */
export interface UnitGateStats {
  left: number
  right: number
  mean: number
  /** Counts per equal-width bin of [0, 1], low to high (may be empty when not recorded). */
  histogram: number[]
}

/** The statistics of 1 − x from those of x: left and right swap, the mean is 1 − mean, the histogram reverses. */
export function complementStats(s: UnitGateStats): UnitGateStats {
  return { left: s.right, right: s.left, mean: 1 - s.mean, histogram: [...s.histogram].reverse() }
}

export type UnitSortKey = 'unit' | 'left' | 'right' | 'mean' | 'neither'

/** "neither": the fraction of steps in the gate's unsaturated middle, 1 − left − right. */
export function unitStatistic(s: UnitGateStats, key: Exclude<UnitSortKey, 'unit'>): number {
  return key === 'neither' ? 1 - s.left - s.right : s[key]
}

/**
 * The order in which units are drawn: by index, or by a statistic (descending, ties by unit index so the order is
 * stable). Returns a permutation: row r shows unit order[r].
 */
export function sortUnits(stats: readonly UnitGateStats[], key: UnitSortKey, descending = true): number[] {
  const order = stats.map((_, u) => u)
  if (key === 'unit') return order
  const v = stats.map((s) => unitStatistic(s, key))
  return order.sort((a, b) => (descending ? v[b]! - v[a]! : v[a]! - v[b]!) || a - b)
}
