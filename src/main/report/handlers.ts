/**
 * The API side of reports: the `exportRuns` handler the Lab wires into its handler table, for the UI's export
 * buttons. Files are built exactly as the CLI builds them, with flat names (a download has no folders).
 */
import { GateLabError, type ApiHandlers } from '../../shared/api'
import { ReportError } from './errors'
import { exportRuns } from './exports'
import type { PdfRenderer } from './pdf.node'
import type { ReportSource } from './source'

/** Report errors as API errors: unknown runs are not_found, requests that cannot be served are bad_request. */
export function toApiError(error: unknown): unknown {
  if (!(error instanceof ReportError)) return error
  const code = error.code === 'not_found' ? 'not_found' : error.code === 'invalid' || error.code === 'unwritable' ? 'bad_request' : 'internal'
  return new GateLabError({ code, message: error.message })
}

/**
 * `exportRuns` for the Lab: `pdf` is pdf.node.ts' htmlToPdf in browser mode, pdf.electron.ts' in the desktop app.
 * Usage in lab.ts: `exportRuns: exportRunsHandler(store, options.pdf)`.
 */
export function exportRunsHandler(store: ReportSource, pdf: PdfRenderer | undefined): ApiHandlers['exportRuns'] {
  return async ({ runIds, format, paper, inside, insideSequence }) => {
    try {
      const files = await exportRuns(store, runIds, format, { pdf, paper, layout: 'flat', ...(inside ? { inside: { sequence: insideSequence ?? 0 } } : {}) })
      return { files: files.map((f) => ({ name: f.name, mediaType: f.mediaType, base64: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('base64') })) }
    } catch (error) {
      throw toApiError(error)
    }
  }
}
