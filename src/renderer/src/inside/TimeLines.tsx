/**
 * Lines over time on a canvas, on the same x as the heatmaps (geometry.ts): the inputs, the target and prediction, one
 * unit's gates, and the gradient flow (log scale, several runs overlaid). The shared cursor draws the hovered step
 * here too, and the tooltip lists every line's value at that step.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { chartPalette, useTheme } from '../theme'
import { AXIS_LEFT, AXIS_RIGHT, moveCursor, stepAt, stepCenter, type PlotRect } from './geometry'
import { drawTimeAxis, sizeCanvas } from './Heatmap'
import { useCursorHub, type SharedCursor } from './cursor'
import { useElementWidth } from './useElementWidth'
import { formatTick, formatValue, stepLabel } from './format'

export interface LineSeries {
  label: string
  color: string
  /** One value per step; NaN where there is none (a target known only at the last step). */
  values: ArrayLike<number>
  dash?: number[]
  width?: number
  /** Dots at each value (for sparse series: a target, a prediction). */
  dots?: boolean
}

export interface TimeLinesProps {
  title: string
  description: string
  series: LineSeries[]
  steps: number
  log?: boolean
  /** Fixed y range (e.g. [0, 1] for gates); fitted to the data when absent. */
  range?: [number, number]
  height?: number
  showTimeAxis?: boolean
  /** Extra words under the title (units, what the axis means). */
  yLabel?: string
  testId?: string
}

/** Room above the plot for its title. */
const TOP = 20

/** The y range of the data: [min, max] padded by 5% (linear) or to whole decades (log, positive values only). */
export function fitRange(series: ReadonlyArray<{ values: ArrayLike<number> }>, log: boolean): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!
      if (!Number.isFinite(v) || (log && v <= 0)) continue
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
  }
  if (lo > hi) return log ? [1e-3, 1] : [0, 1]
  if (log) return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi) + (hi === lo ? 1 : 0))]
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.1 || 1
  return [lo - pad, hi + pad]
}

/** y of a value inside the plot (top = high). */
export function yOf(v: number, range: [number, number], rect: PlotRect, log: boolean): number {
  const [lo, hi] = range
  const f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo)
  return rect.y + rect.height * (1 - f)
}

/** Tick values for the y axis: decades on a log scale, 2–5 round values (1, 2, 5 × 10ⁿ apart) on a linear one. */
export function yTicks(range: [number, number], log: boolean): number[] {
  const [lo, hi] = range
  if (!log) {
    const raw = (hi - lo) / 3
    const p = 10 ** Math.floor(Math.log10(raw))
    const every = [1, 2, 5, 10].find((k) => k * p >= raw)! * p
    const out: number[] = []
    for (let k = Math.ceil(lo / every); k * every <= hi + every * 1e-9; k++) out.push(Number((k * every).toPrecision(12)))
    return out
  }
  const a = Math.round(Math.log10(lo))
  const b = Math.round(Math.log10(hi))
  const every = Math.max(1, Math.ceil((b - a) / 5))
  const out: number[] = []
  for (let e = a; e <= b; e += every) out.push(Number(`1e${e}`))
  return out
}

export function TimeLines({ title, description, series, steps, log = false, range, height = 120, showTimeAxis = false, yLabel, testId }: TimeLinesProps): React.JSX.Element {
  const theme = useTheme()
  const hub = useCursorHub()
  const wrapRef = useRef<HTMLDivElement>(null)
  const baseRef = useRef<HTMLCanvasElement>(null)
  const lineRef = useRef<HTMLDivElement>(null)
  const tipRef = useRef<HTMLDivElement>(null)
  const width = useElementWidth(wrapRef)
  const [announce, setAnnounce] = useState('')
  const kbStep = useRef<number | null>(null)
  const total = height + TOP + (showTimeAxis ? 18 : 4)
  const rect = useMemo<PlotRect>(() => ({ x: AXIS_LEFT, y: TOP, width: Math.max(1, width - AXIS_LEFT - AXIS_RIGHT), height }), [width, height])
  const yRange = useMemo(() => range ?? fitRange(series, log), [range, series, log])

  useEffect(() => {
    const canvas = baseRef.current
    if (!canvas || width === 0) return
    const ctx = sizeCanvas(canvas, width, total)
    const pal = chartPalette[theme]
    // Grid and y ticks.
    ctx.font = '10px system-ui, sans-serif'
    ctx.textAlign = 'right'
    ctx.textBaseline = 'middle'
    for (const v of yTicks(yRange, log)) {
      const y = Math.round(yOf(v, yRange, rect, log)) + 0.5
      ctx.strokeStyle = pal.split
      ctx.beginPath()
      ctx.moveTo(rect.x, y)
      ctx.lineTo(rect.x + rect.width, y)
      ctx.stroke()
      ctx.fillStyle = pal.muted
      ctx.fillText(formatTick(v), rect.x - 5, y)
    }
    ctx.strokeStyle = pal.axis
    ctx.strokeRect(rect.x - 0.5, rect.y - 0.5, rect.width + 1, rect.height + 1)
    // Lines, clipped to the plot.
    ctx.save()
    ctx.beginPath()
    ctx.rect(rect.x, rect.y - 1, rect.width, rect.height + 2)
    ctx.clip()
    for (const s of series) {
      ctx.strokeStyle = s.color
      ctx.fillStyle = s.color
      ctx.lineWidth = s.width ?? 1.5
      ctx.setLineDash(s.dash ?? [])
      ctx.beginPath()
      let pen = false
      const n = Math.min(steps, s.values.length)
      for (let t = 0; t < n; t++) {
        const v = s.values[t]!
        if (!Number.isFinite(v) || (log && v <= 0)) {
          pen = false
          continue
        }
        const x = stepCenter(t, rect, steps)
        const y = yOf(v, yRange, rect, log)
        if (pen) ctx.lineTo(x, y)
        else ctx.moveTo(x, y)
        pen = true
      }
      ctx.stroke()
      ctx.setLineDash([])
      if (s.dots) {
        for (let t = 0; t < n; t++) {
          const v = s.values[t]!
          if (!Number.isFinite(v) || (log && v <= 0)) continue
          ctx.beginPath()
          ctx.arc(stepCenter(t, rect, steps), yOf(v, yRange, rect, log), 3.5, 0, Math.PI * 2)
          ctx.fill()
        }
      }
    }
    ctx.restore()
    if (showTimeAxis) drawTimeAxis(ctx, rect, steps, theme)
  }, [width, total, rect, theme, series, steps, yRange, log, showTimeAxis])

  // A vertical line and a dot per line, moved by transform (no canvas is redrawn on a hover).
  const dotRefs = useRef<Array<HTMLDivElement | null>>([])
  const drawCursor = useCallback(
    (c: SharedCursor | null) => {
      const line = lineRef.current
      if (!line) return
      const show = !!c && c.step < steps && width > 0
      line.style.display = show ? 'block' : 'none'
      const x = show ? Math.round(stepCenter(c.step, rect, steps)) : 0
      if (show) line.style.transform = `translateX(${x}px)`
      series.forEach((s, k) => {
        const dot = dotRefs.current[k]
        if (!dot) return
        const v = show ? s.values[c.step] : undefined
        if (v === undefined || !Number.isFinite(v) || (log && v <= 0)) {
          dot.style.display = 'none'
          return
        }
        dot.style.display = 'block'
        dot.style.transform = `translate(${x - 3}px, ${Math.round(yOf(v, yRange, rect, log)) - 3}px)`
      })
    },
    [width, rect, steps, series, yRange, log]
  )

  useEffect(() => {
    drawCursor(hub.get())
    return hub.subscribe(drawCursor)
  }, [hub, drawCursor])

  const describe = (step: number): string =>
    `${stepLabel(step)}: ${series.map((s) => `${s.label} ${formatValue(s.values[step] ?? NaN)}`).join(' · ')}`

  const showTip = (step: number, px: number): void => {
    const tip = tipRef.current
    if (!tip) return
    tip.textContent = describe(step)
    tip.hidden = false
    const left = px + 14 + 280 > width ? Math.max(0, px - 14 - tip.offsetWidth) : px + 14
    tip.style.transform = `translate(${Math.round(left)}px, 2px)`
  }

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const step = stepAt(e.nativeEvent.offsetX, rect, steps)
    if (step === null) {
      if (tipRef.current) tipRef.current.hidden = true
      hub.set(null)
      return
    }
    hub.set({ step, unit: null, group: null })
    showTip(step, e.nativeEvent.offsetX)
  }
  const onLeave = (): void => {
    if (tipRef.current) tipRef.current.hidden = true
    hub.set(null)
  }
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>): void => {
    const next = moveCursor({ row: 0, step: kbStep.current ?? 0 }, e.key, 1, steps)
    if (!next) return
    e.preventDefault()
    kbStep.current = next.step
    hub.set({ step: next.step, unit: null, group: null })
    showTip(next.step, stepCenter(next.step, rect, steps))
    setAnnounce(describe(next.step))
  }

  return (
    <div
      ref={wrapRef}
      className="timelines"
      tabIndex={0}
      role="group"
      aria-roledescription="line plot"
      aria-label={`${title}: ${description}${log ? ' (log scale)' : ''}. Left and right arrows read the values step by step.`}
      data-testid={testId}
      data-series={series.map((s) => s.label).join('|')}
      onKeyDown={onKeyDown}
      onBlur={onLeave}
      style={{ height: total }}
    >
      <canvas ref={baseRef} className="heatmap-base" aria-hidden="true" onMouseMove={onMove} onMouseLeave={onLeave} />
      <div ref={lineRef} className="tl-line" aria-hidden="true" style={{ top: rect.y, height: rect.height }} />
      {series.map((s, k) => (
        <div
          key={k}
          ref={(el) => {
            dotRefs.current[k] = el
          }}
          className="tl-dot"
          aria-hidden="true"
          style={{ background: s.color }}
        />
      ))}
      <div className="timelines-title" aria-hidden="true">
        <span>{title}</span>
        {yLabel && <span className="muted">{yLabel}</span>}
      </div>
      <div ref={tipRef} className="heatmap-tip" role="tooltip" hidden />
      <span className="sr-only" aria-live="polite">{announce}</span>
    </div>
  )
}

/** A legend for line plots, in HTML (readable, wraps). */
export function LineLegend({ series }: { series: ReadonlyArray<Pick<LineSeries, 'label' | 'color' | 'dash' | 'dots'>> }): React.JSX.Element {
  return (
    <ul className="line-legend">
      {series.map((s) => (
        <li key={s.label}>
          <svg width="22" height="8" aria-hidden="true">
            <line x1="1" y1="4" x2="21" y2="4" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash?.join(' ')} />
            {s.dots && <circle cx="11" cy="4" r="3" fill={s.color} />}
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  )
}
