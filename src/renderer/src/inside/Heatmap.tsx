/**
 * A units × time heatmap on a canvas: one row per unit, one column per step, coloured through a lookup table
 * (scales.ts), drawn once per data, size or theme change. The cursor (a step column everywhere, the unit's row in every
 * heatmap of the same run and layer) lives on a second canvas on top, so a hover redraws two thin rectangles and
 * moves one tooltip: O(1) per pointer move whatever the size of the matrix.
 *
 * Keyboard: the heatmap is one tab stop; arrows move the cursor by a unit or a step, Home/End go to the first or last
 * step, PageUp/PageDown move a tenth of the sequence, Enter or Space picks the unit (as a click does). What the cursor
 * is on is announced in a polite live region.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { chartPalette, useTheme, type Theme } from '../theme'
import { AXIS_LEFT, AXIS_RIGHT, hitTest, moveCursor, rowSpan, timeTicks, stepCenter, type Cursor, type PlotRect } from './geometry'
import { lut, lutIndex, type CellKind, type Domain, type ScaleKind } from './scales'
import { useCursorHub, type SharedCursor } from './cursor'
import { useElementWidth } from './useElementWidth'
import { formatTick, formatValue, stepLabel, unitLabel } from './format'

export interface HeatmapProps {
  /** The trace's symbol as in the equations: f, z, 1 − z, c … */
  title: string
  /** What it is, in words (for the tooltip and assistive technology). */
  description: string
  /** Unit-major: values[unit · steps + step]. */
  values: ArrayLike<number>
  units: number
  steps: number
  /** Row r draws unit order[r] (sorted units); identity when absent. */
  order?: readonly number[]
  scale: ScaleKind
  cell: CellKind
  domain: Domain
  /** Heatmaps of one run · layer · direction share a group: the hovered unit is outlined in all of them. */
  group: string
  selectedUnit?: number | null
  onSelectUnit?: (unit: number) => void
  showTimeAxis?: boolean
  testId?: string
}

const TOP = 4
const AXIS_H = 18

/** CSS pixels per unit row: tall rows for a few units, 2 px from 65 units up (128 units → 256 px). */
export function rowPixels(units: number): number {
  return units <= 8 ? 14 : units <= 16 ? 9 : units <= 32 ? 5 : units <= 64 ? 3 : 2
}

/** Paints a matrix into an image of steps × rows pixels through a colour table; NaN is transparent. */
export function paintMatrix(
  values: ArrayLike<number>,
  units: number,
  steps: number,
  order: readonly number[] | undefined,
  table: Uint32Array,
  domain: Domain,
  out: Uint32Array
): void {
  for (let r = 0; r < units; r++) {
    const unit = order ? order[r]! : r
    const base = unit * steps
    const row = r * steps
    for (let t = 0; t < steps; t++) {
      const k = lutIndex(values[base + t]!, domain)
      out[row + t] = k < 0 ? 0 : table[k]!
    }
  }
}

export function Heatmap(props: HeatmapProps): React.JSX.Element {
  const { title, description, values, units, steps, order, scale, cell, domain, group, selectedUnit = null, onSelectUnit, showTimeAxis = false, testId } = props
  const theme = useTheme()
  const hub = useCursorHub()
  const wrapRef = useRef<HTMLDivElement>(null)
  const baseRef = useRef<HTMLCanvasElement>(null)
  const colRef = useRef<HTMLDivElement>(null)
  const rowRef = useRef<HTMLDivElement>(null)
  const tipRef = useRef<HTMLDivElement>(null)
  const width = useElementWidth(wrapRef)
  const [announce, setAnnounce] = useState('')
  const kbCursor = useRef<Cursor | null>(null)

  const plotH = Math.max(28, Math.min(300, units * rowPixels(units)))
  const height = TOP + plotH + (showTimeAxis ? AXIS_H : 2)
  const rect = useMemo<PlotRect>(() => ({ x: AXIS_LEFT, y: TOP, width: Math.max(1, width - AXIS_LEFT - AXIS_RIGHT), height: plotH }), [width, plotH])
  const table = lut(scale, theme, cell)
  // unit → row, so the cursor finds a unit's row in O(1) when units are sorted.
  const rowOfUnit = useMemo(() => {
    const inv = new Int32Array(units).map((_, u) => u)
    if (order) order.forEach((unit, r) => (inv[unit] = r))
    return inv
  }, [order, units])

  // The matrix as an image, one pixel per (step, unit): rebuilt only when the data, order, scale or theme change.
  const image = useMemo(() => {
    const canvas = document.createElement('canvas')
    canvas.width = Math.max(1, steps)
    canvas.height = Math.max(1, units)
    const ctx = canvas.getContext('2d')
    if (!ctx || steps === 0 || units === 0) return canvas
    const data = ctx.createImageData(steps, units)
    paintMatrix(values, units, steps, order, table, domain, new Uint32Array(data.data.buffer))
    ctx.putImageData(data, 0, 0)
    return canvas
  }, [values, units, steps, order, table, domain])

  // The base layer: the image scaled without smoothing (crisp cells at any devicePixelRatio), labels, the colour key.
  useEffect(() => {
    const canvas = baseRef.current
    if (!canvas || width === 0) return
    const ctx = sizeCanvas(canvas, width, height)
    const pal = chartPalette[theme]
    ctx.imageSmoothingEnabled = false
    ctx.drawImage(image, rect.x, rect.y, rect.width, rect.height)
    ctx.strokeStyle = pal.axis
    ctx.lineWidth = 1
    ctx.strokeRect(rect.x - 0.5, rect.y - 0.5, rect.width + 1, rect.height + 1)
    // Left: the trace's symbol, and the first and last unit drawn.
    ctx.fillStyle = pal.text
    ctx.font = '600 15px "DejaVu Serif", Georgia, serif'
    ctx.textBaseline = 'middle'
    ctx.textAlign = 'left'
    ctx.fillText(title, 6, rect.y + Math.min(rect.height / 2, 14))
    ctx.font = '10px system-ui, sans-serif'
    ctx.fillStyle = pal.muted
    ctx.textAlign = 'right'
    if (rect.height >= 40) {
      ctx.textBaseline = 'top'
      ctx.fillText(`u${order ? order[0] : 0}`, rect.x - 5, rect.y)
      ctx.textBaseline = 'bottom'
      ctx.fillText(`u${order ? order[units - 1] : units - 1}`, rect.x - 5, rect.y + rect.height)
    }
    // Right: the colour key, high end on top.
    const keyX = rect.x + rect.width + 8
    for (let i = 0; i < rect.height; i++) {
      ctx.fillStyle = cssOf(table[Math.min(255, Math.floor(((rect.height - 1 - i) / Math.max(1, rect.height - 1)) * 255))]!)
      ctx.fillRect(keyX, rect.y + i, 8, 1)
    }
    ctx.strokeStyle = pal.axis
    ctx.strokeRect(keyX - 0.5, rect.y - 0.5, 9, rect.height + 1)
    ctx.fillStyle = pal.muted
    ctx.textAlign = 'left'
    ctx.textBaseline = 'top'
    ctx.fillText(formatTick(domain.hi), keyX + 12, rect.y)
    ctx.textBaseline = 'bottom'
    ctx.fillText(formatTick(domain.lo), keyX + 12, rect.y + rect.height)
    if (showTimeAxis) drawTimeAxis(ctx, rect, steps, theme)
  }, [image, width, height, rect, theme, title, order, units, steps, table, domain, showTimeAxis])

  // The cursor is two absolutely positioned outlines moved by transform: a hover touches no canvas, so the browser
  // only composites (a redrawn canvas overlay costs a full-size raster per frame in software rendering).
  const stepW = rect.width / Math.max(1, steps)
  const rowH = rect.height / Math.max(1, units)
  const thinCol = stepW < 3
  const drawCursor = useCallback(
    (c: SharedCursor | null) => {
      const col = colRef.current
      const row = rowRef.current
      if (!col || !row) return
      if (!c || c.step >= steps || width === 0) {
        col.style.display = 'none'
        row.style.display = 'none'
        return
      }
      const x = rect.x + c.step * stepW
      col.style.transform = `translateX(${thinCol ? Math.round(x + stepW / 2) : Math.round(x) - 1}px)`
      col.style.display = 'block'
      const r = c.group === group && c.unit !== null && c.unit < units ? rowOfUnit[c.unit]! : -1
      if (r >= 0) {
        row.style.transform = `translateY(${Math.round(rect.y + r * rowH) - 1}px)`
        row.style.display = 'block'
      } else row.style.display = 'none'
    },
    [width, rect, steps, units, rowOfUnit, group, stepW, rowH, thinCol]
  )

  useEffect(() => {
    drawCursor(hub.get())
    return hub.subscribe(drawCursor)
  }, [hub, drawCursor])

  const selectedRow = selectedUnit !== null && selectedUnit < units ? rowOfUnit[selectedUnit]! : -1

  const showTip = (cursor: Cursor, px: number, py: number): void => {
    const tip = tipRef.current
    if (!tip) return
    const unit = order ? order[cursor.row]! : cursor.row
    const v = values[unit * steps + cursor.step]!
    tip.textContent = `${title} = ${formatValue(v)} · ${stepLabel(cursor.step)} · ${unitLabel(unit)}`
    tip.hidden = false
    const left = px + 14 + 260 > width ? Math.max(0, px - 14 - tip.offsetWidth) : px + 14
    tip.style.transform = `translate(${Math.round(left)}px, ${Math.round(Math.max(0, py - 30))}px)`
  }

  const hide = (): void => {
    if (tipRef.current) tipRef.current.hidden = true
  }

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const x = e.nativeEvent.offsetX
    const y = e.nativeEvent.offsetY
    const hit = hitTest(x, y, rect, units, steps)
    if (!hit) {
      hide()
      hub.set(null)
      return
    }
    const unit = order ? order[hit.row]! : hit.row
    hub.set({ step: hit.step, unit, group })
    showTip(hit, x, y)
  }

  const onLeave = (): void => {
    hide()
    hub.set(null)
  }

  const onClick = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const hit = hitTest(e.nativeEvent.offsetX, e.nativeEvent.offsetY, rect, units, steps)
    if (hit && onSelectUnit) onSelectUnit(order ? order[hit.row]! : hit.row)
  }

  const placeKeyboard = (c: Cursor): void => {
    kbCursor.current = c
    const unit = order ? order[c.row]! : c.row
    hub.set({ step: c.step, unit, group })
    const { y, height: h } = rowSpan(c.row, rect, units)
    showTip(c, stepCenter(c.step, rect, steps), y + h)
    setAnnounce(`${title} = ${formatValue(values[unit * steps + c.step]!)}, ${stepLabel(c.step)}, ${unitLabel(unit)}`)
  }

  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>): void => {
    const current = kbCursor.current ?? { row: 0, step: 0 }
    if ((e.key === 'Enter' || e.key === ' ') && onSelectUnit) {
      e.preventDefault()
      onSelectUnit(order ? order[current.row]! : current.row)
      return
    }
    const next = moveCursor(current, e.key, units, steps)
    if (!next) return
    e.preventDefault()
    placeKeyboard(next)
  }

  return (
    <div
      ref={wrapRef}
      className="heatmap"
      tabIndex={0}
      role="group"
      aria-roledescription="heatmap"
      aria-label={`${title}: ${description}. ${units} units × ${steps} steps. Arrow keys move the cursor${onSelectUnit ? ', Enter draws the unit’s gates' : ''}.`}
      data-testid={testId}
      data-units={units}
      data-steps={steps}
      onKeyDown={onKeyDown}
      onFocus={() => kbCursor.current && placeKeyboard(kbCursor.current)}
      onBlur={onLeave}
      style={{ height }}
    >
      <canvas ref={baseRef} className="heatmap-base" aria-hidden="true" onMouseMove={onMove} onMouseLeave={onLeave} onClick={onClick} />
      <div ref={colRef} className={thinCol ? 'hm-col thin' : 'hm-col'} aria-hidden="true" style={{ top: rect.y - 1, height: rect.height + 2, width: thinCol ? 1 : Math.round(stepW) + 2 }} />
      <div ref={rowRef} className="hm-row" aria-hidden="true" style={{ left: rect.x - 1, width: rect.width + 2, height: Math.max(1, Math.round(rowH)) + 2 }} />
      {selectedRow >= 0 && width > 0 && <div className="hm-selected" aria-hidden="true" style={{ left: rect.x - 8, top: rect.y + (selectedRow + 0.5) * rowH - 4 }} />}
      <div ref={tipRef} className="heatmap-tip" role="tooltip" hidden data-testid={testId ? `${testId}-tip` : undefined} />
      <span className="sr-only" aria-live="polite">{announce}</span>
    </div>
  )
}

/** Sizes a canvas for the device's pixel ratio and returns a context that draws in CSS pixels. */
export function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1
  const w = Math.round(width * dpr)
  const h = Math.round(height * dpr)
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w
    canvas.height = h
    canvas.style.width = `${width}px`
    canvas.style.height = `${height}px`
  }
  const ctx = canvas.getContext('2d')!
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  ctx.clearRect(0, 0, width, height)
  return ctx
}

function cssOf(word: number): string {
  return `rgb(${word & 255}, ${(word >>> 8) & 255}, ${(word >>> 16) & 255})`
}

/** Step ticks under a plot, counted from 0 as everywhere in the inspector. */
export function drawTimeAxis(ctx: CanvasRenderingContext2D, rect: PlotRect, steps: number, theme: Theme): void {
  const pal = chartPalette[theme]
  ctx.font = '10px system-ui, sans-serif'
  ctx.fillStyle = pal.muted
  ctx.strokeStyle = pal.axis
  ctx.textBaseline = 'top'
  ctx.textAlign = 'center'
  const y = rect.y + rect.height
  for (const t of timeTicks(steps)) {
    const x = Math.round(stepCenter(t, rect, steps)) + 0.5
    ctx.beginPath()
    ctx.moveTo(x, y)
    ctx.lineTo(x, y + 4)
    ctx.stroke()
    ctx.fillText(String(t), x, y + 5)
  }
}
