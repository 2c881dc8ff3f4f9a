/**
 * Time as time (issue 16): a YYYYMMDD column is read as calendar dates, so --missing interpolate fills by days across
 * month ends (not by the integer, where 20200130 → 20200201 is a "jump" of 71), ranges print as dates, and gaps in the
 * spacing are found.
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scanCsvFile } from '../../src/main/data/csvFile'
import { importOptionsFromConfig } from '../../src/shared/data/options'
import { planSeries } from '../../src/shared/data/prepare'
import { compactDateMs, detectCompactTime, formatDate, spacingOf } from '../../src/shared/data/time'
import { formatInspection } from '../../src/main/cli/inspect'
import { inspectCsv } from '../../src/main/data/inspect'

const DAY = 86_400_000
const dayOf = (yyyymmdd: number): number => (compactDateMs(yyyymmdd, 'yyyymmdd') - Date.UTC(2020, 0, 1)) / DAY

describe('compact dates', () => {
  it('reads YYYYMMDD, YYYYMM and YYYY through the calendar, and refuses dates that do not exist', () => {
    expect(formatDate(compactDateMs(19661231, 'yyyymmdd'))).toBe('1966-12-31')
    expect((compactDateMs(19670101, 'yyyymmdd') - compactDateMs(19661231, 'yyyymmdd')) / DAY).toBe(1)
    expect((compactDateMs(20200301, 'yyyymmdd') - compactDateMs(20200228, 'yyyymmdd')) / DAY).toBe(2) // leap year
    expect(compactDateMs(20230229, 'yyyymmdd')).toBeNaN()
    expect(formatDate(compactDateMs(195803, 'yyyymm'))).toBe('1958-03-01')
    expect(detectCompactTime([19580329, 19580405, NaN], 'date')).toBe('yyyymmdd')
    expect(detectCompactTime([1958, 1959], 'year')).toBe('yyyy')
    expect(detectCompactTime([1958, 1959], 'step')).toBeNull()
    expect(detectCompactTime([20201301], 'date')).toBeNull()
    expect(spacingOf([0, DAY, 2 * DAY, 5 * DAY, 6 * DAY])).toEqual({ step: DAY, gaps: 1, largest: { from: 2 * DAY, to: 5 * DAY } })
  })

  it('interpolates a YYYYMMDD column with gaps across month ends by calendar days', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-time-'))
    const dates = [20200125, 20200127, 20200129, 20200130, 20200131, 20200201, 20200203, 20200204, 20200227, 20200229, 20200301, 20200302]
    const missing = new Set([20200131, 20200201, 20200229])
    // The value is the day number since 2020-01-01: a straight line in calendar time, which interpolation must keep.
    const lines = ['date,level', ...dates.map((d) => `${d},${missing.has(d) ? '' : dayOf(d)}`)]
    for (let k = 0; k < 40; k++) lines.push(`${20200303 + k < 20200332 ? 20200303 + k : 20200401 + k - 29},${dayOf(20200303 + k < 20200332 ? 20200303 + k : 20200401 + k - 29)}`)
    const file = join(dir, 'gaps.csv')
    writeFileSync(file, lines.join('\n') + '\n')
    const options = importOptionsFromConfig({ time: 'date', missing: 'interpolate', lookback: 2 })
    const { scan } = await scanCsvFile(file, file, { ...options, previewRows: 0 })
    expect(scan.series!.timeFormat).toBe('yyyymmdd')
    const plan = planSeries(scan.series!, { file, missing: 'interpolate', lookback: 2, horizon: 1, stride: 1 })
    const level = plan.series.values[0]!
    const at = (d: number): number => level[plan.series.time!.indexOf(compactDateMs(d, 'yyyymmdd'))]!
    expect(at(20200131)).toBeCloseTo(dayOf(20200131), 10) // 30, not 29.03 as by the integer
    expect(at(20200201)).toBeCloseTo(dayOf(20200201), 10)
    expect(at(20200229)).toBeCloseTo(dayOf(20200229), 10) // between Feb 27 and Mar 1 of a leap year
    const inspection = await inspectCsv(file, { time: 'date', missing: 'interpolate', lookback: 2 })
    const text = formatInspection(inspection)
    expect(text).toMatch(/2020-01-25 … 2020-04-/)
    expect(text).toMatch(/Time: date read as dates \(yyyymmdd\), 2020-01-25 … 2020-04-\d\d; typical step 1 day; irregular: \d gaps? larger than 1.5 steps, the largest 2020-02-04 → 2020-02-27/)
  })
})
