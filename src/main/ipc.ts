/**
 * Binds the GateLab API to Electron IPC. One channel carries every request; the Lab parses the arguments with the
 * shared schemas. Requests from any frame other than the app's own main frame are refused.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import type { ApiResponse } from '../shared/api'
import { ipcChannels } from '../shared/ipc'
import type { Lab } from './lab'
import { isAppUrl } from './security'

export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame
  return frame !== null && frame.parent === null && isAppUrl(frame.url)
}

export function bindIpc(lab: Lab, window: BrowserWindow): () => void {
  ipcMain.handle(ipcChannels.call, async (event, method: unknown, args: unknown): Promise<ApiResponse<unknown>> => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'unauthorized', message: 'GateLab answers only its own window' } }
    }
    if (typeof method !== 'string') return { ok: false, error: { code: 'bad_request', message: 'The method name must be a string' } }
    return lab.dispatch(method, args)
  })
  const unsubscribe = lab.events.subscribe((event) => {
    if (!window.isDestroyed()) window.webContents.send(ipcChannels.event, event)
  })
  return () => {
    ipcMain.removeHandler(ipcChannels.call)
    unsubscribe()
  }
}
