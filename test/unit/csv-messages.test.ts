/**
 * Exact CSV messages for the shapes a file can have wrong (issue 19, item 7): rows with a different number of fields
 * (which lines, how many fields each, how many such lines in all, the first 10 listed), a file of one line (no header,
 * no data), a header-only file, and a file without a header. Every problem a message mentions is also in the
 * inspection's problems with its lines and count, as `inspect-csv --json` prints them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspectCsv } from '../../src/main/data'
import { CsvTokenizer, maxFieldsKept } from '../../src/shared/data/csv'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatelab-csv-msg-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

describe('rows with a different number of fields', () => {
  it('names the first line, its field count, the header count, how many lines in all and lists the first 10', async () => {
    const lines = ['t,a,b,c']
    const bad: number[] = []
    for (let i = 1; i <= 400; i++) {
      const line = lines.length + 1
      if (i % 30 === 4) {
        lines.push(`${i},1,2`)
        bad.push(line)
      } else lines.push(`${i},1,2,3`)
    }
    const path = write('ragged-many.csv', lines.join('\n') + '\n')
    const r = await inspectCsv(path, { file: 'ragged-many.csv', target: 'a' })
    const p = r.problems.find((q) => q.code === 'ragged-row')!
    expect(bad.length).toBe(14)
    expect(p.message).toBe(
      `ragged-many.csv: line ${bad[0]} has 3 fields, the header has 4; 14 such lines: ${bad.slice(0, 10).join(', ')}, … (first 10 listed) (delimiter ","). ` +
        'Make every row have one field per column: quote fields that contain the delimiter, or set the delimiter with --delimiter.'
    )
    expect(p).toMatchObject({ severity: 'error', line: bad[0], lines: bad.slice(0, 10), count: 14, fields: Array(10).fill(3), expectedFields: 4 })
    expect(r.rows).toBe(400 - 14)
    expect(r.ok).toBe(false)
  })

  it('gives each listed line its own count when they differ (the issue\'s ragged.csv: line 5 has 2 fields, not 4)', async () => {
    const path = write('ragged.csv', 't,a,b\n1,1.5,2\n2,2.5,3,4\n3,3.5,4\n4,4.5\n')
    const r = await inspectCsv(path, { file: 'ragged.csv', target: 'a' })
    const p = r.problems.find((q) => q.code === 'ragged-row')!
    expect(p.message).toMatch(/^ragged\.csv: line 3 has 4 fields, the header has 3; 2 such lines: 3 \(4 fields\), 5 \(2 fields\) \(delimiter ","\)\./)
    expect(p).toMatchObject({ lines: [3, 5], count: 2, fields: [4, 2], expectedFields: 3 })
  })

  it('one such line: no list', async () => {
    const path = write('ragged-one.csv', 't,a\n1,2\n2,3,4\n3,4\n')
    const p = (await inspectCsv(path, { file: 'ragged-one.csv', target: 'a' })).problems.find((q) => q.code === 'ragged-row')!
    expect(p.message).toMatch(/^ragged-one\.csv: line 3 has 3 fields, the header has 2 \(delimiter ","\)\./)
    expect(p).toMatchObject({ lines: [3], count: 1 })
  })

  it('without a header, rows are compared with line 1', async () => {
    const path = write('noheader-ragged.csv', '1,2,3\n4,5,6\n7,8\n10,11,12\n')
    const r = await inspectCsv(path, { file: 'noheader-ragged.csv', target: 'column2' })
    expect(r.problems.find((q) => q.code === 'ragged-row')!.message).toMatch(/^noheader-ragged\.csv: line 3 has 2 fields, line 1 has 3 \(delimiter ","\)\./)
  })
})

describe('one line, header only, no header', () => {
  it('a one-line file of numbers: only one line, how many fields, no header and no data rows, how many rows are needed', async () => {
    // Longer than the 64 KiB sample the dialect is detected on, so the sample ends mid-line (the case).
    const values = Array.from({ length: 30_000 }, (_, i) => (i / 7).toFixed(4))
    const path = write('one-line.csv', values.join(',') + '\n')
    const r = await inspectCsv(path, { file: 'one-line.csv', lookback: 10 })
    const errors = r.problems.filter((q) => q.severity === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]!.code).toBe('one-line')
    expect(errors[0]!.message).toBe(
      'one-line.csv, line 1: Only one line (30,000 fields, all numbers): no header (the line looks like data) and no data rows. ' +
        'A header line naming the columns and at least 74 data rows below it are needed, one row per time step (values of one series go one per line).'
    )
    expect(r.columns).toEqual([])
    expect(r.problems.some((q) => q.code === 'ragged-row')).toBe(false)
  })

  it('a header and nothing else: only one line, the names (at most 10 shown), and how many rows to add', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `c${i + 1}`)
    const path = write('header-only-wide.csv', names.join(',') + '\n')
    const p = (await inspectCsv(path, { file: 'header-only-wide.csv' })).problems.find((q) => q.severity === 'error')!
    expect(p.code).toBe('header-only')
    expect(p.message).toMatch(/^header-only-wide\.csv, line 1: Only one line: the file has a header \(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, … 25 columns in all\) but no data rows\. Add at least \d+ rows/)
  })

  it('a file whose first line is data says it has no header (a warning: columns are column1 …), and not when --no-header was given', async () => {
    const body = Array.from({ length: 100 }, (_, i) => `${i},${Math.sin(i).toFixed(4)}`).join('\n') + '\n'
    const path = write('no-header.csv', body)
    const r = await inspectCsv(path, { file: 'no-header.csv', target: 'column2', lookback: 5 })
    const p = r.problems.find((q) => q.code === 'no-header')!
    expect(p).toMatchObject({ severity: 'warning', line: 1 })
    expect(p.message).toBe('no-header.csv, line 1: No header: the first line looks like data (all 2 fields are numbers), so the columns are named column1 … column2. Add a header line naming the columns if you want to choose them by name.')
    expect(r.problems.filter((q) => q.severity === 'error'), JSON.stringify(r.problems)).toEqual([])
    const given = await inspectCsv(path, { file: 'no-header.csv', target: 'column2', lookback: 5, header: false })
    expect(given.problems.some((q) => q.code === 'no-header')).toBe(false)
  })
})

describe('every problem a message counts is listed with its lines and count', () => {
  it('missing values, non-numbers and non-finite cells carry lines and count', async () => {
    const lines = ['t,y']
    for (let i = 1; i <= 200; i++) lines.push(`${i},${i % 20 === 0 ? '' : i % 33 === 0 ? 'x' : i === 50 ? 'NaN' : i}`)
    const path = write('many-problems.csv', lines.join('\n') + '\n')
    const r = await inspectCsv(path, { file: 'many-problems.csv', target: 'y' })
    const missing = r.problems.find((q) => q.code === 'missing-values')!
    expect(missing).toMatchObject({ count: 10, lines: [21, 41, 61, 81, 101] })
    expect(missing.message).toMatch(/on lines 21, 41, 61, 81, 101, … \(first 5 listed\)/)
    expect(r.problems.find((q) => q.code === 'not-numeric')).toMatchObject({ count: 6, lines: [34, 67, 100, 133, 166] })
    expect(r.problems.find((q) => q.code === 'not-finite')).toMatchObject({ count: 1, lines: [51] })
  })
})

describe('bounded memory in the tokenizer', () => {
  it(`keeps at most ${maxFieldsKept} fields of a record but counts them all`, () => {
    const got: { kept: number; width: number; line: number }[] = []
    const t = new CsvTokenizer(',', (fields, line, width) => got.push({ kept: fields.length, width, line }))
    const row = Array.from({ length: 25_000 }, (_, i) => String(i)).join(',')
    // In pieces that end anywhere.
    for (let i = 0; i < row.length; i += 777) t.push(row.slice(i, i + 777))
    t.push('\n1,2\n')
    t.end()
    expect(got).toEqual([
      { kept: maxFieldsKept, width: 25_000, line: 1 },
      { kept: 2, width: 2, line: 2 }
    ])
  })
})
