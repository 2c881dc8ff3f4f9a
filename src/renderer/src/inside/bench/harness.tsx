/**
 * The page bench/inside.bench.ts measures in Chromium: the Inside view's own Heatmap component with a 128 × 1,000
 * matrix (a smooth field with noise, so every cell differs), nothing else. Built by the bench with Vite; not part of
 * the app's bundle.
 */
import { createRoot } from 'react-dom/client'
import { Heatmap } from '../Heatmap'
import { ThemeContext } from '../../theme'
import { unitDomain } from '../scales'
import '../../styles.css'
import '../inside.css'

const units = 128
const steps = 1000
const values = new Float32Array(units * steps)
for (let u = 0; u < units; u++) {
  for (let t = 0; t < steps; t++) values[u * steps + t] = 0.5 + 0.45 * Math.sin(t / (20 + u)) * Math.cos(u / 7) + 0.04 * Math.sin(t * 12.9898 + u * 78.233)
}

const mountedAt = performance.now()

/** What the bench calls through page.evaluate. */
const harness = {
  ready: (): boolean => ((document.querySelector('.heatmap-base') as HTMLCanvasElement | null)?.width ?? 0) > 300,
  /** Mount → the next frame after the canvases were painted (they paint in effects after mount). */
  firstDraw: (): Promise<number> => new Promise((res) => requestAnimationFrame(() => res(performance.now() - mountedAt))),
  /** `count` hovers at seeded random cells: the synchronous work of each, and the wait until the next frame. */
  async hovers(count: number): Promise<{ handler: number[]; frame: number[]; idle: number[]; checked: number; dpr: number; canvasWidth: number }> {
    const canvas = document.querySelector('.heatmap-base') as HTMLCanvasElement
    const tip = document.querySelector('.heatmap-tip') as HTMLElement
    const r = canvas.getBoundingClientRect()
    const handler: number[] = []
    const frame: number[] = []
    let checked = 0
    let seed = 12345
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const nextFrame = (): Promise<void> => new Promise((res) => requestAnimationFrame(() => res()))
    for (let i = 0; i < count; i++) {
      const step = Math.floor(rand() * steps)
      const unit = Math.floor(rand() * units)
      const x = r.left + 64 + ((step + 0.5) * (r.width - 64 - 52)) / steps
      const y = r.top + 4 + ((unit + 0.5) * 256) / units
      const t0 = performance.now()
      canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }))
      const t1 = performance.now()
      await nextFrame()
      frame.push(performance.now() - t0)
      handler.push(t1 - t0)
      // The tooltip names the cell under the pointer.
      const want = `t = ${step} · unit ${unit}`
      if (!tip.textContent?.endsWith(want)) throw new Error(`hover at step ${step}, unit ${unit} showed “${tip.textContent}”`)
      checked++
    }
    // The same wait for the next frame without a hover: the browser's own frame pacing, for scale.
    const idle: number[] = []
    for (let i = 0; i < Math.min(count, 200); i++) {
      const t0 = performance.now()
      await nextFrame()
      idle.push(performance.now() - t0)
    }
    return { handler, frame, idle, checked, dpr: window.devicePixelRatio, canvasWidth: canvas.width }
  }
}
;(window as unknown as { harness: typeof harness }).harness = harness

createRoot(document.getElementById('root')!).render(
  <ThemeContext.Provider value="light">
    <div style={{ width: 1240, padding: 20 }}>
      <Heatmap title="f" description="bench" values={values} units={units} steps={steps} scale="sequential" cell="lstm" domain={unitDomain} group="bench" onSelectUnit={() => undefined} showTimeAxis testId="bench-heatmap" />
    </div>
  </ThemeContext.Provider>
)
