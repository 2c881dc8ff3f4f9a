/**
 * What a run got through, read back from the metrics it recorded: for a run that ended without the trainer's own
 * summary (killed, crashed, stopped by a full disk, interrupted), so `show` says "75 epochs" beside 75 recorded
 * epochs rather than "0 (0 steps)". Epochs come from the per-epoch metrics (valLoss, else loss), steps from the
 * furthest step of any metric, best from the lowest valLoss (else loss) and its epoch.
 */
import type { Db } from './db'

export interface RecordedProgress {
  epochs: number | null
  steps: number | null
  best: { metric: string; value: number; epoch: number } | null
}

export function recordedProgress(db: Db, rid: number): RecordedProgress {
  const rows = db
    .prepare(
      `select n.name, s.last_epoch, s.last_step, s.min, s.min_epoch, s.count from metric_summary s
       join metric_names n on n.id = s.name_id where s.run_rid = ?`
    )
    .all(rid) as { name: string; last_epoch: number | null; last_step: number | null; min: number | null; min_epoch: number | null; count: number }[]
  if (rows.length === 0) return { epochs: null, steps: null, best: null }
  const byName = new Map(rows.map((r) => [r.name, r]))
  const epochMetric = byName.get('valLoss') ?? byName.get('loss')
  const steps = Math.max(...rows.map((r) => r.last_step ?? 0))
  const best =
    epochMetric && epochMetric.min !== null && epochMetric.min_epoch !== null
      ? { metric: epochMetric === byName.get('valLoss') ? 'valLoss' : 'loss', value: epochMetric.min, epoch: epochMetric.min_epoch }
      : null
  return { epochs: epochMetric?.last_epoch ?? null, steps: steps > 0 ? steps : null, best }
}
