/**
 * The Inside view's pure logic: colour scales (ends, midpoint, monotone lightness, clamping), the hover arithmetic
 * (pixel → step and unit, exact at 128 × 1,000), the keyboard cursor, the LSTM ↔ GRU gate alignment (CELLS.md), the
 * statistics of 1 − z, unit sorting, the sequence editor's parsing and messages, the address-bar state, and the
 * explainers' equations (rendered by KaTeX without error).
 */
import { describe, expect, it } from 'vitest'
import katex from 'katex'
import { lut, lutIndex, niceSymmetric, oklabToRgb, rgbToOklab, unpackRgba, unitDomain } from '../../src/renderer/src/inside/scales'
import { hitTest, moveCursor, stepAt, stepCenter, rowAt, timeTicks, valueAt, type PlotRect } from '../../src/renderer/src/inside/geometry'
import { alignGates, alignTraces, complementStats, complementValues, sideLabel, sortUnits, type UnitGateStats } from '../../src/renderer/src/inside/alignment'
import { addingMarkers, indexProblem, moveAddingMarkers, parseValues, queryFromState, sequenceOf, stateFromQuery, traceDomain, valuesText } from '../../src/renderer/src/inside/model'
import { cellEquations, formWords } from '../../src/renderer/src/inside/equations'
import { paintMatrix, rowPixels } from '../../src/renderer/src/inside/Heatmap'
import { fitRange, yTicks } from '../../src/renderer/src/inside/TimeLines'
import { formatValue, stepLabel } from '../../src/renderer/src/inside/format'

const lightness = (word: number): number => rgbToOklab(unpackRgba(word).slice(0, 3) as [number, number, number])[0]

describe('colour scales', () => {
  it('sequential: 0 is the page background, 1 the deepest ink, lightness monotone (light and dark)', () => {
    for (const cell of ['lstm', 'gru', 'rnn'] as const) {
      const light = lut('sequential', 'light', cell)
      const dark = lut('sequential', 'dark', cell)
      expect(light).toHaveLength(256)
      expect(unpackRgba(light[0]!).slice(0, 3)).toEqual([251, 251, 249])
      expect(unpackRgba(dark[0]!).slice(0, 3)).toEqual([30, 32, 36])
      // Monotone entry by entry (8-bit rounding can repeat a colour), strictly so every 8 entries.
      for (let i = 1; i < 256; i++) {
        expect(lightness(light[i]!)).toBeLessThanOrEqual(lightness(light[i - 1]!))
        expect(lightness(dark[i]!)).toBeGreaterThanOrEqual(lightness(dark[i - 1]!))
        if (i >= 8) {
          expect(lightness(light[i]!)).toBeLessThan(lightness(light[i - 8]!))
          expect(lightness(dark[i]!)).toBeGreaterThan(lightness(dark[i - 8]!))
        }
      }
      // Opaque everywhere.
      expect(unpackRgba(light[128]!)[3]).toBe(255)
    }
    // The cells keep their colours: the LSTM's middle is blue, the GRU's orange.
    const [r1, , b1] = unpackRgba(lut('sequential', 'light', 'lstm')[140]!)
    const [r2, , b2] = unpackRgba(lut('sequential', 'light', 'gru')[140]!)
    expect(b1).toBeGreaterThan(r1)
    expect(r2).toBeGreaterThan(b2)
  })

  it('diverging: background at 0, symmetric lightness, purple below and green above', () => {
    for (const theme of ['light', 'dark'] as const) {
      const t = lut('diverging', theme)
      const mid = lightness(t[128]!)
      expect(Math.abs(lightness(t[40]!) - lightness(t[255 - 40]!))).toBeLessThan(0.08)
      if (theme === 'light') expect(mid).toBeGreaterThan(lightness(t[0]!))
      else expect(mid).toBeLessThan(lightness(t[0]!))
      const [r, g, b] = unpackRgba(t[30]!)
      expect(r + b).toBeGreaterThan(2 * g) // purple
      const [r2, g2, b2] = unpackRgba(t[225]!)
      expect(g2).toBeGreaterThan(Math.max(r2, b2)) // green
    }
  })

  it('OKLab round-trips sRGB', () => {
    for (const rgb of [[0, 0, 0], [255, 255, 255], [47, 111, 219], [224, 122, 31]] as Array<[number, number, number]>) {
      expect(oklabToRgb(rgbToOklab(rgb))).toEqual(rgb)
    }
  })

  it('maps values to table indices with clamping, NaN as "no value"', () => {
    expect(lutIndex(0, unitDomain)).toBe(0)
    expect(lutIndex(1, unitDomain)).toBe(255)
    expect(lutIndex(0.5, unitDomain)).toBe(128)
    expect(lutIndex(-3, unitDomain)).toBe(0)
    expect(lutIndex(7, unitDomain)).toBe(255)
    expect(lutIndex(0.999999, unitDomain)).toBe(255)
    expect(lutIndex(NaN, unitDomain)).toBe(-1)
    expect(lutIndex(0, { lo: -2, hi: 2 })).toBe(128)
  })

  it('chooses symmetric, round domains for states; ±1 for tanh-bounded ones; [0, 1] for gates', () => {
    expect(niceSymmetric([0.3, -1.7, 1.2])).toEqual({ lo: -2, hi: 2 })
    expect(niceSymmetric([4.1])).toEqual({ lo: -5, hi: 5 })
    expect(niceSymmetric([0.021, -0.013])).toEqual({ lo: -0.025, hi: 0.025 })
    expect(niceSymmetric([5, -5])).toEqual({ lo: -5, hi: 5 })
    expect(niceSymmetric([0, 0])).toEqual({ lo: -1, hi: 1 })
    expect(traceDomain('f', [0.2])).toEqual(unitDomain)
    expect(traceDomain('h', [0.2])).toEqual({ lo: -1, hi: 1 })
    expect(traceDomain('g', [0.2])).toEqual({ lo: -1, hi: 1 })
    expect(traceDomain('c', [3.3, -0.1])).toEqual({ lo: -5, hi: 5 })
  })
})

describe('hover and keyboard arithmetic', () => {
  const rect: PlotRect = { x: 64, y: 4, width: 1000, height: 256 }

  it('finds the exact step and unit under every pixel of a 128 × 1,000 heatmap', () => {
    const units = 128
    const steps = 1000
    for (let t = 0; t < steps; t += 37) {
      for (let u = 0; u < units; u += 11) {
        const x = stepCenter(t, rect, steps)
        const y = rect.y + (u + 0.5) * (rect.height / units)
        expect(hitTest(x, y, rect, units, steps)).toEqual({ row: u, step: t })
      }
    }
    // Edges: the first pixel is step 0, the last pixel inside is the last step, outside is nothing.
    expect(stepAt(64, rect, steps)).toBe(0)
    expect(stepAt(64 + 999.999, rect, steps)).toBe(999)
    expect(stepAt(64 + 1000, rect, steps)).toBeNull()
    expect(stepAt(63.9, rect, steps)).toBeNull()
    expect(rowAt(4, rect, units)).toBe(0)
    expect(rowAt(4 + 255.9, rect, units)).toBe(127)
    expect(rowAt(3, rect, units)).toBeNull()
    expect(hitTest(10, 10, rect, units, steps)).toBeNull()
  })

  it('reads values unit-major, as the inspector sends them ([units, steps])', () => {
    const values = Float32Array.from({ length: 6 }, (_, i) => i) // 2 units × 3 steps
    expect(valueAt(values, 3, 0, 2)).toBe(2)
    expect(valueAt(values, 3, 1, 0)).toBe(3)
  })

  it('moves the keyboard cursor within the matrix', () => {
    const c = { row: 0, step: 0 }
    expect(moveCursor(c, 'ArrowLeft', 8, 100)).toEqual({ row: 0, step: 0 })
    expect(moveCursor(c, 'ArrowRight', 8, 100)).toEqual({ row: 0, step: 1 })
    expect(moveCursor(c, 'ArrowDown', 8, 100)).toEqual({ row: 1, step: 0 })
    expect(moveCursor({ row: 7, step: 5 }, 'ArrowDown', 8, 100)).toEqual({ row: 7, step: 5 })
    expect(moveCursor(c, 'End', 8, 100)).toEqual({ row: 0, step: 99 })
    expect(moveCursor({ row: 2, step: 95 }, 'PageDown', 8, 100)).toEqual({ row: 2, step: 99 })
    expect(moveCursor({ row: 2, step: 50 }, 'PageUp', 8, 100)).toEqual({ row: 2, step: 40 })
    expect(moveCursor(c, 'x', 8, 100)).toBeNull()
  })

  it('labels time from 0 to T − 1 with round ticks', () => {
    expect(timeTicks(1000)).toEqual([0, 200, 400, 600, 800, 999])
    expect(timeTicks(10)).toEqual([0, 2, 4, 6, 9])
    expect(timeTicks(1)).toEqual([0])
    expect(stepLabel(0)).toBe('t = 0')
  })

  it('paints a matrix through the colour table, in the sorted order, NaN transparent', () => {
    const table = lut('sequential', 'light', 'lstm')
    const values = [0, 1, NaN, 0.5, 0.5, 0.5] // unit 0: 0, 1, NaN; unit 1: 0.5 × 3
    const out = new Uint32Array(6)
    paintMatrix(values, 2, 3, [1, 0], table, unitDomain, out)
    expect(Array.from(out.slice(0, 3))).toEqual([table[128], table[128], table[128]])
    expect(Array.from(out.slice(3))).toEqual([table[0], table[255], 0])
    expect(rowPixels(128) * 128).toBe(256)
  })

  it('fits line-plot ranges (log: whole decades of the positive values)', () => {
    expect(fitRange([{ values: [0.003, 0.2, NaN, 0] }], true)).toEqual([1e-3, 1])
    expect(yTicks([1e-6, 1], true)).toEqual([1e-6, 1e-4, 1e-2, 1])
    expect(yTicks([-0.0049, 1.05], false)).toEqual([0, 0.5, 1])
    expect(yTicks([-3.2, 7.9], false)).toEqual([0, 5])
    expect(yTicks([-1.1, 1.1], false)).toEqual([-1, 0, 1])
    const [lo, hi] = fitRange([{ values: [0, 10] }], false)
    expect(lo).toBeCloseTo(-0.5)
    expect(hi).toBeCloseTo(10.5)
    expect(formatValue(0.97341239452)).toBe('0.9734124')
    expect(formatValue(NaN)).toBe('no value')
  })
})

describe('which gates sit side by side (CELLS.md, "Reading the gates")', () => {
  it('aligns LSTM f with GRU z, LSTM i with GRU 1 − z, and leaves o and r on their own', () => {
    const rows = alignTraces('lstm', 'gru')
    const pairs = rows.map((r) => r.sides.map((s) => (s ? sideLabel(s) : null)))
    expect(pairs).toEqual([
      ['f', 'z'],
      ['i', '1 − z'],
      ['g', 'n'],
      ['o', null],
      [null, 'r'],
      ['c', null],
      ['h', 'h']
    ])
    // GRU on the left: the same rows, mirrored.
    expect(alignTraces('gru', 'lstm').map((r) => r.sides.map((s) => (s ? sideLabel(s) : null)))).toEqual(pairs.map(([a, b]) => [b, a]))
    // The saturation scatter's rows: the gates and the candidates (the traces with statistics), not the states.
    expect(alignGates('lstm', 'gru').map((r) => r.sides.map((s) => (s ? sideLabel(s) : null)))).toEqual([
      ['f', 'z'],
      ['i', '1 − z'],
      ['g', 'n'],
      ['o', null],
      [null, 'r']
    ])
  })

  it('pairs like with like for two runs of one cell, and only h with an RNN', () => {
    expect(alignTraces('gru', 'gru').map((r) => r.sides.map((s) => s?.trace))).toEqual([['z', 'z'], ['r', 'r'], ['n', 'n'], ['h', 'h']])
    const rnn = alignTraces('lstm', 'rnn')
    expect(rnn.filter((r) => r.sides[0] && r.sides[1]).map((r) => r.sides[0]!.trace)).toEqual(['h'])
    expect(rnn).toHaveLength(6)
  })

  it('derives 1 − z: values flipped, left and right saturation swapped, mean 1 − mean, histogram reversed', () => {
    expect(Array.from(complementValues(Float32Array.from([0, 0.25, 1])))).toEqual([1, 0.75, 0])
    const z: UnitGateStats = { left: 0.1, right: 0.7, mean: 0.8, histogram: [1, 2, 3, 4] }
    expect(complementStats(z)).toEqual({ left: 0.7, right: 0.1, mean: expect.closeTo(0.2, 12) as unknown as number, histogram: [4, 3, 2, 1] })
  })

  it('sorts units by any statistic, descending, ties by unit number', () => {
    const s = (left: number, right: number, mean: number): UnitGateStats => ({ left, right, mean, histogram: [] })
    const stats = [s(0.1, 0.5, 0.6), s(0.2, 0.9, 0.9), s(0.6, 0.1, 0.2), s(0.1, 0.5, 0.5)]
    expect(sortUnits(stats, 'unit')).toEqual([0, 1, 2, 3])
    expect(sortUnits(stats, 'right')).toEqual([1, 0, 3, 2])
    expect(sortUnits(stats, 'left')).toEqual([2, 1, 0, 3])
    expect(sortUnits(stats, 'mean', false)).toEqual([2, 3, 0, 1])
    expect(sortUnits(stats, 'neither')).toEqual([0, 3, 2, 1])
  })
})

describe('the sequence picker and editor', () => {
  it('says what is wrong with an index, in the picker’s words', () => {
    expect(indexProblem('12', 'test', 100)).toBeNull()
    expect(indexProblem('100', 'test', 100)).toBe('The test split has 100 sequences: pick a number from 0 to 99.')
    expect(indexProblem('5000', 'val', 1000)).toBe('The validation split has 1,000 sequences: pick a number from 0 to 999.')
    expect(indexProblem('-1', 'test', 10)).toBe('Sequence numbers are whole numbers from 0 to 9.')
    expect(indexProblem('1.5', 'train', null)).toBe('Sequence numbers are whole numbers from 0.')
    expect(indexProblem('', 'train', 10)).toBe('Enter a sequence number.')
  })

  it('parses typed values and names the first bad line', () => {
    expect(parseValues('0.5, 0\n0.25 1\n\n', ['value', 'marker'])).toEqual({ ok: true, values: [[0.5, 0], [0.25, 1]] })
    expect(parseValues('0.5, 0\n0.2, 1, 3', ['value', 'marker'])).toEqual({ ok: false, message: 'Line 2 has 3 values; each step needs 2 (value, marker).' })
    expect(parseValues('0.5\nabc', ['x'])).toEqual({ ok: false, message: 'Line 2: “abc” is not a number.' })
    expect(parseValues('  \n', ['x'])).toEqual({ ok: false, message: 'Type at least one step: one line per step, one number per feature.' })
  })

  it('moves the adding problem’s markers and sets the target to the new sum', () => {
    const values = [[0.1, 1], [0.2, 0], [0.3, 0], [0.4, 1]]
    expect(addingMarkers(values)).toEqual([0, 3])
    const moved = moveAddingMarkers(values, 1, 2)
    expect(moved).toEqual({ ok: true, values: [[0.1, 0], [0.2, 1], [0.3, 1], [0.4, 0]], target: expect.closeTo(0.5, 12) as unknown as number })
    expect(moveAddingMarkers(values, 1, 1)).toEqual({ ok: false, message: 'The two markers must be on different steps.' })
    expect(moveAddingMarkers(values, 0, 4)).toEqual({ ok: false, message: 'Marker steps go from 0 to 3; 4 is outside.' })
  })

  it('writes a [features, steps] matrix as one line per step', () => {
    expect(valuesText({ shape: [2, 3], values: [0.1, 0.2, 0.3, 0, 1, 0] })).toBe('0.1, 0\n0.2, 1\n0.3, 0')
  })

  it('keeps the view in the address: state ↔ query round trip, defaults for nonsense', () => {
    const s = { pick: 'index', split: 'val', index: 7, k: 5, layer: 1, direction: 'backward' } as const
    expect(stateFromQuery(queryFromState(s))).toEqual(s)
    expect(stateFromQuery({ pick: 'worst', k: '3' })).toMatchObject({ pick: 'worst', k: 3 })
    expect(sequenceOf(stateFromQuery({ pick: 'best', k: '99' }))).toEqual({ kind: 'best', k: 50 })
    expect(stateFromQuery({ index: '-4', split: 'nope', layer: 'x' })).toEqual({ pick: 'index', split: 'test', index: 0, k: 5, layer: 0, direction: 'forward' })
  })
})

describe('explainers', () => {
  it('write CELLS.md’s equations for the form the run used, and KaTeX renders every one', () => {
    const lstm = cellEquations({ cell: 'lstm', form: 'lstm', gateActivation: 'sigmoid' })
    // The candidate is a fresh tanh proposal; the old cell enters only through f ⊙ c_{t−1}.
    expect(lstm).toContain('g_t = \\tanh(W_g x_t + U_g h_{t-1} + b_g)')
    expect(lstm).toContain('c_t = f_t \\odot c_{t-1} + i_t \\odot g_t')
    expect(lstm.filter((l) => l.includes('c_{t-1}'))).toHaveLength(1)
    expect(cellEquations({ cell: 'lstm', form: 'lstm', gateActivation: 'hard_sigmoid' })[0]).toContain('\\hat\\sigma')
    const after = cellEquations({ cell: 'gru', form: 'gru-after', gateActivation: 'sigmoid' })
    const before = cellEquations({ cell: 'gru', form: 'gru-before', gateActivation: 'sigmoid' })
    expect(after[2]).toBe('n_t = \\tanh(W_n x_t + b_n + r_t \\odot (U_n h_{t-1} + b_{hn}))')
    expect(before[2]).toBe('n_t = \\tanh(W_n x_t + U_n (r_t \\odot h_{t-1}) + b_n)')
    expect(after[3]).toBe('h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot n_t')
    expect(cellEquations({ cell: 'rnn', form: 'rnn', gateActivation: null })).toEqual(['h_t = \\tanh(W x_t + U h_{t-1} + b)'])
    expect(formWords({ cell: 'gru', form: 'gru-before', gateActivation: 'sigmoid' })).toMatch(/reset-before/)
    for (const form of [
      { cell: 'lstm', form: 'lstm', gateActivation: 'hard_sigmoid' },
      { cell: 'gru', form: 'gru-after', gateActivation: 'sigmoid' },
      { cell: 'gru', form: 'gru-before', gateActivation: 'sigmoid' },
      { cell: 'rnn', form: 'rnn', gateActivation: null }
    ] as const) {
      for (const line of cellEquations(form)) expect(() => katex.renderToString(line, { throwOnError: true })).not.toThrow()
    }
  })
})
