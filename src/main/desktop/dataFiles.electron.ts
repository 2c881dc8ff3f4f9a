/**
 * The desktop app's file picker for the New run form: a native open dialog for CSV files, answered over IPC
 * (ipcChannels.pickDataFile; the preload exposes it as `window.gatelabDesktop.pickDataFile`). Only the app's own main
 * frame may ask. The path it returns goes through the same data-path checks as a typed one (src/main/access).
 */
import { dialog, ipcMain, type BrowserWindow } from 'electron'
import { ipcChannels } from '../../shared/ipc'
import { isTrustedSender } from '../ipc'

export const dataFileFilters = [
  { name: 'CSV files', extensions: ['csv', 'tsv', 'txt'] },
  { name: 'All files', extensions: ['*'] }
]

export function bindDataFilePicker(window: BrowserWindow): () => void {
  ipcMain.handle(ipcChannels.pickDataFile, async (event): Promise<string | null> => {
    if (!isTrustedSender(event)) return null
    const result = await dialog.showOpenDialog(window, { title: 'Choose a data file', properties: ['openFile'], filters: dataFileFilters })
    return result.canceled ? null : (result.filePaths[0] ?? null)
  })
  return () => ipcMain.removeHandler(ipcChannels.pickDataFile)
}
