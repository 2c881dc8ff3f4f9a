/**
 * Live events, fanned out. The transport is subscribed once (one EventSource in browser mode); every component that
 * cares registers here. The latest progress of each running run is kept so a row scrolled into view, or a page opened
 * mid-run, shows progress at once instead of waiting for the next event.
 */
import { createContext, useContext, useEffect, useRef, useSyncExternalStore } from 'react'
import type { ApiEvent, ApiEventListener, HostStatusEvent, RunProgressEvent } from '../../shared/api'

const terminal = new Set(['completed', 'failed', 'cancelled', 'interrupted'])

export class LiveHub {
  private listeners = new Set<ApiEventListener>()
  private progress = new Map<string, RunProgressEvent>()
  private progressListeners = new Set<() => void>()
  private status: HostStatusEvent | null = null
  private statusListeners = new Set<() => void>()

  dispatch = (event: ApiEvent): void => {
    if (event.type === 'run:progress') {
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
