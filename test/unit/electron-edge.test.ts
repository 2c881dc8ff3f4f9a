/**
 * The thin Electron files, tested with `electron` mocked (the binary is not available everywhere): the security
 * policy denies navigation, new windows, webviews and permissions; IPC refuses foreign frames and parses arguments.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'

type Handler = (...args: unknown[]) => unknown
const appHandlers = new Map<string, Handler>()
const ipcHandlers = new Map<string, Handler>()
const openExternal = vi.fn()
let permissionHandler: Handler | undefined
const showOpenDialog = vi.fn()

vi.mock('electron', () => ({
  app: {
    on: (event: string, handler: Handler) => appHandlers.set(event, handler),
    whenReady: () => Promise.resolve()
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: Handler) => (permissionHandler = h),
      setPermissionCheckHandler: () => undefined
    }
  },
  shell: { openExternal },
  dialog: { showOpenDialog: (...args: unknown[]) => showOpenDialog(...args) },
  ipcMain: {
    handle: (channel: string, handler: Handler) => ipcHandlers.set(channel, handler),
    removeHandler: (channel: string) => ipcHandlers.delete(channel)
  }
}))

const { applySecurityPolicy, isAppUrl, isExternalHttpUrl, secureWebPreferences } = await import('../../src/main/security')
const { bindIpc, isTrustedSender } = await import('../../src/main/ipc')
const { bindDataFilePicker, dataFileFilters } = await import('../../src/main/desktop/dataFiles.electron')
const { Lab } = await import('../../src/main/lab')
const { Store } = await import('../../src/main/store/store')
const { createLabStore } = await import('../../src/main/labStore')

function fakeContents(): { handlers: Map<string, Handler>; openHandler?: Handler; on: Handler; setWindowOpenHandler: Handler } {
  const contents = {
    handlers: new Map<string, Handler>(),
    openHandler: undefined as Handler | undefined,
    on: (event: unknown, handler: unknown) => contents.handlers.set(event as string, handler as Handler),
    setWindowOpenHandler: (handler: unknown) => (contents.openHandler = handler as Handler)
  }
  return contents
}

describe('security policy', () => {
  beforeEach(() => {
    appHandlers.clear()
    openExternal.mockClear()
    applySecurityPolicy()
  })

  it('isolates and sandboxes every window', () => {
    expect(secureWebPreferences('/p.js')).toMatchObject({
      preload: '/p.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false
    })
  })

  it('blocks navigation away from the app, webviews and new windows', () => {
    const contents = fakeContents()
    appHandlers.get('web-contents-created')!({}, contents)
    const navigate = { preventDefault: vi.fn() }
    contents.handlers.get('will-navigate')!(navigate, 'https://evil.example/')
    expect(navigate.preventDefault).toHaveBeenCalled()
    const inside = { preventDefault: vi.fn() }
    contents.handlers.get('will-navigate')!(inside, 'gatelab://app/index.html#runs')
    expect(inside.preventDefault).not.toHaveBeenCalled()
    const webview = { preventDefault: vi.fn() }
    contents.handlers.get('will-attach-webview')!(webview)
    expect(webview.preventDefault).toHaveBeenCalled()

    expect(contents.openHandler!({ url: 'https://arxiv.org/abs/1412.3555' })).toEqual({ action: 'deny' })
    expect(openExternal).toHaveBeenCalledWith('https://arxiv.org/abs/1412.3555')
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(openExternal).toHaveBeenCalledTimes(1)
  })

  it('refuses every permission request', async () => {
    await Promise.resolve()
    const callback = vi.fn()
    permissionHandler!({}, 'media', callback)
    expect(callback).toHaveBeenCalledWith(false)
  })

  it('recognises app and external URLs', () => {
    expect(isAppUrl('gatelab://app/index.html', undefined)).toBe(true)
    expect(isAppUrl('gatelab://other/index.html', undefined)).toBe(false)
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true)
    expect(isAppUrl('http://localhost:5173/', undefined)).toBe(false)
    expect(isExternalHttpUrl('javascript:alert(1)')).toBe(false)
    expect(isExternalHttpUrl('http://example.org')).toBe(true)
  })
})

describe('IPC binding', () => {
  const frame = (url: string, parent: unknown = null): { senderFrame: unknown } => ({ senderFrame: { url, parent } })

  it('trusts only the main frame of the app', () => {
    expect(isTrustedSender(frame('gatelab://app/index.html') as never)).toBe(true)
    expect(isTrustedSender(frame('gatelab://app/index.html', {}) as never)).toBe(false)
    expect(isTrustedSender(frame('https://evil.example/') as never)).toBe(false)
    expect(isTrustedSender({ senderFrame: null } as never)).toBe(false)
  })

  it('refuses foreign senders, parses arguments and forwards events', async () => {
    const lab = new Lab({
      mode: 'electron',
      store: createLabStore(Store.open(':memory:', { owner: { kind: 'test' } })),
      spawnTrainer: () => {
        throw new Error('no trainer in this test')
      },
      statusIntervalMs: 20
    })
    const sent: unknown[] = []
    const window = { isDestroyed: () => false, webContents: { send: (_c: string, e: unknown) => sent.push(e) } }
    const unbind = bindIpc(lab, window as never)
    const call = ipcHandlers.get('gatelab:call')!

    await expect(call(frame('https://evil.example/'), 'getSystemInfo', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unauthorized' }
    })
    await expect(call(frame('gatelab://app/index.html'), 'getSystemInfo', { extra: 1 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad_request' }
    })
    await expect(call(frame('gatelab://app/index.html'), 'dropTables', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown_method' }
    })
    await vi.waitFor(() => expect(sent).toContainEqual(expect.objectContaining({ type: 'host:status' })))
    unbind()
    expect(ipcHandlers.has('gatelab:call')).toBe(false)
    await lab.close()
  })

  it('downloads a run\'s stored file over IPC with the same contract as HTTP, and refuses a traversal name', async () => {
    const store = createLabStore(Store.open(':memory:', { owner: { kind: 'test' } }))
    const lab = new Lab({ mode: 'electron', store, spawnTrainer: () => { throw new Error('no trainer in this test') } })
    const config = (await import('../../src/shared/config')).normalizeRunConfig({ task: 'adding' })
    if (!config.ok) throw new Error(config.message)
    const { id } = store.createRun({ config: config.config })
    const bytes = new Uint8Array([3, 1, 4, 1, 5, 9, 2, 6])
    store.addArtifact(id, { kind: 'weights', name: 'weights.bin', mediaType: 'application/octet-stream', data: bytes })
    const unbind = bindIpc(lab, { isDestroyed: () => false, webContents: { send: () => undefined } } as never)
    const call = ipcHandlers.get('gatelab:call')!
    const app = frame('gatelab://app/index.html')
    await expect(call(app, 'listArtifacts', { id })).resolves.toMatchObject({ ok: true, value: { entries: [{ name: 'weights.bin', bytes: 8, state: 'stored' }] } })
    await expect(call(app, 'downloadArtifact', { id, name: 'weights.bin' })).resolves.toMatchObject({
      ok: true,
      value: { base64: Buffer.from(bytes).toString('base64'), done: true, bytes: 8 }
    })
    await expect(call(app, 'downloadArtifact', { id, name: '../gatelab.db' })).resolves.toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/contains a folder/) } })
    await expect(call(frame('https://evil.example/'), 'downloadArtifact', { id, name: 'weights.bin' })).resolves.toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    unbind()
    await lab.close()
  })

  it('opens a native dialog for a data file, for the app’s own frame only', async () => {
    const sender = (url: string): { senderFrame: unknown } => ({ senderFrame: { url, parent: null } })
    const window = { id: 1 }
    const unbind = bindDataFilePicker(window as never)
    const pick = ipcHandlers.get('gatelab:pick-data-file')!
    showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/me/data/sunspots.csv'] })
    await expect(pick(sender('gatelab://app/index.html'))).resolves.toBe('/home/me/data/sunspots.csv')
    expect(showOpenDialog).toHaveBeenCalledWith(window, expect.objectContaining({ properties: ['openFile'], filters: dataFileFilters }))
    showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    await expect(pick(sender('gatelab://app/index.html'))).resolves.toBeNull()
    // A foreign frame gets nothing, and no dialog opens.
    showOpenDialog.mockClear()
    await expect(pick(sender('https://evil.example/'))).resolves.toBeNull()
    expect(showOpenDialog).not.toHaveBeenCalled()
    unbind()
    expect(ipcHandlers.has('gatelab:pick-data-file')).toBe(false)
  })
})
