/** The Trainer log card's pure part: which lines it draws of a very long log (components/RunLog/shownLines.ts). */
import { describe, expect, it } from 'vitest'
import { SHOWN_MAX, SHOWN_TAIL, shownLines } from '../../src/renderer/src/components/RunLog/shownLines'

const start = ['run      r1 · started 2026-12-01 19:00:00 UTC · seed 1', 'model    LSTM', 'backend  wasm: why']
const epochs = (n: number): string[] => Array.from({ length: n }, (_, k) => `epoch    ${k + 1}/${n}  loss 1`)

describe('trainer log card lines', () => {
  it('draws every line of an ordinary log, without the final newline as an empty line', () => {
    const text = `${[...start, ...epochs(10), 'end      completed'].join('\n')}\n`
    expect(shownLines(text)).toEqual({ lines: [...start, ...epochs(10), 'end      completed'], hidden: 0, headCount: 14 })
  })

  it('keeps the start lines and the newest lines of a very long log, and counts what it leaves out', () => {
    const all = [...start, ...epochs(10_000), 'end      completed']
    const shown = shownLines(all.join('\n'))
    expect(shown.headCount).toBe(start.length)
    expect(shown.lines.slice(0, start.length)).toEqual(start)
    expect(shown.lines.at(-1)).toBe('end      completed')
    expect(shown.lines).toHaveLength(start.length + SHOWN_TAIL)
    expect(shown.hidden).toBe(all.length - start.length - SHOWN_TAIL)
    expect(shown.lines.length).toBeLessThanOrEqual(SHOWN_MAX)
  })
})
