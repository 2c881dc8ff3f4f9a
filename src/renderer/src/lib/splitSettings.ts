/**
 * The host's lab-wide settings in the renderer (getSplitSettings): asked once per page load, applied to the shared
 * modules that read them (the small-split figure, src/shared/baselines/splitSize.ts), so the UI warns at the same
 * figure as the CLI. Until the answer comes the default holds.
 */
import { useEffect, useState } from 'react'
import type { GateLabApi } from '../../../shared/api'
import { minSplitWindows, setMinSplitWindows } from '../../../shared/baselines/splitSize'
import { useApi } from '../api/context'

let asked: Promise<void> | null = null

function load(api: GateLabApi): Promise<void> {
  asked ??= Promise.resolve()
    .then(() => api.getSplitSettings({}))
    .then((s) => setMinSplitWindows(s.minSplitWindows))
    .catch(() => {
      // An older host without the call, or a network hiccup: keep the default and ask again next time.
      asked = null
    })
  return asked
}

/** The small-split figure in force; components that warn about small splits re-render when the host's arrives. */
export function useMinSplitWindows(): number {
  const api = useApi()
  const [n, setN] = useState(minSplitWindows)
  useEffect(() => {
    let alive = true
    void load(api).then(() => alive && setN(minSplitWindows()))
    return () => {
      alive = false
    }
  }, [api])
  return n
}
