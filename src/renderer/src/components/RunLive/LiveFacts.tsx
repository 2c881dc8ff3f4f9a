/**
 * The run page's "Epochs · steps" and "Best" while a run trains and after: live progress (epoch and step of the
 * batch in hand) and the best value of the watched metric so far, kept current from live metric points
 * (lib/liveSummary.ts); once the run has finished, what the trainer reported.
 */
import type { RunDetail } from '../../../../shared/api'
import { useProgress } from '../../live'
import { bestOf } from '../../lib/runsQuery'
import { formatMetric } from '../../format'

const terminal = new Set(['completed', 'failed', 'cancelled', 'interrupted'])

/** The metric the trainer keeps the best weights by: the early-stopping metric, else valLoss. */
export function watchedMetric(run: Pick<RunDetail, 'best' | 'config'>): string {
  return run.best?.metric ?? run.config.earlyStopping?.metric ?? 'valLoss'
}

/** Epochs finished so far, from the per-epoch metrics recorded (valLoss, else loss). */
function epochsDone(run: RunDetail): number | null {
  const s = run.summary.valLoss ?? run.summary.loss
  return s?.lastEpoch ?? null
}

export function LiveFacts({ run }: { run: RunDetail }): React.JSX.Element {
  const p = useProgress(run.id)
  const live = !terminal.has(run.status)
  const watched = watchedMetric(run)
  const best = bestOf(run, watched)
  const done = epochsDone(run)
  let epochs: string
  if (live && p) epochs = `${done ?? p.epoch - 1} of ${p.epochs} done · step ${p.step.toLocaleString('en-US')} of ${p.totalSteps.toLocaleString('en-US')}`
  else if (live && done !== null) epochs = `${done} of ${run.config.epochs} done · step ${(run.summary.batchLoss?.lastStep ?? run.summary.valLoss?.lastStep ?? 0).toLocaleString('en-US')}`
  else epochs = `${run.epochs ?? done ?? '—'} · ${run.steps?.toLocaleString('en-US') ?? '—'}`
  return (
    <>
      <dt>Epochs · steps</dt>
      <dd data-testid="run-epochs">{epochs}</dd>
      <dt>Best</dt>
      <dd data-testid="run-best" data-metric={best ? watched : undefined} data-value={best ? String(best.value) : undefined}>
        {best ? (
          <>
            <b>{formatMetric(best.value)}</b> {watched} at epoch {best.epoch}
            {live && <span className="muted"> so far</span>}
          </>
        ) : (
          '—'
        )}
      </dd>
    </>
  )
}
