/**
 * Row windowing for long tables: which rows to render for a scroll position, and which server pages they live on.
 * Rows have one fixed height, so the window is arithmetic and the scrollbar is exact for 10,000 rows.
 */
export interface RowWindow {
  /** First rendered row (inclusive). */
  start: number
  /** Last rendered row + 1. */
  end: number
  /** Space above the first rendered row, in pixels. */
  offsetTop: number
  totalHeight: number
}

export function computeWindow(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 8): RowWindow {
  const totalHeight = count * rowHeight
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offsetTop: 0, totalHeight }
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight)
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1
  const start = Math.max(0, Math.min(count - 1, first - overscan))
  const end = Math.min(count, first + visible + overscan)
  return { start, end, offsetTop: start * rowHeight, totalHeight }
}

/** The page numbers (of `pageSize` rows) that rows [start, end) need. */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  if (end <= start) return []
  const pages: number[] = []
  for (let p = Math.floor(start / pageSize); p <= Math.floor((end - 1) / pageSize); p++) pages.push(p)
  return pages
}

/** The scrollTop that brings row `index` fully into view, or the current one when it already is. */
export function scrollToRow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight
  const bottom = top + rowHeight
  if (top < scrollTop) return top
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight
  return scrollTop
}
