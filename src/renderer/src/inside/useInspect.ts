/** inspectRun requests and their states: loading, the result, unavailable (with the host's reason), error. */
import { useEffect, useState } from 'react'
import type { ApiArgs } from '../../../shared/api'
import type { InspectOk } from '../../../shared/inspect'
import { useApi } from '../api/context'

export type InspectState =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ok'; result: InspectOk }
  | { state: 'unavailable'; reason: string }
  | { state: 'error'; message: string }

export type InspectArgs = ApiArgs<'inspectRun'>

export interface Shown {
  current: InspectState
  /** A previous result is on screen while the next one loads. */
  stale: boolean
}

/**
 * Runs each request whenever its JSON changes (null: nothing to ask yet). A previous result stays on screen while the
 * next loads (`stale`), so switching sequences does not blank the page; an old error or reason is not kept.
 */
export function useInspectMany(list: ReadonlyArray<InspectArgs | null>): Shown[] {
  const api = useApi()
  const keys = list.map((a) => (a ? JSON.stringify(a) : ''))
  const joined = keys.join('\u0000')
  const [shown, setShown] = useState<Record<number, { key: string; value: InspectState }>>({})
  useEffect(() => {
    let live = true
    joined.split('\u0000').forEach((key, i) => {
      if (!key) return
      api.inspectRun(JSON.parse(key) as InspectArgs).then(
        (r) => live && setShown((s) => ({ ...s, [i]: { key, value: r.ok ? { state: 'ok', result: r } : { state: 'unavailable', reason: r.reason } } })),
        (e: Error) => live && setShown((s) => ({ ...s, [i]: { key, value: { state: 'error', message: e.message } } }))
      )
    })
    return () => {
      live = false
    }
  }, [api, joined])
  return keys.map((key, i) => {
    if (!key) return { current: { state: 'idle' }, stale: false }
    const s = shown[i]
    if (s && s.key === key) return { current: s.value, stale: false }
    return s && s.value.state === 'ok' ? { current: s.value, stale: true } : { current: { state: 'loading' }, stale: false }
  })
}

export function useInspect(args: InspectArgs | null): Shown {
  return useInspectMany([args])[0]!
}
