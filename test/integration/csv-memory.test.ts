/**
 * The built `gatelab inspect-csv` on large bad files in bounded memory (issue 19, item 7): a 24 MB file of one line
 * (2.8 million fields; a 50 MB one took 510 MB before) and a 16 MB file with a ragged row every 7 lines are read with the V8 heap
 * capped at 32 MB, so holding either file (or one string per field) in memory would abort the process. The peak RSS is
 * printed and bounded. `--json` lists every problem the one-line message on stderr mentions. Needs `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { cliEntry, repoRoot, tempDir } from '../helpers/host'

let dir: string
beforeAll(() => {
  dir = tempDir('gatelab-csv-memory-')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the CLI with a 32 MB V8 heap; returns its exit code, output and peak RSS (from the process itself, at exit). */
function inspectCapped(...args: string[]): { status: number | null; stdout: string; stderr: string; maxRssMb: number } {
  const probe = join(dir, 'rss.cjs')
  writeFileSync(probe, "process.on('exit', () => require('fs').writeSync(2, `\\nmaxrss-kb=${process.resourceUsage().maxRSS}\\n`))\n")
  const r = spawnSync(process.execPath, ['--max-old-space-size=32', '--require', probe, cliEntry, 'inspect-csv', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 })
  const rss = /maxrss-kb=(\d+)/.exec(r.stderr)
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/\n?maxrss-kb=\d+\n/, ''), maxRssMb: rss ? Number(rss[1]) / 1024 : NaN }
}

/** Writes about `mb` MiB: `head`, then `block` repeated. */
function writeRepeated(path: string, head: string, block: string, mb: number): void {
  const fd = openSync(path, 'w')
  writeSync(fd, head)
  const buf = Buffer.from(block)
  for (let written = 0; written < mb << 20; written += buf.length) writeSync(fd, buf)
  closeSync(fd)
}

describe('inspect-csv on large bad files, with a 32 MB heap', () => {
  it('a 24 MB file of one line: "only one line", the field count, in bounded memory', () => {
    const path = join(dir, 'one-line.csv')
    let piece = ''
    for (let i = 0; piece.length < 1 << 20; i++) piece += `${(i % 1000) / 1000},`
    writeRepeated(path, '0.5', `,${piece.slice(0, -1)}`, 24)
    const r = inspectCapped(path, '--json')
    console.log(`one-line 24 MB file: peak RSS ${r.maxRssMb.toFixed(0)} MB with a 32 MB heap`)
    expect(r.status, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/^gatelab: .*one-line\.csv, line 1: Only one line \([\d,]+ fields, all numbers\): no header \(the line looks like data\) and no data rows\. A header line naming the columns and at least \d+ data rows/)
    expect(r.stderr).not.toMatch(/more problem/)
    const json = JSON.parse(r.stdout) as { problems: { code: string; severity: string }[]; columns: unknown[] }
    expect(json.problems.filter((p) => p.severity === 'error').map((p) => p.code)).toEqual(['one-line'])
    expect(json.columns).toEqual([])
    expect(r.maxRssMb).toBeLessThan(200)
  })

  it('a 16 MB file with a short row every 7 lines: the exact count, the first 10 lines, in bounded memory; --json lists them', () => {
    const path = join(dir, 'ragged.csv')
    let block = ''
    let rows = 0
    for (let i = 1; block.length < 1 << 20; i++, rows++) block += i % 7 === 0 ? `${i},0.5,0.25\n` : `${i},0.123456,0.654321,0.111111\n`
    const blocks = Math.ceil((16 << 20) / Buffer.byteLength(block))
    writeRepeated(path, 't,a,b,c\n', block, 16)
    const ragged = blocks * Math.floor(rows / 7)
    const r = inspectCapped(path, '--json', '--target', 'a')
    console.log(`ragged 16 MB file: peak RSS ${r.maxRssMb.toFixed(0)} MB with a 32 MB heap`)
    expect(r.status, r.stderr).toBe(2)
    const count = ragged.toLocaleString('en-US')
    expect(r.stderr).toMatch(new RegExp(`^gatelab: .*ragged\\.csv: line 8 has 3 fields, the header has 4; ${count} such lines: 8, 15, 22, 29, 36, 43, 50, 57, 64, 71, … \\(first 10 listed\\)`))
    const json = JSON.parse(r.stdout) as { problems: { code: string; lines?: number[]; count?: number }[] }
    expect(json.problems.find((p) => p.code === 'ragged-row')).toMatchObject({ lines: [8, 15, 22, 29, 36, 43, 50, 57, 64, 71], count: ragged })
    expect(r.maxRssMb).toBeLessThan(200)
  })
})
