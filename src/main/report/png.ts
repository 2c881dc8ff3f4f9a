/**
 * PNG figures: the same SVG the report inlines, rasterized on the host at 2x by resvg (@resvg/resvg-js, a napi
 * module: one build serves Node and Electron, no browser needed). It renders the SVG's text with the system fonts
 * named in charts.ts FONT_FAMILY.
 */
import type * as ResvgJs from '@resvg/resvg-js'
import { ReportError } from './errors'

type ResvgModule = typeof ResvgJs
let resvg: Promise<ResvgModule> | undefined

// Loaded on first use, so a platform without resvg's native build still gets every other export.
function loadResvg(): Promise<ResvgModule> {
  resvg ??= import('@resvg/resvg-js').catch((error: unknown) => {
    resvg = undefined
    throw new ReportError(
      'png_unavailable',
      `PNG export is unavailable: @resvg/resvg-js could not be loaded for ${process.platform}-${process.arch} (${(error as Error).message}). ` +
        'Run `npm install` to restore it; SVG export (vector, for papers and slides) works without it.',
      { cause: error }
    )
  })
  return resvg
}

// For text whose listed families are all missing: a font each platform ships.
const fallbackFont = process.platform === 'darwin' ? 'Helvetica' : process.platform === 'win32' ? 'Arial' : 'DejaVu Sans'

/** Rasterizes an SVG at `scale` times its own width and height (2 = crisp on high-density screens and in print). */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const { Resvg } = await loadResvg()
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: fallbackFont, sansSerifFamily: fallbackFont }
  }).render()
  return new Uint8Array(image.asPng())
}
