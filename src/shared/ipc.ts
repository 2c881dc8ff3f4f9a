/** The IPC channel names shared by the preload bridge and the main process. */
export const ipcChannels = {
  call: 'gatelab:call',
  event: 'gatelab:event',
  /** The desktop app's native open dialog for a data file (src/main/desktop/dataFiles.electron.ts). */
  pickDataFile: 'gatelab:pick-data-file'
} as const

/**
 * What the desktop app's preload adds for data files, as `window.gatelabDesktop` (absent in browser mode, which uploads
 * instead): a native open dialog, and the path of a file dropped on the window.
 */
export interface DesktopFiles {
  /** The chosen file's absolute path, or null when the dialog was cancelled. */
  pickDataFile(): Promise<string | null>
  /** The path of a File from a drop (Electron's webUtils.getPathForFile); '' when it has none. */
  pathForFile(file: File): string
}
