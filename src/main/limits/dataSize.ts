/**
 * The size of a run's data without building it: built-in tasks from their settings and shape; bundled series from
 * their registry entry; CSV files from one streaming pass that counts lines and the first line's fields (no parsing).
 * Series sizes are upper bounds (every numeric column as an input, one window per row), as an estimate should be.
 */
import { createReadStream, statSync } from 'node:fs'
import type { RunConfig } from '../../shared/config'
import { taskShape } from '../../shared/data/tasks'
import { defaultSplit } from '../../shared/data/window'
import { isBuiltinTask } from '../engine/dataset'
import { externalSource } from '../data'
import type { DataSize } from './estimate'

interface TableSize {
  rows: number
  columns: number
}

/** Lines (without a header) and fields of the first line of a CSV file, read in one pass of raw bytes. */
async function countCsv(path: string, header: boolean | undefined): Promise<TableSize> {
  statSync(path) // a missing file is the data check's to report; this throws before the stream opens
  let lines = 0
  let last = 10
  let firstLine = ''
  let inFirst = true
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    if (inFirst) {
      const end = chunk.indexOf(10)
      firstLine += chunk.subarray(0, end < 0 ? chunk.length : end).toString('utf8')
      if (end >= 0 || firstLine.length > 1_000_000) inFirst = false
    }
    let at = chunk.indexOf(10)
    while (at >= 0) {
      lines++
      at = chunk.indexOf(10, at + 1)
    }
    if (chunk.length > 0) last = chunk[chunk.length - 1]!
  }
  if (last !== 10) lines++
  const delimiter = [',', ';', '\t', '|'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]!
  return { rows: Math.max(0, lines - (header === false ? 0 : 1)), columns: delimiter[1] }
}

export async function dataSize(config: RunConfig): Promise<DataSize> {
  const { task } = config
  if (isBuiltinTask(task)) {
    const shape = taskShape(task)
    return {
      ...shape,
      seqLen: config.seqLen,
      train: config.samples,
      val: config.valSamples,
      test: config.testSamples,
      sourceBytes: 0,
      lengthSetting: 'seqLen',
      samplesAreSettings: true
    }
  }
  const { path, entry } = externalSource(task)
  const table: TableSize = entry ? { rows: entry.rows, columns: entry.columns.length } : await countCsv(path, config.header)
  const hasTime = config.time !== undefined || entry !== undefined
  const inputSize = Math.max(1, config.features?.length ?? table.columns - (hasTime ? 1 : 0))
  const lookback = config.lookback ?? entry?.lookback ?? config.seqLen
  const windows = Math.max(0, Math.ceil((table.rows - lookback - config.horizon + 1) / config.stride))
  const val = Math.round(windows * (config.valFraction ?? defaultSplit.val))
  const test = Math.round(windows * (config.testFraction ?? defaultSplit.test))
  return {
    kind: 'regression',
    seqLen: lookback,
    inputSize,
    outputSize: config.horizon,
    perStep: false,
    train: Math.max(0, windows - val - test),
    val,
    test,
    // The table is read into float64 columns, plus its text while it is scanned.
    sourceBytes: table.rows * table.columns * 16,
    lengthSetting: 'lookback',
    samplesAreSettings: false
  }
}
