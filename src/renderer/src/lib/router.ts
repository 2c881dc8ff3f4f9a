/**
 * A tiny hash router: the lab has five places, and a hash keeps them working from a file:// or gatelab:// page, in
 * browser mode and in the desktop window alike, with the back button and without a dependency.
 *
 *   #/runs            the runs table (filters in the query: #/runs?status=running&cell=lstm)
 *   #/runs/ID         one run
 *   #/compare?ids=A,B runs side by side
 *   #/new             the New run form (#/new?from=ID starts from a run's config)
 *   #/system          what the lab runs on
 *   #/sweeps          every sweep, and a spec editor that starts one
 *   #/sweeps/ID       one sweep: its runs, plots and statistics
 *   #/runs/ID/inside  inside a run's cells: gates, states, gradients (sequence and layer in the query)
 *   #/compare/inside?ids=A,B  two runs' cells side by side, on the same sequence
 */
export type Route =
  | { name: 'runs'; query: Record<string, string> }
  | { name: 'run'; id: string }
  | { name: 'compare'; ids: string[] }
  | { name: 'new'; from: string | null }
  | { name: 'system' }
  | { name: 'sweeps' }
  | { name: 'sweep'; id: string }
  | { name: 'inside'; id: string; query: Record<string, string> }
  | { name: 'insideCompare'; ids: string[]; query: Record<string, string> }
  | { name: 'notFound'; hash: string }

function parseQuery(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of new URLSearchParams(text)) out[k] = v
  return out
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '')
  const q = raw.indexOf('?')
  const path = q >= 0 ? raw.slice(0, q) : raw
  const query = parseQuery(q >= 0 ? raw.slice(q + 1) : '')
  const parts = path.split('/').filter((p) => p.length > 0).map((p) => decodeURIComponent(p))
  const [head, second] = parts
  if (parts.length === 0 || (head === 'runs' && parts.length === 1)) return { name: 'runs', query }
  if (head === 'runs' && parts.length === 2 && second) return { name: 'run', id: second }
  if (head === 'runs' && parts.length === 3 && second && parts[2] === 'inside') return { name: 'inside', id: second, query }
  if (head === 'compare' && parts.length === 2 && second === 'inside') {
    const { ids: idText = '', ...rest } = query
    const ids = idText.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
    return { name: 'insideCompare', ids: [...new Set(ids)], query: rest }
  }
  if (head === 'compare' && parts.length === 1) {
    const ids = (query.ids ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0)
    return { name: 'compare', ids: [...new Set(ids)] }
  }
  if (head === 'new' && parts.length === 1) return { name: 'new', from: query.from ?? null }
  if (head === 'system' && parts.length === 1) return { name: 'system' }
  if (head === 'sweeps' && parts.length === 1) return { name: 'sweeps' }
  if (head === 'sweeps' && parts.length === 2 && second) return { name: 'sweep', id: second }
  return { name: 'notFound', hash }
}

export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'runs': {
      const entries = Object.entries(route.query).filter(([, v]) => v !== '')
      entries.sort(([a], [b]) => a.localeCompare(b))
      const qs = new URLSearchParams(entries).toString()
      return qs ? `#/runs?${qs}` : '#/runs'
    }
    case 'run':
      return `#/runs/${encodeURIComponent(route.id)}`
    case 'compare':
      // Commas stay readable in the address bar; run ids never contain them (the host makes them).
      return `#/compare?ids=${route.ids.map(encodeURIComponent).join(',')}`
    case 'new':
      return route.from ? `#/new?from=${encodeURIComponent(route.from)}` : '#/new'
    case 'system':
      return '#/system'
    case 'sweeps':
      return '#/sweeps'
    case 'sweep':
      return `#/sweeps/${encodeURIComponent(route.id)}`
    case 'inside': {
      const qs = new URLSearchParams(Object.entries(route.query).sort(([a], [b]) => a.localeCompare(b))).toString()
      return `#/runs/${encodeURIComponent(route.id)}/inside${qs ? `?${qs}` : ''}`
    }
    case 'insideCompare': {
      const qs = new URLSearchParams(Object.entries(route.query).sort(([a], [b]) => a.localeCompare(b))).toString()
      return `#/compare/inside?ids=${route.ids.map(encodeURIComponent).join(',')}${qs ? `&${qs}` : ''}`
    }
    case 'notFound':
      return route.hash
  }
}

/** The top-level section a route belongs to, for the navigation bar. */
export function sectionOf(route: Route): 'runs' | 'compare' | 'new' | 'system' | 'sweeps' | null {
  switch (route.name) {
    case 'runs':
    case 'run':
    case 'inside':
      return 'runs'
    case 'compare':
    case 'insideCompare':
      return 'compare'
    case 'new':
      return 'new'
    case 'system':
      return 'system'
    case 'sweeps':
    case 'sweep':
      return 'sweeps'
    default:
      return null
  }
}
