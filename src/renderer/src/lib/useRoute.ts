import { useEffect, useState } from 'react'
import { formatRoute, parseHash, type Route } from './router'

/** The current route, following hash changes (links, back and forward, navigate()). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash))
  useEffect(() => {
    const onChange = (): void => setRoute(parseHash(window.location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}

/** Goes to a route; `replace` for state that should not fill the history (filters, sort order). */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const hash = formatRoute(route)
  if (window.location.hash === hash) return
  if (options.replace) window.location.replace(hash)
  else window.location.hash = hash
}

export function href(route: Route): string {
  return formatRoute(route)
}
