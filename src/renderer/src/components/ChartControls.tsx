/**
 * The controls every set of curves shares: smoothing, x axis, log scale and grouping. Settings persist (localStorage)
 * because a researcher who likes 0.8 smoothing on a log axis wants it on every page.
 */
import { useEffect, useId, useState } from 'react'
import type { BandKind } from '../lib/groupStats'
import type { XAxis } from '../lib/series'

export interface ChartSettings {
  smoothing: number
  x: XAxis
  logScale: boolean
  /** null: no grouping; 'cell'; or a config key such as 'units'. */
  groupBy: string | null
  band: BandKind
  showMembers: boolean
  set: (patch: Partial<Omit<ChartSettings, 'set'>>) => void
}

const KEY = 'gatelab.chartSettings'
type Stored = Omit<ChartSettings, 'set' | 'groupBy'>
const defaults: Stored = { smoothing: 0.6, x: 'step', logScale: false, band: 'ci95', showMembers: false }

function read(): Stored {
  try {
    const v = JSON.parse(window.localStorage.getItem(KEY) ?? '{}') as Partial<Stored>
    return {
      smoothing: typeof v.smoothing === 'number' && v.smoothing >= 0 && v.smoothing < 1 ? v.smoothing : defaults.smoothing,
      x: v.x === 'epoch' || v.x === 'wallMs' || v.x === 'step' ? v.x : defaults.x,
      logScale: v.logScale === true,
      band: v.band === 'sd' ? 'sd' : 'ci95',
      showMembers: v.showMembers === true
    }
  } catch {
    return defaults
  }
}

export function useChartSettings(allowGrouping = true): ChartSettings {
  const [stored, setStored] = useState<Stored>(read)
  // Grouping is per page (it depends on which runs are there), not remembered.
  const [groupBy, setGroupBy] = useState<string | null>(null)
  useEffect(() => {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(stored))
    } catch {
      // Not persisted: fine.
    }
  }, [stored])
  return {
    ...stored,
    groupBy: allowGrouping ? groupBy : null,
    set: (patch) => {
      const { groupBy: g, ...rest } = patch
      if (g !== undefined) setGroupBy(g)
      if (Object.keys(rest).length > 0) setStored((s) => ({ ...s, ...rest }))
    }
  }
}

export function ChartControls({ settings, groupKeys }: { settings: ChartSettings; groupKeys?: string[] }): React.JSX.Element {
  const id = useId()
  const xs: Array<[XAxis, string]> = [
    ['step', 'Step'],
    ['epoch', 'Epoch'],
    ['wallMs', 'Time']
  ]
  return (
    <div className="chart-controls" role="toolbar" aria-label="Chart settings">
      <label className="control" htmlFor={`${id}-smooth`}>
        <span>Smoothing</span>
        <input
          id={`${id}-smooth`}
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={settings.smoothing}
          onChange={(e) => settings.set({ smoothing: Number(e.target.value) })}
        />
        <output className="mono" htmlFor={`${id}-smooth`}>{settings.smoothing.toFixed(2)}</output>
      </label>
      <div className="control">
        <span id={`${id}-x`}>X axis</span>
        <div className="segmented small" role="radiogroup" aria-labelledby={`${id}-x`}>
          {xs.map(([v, label]) => (
            <button key={v} type="button" role="radio" aria-checked={settings.x === v} className={settings.x === v ? 'on' : ''} onClick={() => settings.set({ x: v })}>
              {label}
            </button>
          ))}
        </div>
      </div>
      <label className="control check">
        <input type="checkbox" checked={settings.logScale} onChange={(e) => settings.set({ logScale: e.target.checked })} />
        Log scale
      </label>
      {groupKeys && (
        <>
          <label className="control">
            <span>Group by</span>
            <select value={settings.groupBy ?? ''} onChange={(e) => settings.set({ groupBy: e.target.value || null })}>
              <option value="">none (each run)</option>
              <option value="cell">cell</option>
              {groupKeys.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          {settings.groupBy && (
            <>
              <label className="control">
                <span>Band</span>
                <select value={settings.band} onChange={(e) => settings.set({ band: e.target.value === 'sd' ? 'sd' : 'ci95' })}>
                  <option value="ci95">95 % t-interval of the mean</option>
                  <option value="sd">± 1 standard deviation</option>
                </select>
              </label>
              <label className="control check">
                <input type="checkbox" checked={settings.showMembers} onChange={(e) => settings.set({ showMembers: e.target.checked })} />
                Member curves
              </label>
            </>
          )}
        </>
      )}
    </div>
  )
}
