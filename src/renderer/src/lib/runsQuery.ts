/**
 * The runs table's state lives in the URL (#/runs?cell=gru&sort=…), so back, forward and reload keep it. These
 * functions translate between that query and a listRuns request, and define what each sortable column sorts by.
 */
import type { RunQuery, RunSummary } from '../../../shared/api'
import { lowerIsBetter } from './series'

export type RunStatusName = NonNullable<RunQuery['status']>[number]
export type CellName = NonNullable<RunQuery['cell']>[number]

export const allStatuses: RunStatusName[] = ['queued', 'preparing', 'running', 'completed', 'failed', 'cancelled', 'interrupted']
export const allCells: CellName[] = ['lstm', 'gru', 'rnn']

export interface TableState {
  status: RunStatusName[]
  cell: CellName[]
  dataset: string
  tag: string
  text: string
  archived: boolean
  /** The metric shown in the Last and Best columns. */
  metric: string
  sort: string
  order: 'asc' | 'desc'
}

const list = (v: string | undefined): string[] => (v ? v.split(',').filter((s) => s.length > 0) : [])

export function tableStateFromQuery(q: Record<string, string>): TableState {
  return {
    status: list(q.status).filter((s): s is RunStatusName => (allStatuses as string[]).includes(s)),
    cell: list(q.cell).filter((c): c is CellName => (allCells as string[]).includes(c)),
    dataset: q.dataset ?? '',
    tag: q.tag ?? '',
    text: q.text ?? '',
    archived: q.archived === '1',
    metric: q.metric || 'valLoss',
    sort: q.sort || 'createdAt',
    order: q.order === 'asc' ? 'asc' : 'desc'
  }
}

export function tableStateToQuery(s: TableState): Record<string, string> {
  const q: Record<string, string> = {}
  if (s.status.length) q.status = s.status.join(',')
  if (s.cell.length) q.cell = s.cell.join(',')
  if (s.dataset) q.dataset = s.dataset
  if (s.tag) q.tag = s.tag
  if (s.text) q.text = s.text
  if (s.archived) q.archived = '1'
  if (s.metric !== 'valLoss') q.metric = s.metric
  if (s.sort !== 'createdAt') q.sort = s.sort
  if (s.order !== 'desc') q.order = s.order
  return q
}

export function hasFilters(s: TableState): boolean {
  return s.status.length > 0 || s.cell.length > 0 || s.dataset !== '' || s.tag !== '' || s.text !== '' || s.archived
}

/** The listRuns request for one page of the table (filters and sort are applied by the host, over all runs). */
export function toRunQuery(s: TableState, offset: number, limit: number): RunQuery {
  const q: RunQuery = { sort: s.sort, order: s.order, offset, limit, includeArchived: s.archived }
  if (s.status.length) q.status = s.status
  if (s.cell.length) q.cell = s.cell
  if (s.dataset.trim()) q.dataset = [s.dataset.trim()]
  if (s.tag.trim()) q.tag = [s.tag.trim()]
  if (s.text.trim()) q.text = s.text.trim()
  return q
}

/** Sort keys of the sortable columns; Last and Best sort by the chosen metric's stored summary. */
export function sortKeyFor(column: string, metric: string): string | null {
  switch (column) {
    case 'status':
    case 'name':
    case 'cell':
    case 'paramCount':
    case 'durationMs':
    case 'createdAt':
      return column
    case 'last':
      return `summary:${metric}:last`
    case 'best':
      return `summary:${metric}:${lowerIsBetter(metric) ? 'min' : 'max'}`
    default:
      return null
  }
}

/** Clicking a column sorts by it (best first for metrics, newest first for dates); clicking again flips the order. */
export function nextSort(state: TableState, column: string): Pick<TableState, 'sort' | 'order'> | null {
  const key = sortKeyFor(column, state.metric)
  if (!key) return null
  if (state.sort === key) return { sort: key, order: state.order === 'asc' ? 'desc' : 'asc' }
  const firstDesc = column === 'createdAt' || column === 'durationMs' || column === 'paramCount' || (column === 'best' && !lowerIsBetter(state.metric))
  return { sort: key, order: firstDesc ? 'desc' : 'asc' }
}

/** The value for the Best column: the run's own watched best when it is this metric, else the summary's extreme. */
export function bestOf(run: RunSummary, metric: string): { value: number; epoch: number } | null {
  if (run.best && run.best.metric === metric) return { value: run.best.value, epoch: run.best.epoch }
  const s = run.summary[metric]
  if (!s) return null
  // Null when the run recorded only NaN for this metric: there is no best to show.
  const [value, epoch] = lowerIsBetter(metric) ? [s.min, s.minEpoch] : [s.max, s.maxEpoch]
  return value === null || epoch === null ? null : { value, epoch }
}

/** Replaces a run in cached pages in place (a live update must not move rows). Returns whether it was found. */
export function replaceInPages(pages: Map<number, RunSummary[]>, run: RunSummary): boolean {
  for (const [p, rows] of pages) {
    const i = rows.findIndex((r) => r.id === run.id)
    if (i >= 0) {
      const next = rows.slice()
      next[i] = run
      pages.set(p, next)
      return true
    }
  }
  return false
}
