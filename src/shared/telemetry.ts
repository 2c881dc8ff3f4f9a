/**
 * Gate telemetry (issue 14 §5): what the trainer records about the inside of its cells at every epoch, as ordinary
 * metrics. The names are systematic, so the UI, reports and exports can recognise, group and label them:
 *
 *   gate/<layer>/<gate>/mean       mean activation of that gate over the probe batch (every sequence, step and unit)
 *   gate/<layer>/<gate>/satLeft    fraction of those values left-saturated (below 0.1; Karpathy et al. 2015)
 *   gate/<layer>/<gate>/satRight   fraction right-saturated (above 0.9)
 *   grad/<layer>/h1OverhT          ‖∂L/∂h_1‖₂ / ‖∂L/∂h_T‖₂ over the probe batch: gradient flow through time
 *
 * <layer> is `l0`, `l1`, … (0 = the layer next to the input); the backward direction of a bidirectional layer is
 * `l0bw`. Gates (CELLS.md names), as the inspector's gate statistics (src/shared/cells/stats.ts): LSTM i, f, g, o;
 * GRU z, r, n. The sigmoid gates live in [0, 1] with thresholds 0.1 / 0.9; the tanh candidates (LSTM g, GRU n) in
 * [−1, 1] with thresholds −0.9 / 0.9. A vanilla RNN has no gates, only the gradient ratio. h_1 and h_T are the first
 * and the last step in the direction the layer reads the sequence (for a backward layer, h_1 is its state after x_T).
 */

export const TELEMETRY_PREFIXES = ['gate/', 'grad/'] as const

/** Gate statistics per gate. */
export const gateStats = ['mean', 'satLeft', 'satRight'] as const
export type GateStat = (typeof gateStats)[number]

/** The gates whose telemetry a cell records (the inspector's statistic gates). */
export const telemetryGates: Readonly<Record<'lstm' | 'gru' | 'rnn', readonly string[]>> = { lstm: ['i', 'f', 'g', 'o'], gru: ['z', 'r', 'n'], rnn: [] }

export function layerKey(layer: number, direction: 'forward' | 'backward' = 'forward'): string {
  return `l${layer}${direction === 'backward' ? 'bw' : ''}`
}

export function gateMetric(layer: string, gate: string, stat: GateStat): string {
  return `gate/${layer}/${gate}/${stat}`
}

export function gradMetric(layer: string): string {
  return `grad/${layer}/h1OverhT`
}

/** Wall time the telemetry took in an epoch (a diagnostic: it counts against the 5% budget, bench/telemetry.bench.ts). */
export const TELEMETRY_COST_METRIC = 'telemetryMs'

/** True for a metric the gate telemetry records (not its cost, telemetryMs, which is a diagnostic like epochMs). */
export function isTelemetryMetric(name: string): boolean {
  return name.startsWith('gate/') || name.startsWith('grad/')
}

export interface ParsedTelemetryMetric {
  kind: 'gate' | 'grad'
  /** `l0`, `l1bw`, … */
  layer: string
  /** Gate letter (gate metrics only). */
  gate?: string
  /** mean / satLeft / satRight, or h1OverhT. */
  stat: string
}

export function parseTelemetryMetric(name: string): ParsedTelemetryMetric | null {
  const gate = /^gate\/(l\d+(?:bw)?)\/([a-z])\/(mean|satLeft|satRight)$/.exec(name)
  if (gate) return { kind: 'gate', layer: gate[1]!, gate: gate[2]!, stat: gate[3]! }
  const grad = /^grad\/(l\d+(?:bw)?)\/(h1OverhT)$/.exec(name)
  if (grad) return { kind: 'grad', layer: grad[1]!, stat: grad[2]! }
  return null
}

const gateWords: Record<string, string> = {
  i: 'input gate i',
  f: 'forget gate f',
  g: 'candidate g',
  o: 'output gate o',
  z: 'update gate z',
  r: 'reset gate r',
  n: 'candidate n'
}
const statWords: Record<string, string> = {
  mean: 'mean',
  satLeft: 'fraction left-saturated',
  satRight: 'fraction right-saturated',
  h1OverhT: '‖∂L/∂h₁‖ / ‖∂L/∂h_T‖'
}

function layerWords(layer: string): string {
  const m = /^l(\d+)(bw)?$/.exec(layer)
  return m ? `layer ${Number(m[1]) + 1}${m[2] ? ' backward' : ''}` : layer
}

/** A telemetry metric in words, e.g. "forget gate f, fraction > 0.9 (layer 1)"; null for other metrics. */
export function describeTelemetryMetric(name: string): string | null {
  const p = parseTelemetryMetric(name)
  if (!p) return null
  if (p.kind === 'grad') return `gradient flow ${statWords[p.stat]} (${layerWords(p.layer)})`
  return `${gateWords[p.gate!] ?? `gate ${p.gate}`}, ${statWords[p.stat]} (${layerWords(p.layer)})`
}

/** Every metric name a run of this shape records (in the order the trainer emits them). */
export function telemetryMetricNames(cell: 'lstm' | 'gru' | 'rnn', layers: number, bidirectional: boolean): string[] {
  const names: string[] = []
  for (let l = 0; l < layers; l++) {
    for (const direction of bidirectional ? (['forward', 'backward'] as const) : (['forward'] as const)) {
      const key = layerKey(l, direction)
      for (const gate of telemetryGates[cell]) for (const stat of gateStats) names.push(gateMetric(key, gate, stat))
      names.push(gradMetric(key))
    }
  }
  return names
}
