/**
 * The desktop app's PDF edge (src/main/report/pdf.electron.ts), with `electron` mocked as the other edge files are
 * (the Electron binary is not available everywhere): a hidden, sandboxed window with JavaScript off loads the report
 * from a temporary file and prints it on the paper asked for; the window and the file are gone afterwards, also when
 * printing fails.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'

interface FakeWindow {
  options: { show?: boolean; webPreferences?: Record<string, unknown> }
  loaded?: string
  loadedHtml?: string
  printOptions?: Record<string, unknown>
  destroyed: boolean
}
const windows: FakeWindow[] = []
let failPrint = false

vi.mock('electron', () => ({
  BrowserWindow: class {
    private readonly record: FakeWindow
    readonly webContents: { printToPDF: (options: Record<string, unknown>) => Promise<Buffer> }
    constructor(options: FakeWindow['options']) {
      const record: FakeWindow = (this.record = { options, destroyed: false })
      windows.push(record)
      this.webContents = {
        printToPDF: async (printOptions) => {
          record.printOptions = printOptions
          if (failPrint) throw new Error('printing failed')
          return Buffer.from('%PDF-1.4 fake')
        }
      }
    }
    async loadFile(path: string): Promise<void> {
      this.record.loaded = path
      this.record.loadedHtml = readFileSync(path, 'utf8')
    }
    destroy(): void {
      this.record.destroyed = true
    }
  }
}))

const { htmlToPdf } = await import('../../src/main/report/pdf.electron')

describe('PDF in the desktop app', () => {
  beforeEach(() => {
    windows.length = 0
    failPrint = false
  })

  it('prints the report from a hidden sandboxed window with JavaScript off, on the paper asked for', async () => {
    const pdf = await htmlToPdf('<!doctype html><title>r</title><p>report</p>', { paper: 'letter' })
    expect(Buffer.from(pdf).toString()).toBe('%PDF-1.4 fake')
    const [window] = windows
    expect(window!.options.show).toBe(false)
    expect(window!.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false })
    expect(window!.loadedHtml).toBe('<!doctype html><title>r</title><p>report</p>')
    expect(window!.printOptions).toMatchObject({ pageSize: 'Letter', printBackground: true })
    expect(window!.destroyed).toBe(true)
    expect(existsSync(dirname(window!.loaded!))).toBe(false)

    await htmlToPdf('<p>a4</p>', { paper: 'a4' })
    expect(windows[1]!.printOptions).toMatchObject({ pageSize: 'A4' })
  })

  it('closes the window and removes the temporary file when printing fails', async () => {
    failPrint = true
    await expect(htmlToPdf('<p>x</p>', { paper: 'a4' })).rejects.toThrow('printing failed')
    expect(windows[0]!.destroyed).toBe(true)
    expect(existsSync(dirname(windows[0]!.loaded!))).toBe(false)
  })
})
