/**
 * The cursor shared by every time-aligned plot of an Inside view: hovering step t anywhere draws t everywhere, and the
 * hovered unit is outlined in every heatmap of the same run and layer. Kept outside React state so a hover redraws a
 * few small overlay canvases instead of re-rendering the page (a hover must answer within one frame).
 */
import { createContext, useContext } from 'react'

export interface SharedCursor {
  step: number
  /** The unit under the pointer, and the group (run · layer · direction) it belongs to. */
  unit: number | null
  group: string | null
}

export class CursorHub {
  private current: SharedCursor | null = null
  private readonly listeners = new Set<(c: SharedCursor | null) => void>()

  get(): SharedCursor | null {
    return this.current
  }

  set(cursor: SharedCursor | null): void {
    const c = this.current
    if (c === cursor || (c && cursor && c.step === cursor.step && c.unit === cursor.unit && c.group === cursor.group)) return
    this.current = cursor
    for (const l of this.listeners) l(cursor)
  }

  subscribe(listener: (c: SharedCursor | null) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

export const CursorContext = createContext<CursorHub | null>(null)

/** The page's hub, or a private one for a plot used on its own. */
const fallback = new CursorHub()
export function useCursorHub(): CursorHub {
  return useContext(CursorContext) ?? fallback
}
