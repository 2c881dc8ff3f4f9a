/**
 * Property-based fuzzing with fast-check (docs/RELIABILITY.md, "Fault and fuzz suite"): the CSV reader, the train
 * command's arguments, and every API request schema meet arbitrary input and answer only with their own kind of
 * error (DataError, UsageError, a bad_request response) — never a crash, a TypeError or a prototype surprise. Each
 * property prints how many cases it ran.
 */
import { afterAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inspectCsv } from '../../src/main/data/inspect'
import { DataError } from '../../src/shared/data/errors'
import { parseCsvText, detectDialect } from '../../src/shared/data/csv'
import { parseTrainArgs } from '../../src/main/cli/trainArgs'
import { UsageError } from '../../src/main/cli/args'
import { isApiMethod, parseArgs, requestSchemas } from '../../src/shared/api'
import { GateLabError } from '../../src/shared/api'
import { checkRequestPaths } from '../../src/main/access/requests'
import { tempDir } from '../helpers/host'

const counts: Record<string, number> = {}
afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  console.log(`fuzz: ${total} cases — ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`)
})

function count(name: string, runs: number): number {
  counts[name] = (counts[name] ?? 0) + runs
  return runs
}

/** CSV-ish text: mostly digits, separators, quotes and line breaks, with some arbitrary characters. */
const csvText = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('1', '2.5', '-3', 'x', 'NaN', '', ' ', '1e309', '2026-01-01', 'a,b') },
      { weight: 3, arbitrary: fc.constantFrom(',', ';', '\t', '"', '\n', '\r\n', '\r') },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }
    ),
    { maxLength: 200 }
  )
  .map((parts) => parts.join(''))

const prototypeNames = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype')

describe('fuzz', () => {
  it('the CSV tokenizer and dialect detection answer arbitrary text with records or a DataError', () => {
    const runs = count('csv tokenizer', 1000)
    fc.assert(
      fc.property(csvText, fc.constantFrom(',', ';', '\t'), (text, delimiter) => {
        try {
          const records = parseCsvText(text, delimiter)
          for (const r of records) expect(Array.isArray(r.fields)).toBe(true)
        } catch (error) {
          if (!(error instanceof DataError)) throw error // an unclosed quote is a DataError, with its line
        }
        try {
          detectDialect(text)
        } catch (error) {
          if (!(error instanceof DataError)) throw error
        }
      }),
      { numRuns: runs, seed: 19 }
    )
  })

  it('the CSV reader (inspectCsv on a real file) answers with an inspection or a DataError', async () => {
    const dir = tempDir('gatelab-fuzz-')
    const runs = count('csv reader', 150)
    let i = 0
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const file = join(dir, `f${i++}.csv`)
        writeFileSync(file, text)
        try {
          const result = await inspectCsv(file)
          expect(result).toBeTypeOf('object')
        } catch (error) {
          if (!(error instanceof DataError)) throw error
          expect(error.message.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: runs, seed: 19 }
    )
  })

  it('train arguments: any argv gives a config or a UsageError', () => {
    const flag = fc.constantFrom('--task', '--seq-len', '--samples', '--cell', '--units', '--layers', '--epochs', '--batch', '--lr', '--seed', '--json', '--config', '--bogus', '-x', '--')
    const value = fc.oneof(fc.constantFrom('lstm', 'gru', 'adding', 'csv:', 'data:', '0', '-1', '1e9', 'NaN', '', '__proto__', '99999999999'), fc.string({ maxLength: 6 }))
    const runs = count('train argv', 1000)
    fc.assert(
      fc.property(fc.array(fc.oneof(flag, value), { maxLength: 10 }), (argv) => {
        try {
          parseTrainArgs(argv, () => 1)
        } catch (error) {
          if (!(error instanceof UsageError || error instanceof DataError)) throw error
        }
      }),
      { numRuns: runs, seed: 19 }
    )
  })

  it('every API request schema: arbitrary JSON (with prototype-named keys) parses or is a bad_request, and path checks only say bad_request', () => {
    const methods = Object.keys(requestSchemas)
    expect(methods.length).toBeGreaterThan(10)
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, 0, -1, 1e308, 'csv:/etc/passwd', 'valLoss', '', 'x'.repeat(50)),
        fc.string({ maxLength: 10 }),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(prototypeNames, fc.constantFrom('task', 'path', 'id', 'ids', 'runIds', 'metric', 'sort', 'configs', 'spec', 'grid'), fc.string({ maxLength: 6 })), tie('value'), { maxKeys: 5 })
      )
    })).value
    const runs = count('api requests', 300 * methods.length)
    for (const method of methods) {
      expect(isApiMethod(method)).toBe(true)
      fc.assert(
        fc.property(json, (args) => {
          const parsed = parseArgs(method as Parameters<typeof parseArgs>[0], args)
          if (!parsed.ok) {
            expect(parsed.error.code).toBe('bad_request')
            return
          }
          try {
            checkRequestPaths(method, parsed.value, [tempDir('gatelab-fuzz-root-')])
          } catch (error) {
            if (!(error instanceof GateLabError)) throw error
            expect(error.code).toBe('bad_request')
          }
        }),
        { numRuns: runs / methods.length, seed: 19 }
      )
    }
    for (const name of ['__proto__', 'constructor', 'toString']) expect(isApiMethod(name)).toBe(false)
  })
})
