import { cellLabels } from '../../shared/config'

/** Cell names as people read them (LSTM, GRU, RNN); defined with the config, where every side can use them. */
export { cellLabels }

/** "1 h 02 min", "3 min 05 s", "12 s", "850 ms": durations as a researcher reads them. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}

/** Time left, as coarse as an estimate deserves: "45 s", "3 min", "1 h 20 min". */
export function formatEta(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.ceil(s / 60)
  if (m < 60) return `${m} min`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}

/** Metric values: 4 significant digits, scientific notation for very small or large magnitudes. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  if (!Number.isFinite(value)) return String(value)
  const a = Math.abs(value)
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return value.toExponential(2)
  return String(Number(value.toPrecision(4)))
}

/** Learning rates as people write them: 1e-3, 3e-4, 0.01. */
export function formatLr(lr: number): string {
  if (lr >= 0.01) return String(lr)
  return lr.toExponential(0)
}

/** 1 234 567 → "1.23 M", 12 345 → "12.3 k". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)} M`
  if (n >= 1e4) return `${(n / 1e3).toPrecision(3)} k`
  return n.toLocaleString('en-US')
}

/** "just now", "5 min ago", "yesterday 14:02", "12 Mar 09:41". */
export function formatWhen(iso: string | null, now = Date.now()): string {
  if (!iso) return '—'
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) return iso
  const diff = now - t
  if (diff < 45_000) return 'just now'
  if (diff < 3_600_000) return `${Math.round(diff / 60_000)} min ago`
  const d = new Date(t)
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
  if (diff < 20 * 3_600_000) return `${Math.round(diff / 3_600_000)} h ago`
  return `${d.getDate()} ${d.toLocaleString('en-US', { month: 'short' })} ${hm}`
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 ** 2).toFixed(1)} MiB`
}


/** A short label for a task: "adding", "data:co2" → "co2 (data)", "csv:/a/b/file.csv" → "file.csv (CSV)". */
export function formatTask(task: string): string {
  if (task.startsWith('data:')) return `${task.slice(5)}`
  if (task.startsWith('csv:')) return `${task.slice(4).split(/[\\/]/).pop() ?? task} (CSV)`
  return task
}

/** What to call a run: its name, or (runs started without one) cell, data and the end of its id. */
export function displayName(run: { name: string; cell: string; task: string; id: string }): string {
  if (run.name.trim()) return run.name
  return `${cellLabels[run.cell] ?? run.cell} · ${formatTask(run.task)} · ${run.id.slice(-4)}`
}

/** A path as one POSIX shell word: bare when it is plain, else single-quoted (a ' inside becomes '\''). */
export function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`
}
