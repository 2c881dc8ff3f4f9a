/**
 * The trainer log (issue 17 item 8): the text a run's log card (run page) and `gatelab log RUN` show, written by the
 * host as the trainer reports (src/main/runner/log/): what runs and on what at the start, one line per epoch with the
 * key metrics, warnings in words, and how the run ended. Stored with the run (run_logs), so it survives a reload.
 *
 * Every line starts with a tag of at most 8 characters padded to LOG_TAG_WIDTH ("backend ", "epoch", "warning "), so a
 * reader's eye finds the kind of a line, and the log card can colour warnings and failures by that tag alone.
 */

/** The width of a line's tag column (the tag and the spaces after it). */
export const LOG_TAG_WIDTH = 9

/** The tags a line can start with, by what it says. */
export const logTags = {
  /** The first line: run id and when it started. */
  head: 'run',
  model: 'model',
  engine: 'engine',
  backend: 'backend',
  kernels: 'kernels',
  step: 'step',
  data: 'data',
  train: 'train',
  estimate: 'estimate',
  epoch: 'epoch',
  /** Something the researcher should know: a non-finite loss, clipping at work, small splits, an early stop. */
  warning: 'warning',
  /** How the run ended: completed, failed, cancelled. */
  end: 'end',
  test: 'test',
  weights: 'weights',
  /** The trainer process's own stdout/stderr (TF.js notices collapsed into one line). */
  output: 'output'
} as const
export type LogTag = (typeof logTags)[keyof typeof logTags]

/** A line's tag, or null for a continuation line (indented under the one before). */
export function tagOfLine(line: string): string | null {
  const match = /^([a-z]+)(?: |$)/.exec(line)
  return match ? match[1]! : null
}

/** How a line should look: warnings and failures stand out; the rest is plain. */
export function lineTone(line: string): 'warning' | 'error' | 'plain' {
  const tag = tagOfLine(line)
  if (tag === logTags.warning) return 'warning'
  if (tag === logTags.end && /^end\s+(failed|cancelled)/.test(line)) return 'error'
  return 'plain'
}
