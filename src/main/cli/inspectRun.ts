/**
 * `gatelab inspect RUN`: inside a stored run's cells (docs/INSPECT.md) — gate and state traces, gradient flow
 * through time, attribution and memory for one sequence (or the K best/worst), and gate statistics over a split.
 * A summary by default; the full result as JSON (--json, shapes stated) or as long-form CSV (--out FILE.csv).
 * Exit 2 with a one-line message for bad input: an unknown run, a run without weights, an index out of range, a
 * values file with the wrong number of features.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { GateLabError } from '../../shared/api'
import { inspectRequestSchema, type InspectOk, type InspectRequest, type InspectSequence } from '../../shared/inspect'
import { inspectRunHere } from '../inspect'
import { checkFileOutput, writeFileOutput } from '../report/output'
import { UsageError, intFlag, parseCommandArgs } from './args'
import { asUsageError, openReportSource } from './report'

export const inspectRunUsage = `gatelab inspect RUN [--split test|val|train] [--index N | --best K | --worst K | --values FILE.csv]
                [--stats [--sample N]] [--layer L[,L...]] [--ig-steps N] [--json] [--out FILE.csv] [--db PATH]
                gates, states, gradient flow, attribution and memory of a stored run (docs/INSPECT.md)`

/** Reads a values file: one row per step, one column per feature, an optional header row; comma, semicolon or tab. */
export function readValuesFile(path: string): number[][] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new UsageError(`inspect: cannot read --values ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '')
  const delimiter = lines[0]?.includes('\t') ? '\t' : lines[0]?.includes(';') ? ';' : ','
  const rows = lines.map((l) => l.split(delimiter).map((c) => c.trim()))
  if (rows.length > 0 && rows[0]!.some((c) => c === '' || !Number.isFinite(Number(c)))) rows.shift() // a header
  if (rows.length === 0) throw new UsageError(`inspect: --values ${path} has no rows of numbers (one row per step, one column per feature)`)
  return rows.map((row, i) =>
    row.map((c, j) => {
      const v = Number(c)
      if (c === '' || !Number.isFinite(v)) throw new UsageError(`inspect: --values ${path}: row ${i + 1}, column ${j + 1} is "${c}", not a number`)
      return v
    })
  )
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–'
  if (v === 0) return '0'
  const a = Math.abs(v)
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(4)
}

/** The human summary: what was inspected, prediction against target, gradient flow, top attribution, statistics. */
function summary(result: InspectOk): string {
  const lines: string[] = []
  const layers = result.layers.map((l) => `${l.units}${l.bidirectional ? '×2' : ''}`).join(' → ')
  lines.push(`Run ${result.runId}: ${result.cellForm ?? result.form} (${result.form}, gates ${result.gateActivation ?? 'none'}), layers ${layers}, T = ${result.seqLen}, ${result.inputSize} feature(s)`)
  for (const s of result.sequences) {
    const where = s.source.split === 'edited' ? 'edited values' : `${s.source.split} sequence ${s.source.index}`
    const target = s.target ? s.target.slice(-Math.max(1, result.outputSize)).map(fmt).join(', ') : '–'
    const pred = s.prediction.slice(-result.outputSize).map(fmt).join(', ')
    lines.push(`\n${where} (${s.steps} steps): prediction ${pred}, target ${target}, loss ${fmt(s.loss)}`)
    for (const g of s.gradients ?? []) {
      const first = g.direction === 'forward' ? 0 : s.steps - 1
      const last = g.direction === 'forward' ? s.steps - 1 : 0
      const ratio = g.dhNorm[last]! > 0 ? g.dhNorm[first]! / g.dhNorm[last]! : NaN
      const cell = g.dcNorm ? `, ‖∂L/∂c‖ first/last step ${fmt(g.dcNorm[first])} / ${fmt(g.dcNorm[last])}` : ''
      lines.push(`  layer ${g.layer} ${g.direction}: ‖∂L/∂h‖ first/last step ${fmt(g.dhNorm[first])} / ${fmt(g.dhNorm[last])} (ratio ${fmt(ratio)})${cell}`)
    }
    const a = s.attribution
    if (a) {
      const T = s.steps
      const D = a.integratedGradients.shape[0]
      const perStep = Array.from({ length: T }, (_, t) => {
        let sum = 0
        for (let d = 0; d < D; d++) sum += Math.abs(a.integratedGradients.values[d * T + t]!)
        return [t, sum] as const
      })
      const top = [...perStep].sort((x, y) => y[1] - x[1]).slice(0, 5)
      lines.push(`  integrated gradients (${a.igSteps} steps, baseline ${a.baseline.map(fmt).join(', ')}): top steps ${top.map(([t, v]) => `t=${t} (${fmt(v)})`).join(', ')}`)
      lines.push(`  Σ IG = ${fmt(a.integratedSum)} vs ŷ(x) − ŷ(baseline) = ${fmt(a.prediction - a.baselinePrediction)}`)
    }
  }
  if (result.stats) {
    const st = result.stats
    lines.push(`\nGate statistics over ${st.sampled ? `a sample of ${st.sequences} of ${st.total}` : `all ${st.total}`} ${st.split} sequences × ${st.steps} steps (${st.computedWith === 'float32-kernel' ? 'fused kernel forward pass, float32' : 'float64'}):`)
    for (const g of st.gates) {
      const mean = (xs: number[]) => xs.reduce((p, q) => p + q, 0) / Math.max(1, xs.length)
      lines.push(
        `  layer ${g.layer} ${g.direction} ${g.gate}: mean ${fmt(mean(g.mean))}, left-saturated ${(100 * mean(g.leftSaturated)).toFixed(1)}%, right-saturated ${(100 * mean(g.rightSaturated)).toFixed(1)}% (averaged over ${g.mean.length} units)`
      )
    }
  }
  lines.push(`\n(${result.elapsedMs} ms; --json or --out FILE.csv for every value)`)
  return lines.join('\n') + '\n'
}

const csvCell = (v: string | number): string => (typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

/**
 * Long form: run_id, sequence, layer, direction, gate, unit, t, value. `gate` is a traced quantity (i f g o c h / z r n h),
 * dL/dh, dL/dc, retention, or (layer and direction empty, unit = feature) input, grad_x_input, integrated_gradients;
 * statistics rows have sequence "stats:<split>", gate "<gate>:mean|left|right" and t empty.
 */
export function inspectCsv(result: InspectOk): string {
  const out: string[] = ['run_id,sequence,layer,direction,gate,unit,t,value']
  const row = (seq: string, layer: number | '', direction: string, gate: string, unit: number, t: number | '', value: number) =>
    out.push([result.runId, seq, layer, direction, gate, unit, t, value].map(csvCell).join(','))
  const matrix = (seq: string, layer: number | '', direction: string, gate: string, m: { shape: [number, number]; values: number[] }) => {
    const [rows, cols] = m.shape
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) row(seq, layer, direction, gate, r, c, m.values[r * cols + c]!)
  }
  for (const s of result.sequences) {
    const seq = s.source.split === 'edited' ? 'edited' : `${s.source.split}:${s.source.index}`
    matrix(seq, '', '', 'input', s.inputsOriginal)
    for (const tr of s.traces ?? []) for (const [gate, m] of Object.entries(tr.values)) matrix(seq, tr.layer, tr.direction, gate, m)
    for (const g of s.gradients ?? []) {
      matrix(seq, g.layer, g.direction, 'dL/dh', g.dh)
      if (g.dc) matrix(seq, g.layer, g.direction, 'dL/dc', g.dc)
    }
    for (const m of s.memory ?? []) matrix(seq, m.layer, m.direction, 'retention', m.retention)
    if (s.attribution) {
      matrix(seq, '', '', 'grad_x_input', s.attribution.gradientTimesInput)
      matrix(seq, '', '', 'integrated_gradients', s.attribution.integratedGradients)
    }
  }
  if (result.stats) {
    for (const g of result.stats.gates) {
      const seq = `stats:${result.stats.split}`
      for (const [name, values] of [['mean', g.mean], ['left', g.leftSaturated], ['right', g.rightSaturated]] as const) {
        values.forEach((v, unit) => row(seq, g.layer, g.direction, `${g.gate}:${name}`, unit, '', v))
      }
    }
  }
  return out.join('\n') + '\n'
}

/** What --json prints: the result with a note on its shapes. */
export const jsonShapes =
  'Matrices are {shape: [rows, cols], values} row-major. traces.values.<gate>, gradients.dh/dc, memory.retention: [units, steps] on the input time axis (t = 0..T-1; a backward direction runs from t = T-1 down to 0). inputs, inputsOriginal, attribution.*: [features, steps]. dhNorm/dcNorm: [steps]. stats.gates[].mean/leftSaturated/rightSaturated: [units]; histogram: [units, bins] over range. See docs/INSPECT.md.'

export async function inspectRunCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('inspect', argv, {
    split: { type: 'string' },
    index: { type: 'string' },
    best: { type: 'string' },
    worst: { type: 'string' },
    values: { type: 'string' },
    stats: { type: 'boolean' },
    sample: { type: 'string' },
    layer: { type: 'string' },
    'ig-steps': { type: 'string' },
    json: { type: 'boolean' },
    out: { type: 'string' },
    db: { type: 'string' }
  })
  if (positionals.length !== 1) throw new UsageError(`inspect: give one run id, e.g. \`gatelab inspect 20261201-1311\`${positionals.length > 1 ? ` (got ${positionals.length})` : ' (`gatelab runs` lists them)'}`)
  const choices = (['index', 'best', 'worst', 'values'] as const).filter((k) => values[k] !== undefined)
  if (choices.length > 1) throw new UsageError(`inspect: give one of --index, --best, --worst, --values (got ${choices.map((c) => '--' + c).join(' and ')})`)
  const split = values.split ?? 'test'
  if (split !== 'test' && split !== 'val' && split !== 'train') throw new UsageError(`inspect: --split must be test, val or train, not "${values.split}"`)
  if ((values.best !== undefined || values.worst !== undefined) && values.split !== undefined && split !== 'test') {
    throw new UsageError('inspect: --best and --worst rank the test split; leave out --split or use --index')
  }
  let sequence: InspectSequence
  if (values.best !== undefined) sequence = { kind: 'best', k: intFlag('best', values.best, 1, 50)! }
  else if (values.worst !== undefined) sequence = { kind: 'worst', k: intFlag('worst', values.worst, 1, 50)! }
  else if (values.values !== undefined) sequence = { kind: 'values', values: readValuesFile(resolve(values.values)) }
  else sequence = { kind: 'index', split, index: intFlag('index', values.index, 0, 2 ** 31 - 1) ?? 0 }
  if (values.sample !== undefined && !values.stats) throw new UsageError('inspect: --sample goes with --stats (the number of sequences the statistics cover)')
  const layers = values.layer?.split(',').map((l) => intFlag('layer', l.trim(), 0, 15)!)
  const parsed = inspectRequestSchema.safeParse({
    runId: positionals[0],
    sequence,
    ...(layers ? { layers } : {}),
    ...(values['ig-steps'] !== undefined ? { igSteps: intFlag('ig-steps', values['ig-steps'], 1, 1000) } : {}),
    ...(values.stats ? { stats: { split, ...(values.sample !== undefined ? { sample: intFlag('sample', values.sample, 1, 1_000_000) } : {}) } } : {})
  })
  if (!parsed.success) throw new UsageError(`inspect: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  const request: InspectRequest = parsed.data
  if (values.out) {
    try {
      checkFileOutput(values.out)
    } catch (error) {
      throw asUsageError('inspect', error)
    }
  }
  const store = openReportSource(values.db)
  try {
    let result
    try {
      result = await inspectRunHere(store, request)
    } catch (error) {
      if (error instanceof GateLabError && error.code === 'bad_request') {
        const prefix = sequence.kind === 'values' ? `--values ${values.values}: ` : ''
        throw new UsageError(`inspect: ${prefix}${error.message}`)
      }
      throw error
    }
    if (!result.ok) throw new UsageError(`inspect: run ${request.runId}: ${result.reason}`)
    if (values.out) {
      const bytes = new TextEncoder().encode(inspectCsv(result))
      writeFileOutput(values.out, { name: 'inspect.csv', mediaType: 'text/csv', data: bytes })
      if (!values.json) process.stderr.write(`wrote ${values.out} (${bytes.length} bytes, long form: run_id,sequence,layer,direction,gate,unit,t,value)\n`)
    }
    if (values.json) process.stdout.write(JSON.stringify({ shapes: jsonShapes, ...result }) + '\n')
    else if (!values.out) process.stdout.write(summary(result))
    return 0
  } finally {
    store.close()
  }
}
