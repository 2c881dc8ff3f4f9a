/** The small-split figure as one host setting: --min-split-windows (anywhere on the line) over the variable over 30. */
import { afterEach, describe, expect, it } from 'vitest'
import { applyMinSplitWindows } from '../../src/main/splitSetting'
import { defaultMinSplitWindows, minSplitWindows, setMinSplitWindows, smallSplitsOf } from '../../src/shared/baselines/splitSize'

describe('--min-split-windows', () => {
  afterEach(() => setMinSplitWindows(defaultMinSplitWindows))

  it('is taken out of the command line and applied; the flag wins over the variable', () => {
    expect(applyMinSplitWindows(['show', 'x', '--min-split-windows', '12', '--json'], {})).toEqual(['show', 'x', '--json'])
    expect(minSplitWindows()).toBe(12)
    expect(smallSplitsOf({ val: 11, test: 12 })).toEqual([{ split: 'validation', windows: 11 }])
    expect(applyMinSplitWindows(['runs', '--min-split-windows=40'], { GATELAB_MIN_SPLIT_WINDOWS: '50' })).toEqual(['runs'])
    expect(minSplitWindows()).toBe(40)
    applyMinSplitWindows(['runs'], { GATELAB_MIN_SPLIT_WINDOWS: '50' })
    expect(minSplitWindows()).toBe(50)
  })

  it('refuses what is not a whole number of windows, naming where it came from', () => {
    expect(() => applyMinSplitWindows(['--min-split-windows', '0'], {})).toThrow('--min-split-windows must be a whole number of windows from 1 to 1000000 (not "0")')
    expect(() => applyMinSplitWindows(['--min-split-windows'], {})).toThrow(/needs a number/)
    expect(() => applyMinSplitWindows([], { GATELAB_MIN_SPLIT_WINDOWS: '2.5' })).toThrow(/^GATELAB_MIN_SPLIT_WINDOWS must be a whole number/)
    expect(minSplitWindows()).toBe(30)
  })
})
