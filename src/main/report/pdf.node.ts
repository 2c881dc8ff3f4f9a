/**
 * PDF in plain Node (CLI, browser mode, tests): the report's HTML printed by a headless Chromium through
 * playwright-core. The desktop app prints with its own Chromium instead (pdf.electron.ts, same signature).
 */
import { existsSync } from 'node:fs'
import type * as Playwright from 'playwright-core'
import { ReportError } from './errors'
import { pageMargins, pdfFooterTemplate, pdfHeaderTemplate } from './pdfPage'

export type Paper = 'a4' | 'letter'

export interface PdfOptions {
  paper: Paper
  /** A page of exactly this many CSS pixels, no margins and no footer (one figure per PDF) instead of the paper. */
  size?: { width: number; height: number }
}

/**
 * The HTML report → PDF bytes. `many`, where a renderer has it, prints several documents with one browser (the figure
 * export prints one PDF per figure).
 */
export type PdfRenderer = ((html: string, options: PdfOptions) => Promise<Uint8Array>) & {
  many?: (pages: ReadonlyArray<{ html: string; options: PdfOptions }>) => Promise<Uint8Array[]>
}

/** Where Chromium usually is; GATELAB_CHROMIUM overrides. */
const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome']

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.GATELAB_CHROMIUM
  if (chosen) {
    if (existsSync(chosen)) return chosen
    throw new ReportError('chromium_missing', `GATELAB_CHROMIUM is ${chosen}, but there is no file there. Point it at a Chromium or Chrome binary.`)
  }
  const found = candidates.find((path) => existsSync(path))
  if (found) return found
  throw new ReportError(
    'chromium_missing',
    'PDF needs Chromium or Chrome, and none was found. Install one (Debian/Ubuntu: `apt-get install -y chromium`) or set ' +
      'GATELAB_CHROMIUM to its binary; or write HTML (--out report.html) and print it to PDF from any browser.'
  )
}


async function htmlToPdfs(pages: ReadonlyArray<{ html: string; options: PdfOptions }>): Promise<Uint8Array[]> {
  const executablePath = findChromium()
  let playwright: typeof Playwright
  try {
    playwright = await import('playwright-core')
  } catch (error) {
    throw new ReportError('chromium_missing', `PDF needs the playwright-core package, which could not be loaded (${(error as Error).message}). Run \`npm install\`.`, {
      cause: error
    })
  }
  // The report is ours and needs no script to print (its charts are SVG): JavaScript off, and no network at all. That is
  // what makes --no-sandbox (which Chromium requires when run as root, as in containers and CI) acceptable here.
  const browser = await playwright.chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true })
    const page = await context.newPage()
    const out: Uint8Array[] = []
    for (const { html, options } of pages) {
      await page.setContent(html, { waitUntil: 'load' })
      const pdf = options.size
        ? await page.pdf({ width: `${options.size.width}px`, height: `${options.size.height}px`, printBackground: true, margin: { top: '0', right: '0', bottom: '0', left: '0' }, pageRanges: '1' })
        : await page.pdf({
            format: options.paper === 'letter' ? 'Letter' : 'A4',
            printBackground: true,
            margin: pageMargins('mm'),
            displayHeaderFooter: true,
            headerTemplate: pdfHeaderTemplate,
            footerTemplate: pdfFooterTemplate
          })
      out.push(new Uint8Array(pdf))
    }
    return out
  } finally {
    await browser.close()
  }
}

export const htmlToPdf: PdfRenderer = Object.assign(async (html: string, options: PdfOptions) => (await htmlToPdfs([{ html, options }]))[0]!, { many: htmlToPdfs })
