/**
 * CSV scale: a 1,000,000-row file (200,000 with --quick) inspected and imported, against reading and hashing the same
 * bytes with nothing else (the floor any streamed import pays). Peak memory is sampled while each step runs, as the
 * rise in resident set size over the process before it: inspection must stay flat whatever the file size; the import
 * holds the selected columns (8 bytes a cell) and the windows it returns (lookback × inputs float32 per window).
 */
import { afterAll, beforeAll, it } from 'vitest'
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { normalizeRunConfig } from '../src/shared/config'
import { inspectCsv, loadExternalDataset } from '../src/main/data'
import { quick, round, writeRows, type BenchRow } from './record'

const rowsWanted = quick ? 200_000 : 1_000_000
const rows: BenchRow[] = []
let dir: string
let file: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatelab-bench-csv-'))
  file = join(dir, 'big.csv')
  const out = createWriteStream(file)
  out.write('time,load,temperature,price\n')
  const start = Date.UTC(2000, 0, 1)
  let buffer = ''
  for (let i = 0; i < rowsWanted; i++) {
    const t = new Date(start + i * 60_000).toISOString().slice(0, 16)
    buffer += `${t},${(500 + 100 * Math.sin(i / 1440) + (i % 17)).toFixed(2)},${(12 + 8 * Math.sin(i / 10_000)).toFixed(1)},${(40 + (i % 97) / 10).toFixed(2)}\n`
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()))
      buffer = ''
    }
  }
  out.end(buffer)
  await new Promise<void>((r) => out.once('finish', () => r()))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * Runs f while sampling RSS every 20 ms; returns its wall time, its CPU time (user + system: what the work costs when
 * the machine is shared and wall time is not ours alone) and the peak RSS rise in MiB.
 */
async function measure(f: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number; peakMiB: number }> {
  global.gc?.()
  const base = process.memoryUsage().rss
  let peak = base
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  const t = performance.now()
  const cpu = process.cpuUsage()
  await f()
  const ms = performance.now() - t
  const used = process.cpuUsage(cpu)
  clearInterval(timer)
  peak = Math.max(peak, process.memoryUsage().rss)
  return { ms, cpuMs: (used.user + used.system) / 1000, peakMiB: (peak - base) / 2 ** 20 }
}

it('CSV inspection and import at scale', async () => {
  const mib = statSync(file).size / 2 ** 20
  const floor = await measure(async () => {
    const hash = createHash('sha256')
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
    hash.digest('hex')
  })
  let inspectedRows = 0
  const inspect = await measure(async () => {
    inspectedRows = (await inspectCsv(file)).rows
  })
  if (inspectedRows !== rowsWanted) throw new Error(`inspected ${inspectedRows} rows, wrote ${rowsWanted}`)
  const config = normalizeRunConfig({ task: `csv:${file}`, target: 'load', features: ['load', 'temperature'], time: 'time', lookback: 16, seed: 1 })
  if (!config.ok) throw new Error(config.message)
  let windows = 0
  const load = await measure(async () => {
    const ds = await loadExternalDataset(config.config)
    windows = ds.train.n + ds.val.n + ds.test.n
  })
  const label = `${rowsWanted.toLocaleString('en-US')} rows, ${round(mib)} MiB`
  rows.push(
    { name: `inspect-csv ${label} (every column typed and checked) vs read + sha256 only`, value: round(inspect.ms), unit: 'ms', baseline: round(floor.ms), ratio: round(inspect.ms / floor.ms), cpuMs: round(inspect.cpuMs), rowsPerSecond: round(rowsWanted / (inspect.ms / 1000)) },
    { name: `inspect-csv ${label}: peak memory rise (the file is ${round(mib)} MiB)`, value: round(inspect.peakMiB), unit: 'MiB' },
    { name: `import ${label}: 2 inputs, lookback 16, time-ordered, z-scored, ${windows.toLocaleString('en-US')} windows`, value: round(load.ms), unit: 'ms', baseline: round(floor.ms), ratio: round(load.ms / floor.ms), cpuMs: round(load.cpuMs) },
    { name: `import ${label}: peak memory rise (windows alone: ${round((windows * 16 * 2 * 4) / 2 ** 20)} MiB of float32)`, value: round(load.peakMiB), unit: 'MiB' }
  )
  writeRows('data', rows)
})
