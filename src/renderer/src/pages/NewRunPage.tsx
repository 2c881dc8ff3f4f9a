/**
 * New run: data (a built-in task, a bundled series or a CSV file), model and training, validated as you type by the
 * shared schema. The main action trains an LSTM and a GRU on the same data with the same seed and opens them side by
 * side; "Train one" starts a single run of the chosen cell.
 */
import { useCallback, useEffect, useId, useMemo, useState } from 'react'
import { useApi } from '../api/context'
import { Choice, ErrorNote, TagEditor } from '../components/bits'
import { CsvPreview } from '../components/CsvPreview'
import { BundledPreview } from '../components/BundledPreview'
import { defaultDraft, draftFromConfig, draftToConfig, pairConfigs, randomSeed, taskPresets, validateDraft, type Draft, type Source } from '../lib/runForm'
import { navigate } from '../lib/useRoute'
import { cellLabels } from '../format'
import { bundledDatasets, findBundledDataset } from '../../../shared/data/bundled'
import { PairBudget, plannedPair } from '../sweeps/PairBudget'
import { defaultPairMatch } from '../sweeps/pairBudget'
import { RunEstimateLine, useRunEstimate } from '../limits/RunEstimate'
import { useCsvInspection } from '../forms/useCsvInspection'
import { readiness } from '../forms/readiness'
import { SeriesFields } from '../forms/SeriesFields'
import { DataFileField, useFileDrop } from '../forms/DataFileField'
import { PresetButton } from '../components/PresetButton'

export function NewRunPage({ from }: { from: string | null }): React.JSX.Element {
  const api = useApi()
  const [draft, setDraft] = useState<Draft>(defaultDraft)
  const [fromError, setFromError] = useState<string | null>(null)
  const [submitError, setSubmitError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [pairMatch, setPairMatch] = useState(defaultPairMatch)

  useEffect(() => {
    if (!from) return
    api.getRun({ id: from }).then(
      (run) => setDraft(draftFromConfig(run.config)),
      (e: Error) => setFromError(`Could not load the run to start from: ${e.message}`)
    )
  }, [api, from])

  const v = useMemo(() => validateDraft(draft), [draft])
  // Memory and time before anything is built (src/main/limits); above the lab's memory limit Train is disabled.
  const estimate = useRunEstimate(useMemo(() => (v.ok ? draftToConfig(draft) : null), [v.ok, draft]))
  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => {
    setDraft((d) => ({ ...d, [key]: value }))
  }
  // The host's reading of the CSV file: the preview shows it, and "can this start" judges by it (src/renderer/src/forms).
  const inspection = useCsvInspection(draft)
  const ready = readiness({ draft, validation: v, csv: inspection, extra: [] })
  // Another file: the column choices of the last one do not carry over.
  const onPath = useCallback((path: string) => setDraft((d) => ({ ...d, source: 'csv', csvPath: path, target: '', features: [], time: '' })), [])
  const drop = useFileDrop(onPath)

  const start = (pair: boolean): void => {
    setSubmitError(null)
    if (!ready.ok || estimate.refused) return
    const seedText = draft.seed.trim()
    const seed = seedText === '' ? randomSeed() : Number(seedText)
    const configs = pair ? pairConfigs(draft, seed) : [{ ...draftToConfig(draft), seed }]
    setBusy(true)
    // A pair trains with the units the budget control stated (matched on the host, on the real data shape).
    ;(pair ? plannedPair(api, draftToConfig(draft), configs, pairMatch) : Promise.resolve(configs)).then((planned) => api.startRuns({ configs: planned })).then(
      (r) => {
        setBusy(false)
        if (r.runIds.length >= 2) navigate({ name: 'compare', ids: r.runIds })
        else if (r.runIds[0]) navigate({ name: 'run', id: r.runIds[0] })
      },
      (e: Error) => {
        setBusy(false)
        setSubmitError(e.message)
      }
    )
  }

  const chosen = draft.source === 'data' ? findBundledDataset(draft.dataName) : undefined
  const err = (key: string): string | undefined => v.fields[key]
  const numField = (key: keyof Draft & string, label: string, opts: { hint?: string; placeholder?: string; step?: string; width?: number } = {}): React.JSX.Element => (
    <Field label={label} error={err(key)} hint={opts.hint}>
      {(id, describedBy) => (
        <input
          id={id}
          inputMode="decimal"
          value={draft[key] as string}
          placeholder={opts.placeholder}
          aria-invalid={err(key) ? true : undefined}
          aria-describedby={describedBy}
          style={opts.width ? { width: opts.width } : undefined}
          onChange={(e) => set(key, e.target.value as never)}
        />
      )}
    </Field>
  )
  /** A setting picked from a list of [value, label] pairs. */
  const selectField = <K extends 'cell' | 'optimizer'>(key: K, label: string, options: ReadonlyArray<readonly [Draft[K], string]>): React.JSX.Element => (
    <Field label={label}>
      {(id) => <Choice id={id} value={draft[key]} options={options} onChange={(value) => set(key, value)} />}
    </Field>
  )

  return (
    <div className="page new-run">
      <h1 className="page-title">New run</h1>
      <p className="page-lede">Choose the data, the model and how to train it. Both cells of a pair get the same data, the same seed and the same settings.</p>
      <ErrorNote message={fromError} />
      <form
        {...drop.dropProps}
        className={`new-run-grid ${drop.dragging ? 'dragging' : ''}`}
        data-testid="new-run-form"
        onSubmit={(e) => {
          e.preventDefault()
          start(true)
        }}
        noValidate
      >
        <div className="form-main">
          <section className="card form-section" aria-labelledby="data-h">
            <h2 id="data-h">Data</h2>
            <div className="segmented" role="radiogroup" aria-label="Data source">
              {(
                [
                  ['builtin', 'Built-in task'],
                  ['data', 'Bundled dataset'],
                  ['csv', 'CSV file']
                ] as Array<[Source, string]>
              ).map(([s, label]) => (
                <button key={s} type="button" role="radio" aria-checked={draft.source === s} className={draft.source === s ? 'on' : ''} onClick={() => set('source', s)}>
                  {label}
                </button>
              ))}
            </div>

            {draft.source === 'builtin' && (
              <>
                <div className="presets" role="radiogroup" aria-label="Task">
                  {taskPresets.map((p) => (
                    <PresetButton
                      key={p.task}
                      on={draft.task === p.task}
                      title={p.title}
                      blurb={p.blurb}
                      onChoose={() => setDraft((d) => ({ ...d, task: p.task, seqLen: String(p.seqLen), samples: String(p.samples) }))}
                    />
                  ))}
                </div>
                <div className="field-row">
                  {numField('seqLen', 'Sequence length T', { hint: 'Longer sequences test longer memory' })}
                  {numField('samples', 'Training sequences')}
                  {draft.task === 'sine' && numField('horizon', 'Horizon (steps ahead)')}
                </div>
              </>
            )}

            {draft.source === 'data' && (
              <>
                <div className="presets" role="radiogroup" aria-label="Bundled dataset">
                  {bundledDatasets.map((d) => (
                    <PresetButton
                      key={d.name}
                      on={draft.dataName === d.name}
                      title={d.title}
                      tooltip={`${d.description} Source: ${d.source} (${d.licence})`}
                      blurb={
                        <>
                          {d.rows.toLocaleString('en-US')} rows · predicts <span className="mono">{d.target}</span> from {d.lookback} steps
                        </>
                      }
                      onChoose={() => setDraft((dr) => ({ ...dr, dataName: d.name, target: '', lookback: '', features: [] }))}
                    />
                  ))}
                </div>
                {err('task') && <p className="field-error">Choose a dataset ({err('task')})</p>}
                <SeriesFields
                  draft={draft}
                  set={set}
                  columns={chosen ? chosen.columns.filter((c) => c !== chosen.time && !(chosen.textColumns ?? []).includes(c)).map((name) => ({ name, type: 'number' as const })) : null}
                  defaults={{ target: chosen?.target, lookback: chosen ? String(chosen.lookback) : 'default' }}
                  timeChoice={false}
                  numField={numField}
                  Field={Field}
                  errors={v.fields}
                />
                <BundledPreview name={chosen?.name ?? ''} target={draft.target} lookback={draft.lookback} horizon={draft.horizon} />
              </>
            )}

            {draft.source === 'csv' && (
              <>
                <div className="field-row">
                  <Field label="CSV file" error={err('task') ?? (drop.status.state === 'error' ? drop.status.message : undefined)} hint="Choose a file, drop one on this form, or type a path on the machine running GateLab">
                    {(id, d) => <DataFileField id={id} describedBy={d} invalid={!!err('task')} path={draft.csvPath} onPath={onPath} take={drop.take} status={drop.status} />}
                  </Field>
                </div>
                <SeriesFields
                  draft={draft}
                  set={set}
                  columns={inspection.state === 'ok' ? inspection.value.columns.map((c) => ({ name: c.name, type: c.type })) : null}
                  defaults={{
                    target: inspection.state === 'ok' ? inspection.value.suggested.target : undefined,
                    lookback: inspection.state === 'ok' && inspection.value.plan ? `${inspection.value.plan.window.lookback} (fits)` : 'fits the file'
                  }}
                  timeChoice
                  numField={numField}
                  Field={Field}
                  errors={v.fields}
                />
                <CsvPreview inspection={inspection} choices={draft.csv} onChoices={(csv) => setDraft((dr) => ({ ...dr, csv }))} />
              </>
            )}
          </section>

          <section className="card form-section" aria-labelledby="model-h">
            <h2 id="model-h">Model</h2>
            <div className="field-row">
              {selectField('cell', 'Cell (for Train one)', [
                ['lstm', 'LSTM'],
                ['gru', 'GRU'],
                ['rnn', 'RNN (vanilla tanh)']
              ])}
              {numField('units', 'Units per layer', { width: 90 })}
              {numField('layers', 'Layers', { width: 70 })}
              {numField('dropout', 'Dropout', { width: 80, hint: '0 to 0.95' })}
              <Field label="Bidirectional">
                {(id) => (
                  <span className="check">
                    <input id={id} type="checkbox" checked={draft.bidirectional} onChange={(e) => set('bidirectional', e.target.checked)} />
                    both directions
                  </span>
                )}
              </Field>
            </div>
          </section>

          <section className="card form-section" aria-labelledby="train-h">
            <h2 id="train-h">Training</h2>
            <div className="field-row">
              {selectField('optimizer', 'Optimizer', [
                ['adam', 'Adam'],
                ['rmsprop', 'RMSprop'],
                ['sgd', 'SGD (momentum 0.9)']
              ])}
              {numField('lr', 'Learning rate', { width: 90 })}
              {numField('batch', 'Batch size', { width: 80 })}
              {numField('epochs', 'Epochs', { width: 80 })}
              {numField('clip', 'Gradient clip (norm)', { placeholder: 'none', width: 90 })}
              {numField('seed', 'Seed', { placeholder: 'random', width: 110, hint: 'Empty: chosen at random and recorded' })}
            </div>
            <div className="field-row">
              <Field label="Early stopping" error={err('earlyStopping')}>
                {(id) => (
                  <span className="check">
                    <input id={id} type="checkbox" checked={draft.earlyStopping} onChange={(e) => set('earlyStopping', e.target.checked)} />
                    stop when val loss stops improving, restore the best weights
                  </span>
                )}
              </Field>
              {draft.earlyStopping && numField('patience', 'Patience (epochs)', { width: 80 })}
            </div>
          </section>

          <section className="card form-section" aria-labelledby="label-h">
            <h2 id="label-h">Name and tags</h2>
            <div className="field-row">
              <Field label="Name" hint="Empty: the host names the run">
                {(id, d) => <input id={id} value={draft.name} maxLength={200} aria-describedby={d} onChange={(e) => set('name', e.target.value)} style={{ width: 260 }} />}
              </Field>
              <Field label="Tags">{(id) => <TagEditor id={id} tags={draft.tags} onChange={(t) => set('tags', t)} />}</Field>
            </div>
          </section>
        </div>

        <aside className="form-side">
          <div className="card sticky">
            <h2>Start</h2>
            <p className="muted small">
              {draft.source === 'builtin' ? `${draft.task}, T = ${draft.seqLen}, ${draft.samples} sequences` : draftToConfig(draft).task as string}
              <br />
              {draft.units} units × {draft.layers} layer{draft.layers === '1' ? '' : 's'}{draft.bidirectional ? ', bidirectional' : ''} · {draft.optimizer} lr {draft.lr} · batch {draft.batch} · {draft.epochs} epochs
            </p>
            <div className="validation" aria-live="polite" data-testid="form-validation">
              {!ready.ok ? (
                <span className={ready.pending ? 'muted' : 'error'}>{ready.message}</span>
              ) : estimate.refused ? (
                <span className="error">Too large to train here: see the estimate below</span>
              ) : (
                <span className="ok">Ready to train</span>
              )}
            </div>
            <PairBudget config={v.ok ? draftToConfig(draft) : null} match={pairMatch} onMatch={setPairMatch} />
            <RunEstimateLine estimate={estimate} />
            <button type="submit" className="primary wide" disabled={busy || !ready.ok || estimate.refused}>
              {busy ? 'Starting…' : 'Train LSTM and GRU'}
            </button>
            <button type="button" className="wide" disabled={busy || !ready.ok || estimate.refused} onClick={() => start(false)}>
              Train one {cellLabels[draft.cell]}
            </button>
            <ErrorNote message={submitError} onDismiss={() => setSubmitError(null)} />
            <p className="muted small">A pair opens in Compare and trains live; runs queue when trainers are busy.</p>
          </div>
        </aside>
      </form>
    </div>
  )
}

function Field({
  label,
  error,
  hint,
  children
}: {
  label: string
  error?: string | undefined
  hint?: string | undefined
  children: (id: string, describedBy: string | undefined) => React.ReactNode
}): React.JSX.Element {
  const id = useId()
  const noteId = `${id}-note`
  return (
    <div className={`field ${error ? 'invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, error || hint ? noteId : undefined)}
      {error ? (
        <span id={noteId} className="field-error">
          {error}
        </span>
      ) : hint ? (
        <span id={noteId} className="field-hint">
          {hint}
        </span>
      ) : null}
    </div>
  )
}
