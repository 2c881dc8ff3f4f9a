/**
 * Browser mode's transport: the GateLab API over HTTP (requests) and Server-Sent Events (events), authorised by the
 * per-launch token the host printed. The token arrives once in the URL, moves to sessionStorage, and leaves the
 * address bar so it does not end up in bookmarks or screenshots.
 */
import type { ApiEvent, ApiResponse, ApiTransport } from '../../../shared/api'

const TOKEN_KEY = 'gatelab.token'

export function takeToken(location: Location, history: History, storage: Storage): string | null {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return storage.getItem(TOKEN_KEY)
}

export function createHttpTransport(token: string, base = ''): ApiTransport {
  return {
    async call(method, args) {
      let res: Response
      try {
        res = await fetch(`${base}/api/call/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(args ?? {})
        })
      } catch {
        return { ok: false, error: { code: 'internal', message: 'The GateLab host is not reachable: is `npm start` still running?' } }
      }
      try {
        return (await res.json()) as ApiResponse<never>
      } catch {
        return { ok: false, error: { code: 'internal', message: `The host answered ${res.status} without a GateLab response` } }
      }
    },
    subscribe(listener) {
      const source = new EventSource(`${base}/api/events?token=${encodeURIComponent(token)}`)
      source.onmessage = (message: MessageEvent<string>) => listener(JSON.parse(message.data) as ApiEvent)
      return () => source.close()
    }
  }
}
