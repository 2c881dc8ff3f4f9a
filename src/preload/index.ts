/**
 * The preload bridge: exposes the GateLab API transport to the sandboxed renderer as `window.gatelab`, and nothing
 * else. It only forwards; the main process validates every call.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import type { ApiEvent, ApiTransport } from '../shared/api'
import { ipcChannels, type DesktopFiles } from '../shared/ipc'

const bridge = {
  call: (method, args) => ipcRenderer.invoke(ipcChannels.call, method, args),
  subscribe: (listener) => {
    const forward = (_event: IpcRendererEvent, payload: ApiEvent): void => listener(payload)
    ipcRenderer.on(ipcChannels.event, forward)
    return () => {
      ipcRenderer.off(ipcChannels.event, forward)
    }
  }
} satisfies ApiTransport

contextBridge.exposeInMainWorld('gatelab', bridge)

const files = {
  pickDataFile: () => ipcRenderer.invoke(ipcChannels.pickDataFile) as Promise<string | null>,
  pathForFile: (file) => webUtils.getPathForFile(file)
} satisfies DesktopFiles

contextBridge.exposeInMainWorld('gatelabDesktop', files)
