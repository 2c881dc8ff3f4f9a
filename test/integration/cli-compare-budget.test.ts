/**
 * `gatelab compare` over an unmatched pair (issue 17 item 7): an LSTM and a GRU of the same units trained by a real
 * sweep without matchParams have budgets 22% apart, and the comparison says so in its verdict, text and JSON.
 */
import { describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gatelab as cli } from '../helpers/cli'
import { tempDir } from '../helpers/host'

describe('gatelab compare over unmatched budgets', () => {
  it('prints "parameter budgets differ" with both counts', () => {
    const dir = tempDir()
    const db = join(dir, 'lab.db')
    const spec = join(dir, 'spec.json')
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'unmatched',
        base: { task: 'adding', seqLen: 6, samples: 64, valSamples: 32, testSamples: 32, units: 8, epochs: 1, batch: 32 },
        grid: { cell: ['lstm', 'gru'] },
        seeds: [1, 2]
      })
    )
    const swept = cli(['sweep', '--spec', spec, '--db', db, '--json'])
    expect(swept.status, swept.stderr).toBe(0)
    const out = JSON.parse(swept.stdout) as { sweepId: string; runs: Array<{ cell: string; paramCount: number }> }
    // LSTM 4·(2·8 + 8·8 + 8) + 9 = 361; GRU 3·(2·8 + 8·8 + 8) + 3·8 + 9 = 297 (reset-after).
    expect(out.runs.map((r) => [r.cell, r.paramCount])).toEqual([
      ['lstm', 361],
      ['lstm', 361],
      ['gru', 297],
      ['gru', 297]
    ])

    const text = cli(['compare', '--sweep', out.sweepId, '--db', db])
    expect(text.status, text.stderr).toBe(0)
    expect(text.stdout).toContain('parameters: GRU 297 · LSTM 361')
    expect(text.stdout).toMatch(/GRU vs LSTM: .*Parameter budgets differ: GRU 297 vs LSTM 361 \(22% apart\)\./)

    const json = JSON.parse(cli(['compare', '--sweep', out.sweepId, '--db', db, '--json']).stdout)
    expect(json.pairs[0].budgetCaveat).toBe('parameter budgets differ: GRU 297 vs LSTM 361 (22% apart)')
    expect(json.groups.map((g: { params: { params: number } }) => g.params.params)).toEqual([297, 361])
  })
})
