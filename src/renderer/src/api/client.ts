/**
 * The renderer's one way to the host. In the desktop app the preload bridge provides `window.gatelab`; in a browser
 * the HTTP transport does. Both satisfy ApiTransport, so the UI does not know which it has.
 */
import { createClient, type ApiTransport, type GateLabApi } from '../../../shared/api'
import { createHttpTransport, takeToken } from './httpTransport'

declare global {
  interface Window {
    gatelab?: ApiTransport
  }
}

export type Connection =
  | { ok: true; api: GateLabApi; transport: ApiTransport; kind: 'ipc' | 'http' }
  | { ok: false; message: string }

export function connect(): Connection {
  if (window.gatelab) return { ok: true, api: createClient(window.gatelab), transport: window.gatelab, kind: 'ipc' }
  const token = takeToken(window.location, window.history, window.sessionStorage)
  if (!token) {
    return {
      ok: false,
      message: 'This page needs the token GateLab printed when it started. Open the full URL from the terminal (…/?token=…).'
    }
  }
  const transport = createHttpTransport(token)
  return { ok: true, api: createClient(transport), transport, kind: 'http' }
}
