/**
 * What the New run preview and the run page say about a series' splits and time column (issue 16):
 * - fewer validation or test windows than the lab's small-split figure (30 unless set: --min-split-windows or
 *   GATELAB_MIN_SPLIT_WINDOWS on the host; src/shared/baselines/splitSize.ts), with what to do in the form's words;
 * - the time column read as dates, its range as dates, its typical step, and irregular spacing (steps more than 1.5 ×
 *   the typical one: src/shared/data/time.ts spacingOf, the same facts `inspect-csv` prints).
 * <ImportPlanNotes plan={…}/> puts all of it under a preview; <SmallSplitWarning/> is the run page's note.
 */
import type { PlanSummary } from '../../../shared/data/prepare'
import type { CsvInspection } from '../../../shared/data/inspection'
import { smallSplitsOf } from '../../../shared/baselines/splitSize'
import { compactDateMs, detectCompactTime, formatDate, formatStep } from '../../../shared/data/time'
import { useMinSplitWindows } from '../lib/splitSettings'

type TimeFacts = NonNullable<PlanSummary['time']>

export function SmallSplitWarning({ windows, context }: { windows: { val: number; test: number }; context: 'preview' | 'run' }): React.JSX.Element | null {
  const min = useMinSplitWindows()
  const small = smallSplitsOf(windows, min)
  if (small.length === 0) return null
  const what =
    context === 'preview'
      ? 'For a conclusion, choose a shorter Lookback (more windows fit in each split) or a longer series; the rows are split 70% / 15% / 15% in time order.'
      : 'For a conclusion, start a New run with a shorter Lookback or on a longer series.'
  return (
    <p className="warn-note small" role="note" data-testid="small-split">
      <span className="warn-mark" aria-hidden="true">!</span>
      <span>
        Only {small.map((s) => `${s.windows} ${s.split}`).join(' and ')} window{small[small.length - 1]!.windows === 1 ? '' : 's'} (fewer than {min}): a difference measured on so few is mostly noise. {what}
      </span>
    </p>
  )
}

function dated(t: TimeFacts): boolean {
  return t.format !== undefined && t.format !== 'number'
}

/** "Date read as dates (YYYYMMDD), 1966-12-25 … 1967-06-30, typical step 1 day" */
export function TimeLine({ time }: { time: TimeFacts }): React.JSX.Element | null {
  if (time.first === undefined || time.last === undefined) return null
  const isDate = dated(time)
  const show = (v: number): string => (isDate ? formatDate(v) : String(v))
  const form = time.format === 'iso' ? 'ISO 8601' : time.format?.toUpperCase()
  return (
    <p className="small" data-testid="time-facts">
      Time: <b>{time.column}</b> read as {isDate ? `dates (${form})` : 'numbers'}, {show(time.first)} … {show(time.last)}
      {time.step !== undefined ? `, typical step ${isDate ? formatStep(time.step) : String(time.step)}` : ''}
      {time.sorted ? '; rows sorted by it' : ''}
    </p>
  )
}

export function SpacingWarning({ time }: { time: TimeFacts }): React.JSX.Element | null {
  if (!time.gaps || !time.largestGap) return null
  const show = (v: number): string => (dated(time) ? formatDate(v) : String(v))
  return (
    <p className="warn-note small" role="note" data-testid="irregular-spacing">
      <span className="warn-mark" aria-hidden="true">!</span>
      <span>
        Irregular spacing: {time.gaps} gap{time.gaps === 1 ? '' : 's'} longer than 1.5 × the typical step, the largest from {show(time.largestGap.from)} to {show(time.largestGap.to)}. Windows
        run across the gaps as if the rows were evenly spaced; “Missing values” fills only empty cells, not missing rows.
      </span>
    </p>
  )
}

/**
 * A column that looks like dates but is not the time column: its range as dates, and what that means for the rows
 * (file order, missing values filled by row). Judged from the column's first and last values; the import reads it as
 * dates once it is chosen as the time column.
 */
export function UnusedDatesNote({ inspection }: { inspection: CsvInspection }): React.JSX.Element | null {
  const name = inspection.suggested.time
  if (!name || inspection.plan?.time) return null
  const c = inspection.columns.find((col) => col.name === name)
  if (!c || c.min === undefined || c.max === undefined) return null
  const compact = c.type === 'number' ? detectCompactTime([c.min, c.max], c.name) : null
  const range = c.type === 'time' ? `dates, ${formatDate(c.min)} … ${formatDate(c.max)}` : compact ? `dates ${compact.toUpperCase()}, ${formatDate(compactDateMs(c.min, compact))} … ${formatDate(compactDateMs(c.max, compact))}` : null
  if (!range) return null
  return (
    <p className="small muted" data-testid="unused-dates">
      <b>{name}</b> looks like a time column ({range}) but is not used as one: the rows stay in file order, missing values are filled by row rather than by time, and
      the spacing of the dates is not checked.
    </p>
  )
}

/** Under a preview: windows per split, the time column's facts, and the warnings a run on this data would carry. */
export function ImportPlanNotes({ inspection }: { inspection: CsvInspection }): React.JSX.Element | null {
  const plan = inspection.plan
  if (!plan) return null
  const { split, window } = plan
  return (
    <div className="plan-notes" data-testid="plan-notes">
      <p className="small muted" data-testid="split-windows">
        Windows (lookback {window.lookback}, horizon {window.horizon}): train {split.train.windows.toLocaleString('en-US')} · validation {split.val.windows.toLocaleString('en-US')} · test{' '}
        {split.test.windows.toLocaleString('en-US')}
      </p>
      {plan.time && <TimeLine time={plan.time} />}
      {plan.time && <SpacingWarning time={plan.time} />}
      <UnusedDatesNote inspection={inspection} />
      <SmallSplitWarning windows={{ val: split.val.windows, test: split.test.windows }} context="preview" />
    </div>
  )
}

/** The run page's data card: the time column as the run read it (dates, range, step) and its irregular spacing. */
export function RunTimeNotes({ meta }: { meta: Record<string, unknown> }): React.JSX.Element | null {
  const time = (meta.table as { time?: TimeFacts } | undefined)?.time
  if (!time || typeof time !== 'object') return null
  return (
    <div className="plan-notes" data-testid="run-time-notes">
      <TimeLine time={time} />
      <SpacingWarning time={time} />
    </div>
  )
}
