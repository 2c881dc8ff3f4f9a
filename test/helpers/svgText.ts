/**
 * The text of an ECharts SVG with each label's box, estimated from its font size (0.6 em per character, as wide as
 * Helvetica's digits and capitals) and placed by its anchor, baseline and transform: enough to find labels that
 * overlap each other or leave the figure.
 */
export interface TextBox {
  text: string
  fontSize: number
  fill: string
  x0: number
  y0: number
  x1: number
  y1: number
}

const unescape = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')

export function svgTextBoxes(svg: string): TextBox[] {
  const out: TextBox[] = []
  for (const m of svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
    const attrs = m[1]!
    const text = unescape(m[2]!)
    if (text.trim() === '') continue
    const attr = (name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(attrs)?.[1]
    const fontSize = Number(/font-size:([\d.]+)px/.exec(attrs)?.[1] ?? 12)
    const w = text.length * fontSize * 0.6
    const h = fontSize
    const anchor = attr('text-anchor') ?? 'start'
    const baseline = attr('dominant-baseline') ?? 'alphabetic'
    const x = Number(attr('x') ?? 0)
    const y = Number(attr('y') ?? 0)
    const lx = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x
    const ly = baseline === 'central' ? y - h / 2 : baseline === 'hanging' ? y : y - h * 0.8
    let matrix = [1, 0, 0, 1, 0, 0]
    const t = attr('transform')
    const tr = t && /translate\(([-\d.e]+)[ ,]+([-\d.e]+)\)/.exec(t)
    const mx = t && /matrix\(([^)]*)\)/.exec(t)
    if (tr) matrix = [1, 0, 0, 1, Number(tr[1]), Number(tr[2])]
    else if (mx) matrix = mx[1]!.split(/[ ,]+/).map(Number)
    const [a, b, c, d, e, f] = matrix as [number, number, number, number, number, number]
    const corners = [
      [lx, ly],
      [lx + w, ly],
      [lx, ly + h],
      [lx + w, ly + h]
    ].map(([px, py]) => [a * px! + c * py! + e, b * px! + d * py! + f])
    out.push({
      text,
      fontSize,
      fill: attr('fill') ?? '',
      x0: Math.min(...corners.map((p) => p[0]!)),
      x1: Math.max(...corners.map((p) => p[0]!)),
      y0: Math.min(...corners.map((p) => p[1]!)),
      y1: Math.max(...corners.map((p) => p[1]!))
    })
  }
  return out
}

/** Pairs of labels whose boxes overlap by more than `slack` px in both directions. */
export function overlaps(boxes: readonly TextBox[], slack = 0.5): Array<[string, string]> {
  const found: Array<[string, string]> = []
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const p = boxes[i]!
      const q = boxes[j]!
      const ox = Math.min(p.x1, q.x1) - Math.max(p.x0, q.x0)
      const oy = Math.min(p.y1, q.y1) - Math.max(p.y0, q.y0)
      if (ox > slack && oy > slack) found.push([p.text, q.text])
    }
  }
  return found
}

/** Labels that reach outside a width × height figure. */
export function clipped(boxes: readonly TextBox[], width: number, height: number): string[] {
  return boxes.filter((b) => b.x0 < -0.5 || b.y0 < -0.5 || b.x1 > width + 0.5 || b.y1 > height + 0.5).map((b) => b.text)
}
