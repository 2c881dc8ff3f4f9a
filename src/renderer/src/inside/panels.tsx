/**
 * The pieces of an Inside view, each drawing one part of an inspectRun result on the shared time axis: the inputs,
 * the target and prediction, the gate and state heatmaps, one unit's gates as lines, the gradient flow, the
 * attribution and the memory retention. InsidePage (one run) and InsideComparePage (two runs) arrange them.
 */
import { useMemo, useState } from 'react'
import type { InspectedSequence, InspectOk, LayerDirectionTraces, Matrix, TraceName } from '../../../shared/inspect'
import { chartPalette, groupColors, useTheme, type Theme } from '../theme'
import { Heatmap } from './Heatmap'
import { LineLegend, TimeLines, type LineSeries } from './TimeLines'
import { complementValues, isGate, roleOf, type AlignedSide } from './alignment'
import { niceSymmetric, unitDomain, type CellKind } from './scales'
import { toFloat32, traceDomain, traceNames, type Direction } from './model'
import { formatValue, unitLabel } from './format'

/** Line colours per trace: gates that play the same role share a colour (f and z, g and n, o and r stand apart). */
export function traceColor(trace: TraceName, theme: Theme): string {
  const dark = theme === 'dark'
  switch (trace) {
    case 'f':
    case 'z':
      return dark ? '#56b4e9' : '#0072b2'
    case 'i':
      return '#009e73'
    case 'o':
    case 'r':
      return '#cc79a7'
    case 'g':
    case 'n':
      return '#e69f00'
    case 'c':
      return '#d55e00'
    case 'h':
      return chartPalette[theme].text
  }
}

/** The group key that links a run's heatmaps of one layer and direction (hovered unit outlined in all of them). */
export const groupKey = (runId: string, layer: number, direction: Direction): string => `${runId}:${layer}:${direction}`

/** Features drawn as lines (a few) or as a heatmap (many, e.g. one-hot symbols). */
export function InputsPlot({ seq, features, showTimeAxis = false }: { seq: InspectedSequence; features: readonly string[]; showTimeAxis?: boolean }): React.JSX.Element {
  const [d, T] = seq.inputsOriginal.shape
  const series = useMemo<LineSeries[]>(() => {
    if (d > 3) return []
    return Array.from({ length: d }, (_, k) => {
      const values = seq.inputsOriginal.values.slice(k * T, (k + 1) * T)
      // A 0/1 feature (the adding problem's markers) reads better as dots where it is 1.
      const binary = values.every((v) => v === 0 || v === 1)
      return {
        label: features[k] ?? `x${k}`,
        color: groupColors[(k + 2) % groupColors.length]!,
        values: binary ? values.map((v) => (v === 1 ? 1 : NaN)) : values,
        dots: binary,
        width: binary ? 0 : 1.4
      }
    })
  }, [seq, d, T, features])
  const values = useMemo(() => (d > 3 ? toFloat32(seq.inputs) : new Float32Array()), [seq, d])
  if (d > 3) {
    return (
      <Heatmap
        title="x"
        description={`the ${d} input features as the model sees them (scaled), one row per feature`}
        values={values}
        units={d}
        steps={T}
        scale="diverging"
        cell="lstm"
        domain={niceSymmetric(values)}
        group="inputs"
        showTimeAxis={showTimeAxis}
        testId="inside-inputs"
      />
    )
  }
  return (
    <div>
      <TimeLines title="x" description="the input features in the data's own units" series={series} steps={T} height={90} showTimeAxis={showTimeAxis} testId="inside-inputs" />
      <LineLegend series={series} />
    </div>
  )
}

/** The output side: per-step targets and predictions as lines; one output per sequence as numbers. */
export function OutputsView({ runs }: { runs: Array<{ label: string; color: string; result: InspectOk; seq: InspectedSequence }> }): React.JSX.Element | null {
  const first = runs[0]
  if (!first) return null
  const { result, seq } = first
  if (!result.perStep) {
    return (
      <p className="inside-outputs" data-testid="inside-outputs">
        {seq.target && <span>target <b>{seq.target.map(formatValue).join(', ')}</b></span>}
        {runs.map((r) => (
          <span key={r.label}>
            <span className="swatch-dot" style={{ background: r.color }} aria-hidden="true" /> {r.label} predicts <b>{r.seq.prediction.map(formatValue).join(', ')}</b>
            {r.seq.loss !== null && <span className="muted"> (loss {formatValue(r.seq.loss)})</span>}
          </span>
        ))}
        <span className="muted small">one output per sequence, after the last step</span>
      </p>
    )
  }
  const T = seq.steps
  const perStepValues = (v: number[] | null): number[] => {
    if (!v) return []
    if (result.kind === 'classification' && v.length === T * result.outputSize && result.outputSize > 1) {
      // Probabilities per step: the predicted class is the largest.
      return Array.from({ length: T }, (_, t) => {
        let best = 0
        for (let k = 1; k < result.outputSize; k++) if (v[t * result.outputSize + k]! > v[t * result.outputSize + best]!) best = k
        return best
      })
    }
    return v.filter((_, i) => i % result.outputSize === 0)
  }
  const series: LineSeries[] = [
    ...(seq.target ? [{ label: 'target', color: '#7a7d85', values: perStepValues(seq.target), dots: result.kind === 'classification', width: result.kind === 'classification' ? 0 : 2 }] : []),
    ...runs.map((r) => ({ label: `${r.label} prediction`, color: r.color, values: perStepValues(r.seq.prediction), dash: [5, 3], dots: result.kind === 'classification', width: result.kind === 'classification' ? 0 : 1.5 }))
  ]
  return (
    <div data-testid="inside-outputs">
      <TimeLines title="y" description={result.kind === 'classification' ? 'target and predicted class at each step' : 'target and prediction at each step'} series={series} steps={T} height={90} />
      <LineLegend series={series} />
    </div>
  )
}

/** One heatmap per traced quantity of a layer and direction, in the order of the equations. */
export function TracesStack({
  runId,
  cell,
  traces,
  layer,
  direction,
  order,
  selectedUnit,
  onSelectUnit,
  only
}: {
  runId: string
  cell: CellKind
  traces: LayerDirectionTraces
  layer: number
  direction: Direction
  order?: readonly number[]
  selectedUnit: number | null
  onSelectUnit: (u: number) => void
  /** Draw only these sides (the comparison's aligned rows), else every trace. */
  only?: ReadonlyArray<AlignedSide>
}): React.JSX.Element {
  const names = only ? only.map((s) => s.trace) : traceNames(traces)
  return (
    <div className="traces-stack">
      {names.map((name, k) => {
        const side = only?.[k]
        return (
          <TraceHeatmap
            key={`${name}${side?.complement ? '-c' : ''}`}
            runId={runId}
            cell={cell}
            m={traces.values[name]!}
            trace={name}
            complement={side?.complement ?? false}
            layer={layer}
            direction={direction}
            order={order}
            selectedUnit={selectedUnit}
            onSelectUnit={onSelectUnit}
            showTimeAxis={k === names.length - 1}
          />
        )
      })}
    </div>
  )
}

export function TraceHeatmap({
  runId,
  cell,
  m,
  trace,
  complement,
  layer,
  direction,
  order,
  selectedUnit,
  onSelectUnit,
  showTimeAxis
}: {
  runId: string
  cell: CellKind
  m: Matrix
  trace: TraceName
  complement: boolean
  layer: number
  direction: Direction
  order?: readonly number[]
  selectedUnit: number | null
  onSelectUnit: (u: number) => void
  showTimeAxis: boolean
}): React.JSX.Element {
  const values = useMemo(() => (complement ? complementValues(toFloat32(m)) : toFloat32(m)), [m, complement])
  const domain = useMemo(() => traceDomain(trace, values), [trace, values])
  const [units, steps] = m.shape
  const title = complement ? `1 − ${trace}` : trace
  return (
    <Heatmap
      title={title}
      description={complement ? 'one minus the update gate: the part of the candidate admitted' : roleOf(trace)}
      values={values}
      units={units}
      steps={steps}
      order={order}
      scale={isGate(trace) ? 'sequential' : 'diverging'}
      cell={cell}
      domain={domain}
      group={groupKey(runId, layer, direction)}
      selectedUnit={selectedUnit}
      onSelectUnit={onSelectUnit}
      showTimeAxis={showTimeAxis}
      testId={`heatmap-${runId}-${complement ? '1-' : ''}${trace}`}
    />
  )
}

/** A clicked unit: its gates over time as lines on [0, 1], and its states (and candidate) below. */
export function UnitLines({ traces, unit, label, onClose }: { traces: LayerDirectionTraces; unit: number; label: string; onClose: () => void }): React.JSX.Element {
  const theme = useTheme()
  const names = traceNames(traces)
  const row = (m: Matrix): number[] => m.values.slice(unit * m.shape[1], (unit + 1) * m.shape[1])
  const steps = traces.values[names[0]!]!.shape[1]
  const gates: LineSeries[] = names.filter(isGate).map((n) => ({ label: n, color: traceColor(n, theme), values: row(traces.values[n]!) }))
  const states: LineSeries[] = names.filter((n) => !isGate(n)).map((n) => ({ label: n, color: traceColor(n, theme), values: row(traces.values[n]!), dash: n === 'g' || n === 'n' ? [4, 3] : undefined }))
  return (
    <div className="unit-lines" data-testid="unit-lines" data-unit={unit}>
      <div className="card-head">
        <h2>{label} · {unitLabel(unit)} over time</h2>
        <button type="button" className="small" onClick={onClose}>
          Close
        </button>
      </div>
      {gates.length > 0 && (
        <>
          <TimeLines title="gates" description={`the gates of ${unitLabel(unit)}`} series={gates} steps={steps} range={[0, 1]} height={110} />
          <LineLegend series={gates} />
        </>
      )}
      <TimeLines title="states" description={`the states of ${unitLabel(unit)}`} series={states} steps={steps} height={110} showTimeAxis />
      <LineLegend series={states} />
    </div>
  )
}

/** ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖ for an LSTM) per step, log scale, one line per run. */
export function GradientPlot({ runs, layerOf, direction }: { runs: Array<{ label: string; color: string; result: InspectOk; seq: InspectedSequence; dash?: number[] }>; layerOf: (r: InspectOk) => number; direction: Direction }): React.JSX.Element {
  const series: LineSeries[] = []
  let steps = 0
  for (const r of runs) {
    const g = r.seq.gradients?.find((x) => x.layer === layerOf(r.result) && x.direction === direction) ?? r.seq.gradients?.find((x) => x.layer === layerOf(r.result))
    if (!g) continue
    steps = Math.max(steps, g.dhNorm.length)
    series.push({ label: `${r.label} ‖∂L/∂h‖`, color: r.color, values: g.dhNorm, width: 2, dash: r.dash })
    if (g.dcNorm) series.push({ label: `${r.label} ‖∂L/∂c‖`, color: r.color, values: g.dcNorm, dash: [2, 3], width: 1.5 })
  }
  if (series.length === 0) return <p className="muted">No gradients in this result.</p>
  const of = runs[0]?.seq.gradientOf === 'output' ? 'the explained output (the edited sequence has no target)' : 'the loss of this sequence'
  return (
    <div data-testid="gradient-flow">
      <TimeLines title="‖∂L/∂h‖" description={`gradient norms of ${of} with respect to each step's state`} series={series} steps={steps} log height={170} showTimeAxis yLabel="log" />
      <LineLegend series={series} />
      <p className="muted small">Gradients of {of}, log scale.</p>
    </div>
  )
}

/** Gradient × input or integrated gradients, features × time, with the completeness check stated. */
export function AttributionPanel({ seq, features }: { seq: InspectedSequence; features: readonly string[] }): React.JSX.Element {
  const [method, setMethod] = useState<'ig' | 'gxi'>('ig')
  const a = seq.attribution
  const m = a ? (method === 'ig' ? a.integratedGradients : a.gradientTimesInput) : null
  const values = useMemo(() => (m ? toFloat32(m) : new Float32Array()), [m])
  if (!a || !m) return <p className="muted">No attribution in this result.</p>
  const [d, T] = m.shape
  return (
    <div data-testid="attribution">
      <div className="segmented small" role="group" aria-label="Attribution method">
        <button type="button" className={method === 'ig' ? 'on' : ''} aria-pressed={method === 'ig'} onClick={() => setMethod('ig')}>
          Integrated gradients ({a.igSteps} steps)
        </button>
        <button type="button" className={method === 'gxi' ? 'on' : ''} aria-pressed={method === 'gxi'} onClick={() => setMethod('gxi')}>
          Gradient × input
        </button>
      </div>
      <p className="small muted attribution-what">
        {method === 'ig' ? `Integrated gradients from the baseline x′ = [${a.baseline.map(formatValue).join(', ')}] with ${a.igSteps} interpolation points` : 'Gradient × input'} of {a.output}.
        {method === 'ig' && ` Sum over steps and features ${formatValue(a.integratedSum)} ≈ ŷ(x) − ŷ(x′) = ${formatValue(a.prediction - a.baselinePrediction)}.`} Rows: {features.join(', ')}.
      </p>
      <Heatmap title={method === 'ig' ? 'IG' : 'g×x'} description={method === 'ig' ? 'integrated gradients per feature and step' : 'gradient times input per feature and step'} values={values} units={d} steps={T} scale="diverging" cell="lstm" domain={niceSymmetric(values)} group="attribution" showTimeAxis testId="attribution-heatmap" />
    </div>
  )
}

/** ∏ of f (LSTM) or z (GRU) after each step, units × time. */
export function MemoryHeatmap({ runId, cell, seq, layer, direction, order }: { runId: string; cell: CellKind; seq: InspectedSequence; layer: number; direction: Direction; order?: readonly number[] }): React.JSX.Element {
  const mem = seq.memory?.find((x) => x.layer === layer && x.direction === direction)
  const values = useMemo(() => (mem ? toFloat32(mem.retention) : new Float32Array()), [mem])
  if (!mem) return <p className="muted">{cell === 'rnn' ? 'A vanilla RNN has no gate that keeps memory: nothing to show.' : 'No memory retention in this result.'}</p>
  const [units, steps] = mem.retention.shape
  return (
    <Heatmap
      title={`∏${mem.gate}`}
      description={`how much of what was written at each step still reaches the last step (product of ${mem.gate} after it)`}
      values={values}
      units={units}
      steps={steps}
      order={order}
      scale="sequential"
      cell={cell}
      domain={unitDomain}
      group={groupKey(runId, layer, direction)}
      showTimeAxis
      testId={`memory-${runId}`}
    />
  )
}
