/**
 * The runs table, the lab's home. The host filters, sorts and pages (listRuns), the table renders only the rows in
 * view, so 10,000 runs scroll like 10. Rows update in place from live events; new or removed runs refresh the loaded
 * pages in the background while the old rows stay on screen, so nothing jumps.
 */
import { inWords } from '../../../shared/wording'
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { RunSummary } from '../../../shared/api'
import { runSettingsOfSummary } from '../../../shared/runSettings'
import { useApi } from '../api/context'
import { useLiveEvent, useProgress } from '../live'
import { CellChip, ErrorNote, StatusCell, Tags } from '../components/bits'
import { cellLabels, displayName, formatCount, formatDuration, formatLr, formatMetric, formatTask, formatWhen } from '../format'
import { EmptyLabHint } from '../components/EmptyLabHint'
import { addRange, emptySelection, rangeFor, removeIds, setAll, toggleOne, type SelectionState } from '../lib/selection'
import { computeWindow, pagesFor, scrollToRow } from '../lib/windowing'
import {
  allCells,
  allStatuses,
  bestOf,
  hasFilters,
  nextSort,
  replaceInPages,
  sortKeyFor,
  tableStateFromQuery,
  tableStateToQuery,
  toRunQuery,
  type TableState
} from '../lib/runsQuery'
import { href, navigate } from '../lib/useRoute'

const PAGE = 100
const ROW_H = 44
const MAX_COMPARE = 100

interface Column {
  id: string
  label: string
  width: string
  sortable?: boolean
  align?: 'right'
  title?: string
}

const columns: Column[] = [
  { id: 'select', label: '', width: '36px' },
  { id: 'status', label: 'Status', width: '136px', sortable: true },
  { id: 'name', label: 'Run', width: 'minmax(150px, 1.5fr)', sortable: true },
  { id: 'cell', label: 'Cell', width: '56px', sortable: true },
  { id: 'task', label: 'Data', width: 'minmax(64px, 0.5fr)' },
  { id: 'hp', label: 'Hyperparameters', width: 'minmax(196px, 1.1fr)', title: 'units × layers · optimizer lr · batch · epochs · sequence length T (built-in tasks), or lookback L → horizon · train/val/test windows (series)' },
  { id: 'paramCount', label: 'Params', width: '64px', sortable: true, align: 'right' },
  { id: 'backend', label: 'Backend', width: '64px' },
  { id: 'last', label: 'Last', width: '82px', sortable: true, align: 'right' },
  { id: 'best', label: 'Best @ epoch', width: '108px', sortable: true, align: 'right' },
  { id: 'durationMs', label: 'Duration', width: '80px', sortable: true, align: 'right' },
  { id: 'createdAt', label: 'Created', width: '86px', sortable: true },
  { id: 'tags', label: 'Tags', width: 'minmax(60px, 0.6fr)' }
]
const gridTemplate = columns.map((c) => c.width).join(' ')

interface PageData {
  key: string
  pages: Map<number, RunSummary[]>
  total: number | null
}
const noPages = new Map<number, RunSummary[]>()

const statusNames: Record<string, string> = { queued: 'Queued', preparing: 'Preparing', running: 'Running', completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled', interrupted: 'Interrupted' }

export function RunsPage({ query }: { query: Record<string, string> }): React.JSX.Element {
  const api = useApi()
  const state = useMemo(() => tableStateFromQuery(query), [query])
  const update = useCallback(
    (patch: Partial<TableState>) => navigate({ name: 'runs', query: tableStateToQuery({ ...state, ...patch }) }, { replace: true }),
    [state]
  )
  const requestKey = JSON.stringify(toRunQuery(state, 0, PAGE))

  // Pages of rows by page number, for the current request. Held in state with the request they belong to, so a new
  // filter or sort shows placeholders at once and a late answer to an old request is ignored.
  const [data, setData] = useState<PageData>(() => ({ key: requestKey, pages: new Map(), total: null }))
  const current: PageData = data.key === requestKey ? data : { key: requestKey, pages: noPages, total: null }
  const currentRef = useRef(current)
  const keyRef = useRef(requestKey)
  useEffect(() => {
    currentRef.current = current
    keyRef.current = requestKey
  })
  // Pages asked for under the current request; forgotten when the request changes, so going back to an earlier
  // filter asks again instead of waiting for pages that were replaced.
  const requested = useRef(new Set<string>())
  useEffect(() => {
    requested.current = new Set()
  }, [requestKey])
  const [error, setError] = useState<string | null>(null)
  const [selection, setSelection] = useState<SelectionState>(emptySelection)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [actionError, setActionError] = useState<string | null>(null)

  const loadPage = useCallback(
    (p: number) => {
      const key = requestKey
      const tag = `${key}:${p}`
      if (requested.current.has(tag)) return
      requested.current.add(tag)
      api.listRuns(toRunQuery(state, p * PAGE, PAGE)).then(
        (r) => {
          if (keyRef.current !== key) return
          setData((d) => {
            const pages = new Map(d.key === key ? d.pages : undefined)
            pages.set(p, r.rows)
            return { key, pages, total: r.total }
          })
          setError(null)
        },
        (e: Error) => {
          requested.current.delete(tag)
          if (keyRef.current === key) setError(e.message)
        }
      )
    },
    // requestKey is the request: state objects with the same filters must not reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, requestKey]
  )

  // Background refresh of the loaded pages (new, removed or re-filtered runs): swap them in at once when all arrive,
  // so the rows on screen never blink.
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const refresh = useCallback(() => {
    clearTimeout(refreshTimer.current)
    refreshTimer.current = setTimeout(() => {
      const key = keyRef.current
      const loaded = [...currentRef.current.pages.keys()]
      if (loaded.length === 0) loaded.push(0)
      Promise.all(loaded.map((p) => api.listRuns(toRunQuery(state, p * PAGE, PAGE)).then((r) => [p, r] as const))).then(
        (results) => {
          if (keyRef.current !== key) return
          const pages = new Map<number, RunSummary[]>()
          let total = 0
          for (const [p, r] of results) {
            pages.set(p, r.rows)
            total = r.total
          }
          setData({ key, pages, total })
        },
        (e: Error) => setError(e.message)
      )
    }, 300)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, requestKey])
  useEffect(() => () => clearTimeout(refreshTimer.current), [])

  useLiveEvent((event) => {
    if (event.type === 'run:update') {
      const cur = currentRef.current
      const pages = new Map(cur.pages)
      if (replaceInPages(pages, event.run)) setData({ ...cur, pages })
      else refresh()
    } else if (event.type === 'runs:removed') {
      setSelection((s) => removeIds(s, event.ids))
      refresh()
    }
  })

  // Windowing.
  const scroller = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [viewport, setViewport] = useState(600)
  useEffect(() => {
    const el = scroller.current
    if (!el) return
    const ro = new ResizeObserver(() => setViewport(el.clientHeight))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  const total = current.total
  const count = total ?? 0
  const win = computeWindow(scrollTop, viewport, ROW_H, count)
  useEffect(() => {
    loadPage(0)
    for (const p of pagesFor(win.start, win.end, PAGE)) loadPage(p)
  }, [win.start, win.end, loadPage, total])
  useEffect(() => {
    // A new filter or sort starts at the top (the scroll event updates scrollTop).
    scroller.current?.scrollTo({ top: 0 })
  }, [requestKey])

  const rowAt = (i: number): RunSummary | undefined => current.pages.get(Math.floor(i / PAGE))?.[i % PAGE]

  // Keyboard focus: one row is in the tab order (roving tabindex); arrows move it, Enter opens, Space selects.
  const [focusIndex, setFocusIndex] = useState(0)
  const wantFocus = useRef(false)
  useEffect(() => {
    if (!wantFocus.current) return
    const el = scroller.current?.querySelector<HTMLElement>(`[data-index="${focusIndex}"]`)
    if (el) {
      el.focus({ preventScroll: true })
      wantFocus.current = false
    }
  })
  const moveFocus = (i: number): void => {
    const next = Math.max(0, Math.min(count - 1, i))
    const el = scroller.current
    if (el) {
      const top = scrollToRow(next, el.scrollTop, el.clientHeight, ROW_H)
      if (top !== el.scrollTop) el.scrollTop = top
    }
    wantFocus.current = true
    setFocusIndex(next)
  }

  const select = useCallback(
    (index: number, run: RunSummary, shift: boolean) => {
      const range = shift ? rangeFor(selection, index) : null
      if (!range) {
        setSelection((s) => toggleOne(s, run.id, index))
        return
      }
      const [a, b] = range
      const known: string[] = []
      let complete = true
      for (let i = a; i <= b; i++) {
        const r = rowAt(i)
        if (r) known.push(r.id)
        else complete = false
      }
      if (complete) setSelection((s) => addRange(s, known))
      else {
        // Part of the range was never scrolled into view: ask the host for exactly those rows.
        api.listRuns(toRunQuery(state, a, b - a + 1)).then(
          (r) => setSelection((s) => addRange(s, r.rows.map((x) => x.id))),
          (e: Error) => setActionError(e.message)
        )
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [selection, api, requestKey, current.pages]
  )

  const onRowKey = (e: React.KeyboardEvent, index: number, run: RunSummary | undefined): void => {
    if (e.key === 'ArrowDown') moveFocus(index + 1)
    else if (e.key === 'ArrowUp') moveFocus(index - 1)
    else if (e.key === 'PageDown') moveFocus(index + Math.floor(viewport / ROW_H))
    else if (e.key === 'PageUp') moveFocus(index - Math.floor(viewport / ROW_H))
    else if (e.key === 'Home') moveFocus(0)
    else if (e.key === 'End') moveFocus(count - 1)
    else if (e.key === 'Enter' && run) navigate({ name: 'run', id: run.id })
    else if (e.key === ' ' && run) select(index, run, e.shiftKey)
    else return
    e.preventDefault()
  }

  const selectedIds = [...selection.ids]
  const loaded = useMemo(() => [...current.pages.values()].flat(), [current.pages])
  const allLoadedSelected = loaded.length > 0 && loaded.every((r) => selection.ids.has(r.id))
  const metricOptions = useMemo(() => {
    const names = new Set(['valLoss', 'loss', state.metric])
    for (const r of loaded) for (const k of Object.keys(r.summary)) names.add(k)
    return [...names].sort()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded.length, state.metric, total])
  const datasetOptions = useMemo(() => [...new Set(['adding', 'copy', 'sine', 'order', 'noise', ...loaded.map((r) => r.task)])], [loaded])

  const doArchive = (): void => {
    setActionError(null)
    api.archiveRuns({ ids: selectedIds, archived: !state.archived }).then(() => {
      setSelection(emptySelection)
      refresh()
    }, (e: Error) => setActionError(e.message))
  }
  const doDelete = (): void => {
    setConfirmDelete(false)
    setActionError(null)
    api.deleteRuns({ ids: selectedIds }).then(() => {
      setSelection(emptySelection)
      refresh()
    }, (e: Error) => setActionError(e.message))
  }

  const filtered = hasFilters(state)
  const rows: React.JSX.Element[] = []
  for (let i = win.start; i < win.end; i++) {
    const run = rowAt(i)
    rows.push(
      <Row
        // Keyed by position: the focused row keeps its element (and focus) when its data arrives or changes.
        key={i}
        index={i}
        run={run}
        metric={state.metric}
        selected={run ? selection.ids.has(run.id) : false}
        focusable={i === focusIndex}
        onSelect={select}
        onKey={onRowKey}
        onFocusRow={setFocusIndex}
      />
    )
  }

  return (
    <div className="page page-wide runs-page">
      <div className="page-head">
        <div>
          <h1 className="page-title">Runs</h1>
          <p className="page-lede">Every training run in this lab. Select two or more to compare them.</p>
        </div>
        <a className="button primary" href={href({ name: 'new', from: null })}>
          New run
        </a>
      </div>

      <Filters state={state} update={update} datasetOptions={datasetOptions} />

      <div className="selection-bar" aria-live="polite">
        <span className="count" data-testid="runs-count">
          {selection.ids.size > 0
            ? `${selection.ids.size} selected`
            : total === null
              ? 'Loading…'
              : `${total.toLocaleString('en-US')} run${total === 1 ? '' : 's'}${filtered ? ' match' : ''}`}
        </span>
        <button
          type="button"
          className="primary"
          disabled={selection.ids.size < 2 || selection.ids.size > MAX_COMPARE}
          title={selection.ids.size > MAX_COMPARE ? `Compare takes up to ${MAX_COMPARE} runs` : 'Select two or more runs'}
          onClick={() => navigate({ name: 'compare', ids: selectedIds })}
        >
          Compare{selection.ids.size >= 2 ? ` ${selection.ids.size}` : ''}
        </button>
        <button type="button" disabled={selection.ids.size === 0} onClick={doArchive}>
          {state.archived ? 'Unarchive' : 'Archive'}
        </button>
        {confirmDelete ? (
          <span className="confirm" role="group" aria-label="Confirm delete">
            Delete {selection.ids.size} run{selection.ids.size === 1 ? '' : 's'} and their metrics?
            <button type="button" className="danger" onClick={doDelete}>
              Delete
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" disabled={selection.ids.size === 0} onClick={() => setConfirmDelete(true)}>
            Delete…
          </button>
        )}
        {selection.ids.size > 0 && (
          <button type="button" className="link" onClick={() => setSelection(emptySelection)}>
            Clear selection
          </button>
        )}
        <ErrorNote message={actionError} onDismiss={() => setActionError(null)} />
          <label className="field-inline view-option">
            <span>Metric</span>
            <select value={state.metric} onChange={(e) => update({ metric: e.target.value, sort: state.sort.startsWith('summary:') ? 'createdAt' : state.sort })}>
              {metricOptions.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={state.archived} onChange={(e) => update({ archived: e.target.checked })} />
            Archived too
          </label>
      </div>

      <ErrorNote message={error} />

      <div
        className="runs-table"
        role="grid"
        aria-label="Runs"
        aria-rowcount={count + 1}
        aria-multiselectable="true"
        style={{ ['--cols' as string]: gridTemplate }}
      >
        <div className="runs-head" role="row" aria-rowindex={1}>
          {columns.map((c) => {
            const active = c.sortable === true && sortKeyFor(c.id, state.metric) === state.sort
            const ariaSort = active ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none'
            if (c.id === 'select') {
              return (
                <div key={c.id} role="columnheader" className="cell-select">
                  <input
                    type="checkbox"
                    aria-label="Select all loaded runs"
                    checked={allLoadedSelected}
                    onChange={(e) => setSelection((s) => setAll(s, loaded.map((r) => r.id), e.target.checked))}
                  />
                </div>
              )
            }
            return (
              <div key={c.id} role="columnheader" aria-sort={c.sortable ? ariaSort : undefined} className={c.align === 'right' ? 'num' : c.id === 'createdAt' ? 'col-created' : undefined} title={c.title}>
                {c.sortable ? (
                  <button
                    type="button"
                    className={`sort ${active ? 'active' : ''}`}
                    onClick={() => {
                      const s = nextSort(state, c.id)
                      if (s) update(s)
                    }}
                  >
                    {c.id === 'last' ? `Last ${state.metric}` : c.id === 'best' ? `Best ${state.metric}` : c.label}
                    <span className="sort-mark" aria-hidden="true">
                      {active ? (state.order === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                ) : (
                  c.label
                )}
              </div>
            )
          })}
        </div>
        <div className="runs-body" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} role="rowgroup">
          {total === 0 ? (
            <div className="empty">
              {filtered ? (
                <>
                  <p>No runs match these filters.</p>
                  <button type="button" onClick={() => navigate({ name: 'runs', query: state.metric !== 'valLoss' ? { metric: state.metric } : {} }, { replace: true })}>
                    Clear filters
                  </button>
                </>
              ) : (
                <EmptyLabHint />
              )}
            </div>
          ) : (
            <div style={{ height: win.totalHeight, position: 'relative' }}>
              <div style={{ transform: `translateY(${win.offsetTop}px)` }}>{rows}</div>
            </div>
          )}
        </div>
      </div>
    </div>
  )
}

function Filters({
  state,
  update,
  datasetOptions
}: {
  state: TableState
  update: (p: Partial<TableState>) => void
  datasetOptions: string[]
}): React.JSX.Element {
  // Text fields filter as you type, a moment after you stop, so every keystroke does not query the host.
  const [text, setText] = useState(state.text)
  const [dataset, setDataset] = useState(state.dataset)
  const [tag, setTag] = useState(state.tag)
  // When the URL changes under us (back, Clear filters), the fields follow it.
  const [seen, setSeen] = useState({ text: state.text, dataset: state.dataset, tag: state.tag })
  if (seen.text !== state.text || seen.dataset !== state.dataset || seen.tag !== state.tag) {
    setSeen({ text: state.text, dataset: state.dataset, tag: state.tag })
    setText(state.text)
    setDataset(state.dataset)
    setTag(state.tag)
  }
  useEffect(() => {
    if (text === state.text && dataset === state.dataset && tag === state.tag) return
    const t = setTimeout(() => update({ text, dataset, tag }), 250)
    return () => clearTimeout(t)
  }, [text, dataset, tag, state.text, state.dataset, state.tag, update])

  const toggle = <T extends string>(list: T[], v: T): T[] => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v])
  return (
    <div className="filters" role="search">
      <input className="search" type="search" placeholder="Search names and notes" aria-label="Search runs" value={text} onChange={(e) => setText(e.target.value)} />
      <div className="chip-group" role="group" aria-label="Status">
        {allStatuses.map((s) => (
          <button key={s} type="button" className={`chip ${state.status.includes(s) ? 'on' : ''}`} aria-pressed={state.status.includes(s)} onClick={() => update({ status: toggle(state.status, s) })}>
            <span className={`status-dot status-${s}`} aria-hidden="true" />
            {statusNames[s]}
          </button>
        ))}
      </div>
      <div className="chip-group" role="group" aria-label="Cell">
        {allCells.map((c) => (
          <button key={c} type="button" className={`chip cellchip-${c} ${state.cell.includes(c) ? 'on' : ''}`} aria-pressed={state.cell.includes(c)} onClick={() => update({ cell: toggle(state.cell, c) })}>
            {cellLabels[c]}
          </button>
        ))}
      </div>
      <label className="field-inline">
        <span>Data</span>
        <input list="dataset-options" value={dataset} placeholder="any" onChange={(e) => setDataset(e.target.value)} size={10} />
        <datalist id="dataset-options">
          {datasetOptions.map((d) => (
            <option key={d} value={d} />
          ))}
        </datalist>
      </label>
      <label className="field-inline">
        <span>Tag</span>
        <input value={tag} placeholder="any" onChange={(e) => setTag(e.target.value)} size={8} />
      </label>
    </div>
  )
}

interface RowProps {
  index: number
  run: RunSummary | undefined
  metric: string
  selected: boolean
  focusable: boolean
  onSelect: (index: number, run: RunSummary, shift: boolean) => void
  onKey: (e: React.KeyboardEvent, index: number, run: RunSummary | undefined) => void
  onFocusRow: (index: number) => void
}

const Row = memo(function Row({ index, run, metric, selected, focusable, onSelect, onKey, onFocusRow }: RowProps): React.JSX.Element {
  if (!run) {
    return (
      <div className="run-row pending" role="row" aria-rowindex={index + 2} data-index={index} tabIndex={focusable ? 0 : -1} onKeyDown={(e) => onKey(e, index, undefined)}>
        <div className="skeleton" />
      </div>
    )
  }
  const last = run.summary[metric]?.last
  const best = bestOf(run, metric)
  const hp = run.hp
  const settings = runSettingsOfSummary(run)
  return (
    <div
      className={`run-row ${selected ? 'selected' : ''}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-index={index}
      data-run-id={run.id}
      data-status={run.status}
      tabIndex={focusable ? 0 : -1}
      onFocus={() => onFocusRow(index)}
      onKeyDown={(e) => onKey(e, index, run)}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('input, button, a')) return
        if (e.shiftKey || e.metaKey || e.ctrlKey) {
          e.preventDefault()
          onSelect(index, run, e.shiftKey)
        } else navigate({ name: 'run', id: run.id })
      }}
    >
      <div role="gridcell" className="cell-select">
        <input
          type="checkbox"
          checked={selected}
          aria-label={`Select ${displayName(run)}`}
          tabIndex={-1}
          // The click carries shiftKey (onChange does not); the selection state then drives `checked`. No
          // preventDefault: on a checkbox it leaves the box showing the old state.
          onClick={(e) => onSelect(index, run, e.shiftKey)}
          onChange={() => undefined}
        />
      </div>
      <div role="gridcell">
        <StatusCell runId={run.id} status={run.status} error={run.error} />
      </div>
      <div role="gridcell" className="name-cell">
        <a href={href({ name: 'run', id: run.id })} tabIndex={-1} className="run-name">
          {displayName(run)}
        </a>
        {run.error && <span className="row-error" title={inWords(run.error, 'ui')}>{inWords(run.error, 'ui')}</span>}
      </div>
      <div role="gridcell">
        <CellChip cell={run.cell} />
      </div>
      <div role="gridcell" className="clip" title={run.task}>
        {formatTask(run.task)}
      </div>
      <div role="gridcell" className="hp mono clip" title={`units ${hp.units}, layers ${hp.layers}, ${hp.optimizer} lr ${hp.lr}, batch ${hp.batch}, ${hp.epochs} epochs, ${settings.items.map((i) => `${i.label.toLowerCase()} ${i.value}`).join(', ')}`}>
        {hp.units}×{hp.layers} {hp.optimizer} {formatLr(hp.lr)} b{hp.batch} {hp.epochs}ep <span data-testid="run-settings">{settings.short}</span>
      </div>
      <div role="gridcell" className="num">
        {formatCount(run.paramCount)}
      </div>
      <div role="gridcell" className="muted clip">
        {run.backend ?? '—'}
      </div>
      <div role="gridcell" className="num">
        {formatMetric(last)}
      </div>
      <div role="gridcell" className="num">
        {best ? (
          <>
            <span className="strong">{formatMetric(best.value)}</span>
            <span className="muted"> @ {best.epoch}</span>
          </>
        ) : (
          '—'
        )}
      </div>
      <div role="gridcell" className="num">
        <Duration run={run} />
      </div>
      <div role="gridcell" className="muted col-created" title={run.createdAt}>
        {formatWhen(run.createdAt)}
      </div>
      <div role="gridcell" className="clip">
        <Tags tags={run.tags} />
      </div>
    </div>
  )
})

function Duration({ run }: { run: RunSummary }): React.JSX.Element {
  const progress = useProgress(run.id)
  if (run.status === 'running' && progress) return <>{formatDuration(progress.elapsedMs)}</>
  return <>{run.durationMs !== null ? formatDuration(run.durationMs) : '—'}</>
}
