/**
 * PDF in the desktop app: the report's HTML printed by Electron's own Chromium (webContents.printToPDF), in a hidden,
 * sandboxed window with JavaScript off. Same signature as pdf.node.ts; the app passes this one to the report service.
 */
import { BrowserWindow } from 'electron'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PdfRenderer } from './pdf.node'
import { pageMargins, pdfFooterTemplate, pdfHeaderTemplate } from './pdfPage'

export const htmlToPdf: PdfRenderer = async (html, options) => {
  // A file, not a data: URL: reports with many figures are megabytes, and file:// keeps the page's origin opaque.
  const dir = await mkdtemp(join(tmpdir(), 'gatelab-report-'))
  const file = join(dir, 'report.html')
  const window = new BrowserWindow({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } })
  try {
    await writeFile(file, html, 'utf8')
    await window.loadFile(file)
    const pdf = options.size
      ? // One figure: a page its own size (CSS pixels at 96 per inch), no margins, no footer.
        await window.webContents.printToPDF({ pageSize: { width: options.size.width / 96, height: options.size.height / 96 }, printBackground: true, margins: { top: 0, right: 0, bottom: 0, left: 0 }, pageRanges: '1' })
      : await window.webContents.printToPDF({
          pageSize: options.paper === 'letter' ? 'Letter' : 'A4',
          printBackground: true,
          margins: pageMargins('in'),
          displayHeaderFooter: true,
          headerTemplate: pdfHeaderTemplate,
          footerTemplate: pdfFooterTemplate
        })
    return new Uint8Array(pdf)
  } finally {
    window.destroy()
    await rm(dir, { recursive: true, force: true })
  }
}
