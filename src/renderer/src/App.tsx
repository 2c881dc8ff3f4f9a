import { useEffect, useState } from 'react'
import type { HostStatusEvent } from '../../shared/api'
import type { Connection } from './api/client'
import { ApiContext } from './api/context'
import { SystemPage } from './pages/SystemPage'
import { formatDuration } from './format'

export function App({ connection }: { connection: Connection }): React.JSX.Element {
  const [status, setStatus] = useState<HostStatusEvent | null>(null)

  useEffect(() => {
    if (!connection.ok) return
    return connection.transport.subscribe((event) => {
      if (event.type === 'host:status') setStatus(event)
    })
  }, [connection])

  if (!connection.ok) {
    return (
      <main className="fatal" role="alert">
        <h1>GateLab</h1>
        <p>{connection.message}</p>
      </main>
    )
  }

  return (
    <ApiContext.Provider value={connection.api}>
      <div className="shell">
        <header className="topbar">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true" />
            GateLab
          </div>
          <nav aria-label="Main">
            <a className="nav-item active" aria-current="page" href="#system">
              System
            </a>
          </nav>
          <div className="host-status" aria-live="polite" data-testid="host-status">
            <span className={`dot ${status ? 'live' : ''}`} aria-hidden="true" />
            {status
              ? `${connection.kind === 'ipc' ? 'Desktop' : 'Browser mode'} · host up ${formatDuration(status.uptimeMs)} · ${status.rssMb} MB · ${status.trainers} trainer${status.trainers === 1 ? '' : 's'}`
              : 'Connecting to the host…'}
          </div>
        </header>
        <main className="content">
          <SystemPage />
        </main>
      </div>
    </ApiContext.Provider>
  )
}
