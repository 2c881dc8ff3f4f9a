/**
 * Streams a CSV file through the pure reader in src/shared/data: 1 MiB at a time, hashed (sha256) as it goes, never
 * held whole in memory. The first piece decides the encoding and the dialect; then every record goes to the scanner.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { TextDecoder } from 'node:util'
import { resolve } from 'node:path'
import { CsvTokenizer, detectDialect, type CsvDialect, type DialectSource } from '../../shared/data/csv'
import { DataError, dataError } from '../../shared/data/errors'
import { CsvScanner, type ScanResult } from '../../shared/data/scan'
import type { ResolvedImportOptions } from '../../shared/data/options'
import { minimumRows as minimumRowsFor } from '../../shared/data/window'

/** Bytes looked at before deciding encoding and dialect. */
const sampleBytes = 64 * 1024
const chunkBytes = 1 << 20

export interface CsvFileScan {
  /** The file as named in messages. */
  file: string
  bytes: number
  /** sha256 of the file's bytes, hex. */
  contentHash: string
  dialect: CsvDialect
  dialectSource: DialectSource
  columns: string[]
  scan: ScanResult
}

/** Reads the file once: dialect, column summaries, problems and (when the columns are chosen) the selected series. */
export async function scanCsvFile(path: string, file: string, options: ResolvedImportOptions & { previewRows?: number }): Promise<CsvFileScan> {
  const size = await fileSize(path, file)
  if (size === 0) throw dataError('empty-file', { file }, 'The file is empty (0 bytes)', 'Choose a CSV file with a header line and rows of data.')
  const hash = createHash('sha256')
  let head: Buffer[] = []
  let headBytes = 0
  let decoder: TextDecoder | undefined
  let tokenizer: CsvTokenizer | undefined
  let scanner: CsvScanner | undefined
  let offset = 0
  let result: Omit<CsvFileScan, 'scan' | 'bytes' | 'contentHash'> | undefined

  const decode = (bytes: Buffer | undefined, at: number): string => {
    try {
      return bytes ? decoder!.decode(bytes, { stream: true }) : decoder!.decode()
    } catch {
      throw dataError('bad-encoding', { file }, `The file is not valid UTF-8 (after byte ${at})`, 'Save it as UTF-8 (in a spreadsheet: "CSV UTF-8"), then try again.')
    }
  }

  const start = (bytes: Buffer, complete: boolean): void => {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      throw dataError('bad-encoding', { file }, 'The file is UTF-16 text', 'Save it as UTF-8 (in a spreadsheet: "CSV UTF-8"), then try again.')
    }
    const nul = bytes.subarray(0, sampleBytes).indexOf(0)
    if (nul !== -1) throw notText(file, `it contains a NUL byte at byte ${nul}`)
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
    let encoding: CsvDialect['encoding'] = 'utf-8'
    let text: string
    try {
      decoder = new TextDecoder('utf-8', { fatal: true })
      text = decoder.decode(bytes, { stream: !complete })
    } catch {
      // Not UTF-8 in the first piece (up to 1 MiB): most likely a spreadsheet's legacy "CSV" export, which is Windows-1252.
      encoding = 'windows-1252'
      decoder = new TextDecoder('windows-1252')
      text = decoder.decode(bytes, { stream: !complete })
    }
    const sample = text.slice(0, sampleBytes)
    let control = 0
    for (let i = 0; i < sample.length; i++) {
      const c = sample.charCodeAt(i)
      if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++
    }
    if (control > 0.01 * sample.length) throw notText(file, `${control} of its first ${sample.length} characters are control characters`)
    if (complete && text.trim() === '') throw dataError('empty-file', { file }, 'The file holds only blank lines', 'Choose a CSV file with a header line and rows of data.')
    const detection = detectDialect(sample, options, complete && text.length <= sampleBytes)
    const minimumRows = minimumRowsFor(options.lookback + options.horizon)
    scanner = new CsvScanner({ source: file, detection, request: options, missing: options.missing, minimumRows, ...(options.previewRows !== undefined ? { previewRows: options.previewRows } : {}) })
    tokenizer = new CsvTokenizer(detection.dialect.delimiter, scanner.record, file)
    result = { file, dialect: { ...detection.dialect, encoding, bom }, dialectSource: detection.source, columns: detection.columns }
    tokenizer.push(text)
  }

  const stream = createReadStream(path, { highWaterMark: chunkBytes })
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk)
      if (!tokenizer) {
        head.push(chunk)
        headBytes += chunk.length
        if (headBytes >= sampleBytes) {
          start(Buffer.concat(head), false)
          head = []
        }
      } else {
        tokenizer.push(decode(chunk, offset))
      }
      offset += chunk.length
    }
  } catch (error) {
    stream.destroy()
    if (error instanceof DataError) throw error
    throw readFailure(error, file)
  }
  if (!tokenizer) start(Buffer.concat(head), true)
  else tokenizer.push(decode(undefined, offset))
  tokenizer!.end()
  return { ...result!, bytes: offset, contentHash: hash.digest('hex'), scan: scanner!.finish() }
}

function notText(file: string, why: string): DataError {
  return dataError('binary-file', { file }, `This does not look like a CSV text file: ${why}`, 'Choose a CSV file (comma, semicolon, tab or pipe separated text); export spreadsheets as "CSV UTF-8".')
}

async function fileSize(path: string, file: string): Promise<number> {
  try {
    const s = await stat(path)
    if (s.isDirectory()) throw dataError('unreadable-file', { file }, 'This is a folder, not a file', 'Give the path of a CSV file.')
    return s.size
  } catch (error) {
    if (error instanceof DataError) throw error
    throw readFailure(error, file)
  }
}

function readFailure(error: unknown, file: string): DataError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') {
    return dataError('missing-file', { file }, 'No such file', `Check the path (relative paths start from ${resolve('.')}).`)
  }
  if (code === 'EACCES' || code === 'EPERM') return dataError('unreadable-file', { file }, 'Permission denied', 'Make the file readable for your user, or copy it somewhere readable.')
  return dataError('unreadable-file', { file }, `The file could not be read (${(error as Error).message})`, 'Check that it exists and is readable.')
}
