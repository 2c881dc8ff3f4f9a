/**
 * Inside one run (#/runs/ID/inside): for a chosen sequence, on one time axis, the inputs and the target/prediction,
 * then a heatmap per gate and state of the chosen layer and direction; a clicked unit's gates as lines; the gradient
 * flow; the attribution; the memory retention; and the saturation scatter over the test split. Each part carries its
 * explainer. The sequence, layer and direction live in the address, so a reload or a link shows the same view.
 */
import { useEffect, useMemo, useState } from 'react'
import type { RunDetail } from '../../../shared/api'
import type { InspectedSequence, InspectOk, InspectSplit } from '../../../shared/inspect'
import { useApi } from '../api/context'
import { CellChip, ErrorNote } from '../components/bits'
import { hasWeights } from '../components/PredictionsCard'
import { cellLabels, displayName } from '../format'
import { href, navigate } from '../lib/useRoute'
import { cellColors, useTheme } from '../theme'
import { CursorContext, CursorHub } from './cursor'
import { AttributionExplainer, GradientExplainer, MemoryExplainer, SaturationExplainer, TracesExplainer, formWords, type FormInfo } from './Explainers'
import { AttributionPanel, GradientPlot, InputsPlot, MemoryHeatmap, OutputsView, TracesStack, UnitLines } from './panels'
import { SaturationGrid, parseSortChoice, sortChoices, unitStats } from './Saturation'
import { SequenceEditor, SequencePicker, type EditedSequence } from './SequencePicker'
import { featureNames, pickLayer, queryFromState, sequenceOf, stateFromQuery, type Direction, type InsideState } from './model'
import { sortUnits } from './alignment'
import { useInspect, type InspectArgs } from './useInspect'
import { formatValue } from './format'

const terminal = new Set(['completed', 'failed', 'cancelled', 'interrupted'])

/** Why a run cannot be looked inside, in the view's words, or null when it can. */
export function noWeightsReason(run: RunDetail): string | null {
  if (hasWeights(run)) return null
  if (!terminal.has(run.status)) return 'This run is still training. Its weights are stored when it finishes; look inside it then.'
  return `This run has no stored weights (it ${run.status === 'failed' ? 'failed' : 'stopped'} before its first save), so there is nothing to look inside. Start it again from “New run from this one”.`
}

export function useRunDetails(ids: readonly string[]): { runs: Array<RunDetail | null>; errors: Array<string | null> } {
  const api = useApi()
  const key = ids.join(',')
  const [state, setState] = useState<{ runs: Array<RunDetail | null>; errors: Array<string | null> }>({ runs: ids.map(() => null), errors: ids.map(() => null) })
  useEffect(() => {
    let live = true
    key.split(',').forEach((id, i) => {
      api.getRun({ id }).then(
        (r) => live && setState((s) => ({ runs: s.runs.map((x, k) => (k === i ? r : x)), errors: s.errors.map((x, k) => (k === i ? null : x)) })),
        (e: Error) => live && setState((s) => ({ runs: s.runs, errors: s.errors.map((x, k) => (k === i ? `${id}: ${e.message}` : x)) }))
      )
    })
    return () => {
      live = false
    }
  }, [api, key])
  return state
}

export function splitCounts(run: RunDetail | null | undefined): Record<InspectSplit, number> | null {
  return run?.dataset ? { train: run.dataset.train, val: run.dataset.val, test: run.dataset.test } : null
}

export function formOf(r: InspectOk): FormInfo {
  return { cell: r.cell, form: r.form, gateActivation: r.gateActivation }
}

/** Where a shown sequence came from, in words. */
export function sourceWords(seq: InspectedSequence, count: number | null): string {
  if (seq.source.split === 'edited') return 'edited sequence'
  const split = seq.source.split === 'val' ? 'validation' : seq.source.split
  return `${split} sequence ${seq.source.index}${count ? ` of ${count.toLocaleString('en-US')}` : ''}`
}

/** The stats request: the test split, all of it up to 500 sequences, else a seeded sample of 500 (stated in the view). */
export function statsArgs(runId: string, testCount: number | null): InspectArgs {
  return {
    runId,
    traces: false,
    gradients: false,
    attribution: false,
    memory: false,
    stats: testCount !== null && testCount > 500 ? { split: 'test', sample: 500 } : { split: 'test' }
  }
}

export function InsidePage({ id, query }: { id: string; query: Record<string, string> }): React.JSX.Element {
  const theme = useTheme()
  const { runs, errors } = useRunDetails([id])
  const run = runs[0]
  const state = stateFromQuery(query)
  const setState = (s: InsideState): void => navigate({ name: 'inside', id, query: queryFromState(s) }, { replace: true })
  const [editing, setEditing] = useState(false)
  const [edited, setEdited] = useState<EditedSequence | null>(null)
  const [which, setWhich] = useState(0)
  const [selectedUnit, setSelectedUnit] = useState<number | null>(null)
  const [sort, setSort] = useState('unit')
  const hub = useMemo(() => new CursorHub(), [])
  const reason = run ? noWeightsReason(run) : null
  const ready = !!run && reason === null
  const counts = splitCounts(run)

  const seqArgs: InspectArgs | null = ready ? { runId: id, sequence: edited && editing ? { kind: 'values', ...edited } : sequenceOf(state) } : null
  const { current, stale } = useInspect(seqArgs)
  // A vanilla RNN has no gates: no statistics to ask for.
  const statsShown = useInspect(ready && run.cell !== 'rnn' ? statsArgs(id, counts?.test ?? null) : null)
  const stats = statsShown.current.state === 'ok' ? statsShown.current.result.stats : undefined

  const result = current.state === 'ok' ? current.result : null
  const seq = result ? (result.sequences[Math.min(which, result.sequences.length - 1)] ?? null) : null
  const layers = result?.layers ?? []
  const layer = Math.min(state.layer, Math.max(0, layers.length - 1))
  const layerInfo = layers[layer]
  const direction: Direction = layerInfo?.directions.includes(state.direction) ? state.direction : 'forward'
  const traces = seq ? pickLayer(seq.traces, layer, direction) : undefined
  const features = result && run ? featureNames(run.task, result.features, result.inputSize) : []
  const order = useMemo(() => {
    const choice = parseSortChoice(sort)
    const g = choice && stats?.gates.find((x) => x.layer === layer && x.direction === direction && x.gate === choice.gate)
    return g && choice ? sortUnits(unitStats(g), choice.key) : undefined
  }, [sort, stats, layer, direction])

  if (errors[0] && !run) {
    return (
      <div className="page">
        <p><a href={href({ name: 'runs', query: {} })}>← Runs</a></p>
        <ErrorNote message={errors[0]} />
      </div>
    )
  }
  if (!run) return <div className="page"><p className="muted">Loading run…</p></div>

  const runLabel = displayName(run)
  const color = cellColors[theme][run.cell]
  return (
    <CursorContext.Provider value={hub}>
      <div className="page page-wide inside-page" data-testid="inside-page">
        <p className="crumbs">
          <a href={href({ name: 'runs', query: {} })}>Runs</a> / <a href={href({ name: 'run', id })} className="mono">{id}</a> / Inside
        </p>
        <div className="page-head">
          <div>
            <h1 className="page-title">
              <CellChip cell={run.cell} /> Inside {runLabel}
            </h1>
            <p className="page-lede">
              {result ? formWords(formOf(result)) : run.cellForm ?? cellLabels[run.cell]} · {run.dataset?.description ?? run.task}
              {result && ` · ${result.layers.length} layer${result.layers.length === 1 ? '' : 's'} of ${result.layers[0]?.units ?? '?'} units`}
            </p>
          </div>
        </div>

        {reason && (
          <div className="card empty" data-testid="inside-unavailable">
            <p className="empty-title">{terminal.has(run.status) ? 'Nothing to look inside' : 'Nothing to look inside yet'}</p>
            <p>{reason}</p>
          </div>
        )}

        {ready && (
          <>
            <div className="inside-toolbar" role="toolbar" aria-label="Inside settings">
              <SequencePicker state={state} onChange={(s) => { setWhich(0); setState(s) }} counts={counts} editing={editing} onEdit={setEditing} />
              <LayerPicker layers={layers} layer={layer} direction={direction} onChange={(l, d) => setState({ ...state, layer: l, direction: d })} />
              <label className="control">
                Sort units by
                <select aria-label="Sort units by" value={sort} onChange={(e) => setSort(e.target.value)} disabled={!stats}>
                  {sortChoices(stats, layer, direction).map((c) => (
                    <option key={c.value} value={c.value}>{c.label}</option>
                  ))}
                </select>
              </label>
            </div>
            {editing && seq && <SequenceEditor key={`${seq.source.split}-${'index' in seq.source ? seq.source.index : 'e'}`} start={seq.inputsOriginal} features={features} task={run.task} onInspect={setEdited} />}
            {current.state === 'unavailable' && (
              <div className="card empty" data-testid="inside-unavailable">
                <p className="empty-title">Nothing to look inside</p>
                <p>{current.reason}</p>
              </div>
            )}
            {current.state === 'error' && <ErrorNote message={`Could not look inside this sequence: ${current.message}`} />}
            {current.state === 'loading' && <p className="muted" data-testid="inside-loading">Computing the gates of this sequence…</p>}
            {result && seq && (
              <div className={stale ? 'inside-body stale' : 'inside-body'} aria-busy={stale}>
                {result.sequences.length > 1 && (
                  <div className="segmented small k-picker" role="group" aria-label={`The ${state.pick} sequences`}>
                    {result.sequences.map((s, k) => (
                      <button key={k} type="button" className={k === which ? 'on' : ''} aria-pressed={k === which} onClick={() => setWhich(k)} title={s.loss !== null ? `loss ${formatValue(s.loss)}` : undefined}>
                        {'index' in s.source ? `#${s.source.index}` : `${k + 1}`}
                      </button>
                    ))}
                  </div>
                )}
                <p className="inside-sequence" data-testid="inside-sequence">
                  <b>{sourceWords(seq, 'index' in seq.source ? (counts?.[seq.source.split] ?? null) : null)}</b> · {seq.steps} steps
                  {seq.loss !== null && <> · loss {formatValue(seq.loss)}</>}
                </p>

                <section className="card inside-card" aria-labelledby="traces-h">
                  <h2 id="traces-h">Gates and states over time · layer {layer + 1}{layerInfo?.bidirectional ? ` · ${direction}` : ''}</h2>
                  <TracesExplainer form={formOf(result)} />
                  <InputsPlot seq={seq} features={features} />
                  <OutputsView runs={[{ label: runLabel, color, result, seq }]} />
                  {traces ? (
                    <TracesStack runId={id} cell={run.cell} traces={traces} layer={layer} direction={direction} order={order} selectedUnit={selectedUnit} onSelectUnit={setSelectedUnit} />
                  ) : (
                    <p className="muted">No traces for this layer in the result.</p>
                  )}
                  {order && <p className="muted small">Units sorted by {sortChoices(stats, layer, direction).find((c) => c.value === sort)?.label}; the labels on the left name the first and last unit drawn.</p>}
                </section>

                {traces && selectedUnit !== null && selectedUnit < (layerInfo?.units ?? 0) && (
                  <section className="card inside-card" aria-label="The chosen unit">
                    <UnitLines traces={traces} unit={selectedUnit} label={runLabel} onClose={() => setSelectedUnit(null)} />
                  </section>
                )}

                <section className="card inside-card" aria-labelledby="grad-h">
                  <h2 id="grad-h">Gradient flow through time</h2>
                  <GradientExplainer lstm={run.cell === 'lstm'} />
                  <GradientPlot runs={[{ label: runLabel, color, result, seq }]} layerOf={() => layer} direction={direction} />
                </section>

                <section className="card inside-card" aria-labelledby="attr-h">
                  <h2 id="attr-h">Attribution over time</h2>
                  <AttributionExplainer igSteps={seq.attribution?.igSteps ?? 50} />
                  <AttributionPanel seq={seq} features={features} />
                </section>

                {run.cell !== 'rnn' && (
                  <section className="card inside-card" aria-labelledby="mem-h">
                    <h2 id="mem-h">Memory retention</h2>
                    <MemoryExplainer cell={run.cell} />
                    <MemoryHeatmap runId={id} cell={run.cell} seq={seq} layer={layer} direction={direction} order={order} />
                  </section>
                )}
              </div>
            )}

            {run.cell !== 'rnn' && (
              <section className="card inside-card" aria-labelledby="sat-h" data-testid="saturation">
                <h2 id="sat-h">Gate saturation over the test split</h2>
                <SaturationExplainer />
                {statsShown.current.state === 'loading' && <p className="muted">Computing the statistics of every gate over the test split…</p>}
                {statsShown.current.state === 'error' && <ErrorNote message={`Could not compute the gate statistics: ${statsShown.current.message}`} />}
                {statsShown.current.state === 'unavailable' && <p className="muted">{statsShown.current.reason}</p>}
                {stats && (
                  <>
                    <p className="muted small" data-testid="stats-coverage">
                      Over {stats.sequences.toLocaleString('en-US')} of the {stats.total.toLocaleString('en-US')} test sequences{stats.sampled ? ' (a seeded random sample)' : ''} × {stats.steps} steps.
                    </p>
                    <SaturationGrid stats={stats} cell={run.cell} layer={layer} direction={direction} selectedUnit={selectedUnit} onSelectUnit={setSelectedUnit} runId={id} />
                  </>
                )}
              </section>
            )}
          </>
        )}
      </div>
    </CursorContext.Provider>
  )
}

export function LayerPicker({ layers, layer, direction, onChange }: { layers: InspectOk['layers']; layer: number; direction: Direction; onChange: (layer: number, direction: Direction) => void }): React.JSX.Element | null {
  if (layers.length <= 1 && !layers[0]?.bidirectional) return null
  const info = layers[layer]
  return (
    <div className="picker-fields" role="group" aria-label="Layer and direction">
      {layers.length > 1 && (
        <label className="control">
          Layer
          <select aria-label="Layer" value={layer} onChange={(e) => onChange(Number(e.target.value), direction)}>
            {layers.map((l) => (
              <option key={l.index} value={l.index}>
                {l.index + 1} of {layers.length} ({l.units} units)
              </option>
            ))}
          </select>
        </label>
      )}
      {info?.bidirectional && (
        <div className="segmented small" role="group" aria-label="Direction">
          {(['forward', 'backward'] as const).map((d) => (
            <button key={d} type="button" className={d === direction ? 'on' : ''} aria-pressed={d === direction} onClick={() => onChange(layer, d)}>
              {d}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
