/**
 * System page, "Memory limit": the lab's setting that every run's estimate is checked against before it starts
 * (src/main/limits; the same setting as `gatelab settings --memory-limit SIZE`). Shows the limit in force and where it
 * comes from, sets a size ("8G", "512M", "1.5G"), or goes back to the default (half of this machine's memory). The
 * size is checked here first, in the page's words, and again by the host.
 */
import { useEffect, useId, useState } from 'react'
import { formatBytes, parseMemorySize, type LabSettings } from '../../../shared/limits'
import { useApi } from '../api/context'

/** The smallest limit the host accepts (src/main/limits/settings.ts). */
const MIN_BYTES = 2 ** 20

/** What is wrong with a typed size, in the card's words; undefined when it is a size the host accepts. */
export function memoryLimitProblem(text: string): string | undefined {
  if (text.trim() === '') return 'Enter a size, such as 8G'
  const bytes = parseMemorySize(text)
  if (bytes === undefined) return 'Enter a size such as 8G, 512M or 1.5G (K, M, G or T: powers of 1024)'
  if (bytes < MIN_BYTES) return 'The memory limit must be at least 1M'
  return undefined
}

export function MemoryLimitCard(): React.JSX.Element {
  const api = useApi()
  const inputId = useId()
  const [settings, setSettings] = useState<LabSettings | undefined>()
  const [text, setText] = useState('')
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()

  useEffect(() => {
    api.getLabSettings({}).then(setSettings, (e: Error) => setError(e.message))
  }, [api])

  const save = (memoryLimit: string | null): void => {
    setBusy(true)
    setError(undefined)
    api.setLabSettings({ memoryLimit }).then(
      (value) => {
        setSettings(value)
        setText('')
        setTouched(false)
        setBusy(false)
      },
      (e: Error) => {
        setError(e.message)
        setBusy(false)
      }
    )
  }

  const problem = memoryLimitProblem(text)
  const limit = settings?.memoryLimit
  return (
    <section className="card wide" aria-labelledby="memory-limit-h" data-testid="memory-limit">
      <h2 id="memory-limit-h">Memory limit</h2>
      <p className="muted small">A run whose memory estimate is above this limit is refused before it starts, in the New run form, the sweeps and the command line.</p>
      {settings && limit && (
        <dl className="facts">
          <dt>Limit</dt>
          <dd className="strong" data-testid="memory-limit-value">
            {formatBytes(limit.bytes)}
            <span className="muted"> · {limit.source === 'setting' ? 'set for this lab' : 'the default: half of this machine’s memory'}</span>
          </dd>
          <dt>Default</dt>
          <dd>{formatBytes(settings.defaultMemoryLimitBytes)}</dd>
        </dl>
      )}
      <form
        className="row"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          setTouched(true)
          if (problem === undefined) save(text.trim())
        }}
      >
        <label htmlFor={inputId}>New limit</label>
        <input
          id={inputId}
          className="mono"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => setTouched(text.trim() !== '')}
          placeholder="8G"
          size={10}
          disabled={busy || !settings}
          aria-invalid={touched && problem !== undefined}
          aria-describedby={touched && problem ? `${inputId}-problem` : undefined}
        />
        <button type="submit" disabled={busy || !settings || (touched && problem !== undefined)}>
          Set limit
        </button>
        {limit?.source === 'setting' && (
          <button type="button" disabled={busy} onClick={() => save(null)}>
            Use the default
          </button>
        )}
      </form>
      {touched && problem && (
        <p className="field-error" id={`${inputId}-problem`} data-testid="memory-limit-problem">
          {problem}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
