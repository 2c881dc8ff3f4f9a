/** The `gatelab train` progress bar (stderr): epoch, batch, loss, ETA; one line redrawn on a terminal, a line per epoch otherwise. */
import type { RunProgressEvent } from '../../shared/api'

export function formatClock(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '--:--'
  const s = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

export function formatLoss(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toFixed(4) : value.toExponential(3)
}

export function progressLine(p: Pick<RunProgressEvent, 'epoch' | 'epochs' | 'batch' | 'batches' | 'step' | 'totalSteps' | 'loss' | 'etaMs'>, width = 24): string {
  const fraction = p.totalSteps > 0 ? Math.min(1, p.step / p.totalSteps) : 0
  const filled = Math.round(fraction * width)
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled)
  return `epoch ${p.epoch}/${p.epochs} ${bar} ${String(Math.round(fraction * 100)).padStart(3)}%  batch ${p.batch}/${p.batches}  loss ${formatLoss(p.loss)}  ETA ${formatClock(p.etaMs)}`
}

export class ProgressBar {
  private lastEpoch = -1
  private lastPrinted = 0
  private drawn = false

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(p: RunProgressEvent): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r${progressLine(p)}\x1b[K`)
      this.drawn = true
    } else if (p.epoch !== this.lastEpoch || Date.now() - this.lastPrinted >= 10_000) {
      // Without a terminal (a log file, CI), a line per epoch or per 10 s keeps the log readable.
      this.stream.write(`${progressLine(p)}\n`)
      this.lastEpoch = p.epoch
      this.lastPrinted = Date.now()
    }
  }

  /** Ends the redrawn line so the next message starts on its own line. */
  done(): void {
    if (this.drawn) this.stream.write('\n')
    this.drawn = false
  }
}
