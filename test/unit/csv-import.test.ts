/**
 * CSV files on disk through inspectCsv and loadExternalDataset: real files in a temp folder (and the fixtures in
 * test/fixtures/csv), read through the real stream. Every bad file must give a DataError (or an error problem) that
 * names the file, the line and the column where they apply, and says what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { normalizeRunConfig, type RunConfig, type RunConfigInput } from '../../src/shared/config'
import { DataError } from '../../src/shared/data/errors'
import { inspectCsv, loadExternalDataset } from '../../src/main/data'

const fixtures = join(__dirname, '..', 'fixtures', 'csv')
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatelab-csv-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

function config(input: RunConfigInput): RunConfig {
  const result = normalizeRunConfig({ seed: 1, ...input })
  if (!result.ok) throw new Error(result.message)
  return result.config
}

async function loadError(input: RunConfigInput): Promise<DataError> {
  const error = await loadExternalDataset(config(input)).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error, 'expected a DataError').toBeInstanceOf(DataError)
  const e = error as DataError
  // One line, ready to print: no stack, no newline.
  expect(e.message).not.toMatch(/\n/)
  return e
}

/** A series long enough for the default windows: t = 1…n, y = sin(t/5). */
function sineCsv(n: number, header = 't,y'): string {
  const lines = [header]
  for (let t = 1; t <= n; t++) lines.push(`${t},${Math.sin(t / 5).toFixed(6)}`)
  return lines.join('\n') + '\n'
}

describe('good files', () => {
  it('imports a semicolon file with decimal commas, a BOM and CRLF, with the detected dialect recorded', async () => {
    const rows = ['\ufeffDatum;Temperatur;Feuchte']
    for (let i = 0; i < 60; i++) rows.push(`2024-01-${String((i % 28) + 1).padStart(2, '0')}T${String(Math.floor(i / 28)).padStart(2, '0')}:00;${(i / 4).toFixed(2).replace('.', ',')};${80 + (i % 5)}`)
    const path = write('de.csv', rows.join('\r\n'))
    const ds = await loadExternalDataset(config({ task: `csv:${path}`, target: 'Temperatur', features: ['Temperatur', 'Feuchte'], lookback: 5, scaling: 'none' }))
    expect(ds.meta.table?.dialect).toEqual({ delimiter: ';', decimal: ',', header: true, encoding: 'utf-8', bom: true })
    expect(ds.meta.features).toEqual(['Temperatur', 'Feuchte'])
    expect(ds.meta.targets).toEqual(['Temperatur'])
    expect([ds.seqLen, ds.inputSize, ds.outputSize, ds.kind, ds.perStep]).toEqual([5, 2, 1, 'regression', false])
    // 60 rows → 42/9/9; 6 rows per window; the first window's inputs are the first 5 rows' (Temperatur, Feuchte).
    expect([ds.train.n, ds.val.n, ds.test.n]).toEqual([37, 4, 4])
    expect(Array.from(ds.train.x.slice(0, 4))).toEqual([0, 80, 0.25, 81])
    expect(ds.train.y[0]).toBeCloseTo(1.25, 6)
    expect(ds.meta.contentHash).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'))
  })

  it('reads quoted fields with commas, quotes and line breaks, and keeps line numbers right after them', async () => {
    const inspection = await inspectCsv(join(fixtures, 'quoted.csv'))
    expect(inspection.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'number'],
      ['comment', 'text'],
      ['value', 'number']
    ])
    expect(inspection.preview.rows[2]).toEqual(['3', 'two\nlines', '3.5'])
    expect(inspection.preview.lines).toEqual([2, 3, 4, 6])
  })

  it('sorts a file that is not in time order by its time column, and says so', async () => {
    const lines = ['date,value']
    for (let i = 59; i >= 0; i--) lines.push(`${new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)},${i}`)
    const path = write('reversed.csv', lines.join('\n'))
    const ds = await loadExternalDataset(config({ task: `csv:${path}`, time: 'date', lookback: 3, scaling: 'none' }))
    expect(ds.meta.table?.time).toMatchObject({ column: 'date', sorted: true, duplicates: 0, format: 'iso', step: 86_400_000, gaps: 0 })
    expect(Array.from(ds.train.x.slice(0, 3))).toEqual([0, 1, 2])
    const inspection = await inspectCsv(path, { time: 'date', lookback: 3 })
    expect(inspection.problems.find((p) => p.code === 'unsorted-time')?.message).toMatch(/not in time order\. They will be sorted/)
    expect(inspection.ok).toBe(true)
  })

  it('streams a file larger than one read piece (1 MiB) and hashes every byte', async () => {
    const path = write('long.csv', sineCsv(120_000))
    const inspection = await inspectCsv(path, { target: 'y', lookback: 16 })
    expect(inspection.rows).toBe(120_000)
    expect(inspection.lastLine).toBe(120_001)
    expect(inspection.bytes).toBeGreaterThan(1 << 20)
    expect(inspection.contentHash).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'))
    expect(inspection.plan?.split.test).toEqual({ rows: 18_000, windows: 18_000 - 17 + 1, firstLine: 102_002, lastLine: 120_001 })
  })

  it('chooses the only measured column as the target when none is given (not the time or index column)', async () => {
    const path = write('one.csv', sineCsv(80))
    const ds = await loadExternalDataset(config({ task: `csv:${path}`, lookback: 4 }))
    expect(ds.meta.targets).toEqual(['y'])
  })

  it('reads a Windows-1252 export (not UTF-8) and records the encoding', async () => {
    const text = 'Temp\xe9rature;x\n' + Array.from({ length: 60 }, (_, i) => `${i},5;${i}`).join('\n')
    const path = write('latin.csv', Buffer.from(text, 'latin1'))
    const inspection = await inspectCsv(path)
    expect(inspection.dialect.encoding).toBe('windows-1252')
    expect(inspection.columns[0]!.name).toBe('Température')
    expect(inspection.dialect.decimal).toBe(',')
  })

  it('applies the missing-value policies the user chooses', async () => {
    const lines = ['t,y']
    for (let t = 1; t <= 60; t++) lines.push(`${t},${t % 10 === 0 ? '' : t}`)
    const path = write('gaps.csv', lines.join('\n'))
    const dropped = await loadExternalDataset(config({ task: `csv:${path}`, target: 'y', missing: 'drop', lookback: 2 }))
    expect(dropped.meta.table?.usedRows).toBe(54)
    const interpolated = await loadExternalDataset(config({ task: `csv:${path}`, target: 'y', missing: 'interpolate', lookback: 2, scaling: 'none' }))
    expect(interpolated.meta.table?.missing).toEqual({ dropped: 1, filled: 5 })
    // Row t=10 is filled with 10 (between 9 and 11): the window starting at t=8 holds 8, 9 → target 10.
    expect(interpolated.train.y[7]).toBe(10)
  })
})

describe('bad files', () => {
  it('missing file: names it and where relative paths start', async () => {
    const e = await loadError({ task: 'csv:no/such/file.csv', target: 'y' })
    expect(e.code).toBe('missing-file')
    expect(e.message).toMatch(/^no\/such\/file\.csv: No such file\. Check the path \(relative paths start from \//)
  })

  it('a folder instead of a file', async () => {
    expect((await loadError({ task: `csv:${dir}`, target: 'y' })).code).toBe('unreadable-file')
  })

  it('empty file', async () => {
    const e = await loadError({ task: `csv:${join(fixtures, 'empty.csv')}`, target: 'y' })
    expect(e.code).toBe('empty-file')
    expect(e.message).toMatch(/empty\.csv: The file is empty \(0 bytes\)\. Choose a CSV file/)
    expect((await loadError({ task: `csv:${write('blank.csv', '\n\n  \n')}`, target: 'y' })).code).toBe('empty-file')
  })

  it('header only', async () => {
    const e = await loadError({ task: `csv:${join(fixtures, 'header-only.csv')}`, target: 'value' })
    expect(e.code).toBe('header-only')
    expect(e.line).toBe(1)
    expect(e.message).toMatch(/header-only\.csv, line 1: Only one line: the file has a header \(time, value\) but no data rows\. Add at least \d+ rows/)
  })

  it('non-numeric cells in a numeric column: the first line, the count and the column', async () => {
    const e = await loadError({ task: `csv:${join(fixtures, 'non-numeric.csv')}`, target: 'temp' })
    expect(e.code).toBe('not-numeric')
    expect([e.line, e.column]).toEqual([4, 'temp'])
    expect(e.message).toMatch(/non-numeric\.csv, line 4, column "temp": "warm" is not a number \(2 such cells, on lines 4, 7\)\. Fix the cells/)
  })

  it('a text column chosen as the target', async () => {
    const path = write('text-target.csv', 't,y,kind\n' + Array.from({ length: 50 }, (_, i) => `${i},${i},k${i % 3}`).join('\n'))
    const e = await loadError({ task: `csv:${path}`, target: 'kind' })
    expect(e.message).toMatch(/column "kind": The column holds text \(e\.g\. "k0"\), not numbers\. Choose numeric columns \(t, y\)/)
  })

  it('a wrong decimal separator is pointed out', async () => {
    const path = write('points.csv', 't;y\n' + Array.from({ length: 50 }, (_, i) => `${i};${i}.5`).join('\n'))
    const e = await loadError({ task: `csv:${path}`, target: 'y', decimal: ',' })
    expect(e.message).toMatch(/column "y": The column holds text \(e\.g\. "0\.5"\), not numbers\..* If the file uses decimal points, choose --decimal \.$/)
  })

  it('ragged rows: how many, which lines, and the delimiter used', async () => {
    const e = await loadError({ task: `csv:${join(fixtures, 'ragged.csv')}`, target: 'a' })
    expect(e.code).toBe('ragged-row')
    expect(e.line).toBe(3)
    expect(e.message).toMatch(/ragged\.csv: line 3 has 4 fields, the header has 3; 2 such lines: 3 \(4 fields\), 5 \(2 fields\) \(delimiter ","\)\. Make every row have one field per column/)
  })

  it('too few rows for the window: names the period and the largest lookback that fits', async () => {
    const path = write('short.csv', sineCsv(40))
    const e = await loadError({ task: `csv:${path}`, target: 'y', lookback: 10 })
    expect(e.code).toBe('too-few-rows')
    expect(e.message).toMatch(/short\.csv: 40 usable rows split 70%\/15%\/15% in time order leave the validation period 6 rows, but one window needs lookback 10 \+ horizon 1 = 11 rows\. Lower --lookback to 5 or less/)
    const tiny = await loadError({ task: `csv:${join(fixtures, 'too-few-rows.csv')}`, target: 'temp', lookback: 3 })
    expect(tiny.message).toMatch(/Use a longer series: these settings need at least 27 rows\./)
  })

  it('binary garbage: NUL bytes, or mostly control characters', async () => {
    const e = await loadError({ task: `csv:${join(fixtures, 'binary.csv')}`, target: 'y' })
    expect(e.code).toBe('binary-file')
    expect(e.message).toMatch(/binary\.csv: This does not look like a CSV text file: it contains a NUL byte at byte 8\./)
    const control = Buffer.from(Array.from({ length: 600 }, (_, i) => [1, 2, 3, 65, 66, 7][i % 6]!))
    expect((await loadError({ task: `csv:${write('control.csv', control)}`, target: 'y' })).code).toBe('binary-file')
  })

  it('UTF-16 text is refused with the fix', async () => {
    const path = write('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('t,y\n1,2\n', 'utf16le')]))
    const e = await loadError({ task: `csv:${path}`, target: 'y' })
    expect(e.code).toBe('bad-encoding')
    expect(e.message).toMatch(/UTF-16.*Save it as UTF-8/)
  })

  it('NaN and Infinity are not finite numbers (and not silently treated as missing)', async () => {
    const e = await loadError({ task: `csv:${join(fixtures, 'non-finite.csv')}`, target: 'temp' })
    expect(e.code).toBe('not-finite')
    expect([e.line, e.column]).toEqual([3, 'temp'])
    expect(e.message).toMatch(/"NaN" is not a finite number \(2 such cells, on lines 3, 4\)\. Replace it with a real value, or with an empty cell/)
  })

  it('duplicate column names', async () => {
    const e = await loadError({ task: `csv:${join(fixtures, 'duplicate-columns.csv')}`, target: 'b' })
    expect(e.code).toBe('duplicate-column')
    expect([e.line, e.column]).toEqual([1, 'a'])
    expect(e.message).toMatch(/Columns 1 and 3 are both named "a"\. Rename one/)
  })

  it('a target (or feature, or time) column that does not exist: lists the columns there are', async () => {
    const path = write('named.csv', sineCsv(60))
    const e = await loadError({ task: `csv:${path}`, target: 'temperature' })
    expect(e.code).toBe('unknown-column')
    expect(e.message).toMatch(/named\.csv, line 1, column "temperature": There is no target column "temperature"; the columns are "t", "y"\. Pick one of them with --target\./)
    expect((await loadError({ task: `csv:${path}`, target: 'y', features: ['y', 'z'] })).message).toMatch(/no feature column "z".*--features/)
    expect((await loadError({ task: `csv:${path}`, target: 'y', time: 'when' })).message).toMatch(/no time column "when".*--time/)
  })

  it('missing values under the default policy: how many, where, and the options', async () => {
    const e = await loadError({ task: `csv:${join(fixtures, 'missing-values.csv')}`, target: 'temp', features: ['temp', 'rain'] })
    expect(e.code).toBe('missing-values')
    expect(e.message).toMatch(/column "temp": 2 missing values .* on lines 3, 6\. Fill them in, or choose how to treat them: --missing drop/)
  })

  it('several numeric columns and no --target', async () => {
    const path = write('two.csv', 't,a,b\n' + Array.from({ length: 60 }, (_, i) => `${i},${i},${-i}`).join('\n'))
    const e = await loadError({ task: `csv:${path}` })
    expect(e.code).toBe('no-target')
    expect(e.message).toBe(`${path}: Several columns hold numbers ("a", "b"), so there is no obvious target. Choose the column to predict with --target COLUMN.`)
  })

  it('invalid UTF-8 after a clean start is refused with the fix', async () => {
    const start = 't,y\n' + Array.from({ length: 200_000 }, (_, i) => `${i},${i % 7}`).join('\n')
    const path = write('late-latin.csv', Buffer.concat([Buffer.from(start), Buffer.from('\n200000,caf\xe9\n', 'latin1')]))
    const e = await loadError({ task: `csv:${path}`, target: 'y' })
    expect(e.code).toBe('bad-encoding')
    expect(e.message).toMatch(/late-latin\.csv: The file is not valid UTF-8 \(after byte \d+\)\. Save it as UTF-8/)
  })

  it('an unclosed quote', async () => {
    const path = write('quote.csv', 't,y\n1,2\n2,"3\n3,4\n')
    const e = await loadError({ task: `csv:${path}`, target: 'y' })
    expect([e.code, e.line]).toEqual(['unclosed-quote', 3])
  })
})

describe('feature choices', () => {
  it("'*' takes every numeric column except the time column and index-like columns", async () => {
    const path = write('wide.csv', 'id,date,a,b,label,c\n' + Array.from({ length: 60 }, (_, i) => `${i},${new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)},${i},${2 * i},x,${-i}`).join('\n'))
    const ds = await loadExternalDataset(config({ task: `csv:${path}`, target: 'a', features: ['*'], time: 'date', lookback: 3 }))
    expect(ds.meta.features).toEqual(['a', 'b', 'c'])
    expect(ds.inputSize).toBe(3)
  })
})

describe('inspectCsv', () => {
  it('reports every problem of a file at once, with severities, and a dry run when the file is fine', async () => {
    const bad = await inspectCsv(join(fixtures, 'non-numeric.csv'))
    expect(bad.ok).toBe(false)
    expect(bad.problems.filter((p) => p.severity === 'error').map((p) => p.code)).toEqual(['not-numeric'])
    expect(bad.columns.find((c) => c.name === 'temp')).toMatchObject({ type: 'number', invalid: 2, invalidExamples: [{ line: 4, value: 'warm' }, { line: 7, value: 'abc' }] })

    const good = await inspectCsv(join(fixtures, 'semicolon-decimal-comma-bom.csv'), { target: 'Temperatur', lookback: 1, horizon: 1 })
    expect(good.suggested).toEqual({ target: 'Temperatur', time: 'Datum' })
    // The file reads cleanly, but 4 rows split 70/15/15 leave validation 0 rows: the dry run catches it.
    expect(good.problems.map((p) => [p.severity, p.code])).toEqual([['error', 'too-few-rows']])
    expect(good.ok).toBe(false)
    expect(good.plan).toBeUndefined()

    const fine = await inspectCsv(join(__dirname, '..', '..', 'resources', 'datasets', 'co2-concentration.csv'), { target: 'CO2', time: 'Date', lookback: 24 })
    expect(fine.ok).toBe(true)
    expect(fine.plan?.split.train).toEqual({ rows: 519, windows: 495, firstLine: 2, lastLine: 520 })
  })

  it('accepts dialect overrides', async () => {
    const path = write('forced.csv', '1|2\n3|4\n')
    const inspection = await inspectCsv(path, { delimiter: '|', header: false })
    expect(inspection.columns.map((c) => c.name)).toEqual(['column1', 'column2'])
    expect(inspection.rows).toBe(2)
    expect(inspection.dialectSource).toEqual({ delimiter: 'given', decimal: 'detected', header: 'given' })
  })
})
