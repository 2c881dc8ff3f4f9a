/**
 * Two runs inside, side by side (#/compare/inside?ids=A,B), on the same sequence: the inputs with both predictions,
 * the gradient flow of every run overlaid on a log scale (add an RNN as a third run to see its gradient vanish), the
 * heatmaps in rows of gates that play the same role (LSTM f ↔ GRU z, LSTM i ↔ GRU 1 − z, o and r on their own), the
 * memory retention side by side and the saturation scatter in the same aligned rows.
 */
import { useMemo, useState } from 'react'
import type { InspectOk, InspectSequence } from '../../../shared/inspect'
import { CellChip, ErrorNote } from '../components/bits'
import { displayName } from '../format'
import { href, navigate } from '../lib/useRoute'
import { runStyles } from '../charts/runStyles'
import { useTheme } from '../theme'
import { CursorContext, CursorHub } from './cursor'
import { GradientExplainer, MemoryExplainer, SaturationExplainer, TracesExplainer, formWords } from './Explainers'
import { GradientPlot, InputsPlot, MemoryHeatmap, OutputsView, TraceHeatmap, UnitLines } from './panels'
import { SaturationRows, roleOrder, roleSortChoices } from './Saturation'
import { SequenceEditor, SequencePicker, type EditedSequence } from './SequencePicker'
import { alignGates, alignTraces, sideLabel } from './alignment'
import { featureNames, pickLayer, queryFromState, sequenceOf, stateFromQuery, type InsideState } from './model'
import { LayerPicker, formOf, noWeightsReason, sourceWords, splitCounts, statsArgs, useRunDetails } from './InsidePage'
import { useInspectMany, type InspectArgs } from './useInspect'
import { formatValue } from './format'

export function InsideComparePage({ ids, query }: { ids: string[]; query: Record<string, string> }): React.JSX.Element {
  const theme = useTheme()
  const shownIds = ids.slice(0, 4)
  const { runs, errors } = useRunDetails(shownIds)
  const state = stateFromQuery(query)
  const setState = (s: InsideState): void => navigate({ name: 'insideCompare', ids, query: queryFromState(s) }, { replace: true })
  const [editing, setEditing] = useState(false)
  const [edited, setEdited] = useState<EditedSequence | null>(null)
  const [which, setWhich] = useState(0)
  const [selected, setSelected] = useState<{ run: number; unit: number } | null>(null)
  const [sort, setSort] = useState('unit')
  const hub = useMemo(() => new CursorHub(), [])
  const loaded = runs.every((r) => r !== null)
  const reasons = runs.map((r) => (r ? noWeightsReason(r) : null))
  const ready = loaded && reasons.every((r) => r === null)
  const styles = useMemo(() => runStyles(runs.filter((r) => r !== null), theme), [runs, theme])

  // The first run picks the sequence (best/worst are its best and worst); the others are shown the same one by index.
  const firstSequence: InspectSequence = edited && editing ? { kind: 'values', ...edited } : sequenceOf(state)
  const [first] = useInspectMany([ready ? { runId: shownIds[0]!, sequence: firstSequence } : null])
  const firstResult = first!.current.state === 'ok' ? first!.current.result : null
  const firstSeq = firstResult ? (firstResult.sequences[Math.min(which, firstResult.sequences.length - 1)] ?? null) : null
  const shared: InspectSequence | null = !firstSeq ? null : firstSeq.source.split === 'edited' ? firstSequence : { kind: 'index', split: firstSeq.source.split, index: firstSeq.source.index }
  const others = useInspectMany(shownIds.slice(1).map((id) => (ready && shared ? { runId: id, sequence: shared } : null)))
  const shownAll = [first!, ...others]
  const stats = useInspectMany(ready ? shownIds.map((id, i) => statsArgs(id, splitCounts(runs[i])?.test ?? null)) : shownIds.map(() => null as InspectArgs | null))

  if (ids.length < 2) {
    return (
      <div className="page">
        <h1 className="page-title">Inside, side by side</h1>
        <div className="card empty">
          <p>Pick two runs to look inside side by side: open <a href={href({ name: 'compare', ids })}>Compare</a> with two runs (an LSTM and a GRU trained together, for instance) and press “Inside, side by side”.</p>
        </div>
      </div>
    )
  }
  const missing = errors.filter((e): e is string => e !== null)
  if (!loaded) {
    return (
      <div className="page">
        <h1 className="page-title">Inside, side by side</h1>
        {missing.length ? <ErrorNote message={missing.join('; ')} /> : <p className="muted">Loading runs…</p>}
      </div>
    )
  }
  const details = runs.map((r) => r!)
  const sameData = new Set(details.map((r) => r.dataset?.contentHash ?? '')).size === 1
  const results = shownAll.map((s) => (s.current.state === 'ok' ? s.current.result : null))
  const seqs = results.map((r, i) => (r ? (i === 0 ? firstSeq : r.sequences[0]) ?? null : null))
  const layer = Math.min(state.layer, ...results.map((r) => Math.max(0, (r?.layers.length ?? 1) - 1)))
  const direction = state.direction
  const entries = details.map((r, i) => ({ id: r.id, label: displayName(r), cell: r.cell, color: styles.get(r.id)?.color ?? '#888', dash: styles.get(r.id)?.dash, result: results[i], seq: seqs[i] }))
  const complete = entries.filter((e): e is typeof e & { result: InspectOk; seq: NonNullable<typeof e.seq> } => e.result !== null && e.seq !== null)
  const [a, b] = entries
  const rows = alignTraces(a!.cell, b!.cell)
  const gateRows = alignGates(a!.cell, b!.cell)
  const statsOf = (k: 0 | 1): InspectOk['stats'] => (stats[k]?.current.state === 'ok' ? (stats[k]!.current as { result: InspectOk }).result.stats : undefined)
  const layerOf = (k: 0 | 1): number => Math.min(layer, (entries[k]!.result?.layers.length ?? 1) - 1)
  const orders = ([0, 1] as const).map((k) => roleOrder(sort, gateRows, k, statsOf(k), layerOf(k), direction))
  const counts = splitCounts(details[0])

  return (
    <CursorContext.Provider value={hub}>
      <div className="page page-wide inside-page inside-compare" data-testid="inside-compare">
        <p className="crumbs">
          <a href={href({ name: 'compare', ids })}>Compare</a> / Inside, side by side
        </p>
        <div className="page-head">
          <div>
            <h1 className="page-title">
              Inside {entries.map((e, i) => (
                <span key={e.id} className="with-swatch">
                  {i > 0 && <span className="muted">vs</span>}
                  <CellChip cell={e.cell} /> <a href={href({ name: 'inside', id: e.id, query: {} })}>{e.label}</a>
                </span>
              ))}
            </h1>
            <p className="page-lede">The same sequence through each run; the gates that play the same role sit in one row.</p>
          </div>
        </div>
        <ErrorNote message={missing.length ? `Some runs could not be loaded: ${missing.join('; ')}` : null} />
        {ids.length > 4 && <ErrorNote message={`Inside compares at most 4 runs at once; showing the first 4 of ${ids.length}.`} />}
        {!sameData && <ErrorNote message="These runs were trained on different data: the same sequence number is a different sequence in each. Compare runs trained together (same task and seed) to see one sequence through both." />}
        {reasons.map((r, i) =>
          r ? (
            <div key={i} className="card empty" data-testid="inside-unavailable">
              <p className="empty-title">Nothing to look inside {entries[i]!.label}</p>
              <p>{r}</p>
            </div>
          ) : null
        )}

        {ready && (
          <>
            <div className="inside-toolbar" role="toolbar" aria-label="Inside settings">
              <SequencePicker state={state} onChange={(s) => { setWhich(0); setState(s) }} counts={counts} editing={editing} onEdit={setEditing} />
              {firstResult && (
                <LayerPicker
                  layers={firstResult.layers.slice(0, 1 + Math.min(...results.map((r) => (r ? r.layers.length - 1 : 0))))}
                  layer={layer}
                  direction={direction}
                  onChange={(l, d) => setState({ ...state, layer: l, direction: d })}
                />
              )}
              <label className="control">
                Sort units by
                <select aria-label="Sort units by" value={sort} onChange={(e) => setSort(e.target.value)} disabled={!statsOf(0) && !statsOf(1)}>
                  {roleSortChoices(gateRows).map((c) => (
                    <option key={c.value} value={c.value}>{c.label}</option>
                  ))}
                </select>
              </label>
            </div>
            {editing && firstSeq && firstResult && <SequenceEditor start={firstSeq.inputsOriginal} features={featureNames(details[0]!.task, firstResult.features, firstResult.inputSize)} task={details[0]!.task} onInspect={setEdited} />}
            {shownAll.map((s, i) =>
              s.current.state === 'unavailable' ? (
                <ErrorNote key={i} message={`${entries[i]!.label}: ${s.current.reason}`} />
              ) : s.current.state === 'error' ? (
                <ErrorNote key={i} message={`Could not look inside ${entries[i]!.label}: ${s.current.message}`} />
              ) : null
            )}
            {complete.length < entries.length && shownAll.some((s) => s.current.state === 'loading') && <p className="muted" data-testid="inside-loading">Computing the gates of this sequence…</p>}
            {firstResult && firstResult.sequences.length > 1 && (
              <div className="segmented small k-picker" role="group" aria-label={`The ${state.pick} sequences`}>
                {firstResult.sequences.map((s, k) => (
                  <button key={k} type="button" className={k === which ? 'on' : ''} aria-pressed={k === which} onClick={() => setWhich(k)}>
                    {'index' in s.source ? `#${s.source.index}` : `${k + 1}`}
                  </button>
                ))}
              </div>
            )}
            {complete.length === entries.length && a!.seq && (
              <div className={shownAll.some((s) => s.stale) ? 'inside-body stale' : 'inside-body'}>
                <p className="inside-sequence" data-testid="inside-sequence">
                  <b>{sourceWords(a!.seq, 'index' in a!.seq.source ? (counts?.[a!.seq.source.split] ?? null) : null)}</b> · {a!.seq.steps} steps
                  {complete.map((e) => (e.seq.loss !== null ? <span key={e.id}> · {e.label} loss {formatValue(e.seq.loss)}</span> : null))}
                </p>

                <section className="card inside-card" aria-labelledby="io-h">
                  <h2 id="io-h">Input and output</h2>
                  <InputsPlot seq={a!.seq} features={featureNames(details[0]!.task, a!.result!.features, a!.result!.inputSize)} />
                  <OutputsView runs={complete.map((e) => ({ label: e.label, color: e.color, result: e.result, seq: e.seq }))} />
                </section>

                <section className="card inside-card" aria-labelledby="grad-h">
                  <h2 id="grad-h">Gradient flow through time</h2>
                  <GradientExplainer lstm={complete.some((e) => e.cell === 'lstm')} />
                  <GradientPlot runs={complete.map((e) => ({ label: e.label, color: e.color, result: e.result, seq: e.seq, dash: e.dash === 'solid' ? undefined : e.dash }))} layerOf={(r) => Math.min(layer, r.layers.length - 1)} direction={direction} />
                </section>

                <section className="card inside-card" aria-labelledby="aligned-h">
                  <h2 id="aligned-h">Gates side by side · layer {layer + 1}</h2>
                  <div className="aligned-explainers">
                    <TracesExplainer form={formOf(a!.result!)} />
                    <TracesExplainer form={formOf(b!.result!)} />
                  </div>
                  <div className="aligned-head">
                    {[a!, b!].map((e) => (
                      <p key={e.id}>
                        <CellChip cell={e.cell} /> {e.label} <span className="muted small">{formWords(formOf(e.result!))}</span>
                      </p>
                    ))}
                  </div>
                  {rows.map((row, r) => (
                    <div key={row.role} className="aligned-row" data-role={row.role}>
                      <p className="aligned-role">
                        {row.role}
                        {row.sides[0] && row.sides[1] && <span className="muted"> · {sideLabel(row.sides[0])} ↔ {sideLabel(row.sides[1])}</span>}
                      </p>
                      <div className="aligned-pair">
                        {row.sides.map((side, k) => {
                          const e = [a!, b!][k]!
                          const t = pickLayer(e.seq!.traces, Math.min(layer, e.result!.layers.length - 1), direction)
                          const m = side && t?.values[side.trace]
                          if (!side || !m) return <div key={k} className="no-counterpart">no counterpart in the {e.cell.toUpperCase()}</div>
                          return (
                            <TraceHeatmap
                              key={k}
                              runId={e.id}
                              cell={e.cell}
                              m={m}
                              trace={side.trace}
                              complement={side.complement}
                              layer={layer}
                              direction={direction}
                              order={orders[k]}
                              selectedUnit={selected?.run === k ? selected.unit : null}
                              onSelectUnit={(unit) => setSelected({ run: k, unit })}
                              showTimeAxis={r === rows.length - 1}
                            />
                          )
                        })}
                      </div>
                    </div>
                  ))}
                </section>

                {selected && (() => {
                  const e = [a!, b!][selected.run]!
                  const t = pickLayer(e.seq!.traces, Math.min(layer, e.result!.layers.length - 1), direction)
                  return t ? (
                    <section className="card inside-card" aria-label="The chosen unit">
                      <UnitLines traces={t} unit={selected.unit} label={e.label} onClose={() => setSelected(null)} />
                    </section>
                  ) : null
                })()}

                {[a!, b!].some((e) => e.cell !== 'rnn') && (
                  <section className="card inside-card" aria-labelledby="mem-h">
                    <h2 id="mem-h">Memory retention</h2>
                    <MemoryExplainer cell={a!.cell === 'gru' && b!.cell === 'gru' ? 'gru' : 'lstm'} />
                    <div className="aligned-pair">
                      {[a!, b!].map((e, k) => (
                        <div key={e.id}>
                          <p className="aligned-role"><CellChip cell={e.cell} /> {e.label}</p>
                          <MemoryHeatmap runId={e.id} cell={e.cell} seq={e.seq!} layer={Math.min(layer, e.result!.layers.length - 1)} direction={direction} order={orders[k]} />
                        </div>
                      ))}
                    </div>
                  </section>
                )}
              </div>
            )}

            {[a!, b!].some((e) => e.cell !== 'rnn') && (
              <section className="card inside-card" aria-labelledby="sat-h" data-testid="saturation">
                <h2 id="sat-h">Gate saturation over the test split</h2>
                <SaturationExplainer />
                {stats.slice(0, 2).some((s) => s.current.state === 'loading') && <p className="muted">Computing the statistics of every gate over the test split…</p>}
                {stats.slice(0, 2).map((s, i) => (s.current.state === 'error' ? <ErrorNote key={i} message={`${entries[i]!.label}: ${s.current.message}`} /> : null))}
                <SaturationRows
                  rows={alignGates(a!.cell, b!.cell)}
                  runs={[a!, b!].map((e, i) => ({ id: e.id, label: e.label, cell: e.cell, layer: Math.min(layer, (e.result?.layers.length ?? 1) - 1), direction, stats: stats[i]!.current.state === 'ok' ? (stats[i]!.current as { result: InspectOk }).result.stats : undefined }))}
                />
              </section>
            )}
          </>
        )}
      </div>
    </CursorContext.Provider>
  )
}
