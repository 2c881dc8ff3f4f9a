/**
 * The Electron security baseline, in one place a test can read: every window is sandboxed and isolated, navigation
 * and new windows are denied, webviews cannot attach, permission requests are refused, and only http(s) links leave
 * the app — to the user's browser, never into a GateLab window.
 */
import { app, session, shell, type WebContents, type WebPreferences } from 'electron'

/** The origin the production UI is served from (see appProtocol.ts). */
export const appOrigin = 'gatelab://app'

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    webviewTag: false,
    allowRunningInsecureContent: false,
    spellcheck: false
  }
}

/** True for URLs the app's own windows may show: the app protocol, or the dev server while developing. */
export function isAppUrl(url: string, devServerUrl: string | undefined = process.env.ELECTRON_RENDERER_URL): boolean {
  if (url.startsWith(`${appOrigin}/`)) return true
  if (devServerUrl) {
    try {
      return new URL(url).origin === new URL(devServerUrl).origin
    } catch {
      return false
    }
  }
  return false
}

export function isExternalHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalHttpUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
}

/** Call once, before any window is created. */
export function applySecurityPolicy(): void {
  app.on('web-contents-created', (_event, contents) => lockDown(contents))
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
    session.defaultSession.setPermissionCheckHandler(() => false)
  }, () => undefined)
}
