/**
 * The printed page of a report, one definition for every way it is printed: the HTML report's @page rule (a reader's
 * own print dialog), Chromium under Playwright (pdf.node.ts) and Electron's printToPDF (pdf.electron.ts).
 */

/** Page margins in millimetres. */
export const pageMarginsMm = { top: 14, right: 13, bottom: 16, left: 13 } as const

/** An empty header (Chromium prints the title and date there otherwise) and a centred "page / pages" footer. */
export const pdfHeaderTemplate = '<span></span>'
export const pdfFooterTemplate =
  '<div style="font: 8px Helvetica, Arial, sans-serif; color: #777; width: 100%; text-align: center;"><span class="pageNumber"></span> / <span class="totalPages"></span></div>'

/** The margins in another unit: 'mm' strings for Playwright, inches for Electron. */
export function pageMargins(unit: 'mm'): Record<keyof typeof pageMarginsMm, string>
export function pageMargins(unit: 'in'): Record<keyof typeof pageMarginsMm, number>
export function pageMargins(unit: 'mm' | 'in'): Record<string, string | number> {
  return Object.fromEntries(Object.entries(pageMarginsMm).map(([side, mm]) => [side, unit === 'mm' ? `${mm}mm` : mm / 25.4]))
}
