/**
 * The run page's "Trainer log" card: the log the host writes as the trainer reports (src/main/runner/log) — what ran
 * and on what, one line per epoch, warnings, the end — in a monospace box that scrolls. While the run trains it reads
 * the log again when an epoch ends (its metrics event) or the run changes, at most twice a second, and follows the
 * bottom unless you scrolled up to read; the log is stored with the run, so a reload shows it whole.
 */
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { lineTone } from '../../../../shared/trainerLog'
import { shownLines } from './shownLines'
import { useApi } from '../../api/context'
import { useLiveEvent } from '../../live'
import { ErrorNote } from '../bits'
import './runLog.css'

const terminal = new Set(['completed', 'failed', 'cancelled', 'interrupted'])
/** At most this often while a run trains. */
const MIN_GAP_MS = 500
/** Pixels from the bottom that still count as "at the bottom" (following). */
const FOLLOW_SLACK = 24

export function RunLog({ id, status }: { id: string; status: string }): React.JSX.Element {
  const api = useApi()
  const [text, setText] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const box = useRef<HTMLPreElement | null>(null)
  const following = useRef(true)
  const lastLoad = useRef(0)
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null)

  const load = useCallback(() => {
    lastLoad.current = Date.now()
    api.getRunLog({ id }).then(
      (r) => {
        setText(r.text)
        setError(null)
      },
      (e: Error) => setError(e.message)
    )
  }, [api, id])

  /** Reads again now, or as soon as MIN_GAP_MS has passed since the last read. */
  const soon = useCallback(() => {
    if (pending.current) return
    const wait = Math.max(0, lastLoad.current + MIN_GAP_MS - Date.now())
    pending.current = setTimeout(() => {
      pending.current = null
      load()
    }, wait)
  }, [load])
  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), [])

  useEffect(() => {
    load()
    // The host writes the trainer's own output after the end lines, once the trainer has stopped: read once more.
    if (terminal.has(status)) {
      const again = setTimeout(load, 1500)
      return () => clearTimeout(again)
    }
    return undefined
  }, [load, status])

  useLiveEvent((event) => {
    if (event.type === 'events:open') soon()
    // A line is written when the run starts and at each epoch end (its epochMs point), before the event is published.
    else if (event.type === 'run:metrics' && event.runId === id && event.points.some((p) => p.name === 'epochMs')) soon()
  })

  // Follow the bottom while it is in view; leave the reader where they are once they scrolled up.
  useLayoutEffect(() => {
    const el = box.current
    if (el && following.current) el.scrollTop = el.scrollHeight
  }, [text])
  const onScroll = (): void => {
    const el = box.current
    if (el) following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK
  }

  const live = !terminal.has(status)
  const shown = text ? shownLines(text) : null
  return (
    <section className="card run-log-card" aria-labelledby="log-h">
      <div className="card-head">
        <h2 id="log-h">Trainer log</h2>
        {live && <span className="muted small" data-testid="run-log-live">following live</span>}
        <button type="button" className="small" onClick={load}>Refresh</button>
      </div>
      <ErrorNote message={error} />
      {text === null ? (
        <p className="muted">Loading…</p>
      ) : text.trim() === '' ? (
        <p className="muted">{live ? 'Nothing yet: the first lines appear once the trainer has built the data and the model.' : 'The trainer has written nothing for this run.'}</p>
      ) : (
        <pre className="log run-log" data-testid="run-log" ref={box} onScroll={onScroll} tabIndex={0} aria-label="Trainer log text">
          {shown!.lines.map((line, k) => {
            const tone = lineTone(line)
            return (
              <Fragment key={k}>
                {shown!.hidden > 0 && k === shown!.headCount && (
                  <span className="log-gap">… {shown!.hidden.toLocaleString('en-US')} lines not shown here; `gatelab log {id}` prints all of them …</span>
                )}
                <span className={tone === 'plain' ? 'log-line' : `log-line log-${tone}`}>{line}</span>
              </Fragment>
            )
          })}
        </pre>
      )}
    </section>
  )
}
