/**
 * Serves the built renderer to the desktop window from `gatelab://app/…`, a privileged standard scheme, so the UI
 * gets a real origin (for the CSP and the IPC sender check) without file:// and its loose rules.
 */
import { net, protocol } from 'electron'
import { join, normalize, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { contentSecurityPolicy } from './web/server'

export const appScheme = 'gatelab'

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }
  ])
}

/** Must run after the app is ready. */
export function serveAppProtocol(rendererRoot: string): void {
  const root = resolve(rendererRoot)
  protocol.handle(appScheme, async (request) => {
    const { host, pathname } = new URL(request.url)
    const file = resolve(root, '.' + normalize(decodeURIComponent(pathname)))
    if (host !== 'app' || (file !== root && !file.startsWith(root + sep))) {
      return new Response('Not found', { status: 404 })
    }
    const response = await net.fetch(pathToFileURL(pathname === '/' ? join(root, 'index.html') : file).toString())
    const headers = new Headers(response.headers)
    headers.set('content-security-policy', contentSecurityPolicy)
    return new Response(response.body, { status: response.status, headers })
  })
}
