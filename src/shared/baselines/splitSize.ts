/**
 * When is a split too small to carry a conclusion? A validation or test split with fewer windows than this figure gets
 * a warning wherever its scores are shown: `inspect-csv`, the New run preview, the run page, the statistics panel,
 * `show`, `train`, the reports. 30 by default; one setting changes it for the whole host: the `--min-split-windows N`
 * flag (any `gatelab` command, `serve` included, whose UI then uses it) or GATELAB_MIN_SPLIT_WINDOWS (the desktop
 * app). The renderer asks the host for it (getSplitSettings) and sets the same value here.
 */

export const defaultMinSplitWindows = 30

let current = defaultMinSplitWindows

/** The figure in force: splits with fewer windows than this are called small. */
export function minSplitWindows(): number {
  return current
}

/** The figure as given in a flag or variable: a whole number from 1 to 1,000,000, or a message saying what is wrong. */
export function parseMinSplitWindows(text: string): number | { error: string } {
  const t = text.trim()
  const n = /^\d+$/.test(t) ? Number(t) : NaN
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) return { error: `must be a whole number of windows from 1 to 1000000 (not "${text}")` }
  return n
}

export function setMinSplitWindows(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`min split windows must be a whole number ≥ 1, not ${n}`)
  current = n
}

/** The validation and test splits with fewer windows than the figure in force, in reading order. */
export function smallSplitsOf(windows: { val: number; test: number }, min = current): Array<{ split: 'validation' | 'test'; windows: number }> {
  const out: Array<{ split: 'validation' | 'test'; windows: number }> = []
  if (windows.val < min) out.push({ split: 'validation', windows: windows.val })
  if (windows.test < min) out.push({ split: 'test', windows: windows.test })
  return out
}
