/**
 * Messages in the words of the place (issue 17 item 4): one place-neutral message, the flag in CLI output and the
 * control's label in the UI — never "--missing drop" or "--lookback" in the New run form.
 */
import { describe, expect, it } from 'vitest'
import { inWords, option } from '../../src/shared/wording'
import { dataError, DataError } from '../../src/shared/data/errors'
import { splitRows } from '../../src/shared/data/window'
import { treatMissing } from '../../src/shared/data/prepare'

const raised = (f: () => unknown): DataError => {
  try {
    f()
  } catch (error) {
    if (error instanceof DataError) return error
    throw error
  }
  throw new Error('expected a DataError')
}

describe('inWords', () => {
  it('renders one token per place', () => {
    const text = `Lower ${option('lookback')} to 45 or less, or choose ${option('missing', 'drop')} or ${option('decimal', ',')}; pick ${option('target', 'COLUMN')}.`
    expect(inWords(text, 'cli')).toBe('Lower --lookback to 45 or less, or choose --missing drop or --decimal ,; pick --target COLUMN.')
    expect(inWords(text, 'ui')).toBe('Lower “Lookback” to 45 or less, or choose “Missing values: drop those rows” or “Decimal separator: comma (3,14)”; pick “Target column”.')
  })

  it('lists several values with what each does (CLI) or as the menu names them (UI)', () => {
    const text = `choose ${option('missing', ['drop', 'ffill', 'interpolate'])}.`
    expect(inWords(text, 'cli')).toBe('choose --missing drop (skip those rows), ffill (repeat the last value) or interpolate (a straight line between neighbours).')
    expect(inWords(text, 'ui')).toBe('choose “Missing values”: drop those rows, repeat the last value or interpolate linearly.')
  })

  it('leaves text without tokens alone', () => {
    expect(inWords('The file has no rows. Choose another file.', 'ui')).toBe('The file has no rows. Choose another file.')
  })
})

describe('data messages are place-neutral', () => {
  it('a DataError says the flag as its message and keeps the neutral text for the UI', () => {
    const e = raised(() => splitRows(300, { lookback: 50, horizon: 1, stride: 1 }, undefined, 'sunspots.csv'))
    expect(e.message).toMatch(/Lower --lookback to 44 or less \(or --horizon\)/)
    expect(inWords(e.neutral, 'ui')).toMatch(/Lower “Lookback” to 44 or less \(or “Horizon”\)/)
    expect(inWords(e.neutral, 'ui')).not.toMatch(/--/)
  })

  it('missing values: the CLI names --missing, the UI the Missing values menu', () => {
    const series = { names: ['y'], values: [Float64Array.from([1, NaN, 3, 4])], lines: Float64Array.from([2, 3, 4, 5]), length: 4, selection: { target: 'y', features: ['y'] } }
    const e = raised(() => treatMissing(series as never, 'error', 'co2.csv'))
    expect(e.message).toMatch(/choose --missing drop \(skip those rows\), ffill/)
    expect(inWords(e.neutral, 'ui')).toMatch(/choose “Missing values”: drop those rows, repeat the last value or interpolate linearly\.$/)
  })

  it('dataError keeps one line', () => {
    const e = dataError('bad-option', { file: 'f.csv' }, 'Something is off', `Use ${option('stride')}.`)
    expect(e.message).toBe('f.csv: Something is off. Use --stride.')
    expect(inWords(e.neutral, 'ui')).toBe('f.csv: Something is off. Use “Stride”.')
  })
})
