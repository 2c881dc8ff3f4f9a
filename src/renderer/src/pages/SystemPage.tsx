import { useEffect, useState } from 'react'
import type { SystemInfo, TrainerProbe } from '../../../shared/api'
import { useApi } from '../api/context'
import { formatDuration } from '../format'
import { FusedKernelsCard } from './FusedKernelsCard'
import { DataFoldersCard } from './DataFoldersCard'
import { MemoryLimitCard } from './MemoryLimitCard'

type Load<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; message: string }

const backendLabels: Record<string, string> = { tensorflow: 'tfjs-node (native)', wasm: 'WebAssembly', cpu: 'CPU (JavaScript)' }

export function SystemPage(): React.JSX.Element {
  const api = useApi()
  const [info, setInfo] = useState<Load<SystemInfo>>({ state: 'loading' })
  const [probe, setProbe] = useState<Load<TrainerProbe>>({ state: 'loading' })

  // The first probe comes with the system info; "Probe again" starts a fresh trainer process.
  const runProbe = (): void => {
    setProbe({ state: 'loading' })
    api.probeTrainer({}).then(
      (value) => setProbe({ state: 'ok', value }),
      (error: Error) => setProbe({ state: 'error', message: error.message })
    )
  }

  useEffect(() => {
    api.getSystemInfo({}).then(
      (value) => {
        setInfo({ state: 'ok', value })
        setProbe({ state: 'ok', value: value.trainer })
      },
      (error: Error) => {
        setInfo({ state: 'error', message: error.message })
        setProbe({ state: 'error', message: error.message })
      }
    )
  }, [api])

  return (
    <div className="page">
      <h1 className="page-title">System</h1>
      <p className="page-lede">What this lab runs on, and a live check that a trainer process starts and picks its backend.</p>
      <div className="grid">
        <section className="card" aria-labelledby="trainer-h">
          <div className="card-head">
            <h2 id="trainer-h">Trainer process</h2>
            <button type="button" onClick={runProbe} disabled={probe.state === 'loading'}>
              {probe.state === 'loading' ? 'Probing…' : 'Probe again'}
            </button>
          </div>
          {probe.state === 'loading' && <p className="muted">Starting a trainer process…</p>}
          {probe.state === 'error' && <p className="error" role="alert">{probe.message}</p>}
          {probe.state === 'ok' && (
            <dl className="facts">
              <dt>Backend</dt>
              <dd data-testid="trainer-backend" className="strong">
                {probe.value.backend}
                <span className="muted"> · {backendLabels[probe.value.backend]}</span>
              </dd>
              <dt>Started in</dt>
              <dd>{formatDuration(probe.value.startupMs)}</dd>
              <dt>Process id</dt>
              <dd data-testid="trainer-pid" className="mono">{probe.value.pid}</dd>
              <dt>TF.js</dt>
              <dd className="mono">{probe.value.tfjsVersion}</dd>
            </dl>
          )}
        </section>

        <section className="card" aria-labelledby="versions-h">
          <h2 id="versions-h">Versions</h2>
          <InfoBody info={info}>
            {(v) => (
              <dl className="facts">
                <dt>GateLab</dt>
                <dd className="mono" data-testid="app-version">{v.appVersion}</dd>
                <dt>Mode</dt>
                <dd>{v.mode === 'electron' ? 'Desktop app' : v.mode === 'browser' ? 'Browser mode' : 'Node'}</dd>
                <dt>Node.js</dt>
                <dd className="mono">{v.versions.node}</dd>
                <dt>Electron</dt>
                <dd className="mono">{v.versions.electron ?? '—'}</dd>
                <dt>TF.js</dt>
                <dd className="mono">{v.versions.tfjs}</dd>
                <dt>SQLite</dt>
                <dd className="mono">{v.versions.sqlite}</dd>
              </dl>
            )}
          </InfoBody>
        </section>

        <section className="card" aria-labelledby="machine-h">
          <h2 id="machine-h">Machine and data</h2>
          <InfoBody info={info}>
            {(v) => (
              <dl className="facts">
                <dt>Platform</dt>
                <dd className="mono">{v.platform} · {v.arch}</dd>
                <dt>CPU cores</dt>
                <dd>{v.cpus}</dd>
                <dt>Memory</dt>
                <dd>{(v.totalMemoryMb / 1024).toFixed(1)} GiB</dd>
                <dt>Database</dt>
                <dd className="mono path" data-testid="db-path">{v.dbPath}</dd>
              </dl>
            )}
          </InfoBody>
        </section>

        <section className="card wide" aria-labelledby="backends-h">
          <h2 id="backends-h">TF.js backends</h2>
          <InfoBody info={info}>
            {(v) => (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Backend</th>
                    <th scope="col">Package</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {v.backends.map((b) => (
                    <tr key={b.name} data-testid={`backend-${b.name}`}>
                      <td>{backendLabels[b.name] ?? b.name}</td>
                      <td className="mono">{b.package}</td>
                      <td>
                        {b.available ? <span className="ok">Available</span> : <span className="muted">{b.reason}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </InfoBody>
        </section>

        <FusedKernelsCard probe={probe.state === 'ok' ? probe.value : undefined} />
        <MemoryLimitCard />
        <DataFoldersCard />
      </div>
    </div>
  )
}

function InfoBody({ info, children }: { info: Load<SystemInfo>; children: (v: SystemInfo) => React.ReactNode }): React.ReactNode {
  if (info.state === 'loading') return <p className="muted">Loading…</p>
  if (info.state === 'error') return <p className="error" role="alert">{info.message}</p>
  return children(info.value)
}
