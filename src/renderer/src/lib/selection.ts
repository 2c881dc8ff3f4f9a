/**
 * Multi-select as in a file manager: click toggles one row, shift-click selects the range from the last clicked row
 * (the anchor) to this one, keeping what was selected before. Pure, so the rules are tested without a browser.
 */
export interface SelectionState {
  ids: ReadonlySet<string>
  /** Index of the row last clicked without shift: one end of the next shift-click range. */
  anchor: number | null
}

export const emptySelection: SelectionState = { ids: new Set(), anchor: null }

export function toggleOne(state: SelectionState, id: string, index: number): SelectionState {
  const ids = new Set(state.ids)
  if (ids.has(id)) ids.delete(id)
  else ids.add(id)
  return { ids, anchor: index }
}

/** The inclusive index range a shift-click at `index` covers, or null when there is no anchor yet. */
export function rangeFor(state: SelectionState, index: number): [number, number] | null {
  if (state.anchor === null) return null
  return state.anchor <= index ? [state.anchor, index] : [index, state.anchor]
}

/** Adds the ids of a range (as resolved by the caller, which may have had to fetch them) and keeps the anchor. */
export function addRange(state: SelectionState, rangeIds: readonly string[]): SelectionState {
  const ids = new Set(state.ids)
  for (const id of rangeIds) ids.add(id)
  return { ids, anchor: state.anchor }
}

export function setAll(state: SelectionState, ids: readonly string[], selected: boolean): SelectionState {
  const next = new Set(state.ids)
  for (const id of ids) {
    if (selected) next.add(id)
    else next.delete(id)
  }
  return { ids: next, anchor: state.anchor }
}

/** Drops ids that left the lab (deleted runs) so Compare never asks for a missing run. */
export function removeIds(state: SelectionState, removed: readonly string[]): SelectionState {
  if (!removed.some((id) => state.ids.has(id))) return state
  const ids = new Set(state.ids)
  for (const id of removed) ids.delete(id)
  return { ids, anchor: null }
}
