/**
 * The built `gatelab` CLI on real files: `inspect-csv` exits 2 with one line on stderr (file, line, column, what to
 * do) and no stack trace for every kind of bad file, 0 with a report for good ones; `datasets` lists the bundled series.
 * Needs `npm run build` (npm test builds first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')
const cli = join(root, 'out', 'main', 'cli.js')
const fixtures = join('test', 'fixtures', 'csv')
let dir: string

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`No built CLI at ${cli}: run \`npm run build\` before the tests`)
  dir = mkdtempSync(join(tmpdir(), 'gatelab-csv-cli-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function gatelab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 30_000, env: { ...process.env, GATELAB_DEBUG: '' } })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Exit 2 and exactly one line on stderr, without a stack trace; returns that line. */
function expectBadInput(r: ReturnType<typeof gatelab>): string {
  expect(r.status, r.stderr).toBe(2)
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(r.stderr).not.toMatch(/\n\s+at |Error:|node:internal/)
  return lines[0]!
}

describe('gatelab inspect-csv on bad files', () => {
  it.each([
    ['missing file', ['no-such.csv'], /^gatelab: no-such\.csv: No such file\. Check the path \(relative paths start from .+\)\.$/],
    ['empty file', [`${fixtures}/empty.csv`], /^gatelab: test\/fixtures\/csv\/empty\.csv: The file is empty \(0 bytes\)\. Choose a CSV file/],
    ['header only', [`${fixtures}/header-only.csv`], /^gatelab: test\/fixtures\/csv\/header-only\.csv, line 1: Only one line: the file has a header \(time, value\) but no data rows\. Add at least \d+ rows/],
    ['non-numeric cells', [`${fixtures}/non-numeric.csv`], /^gatelab: test\/fixtures\/csv\/non-numeric\.csv, line 4, column "temp": "warm" is not a number \(2 such cells, on lines 4, 7\)\. Fix the cells/],
    ['ragged rows', [`${fixtures}/ragged.csv`], /^gatelab: test\/fixtures\/csv\/ragged\.csv: line 3 has 4 fields, the header has 3; 2 such lines: 3 \(4 fields\), 5 \(2 fields\) .*--delimiter\.$/],
    ['too few rows for the window', [`${fixtures}/too-few-rows.csv`, '--target', 'temp', '--lookback', '3'], /^gatelab: test\/fixtures\/csv\/too-few-rows\.csv: 10 usable rows .* one window needs lookback 3 \+ horizon 1 = 4 rows\. Use a longer series/],
    ['binary garbage', [`${fixtures}/binary.csv`], /^gatelab: test\/fixtures\/csv\/binary\.csv: This does not look like a CSV text file: it contains a NUL byte at byte 8\. Choose a CSV file/],
    ['NaN and Infinity', [`${fixtures}/non-finite.csv`], /^gatelab: test\/fixtures\/csv\/non-finite\.csv, line 3, column "temp": "NaN" is not a finite number \(2 such cells, on lines 3, 4\)\. Replace it/],
    ['duplicate column names', [`${fixtures}/duplicate-columns.csv`], /^gatelab: test\/fixtures\/csv\/duplicate-columns\.csv, line 1, column "a": Columns 1 and 3 are both named "a"\. Rename one/],
    ['a target column that does not exist', [`${fixtures}/quoted.csv`, '--target', 'price'], /^gatelab: test\/fixtures\/csv\/quoted\.csv, line 1, column "price": There is no target column "price"; the columns are "id", "comment", "value"\. Pick one of them with --target\.$/],
    ['missing values under the default policy', [`${fixtures}/missing-values.csv`, '--target', 'temp'], /^gatelab: test\/fixtures\/csv\/missing-values\.csv, line 3, column "temp": 2 missing values .*--missing drop/]
  ])('%s → exit 2, one line naming the place and the fix', (_name, args, message) => {
    expect(expectBadInput(gatelab('inspect-csv', ...args))).toMatch(message)
  })

  it('still prints the report (and --json) on stdout for a file it could read', () => {
    const r = gatelab('inspect-csv', `${fixtures}/non-numeric.csv`, '--json')
    expectBadInput(r)
    const report = JSON.parse(r.stdout) as { ok: boolean; problems: { code: string; line: number; column: string }[] }
    expect(report.ok).toBe(false)
    expect(report.problems[0]).toMatchObject({ code: 'not-numeric', line: 4, column: 'temp' })
  })

  it('rejects bad flags as usage errors', () => {
    expect(expectBadInput(gatelab('inspect-csv', `${fixtures}/quoted.csv`, '--missing', 'guess'))).toBe('gatelab: --missing must be one of error, drop, ffill, interpolate (not "guess")')
    expect(expectBadInput(gatelab('inspect-csv', `${fixtures}/quoted.csv`, '--delimiter', ':'))).toMatch(/delimiter ":" is not supported\. Use comma/)
    expect(expectBadInput(gatelab('inspect-csv'))).toMatch(/give one CSV file/)
  })
})

describe('gatelab inspect-csv on good files', () => {
  it('shows the detected dialect, columns, preview and the import plan, and exits 0', () => {
    const path = join(dir, 'de.csv')
    const rows = ['\ufeffDatum;Wert']
    for (let i = 0; i < 100; i++) rows.push(`${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)};${(i / 2).toFixed(1).replace('.', ',')}`)
    writeFileSync(path, rows.join('\r\n'))
    const r = gatelab('inspect-csv', path, '--time', 'Datum', '--lookback', '7')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('Dialect: semicolon separated (detected), decimal "," (detected), header line (detected), UTF-8 with BOM')
    expect(r.stdout).toContain('Rows: 100 data rows (lines 2–101)')
    expect(r.stdout).toMatch(/2 +Wert +number +0 +0 … 49\.5/)
    expect(r.stdout).toContain('Import: target Wert; inputs Wert; ordered by Datum; missing values: error')
    expect(r.stdout).toContain('train 70 rows (lines 2–71) → 63 windows')
    expect(r.stdout).toContain('Problems: none')
    expect(r.stderr).toBe('')
  })

  it('--json gives the whole inspection', () => {
    const r = gatelab('inspect-csv', 'resources/datasets/global-temp.csv', '--json', '--lookback', '10')
    expect(r.status, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as { rows: number; selection: { target: string }; plan: { split: { test: { windows: number } } }; contentHash: string }
    expect(report.rows).toBe(144)
    expect(report.selection.target).toBe('temp')
    expect(report.plan.split.test.windows).toBe(21 - 11 + 1)
    expect(report.contentHash).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('gatelab inspect-csv with the split fractions train takes', () => {
  it('--val-fraction and --test-fraction set the validation and test periods, and bad values are refused in flag words', () => {
    const r = gatelab('inspect-csv', 'resources/datasets/global-temp.csv', '--lookback', '10', '--val-fraction', '0.25', '--test-fraction', '0.1')
    expect(r.status, r.stderr).toBe(0)
    // 144 rows: the last 10 % (14 rows) for test, the 25 % before them (36 rows) for validation, the rest for training.
    expect(r.stdout).toContain('train 94 rows (lines 2–95) → 84 windows')
    expect(r.stdout).toContain('validation 36 rows (lines 96–131) → 26 windows')
    expect(r.stdout).toContain('test 14 rows (lines 132–145) → 4 windows')
    const json = JSON.parse(gatelab('inspect-csv', 'resources/datasets/global-temp.csv', '--json', '--lookback', '10', '--test-fraction', '0.1').stdout) as { plan: { split: { test: { windows: number } } } }
    expect(json.plan.split.test.windows).toBe(4)
    expect(expectBadInput(gatelab('inspect-csv', 'resources/datasets/global-temp.csv', '--val-fraction', '0.6'))).toBe('gatelab: --val-fraction 0.6: Too big: expected number to be <=0.45')
    expect(expectBadInput(gatelab('inspect-csv', 'resources/datasets/global-temp.csv', '--test-fraction', 'tenth'))).toBe('gatelab: --test-fraction needs a number, not "tenth"')
  })
})

describe('gatelab datasets', () => {
  it('lists the bundled series with description, rows, columns, source and licence', () => {
    const r = gatelab('datasets')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('data:co2-concentration — CO₂ at Mauna Loa, monthly 1958–2020')
    expect(r.stdout).toContain('741 rows; columns: Date, CO2, adjusted CO2')
    expect(r.stdout).toContain('licence: CC BY 4.0')
    expect(r.stdout).toMatch(/source: NOAA National Climatic Data Center/)
    const json = JSON.parse(gatelab('datasets', '--json').stdout) as { name: string }[]
    expect(json.map((d) => d.name)).toEqual(['co2-concentration', 'seattle-weather', 'global-temp', 'us-employment'])
  })
})
