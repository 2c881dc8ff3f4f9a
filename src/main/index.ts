/**
 * The desktop app (Electron main process). A thin edge: it opens the database, builds the Lab with the
 * utilityProcess spawner, binds IPC and shows one secure window. Everything else is plain Node, shared with
 * browser mode and the CLI.
 */
import { app, BrowserWindow, dialog } from 'electron'
import { join } from 'node:path'
import { Lab } from './lab'
import { bindIpc } from './ipc'
import { bindDataFilePicker } from './desktop/dataFiles.electron'
import { applySecurityPolicy, appOrigin, secureWebPreferences } from './security'
import { registerAppScheme, serveAppProtocol } from './appProtocol'
import { electronBindingPath } from './store/db'
import { openLabStore } from './store/openLab'
import { createLabStore } from './labStore'
import { createElectronSpawner } from './runner/spawner.electron'
import trainerPath from './runner/trainerPath'
import { htmlToPdf } from './report/pdf.electron'
import { dbFileName } from './paths'
import { applyMinSplitWindows } from './splitSetting'

applySecurityPolicy()
registerAppScheme()

let lab: Lab | undefined

function dbPathFromArgs(): string | undefined {
  const index = process.argv.indexOf('--db')
  return index >= 0 ? process.argv[index + 1] : process.argv.find((a) => a.startsWith('--db='))?.slice(5)
}

async function start(): Promise<void> {
  serveAppProtocol(join(__dirname, '..', 'renderer'))
  const dbPath = dbPathFromArgs() ?? process.env.GATELAB_DB ?? join(app.getPath('userData'), dbFileName)
  const nativeRoot = app.isPackaged ? process.resourcesPath : app.getAppPath()
  try {
    applyMinSplitWindows(process.argv.slice(1))
  } catch (error) {
    dialog.showErrorBox('GateLab: a setting is not valid', (error as Error).message)
  }
  let store
  try {
    store = openLabStore(dbPath, { nativeBinding: electronBindingPath(nativeRoot), owner: { kind: 'app' } })
  } catch (error) {
    dialog.showErrorBox('GateLab cannot open its database', `${dbPath}\n\n${(error as Error).message}`)
    app.exit(2)
    return
  }
  lab = new Lab({ mode: 'electron', store: createLabStore(store), spawnTrainer: createElectronSpawner(trainerPath), pdf: htmlToPdf })

  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'GateLab',
    show: false,
    backgroundColor: '#f7f7f5',
    webPreferences: secureWebPreferences(join(__dirname, '..', 'preload', 'index.js'))
  })
  const unbind = bindIpc(lab, window)
  window.on('closed', unbind)
  window.on('closed', bindDataFilePicker(window)) // the New run form's native open dialog (src/main/desktop/dataFiles.electron.ts)
  window.once('ready-to-show', () => window.show())
  await window.loadURL(process.env.ELECTRON_RENDERER_URL ?? `${appOrigin}/index.html`)
}

app.whenReady().then(start, (error: unknown) => {
  console.error('GateLab failed to start:', error)
  app.exit(1)
})

app.on('window-all-closed', () => app.quit())

let closing = false
app.on('before-quit', (event) => {
  if (!lab || closing) return
  closing = true
  event.preventDefault()
  void lab.close().finally(() => app.quit())
})
