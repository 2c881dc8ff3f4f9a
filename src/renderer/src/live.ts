/**
 * Live events, fanned out. The transport is subscribed once (one EventSource in browser mode); every component that
 * cares registers here. The latest progress of each running run is kept so a row scrolled into view, or a page opened
 * mid-run, shows progress at once instead of waiting for the next event.
 *
 * History and live points meet without holes or doubles: the hub keeps each run's recent metric points, so whatever
 * a page reads from the host (a series, a run's summary) is brought up to date with `recentPoints` once the read
 * answers, whichever of the two arrived first (points carry their step, and only steps beyond the snapshot count:
 * lib/liveSeries.ts, lib/liveSummary.ts). When the event stream (re)connects (`events:open`), pages read again.
 */
import { createContext, useContext, useEffect, useRef, useSyncExternalStore } from 'react'
import type { ApiEvent, ApiEventListener, HostStatusEvent, RunProgressEvent } from '../../shared/api'
import type { MetricPoint } from '../../shared/protocol'

const terminal = new Set(['completed', 'failed', 'cancelled', 'interrupted'])
/** Recent points kept per run: many seconds of per-batch points, far longer than a read of history takes. */
const RECENT_POINTS = 20_000
const RECENT_RUNS = 64

export class LiveHub {
  private listeners = new Set<ApiEventListener>()
  private progress = new Map<string, RunProgressEvent>()
  private progressListeners = new Set<() => void>()
  private status: HostStatusEvent | null = null
  private statusListeners = new Set<() => void>()
  private recent = new Map<string, MetricPoint[]>()

  dispatch = (event: ApiEvent): void => {
    if (event.type === 'run:metrics') {
      const list = this.recent.get(event.runId) ?? []
      this.recent.delete(event.runId) // re-inserted last: the map's order is least recently active first
      list.push(...event.points)
      if (list.length > RECENT_POINTS) list.splice(0, list.length - RECENT_POINTS)
      this.recent.set(event.runId, list)
      if (this.recent.size > RECENT_RUNS) this.recent.delete(this.recent.keys().next().value!)
    } else if (event.type === 'run:progress') {
      this.progress.set(event.runId, event)
      this.progressListeners.forEach((l) => l())
    } else if (event.type === 'run:update' && terminal.has(event.run.status) && this.progress.has(event.run.id)) {
      this.progress.delete(event.run.id)
      this.progressListeners.forEach((l) => l())
    } else if (event.type === 'host:status') {
      this.status = event
      this.statusListeners.forEach((l) => l())
    }
    this.listeners.forEach((l) => l(event))
  }

  subscribe(listener: ApiEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  subscribeProgress = (listener: () => void): (() => void) => {
    this.progressListeners.add(listener)
    return () => this.progressListeners.delete(listener)
  }

  /** The run's metric points received lately (oldest first), to bring a snapshot read from the host up to date. */
  recentPoints(runId: string): readonly MetricPoint[] {
    return this.recent.get(runId) ?? []
  }

  getProgress(runId: string): RunProgressEvent | undefined {
    return this.progress.get(runId)
  }

  subscribeStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  getStatus = (): HostStatusEvent | null => this.status
}

export const LiveContext = createContext<LiveHub | null>(null)

export function useLive(): LiveHub {
  const hub = useContext(LiveContext)
  if (!hub) throw new Error('useLive() needs a <LiveContext.Provider> above it')
  return hub
}

/** Calls `handler` for every host event while mounted; the latest handler is used without resubscribing. */
export function useLiveEvent(handler: ApiEventListener): void {
  const hub = useLive()
  const ref = useRef(handler)
  useEffect(() => {
    ref.current = handler
  })
  useEffect(() => hub.subscribe((e) => ref.current(e)), [hub])
}

export function useProgress(runId: string): RunProgressEvent | undefined {
  const hub = useLive()
  return useSyncExternalStore(hub.subscribeProgress, () => hub.getProgress(runId))
}

export function useHostStatus(): HostStatusEvent | null {
  const hub = useLive()
  return useSyncExternalStore(hub.subscribeStatus, hub.getStatus)
}
