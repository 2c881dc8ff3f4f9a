import { describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { dataFlagNames, flagOptions, parseTrainArgs, readFlags, trainFlags } from '../../src/main/cli/trainArgs'
import { formatClock, progressLine } from '../../src/main/cli/progress'
import { normalizeRunConfig } from '../../src/shared/config'
import { tempDir } from '../helpers/host'

describe('run configuration', () => {
  it('fills every default and records the seed it chose', () => {
    const result = normalizeRunConfig({}, () => 1234)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.config).toMatchObject({ task: 'adding', cell: 'lstm', recurrentActivation: 'sigmoid', unitForgetBias: true, seed: 1234, clip: null })
  })

  it('names the field and the problem', () => {
    const result = normalizeRunConfig({ units: 0, cell: 'transformer' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.message).toContain('units')
    expect(result.message).toContain('cell')
    expect(normalizeRunConfig({ task: 'mnist' })).toMatchObject({ ok: false, message: expect.stringContaining('data:NAME or csv:PATH') })
    expect(normalizeRunConfig({ unitz: 3 })).toMatchObject({ ok: false, message: expect.stringContaining('unitz') })
  })
})

describe('gatelab train flags', () => {
  it('maps kebab-case flags onto the config keys, over a --config file', () => {
    const file = join(tempDir(), 'run.json')
    writeFileSync(file, JSON.stringify({ cell: 'gru', units: 64, seqLen: 20, tags: ['from-file'] }))
    const { config, json, dbPath } = parseTrainArgs(
      ['--config', file, '--units', '16', '--seq-len', '30', '--clip', '1', '--tag', 'a,b', '--bidirectional', '--json', '--db', '/tmp/x.db', '--seed', '7'],
      () => 99
    )
    expect(config).toMatchObject({ cell: 'gru', units: 16, seqLen: 30, clip: 1, tags: ['a', 'b'], bidirectional: true, seed: 7 })
    expect(json).toBe(true)
    expect(dbPath).toBe('/tmp/x.db')
  })

  it('records a CSV path as absolute and reads the dialect flags', () => {
    const { config } = parseTrainArgs(['--task', 'csv:data/prices.csv', '--target', 'close', '--delimiter', 'tab', '--decimal', ',', '--no-header'])
    expect(config.task).toBe(`csv:${join(process.cwd(), 'data', 'prices.csv')}`)
    expect(config).toMatchObject({ target: 'close', delimiter: '\t', decimal: ',', header: false })
  })

  it('rejects bad values with one clear line', () => {
    expect(() => parseTrainArgs(['--units', 'many'])).toThrow('--units needs a whole number, not "many"')
    expect(() => parseTrainArgs(['--lr', '1e-2x'])).toThrow('--lr needs a number')
    expect(() => parseTrainArgs(['--cell', 'transformer'])).toThrow(/invalid settings: cell/)
    expect(() => parseTrainArgs(['--frobnicate'])).toThrow(/Unknown option '--frobnicate'/)
    expect(() => parseTrainArgs(['--config', '/nonexistent.json'])).toThrow('--config /nonexistent.json: no such file')
    const bad = join(tempDir(), 'bad.json')
    writeFileSync(bad, '{"cell": "gru",}')
    expect(() => parseTrainArgs(['--config', bad])).toThrow(/is not valid JSON/)
    writeFileSync(bad, '[1,2]')
    expect(() => parseTrainArgs(['--config', bad])).toThrow(/must hold one JSON object/)
  })
})

describe('the data flags train and inspect-csv share', () => {
  it('are train flags, read by train and by inspect-csv the same way (split fractions included)', () => {
    for (const flag of dataFlagNames) expect(trainFlags[flag], flag).toBeDefined()
    expect(dataFlagNames).toEqual(expect.arrayContaining(['val-fraction', 'test-fraction']))
    const argv = ['--val-fraction', '0.25', '--test-fraction', '0.1', '--lookback', '10', '--features', 'a,b', '--delimiter', 'tab', '--no-header']
    const values = parseArgs({ args: argv, options: flagOptions(dataFlagNames), strict: true }).values
    const read = readFlags(dataFlagNames, values)
    expect(read).toEqual({ valFraction: 0.25, testFraction: 0.1, lookback: 10, features: ['a', 'b'], delimiter: '\t', header: false })
    expect(parseTrainArgs(argv).config).toMatchObject(read)
  })
})

describe('progress line', () => {
  it('shows epoch, bar, batch, loss and ETA', () => {
    const line = progressLine({ epoch: 2, epochs: 4, batch: 5, batches: 10, step: 15, totalSteps: 40, loss: 0.012345, etaMs: 83_000 }, 8)
    expect(line).toBe('epoch 2/4 ███░░░░░  38%  batch 5/10  loss 0.0123  ETA 1:23')
    expect(formatClock(null)).toBe('--:--')
    expect(formatClock(3_723_000)).toBe('1:02:03')
  })
})
