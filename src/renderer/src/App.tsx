import { lazy, Suspense, useEffect, useMemo } from 'react'
import type { Connection } from './api/client'
import { ApiContext } from './api/context'
import { LiveContext, LiveHub, useHostStatus } from './live'
import { ThemeContext, useThemeState, type ThemePreference } from './theme'
import { href, useRoute } from './lib/useRoute'
import { sectionOf, type Route } from './lib/router'
import { SystemPage } from './pages/SystemPage'
import { RunsPage } from './pages/RunsPage'
import { RunPage } from './pages/RunPage'
import { ComparePage } from './pages/ComparePage'
import { NewRunPage } from './pages/NewRunPage'
import { SweepsPage } from './pages/SweepsPage'
import { SweepPage } from './pages/SweepPage'
import { formatDuration } from './format'
// The Inside views carry KaTeX (script, styles, fonts): loaded when first opened, not with every page.
const InsidePage = lazy(() => import('./inside/pages').then((m) => ({ default: m.InsidePage })))
const InsideComparePage = lazy(() => import('./inside/pages').then((m) => ({ default: m.InsideComparePage })))
const insideLoading = <p className="page-lede">Loading the Inside view…</p>

export function App({ connection }: { connection: Connection }): React.JSX.Element {
  const hub = useMemo(() => new LiveHub(), [])
  const theme = useThemeState()

  useEffect(() => {
    if (!connection.ok) return
    // One subscription for the whole app (one EventSource in browser mode); pages listen through the hub.
    return connection.transport.subscribe(hub.dispatch)
  }, [connection, hub])

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
      <LiveContext.Provider value={hub}>
        <ThemeContext.Provider value={theme.theme}>
          <Shell kind={connection.kind} preference={theme.preference} setPreference={theme.setPreference} />
        </ThemeContext.Provider>
      </LiveContext.Provider>
    </ApiContext.Provider>
  )
}

const nav: Array<{ section: 'runs' | 'compare' | 'sweeps' | 'new' | 'system'; label: string; route: Route }> = [
  { section: 'runs', label: 'Runs', route: { name: 'runs', query: {} } },
  { section: 'compare', label: 'Compare', route: { name: 'compare', ids: [] } },
  { section: 'sweeps', label: 'Sweeps', route: { name: 'sweeps' } },
  { section: 'new', label: 'New run', route: { name: 'new', from: null } },
  { section: 'system', label: 'System', route: { name: 'system' } }
]

const themeNext: Record<ThemePreference, ThemePreference> = { system: 'light', light: 'dark', dark: 'system' }
const themeLabel: Record<ThemePreference, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' }

function Shell({ kind, preference, setPreference }: { kind: 'ipc' | 'http'; preference: ThemePreference; setPreference: (p: ThemePreference) => void }): React.JSX.Element {
  const route = useRoute()
  const status = useHostStatus()
  const section = sectionOf(route)

  useEffect(() => {
    const titles: Record<string, string> = { runs: 'Runs', compare: 'Compare', new: 'New run', system: 'System', sweeps: 'Sweeps' }
    document.title = section ? `${titles[section]} · GateLab` : 'GateLab'
  }, [section])

  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <a className="brand" href={href({ name: 'runs', query: {} })}>
          <span className="brand-mark" aria-hidden="true" />
          GateLab
        </a>
        <nav aria-label="Main">
          {nav.map((n) => (
            <a key={n.section} className={`nav-item ${section === n.section ? 'active' : ''}`} aria-current={section === n.section ? 'page' : undefined} href={href(n.route)}>
              {n.label}
            </a>
          ))}
        </nav>
        <div className="host-status" aria-live="polite" data-testid="host-status">
          <span className={`dot ${status ? 'live' : ''}`} aria-hidden="true" />
          {status
            ? `${kind === 'ipc' ? 'Desktop' : 'Browser mode'} · host up ${formatDuration(status.uptimeMs)} · ${status.rssMb} MB · ${status.trainers} trainer${status.trainers === 1 ? '' : 's'}`
            : 'Connecting to the host…'}
        </div>
        <button type="button" className="theme-toggle" onClick={() => setPreference(themeNext[preference])} title={`${themeLabel[preference]} (click to change)`} aria-label={themeLabel[preference]}>
          <ThemeIcon preference={preference} />
        </button>
      </header>
      <main className="content" id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </div>
  )
}

function Page({ route }: { route: Route }): React.JSX.Element {
  switch (route.name) {
    case 'runs':
      return <RunsPage query={route.query} />
    case 'run':
      return <RunPage key={route.id} id={route.id} />
    case 'compare':
      return <ComparePage key={route.ids.join(',')} ids={route.ids} />
    case 'new':
      return <NewRunPage key={route.from ?? ''} from={route.from} />
    case 'system':
      return <SystemPage />
    case 'sweeps':
      return <SweepsPage />
    case 'sweep':
      return <SweepPage key={route.id} id={route.id} />
    case 'inside':
      return (
        <Suspense fallback={insideLoading}>
          <InsidePage key={route.id} id={route.id} query={route.query} />
        </Suspense>
      )
    case 'insideCompare':
      return (
        <Suspense fallback={insideLoading}>
          <InsideComparePage key={route.ids.join(',')} ids={route.ids} query={route.query} />
        </Suspense>
      )
    case 'notFound':
      return (
        <div className="page">
          <h1 className="page-title">Not here</h1>
          <p className="page-lede">
            There is no page at <code>{route.hash}</code>. Go to the <a href={href({ name: 'runs', query: {} })}>runs</a>.
          </p>
        </div>
      )
  }
}

function ThemeIcon({ preference }: { preference: ThemePreference }): React.JSX.Element {
  if (preference === 'light') {
    return (
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
        <circle cx="8" cy="8" r="3.2" fill="currentColor" />
        <g stroke="currentColor" strokeWidth="1.4" strokeLinecap="round">
          <path d="M8 1.2v1.6M8 13.2v1.6M1.2 8h1.6M13.2 8h1.6M3.2 3.2l1.1 1.1M11.7 11.7l1.1 1.1M3.2 12.8l1.1-1.1M11.7 4.3l1.1-1.1" />
        </g>
      </svg>
    )
  }
  if (preference === 'dark') {
    return (
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
        <path d="M13.5 10.2A5.8 5.8 0 0 1 5.8 2.5a5.8 5.8 0 1 0 7.7 7.7z" fill="currentColor" />
      </svg>
    )
  }
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M8 2a6 6 0 0 1 0 12z" fill="currentColor" />
    </svg>
  )
}
