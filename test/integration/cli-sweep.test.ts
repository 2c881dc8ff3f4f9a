/**
 * `gatelab sweep` and `gatelab compare` end to end: a real sweep of LSTM and GRU runs over seeds, then the grouped
 * comparison read back from the store, checked against the statistics recomputed from the runs' own summaries.
 */
import { describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Store } from '../../src/main/store/store'
import { describe as summarize } from '../../src/shared/stats'
import { gatelab as cli } from '../helpers/cli'
import { tempDir } from '../helpers/host'

describe('gatelab sweep and compare', () => {
  it('trains cells × seeds with matched budgets, then compares the groups', () => {
    const dir = tempDir()
    const db = join(dir, 'lab.db')
    const spec = join(dir, 'spec.json')
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'cells on adding',
        base: { task: 'adding', seqLen: 8, samples: 192, valSamples: 64, testSamples: 64, units: 8, epochs: 2, lr: 0.01 },
        grid: { cell: ['lstm', 'gru'] },
        seeds: [1, 2, 3],
        matchParams: 'lstm'
      })
    )
    const swept = cli(['sweep', '--spec', spec, '--db', db, '--json'])
    expect(swept.status).toBe(0)
    const out = JSON.parse(swept.stdout)
    expect(out.sweepId).toMatch(/^sweep-/)
    expect(out.runs).toHaveLength(6)
    expect(out.runs.every((r: { status: string }) => r.status === 'completed')).toBe(true)
    const lstm = out.runs.filter((r: { cell: string }) => r.cell === 'lstm')
    const gru = out.runs.filter((r: { cell: string }) => r.cell === 'gru')
    expect(lstm.map((r: { seed: number }) => r.seed)).toEqual([1, 2, 3])
    // Matched budget: the GRU's units were chosen so its parameter count is close to the LSTM's.
    expect(Math.abs(gru[0].paramCount - lstm[0].paramCount) / lstm[0].paramCount).toBeLessThan(0.15)

    const compared = cli(['compare', '--sweep', out.sweepId, '--group-by', 'cell', '--metric', 'valLoss', '--db', db, '--json'])
    expect(compared.status).toBe(0)
    const result = JSON.parse(compared.stdout)
    expect(result.groups.map((g: { key: { cell: string } }) => g.key.cell)).toEqual(['gru', 'lstm'])
    // Recompute one group's statistics from the store: the compared value is each run's best (min) valLoss.
    const store = Store.open(db, { owner: { kind: 'test' } })
    const lstmBest = lstm.map((r: { id: string }) => store.getRun(r.id).summary.valLoss!.min!)
    store.close()
    const expected = summarize(lstmBest)
    const lstmGroup = result.groups[1]
    expect(lstmGroup.n).toBe(3)
    expect(lstmGroup.mean).toBeCloseTo(expected.mean!, 12)
    expect(lstmGroup.sd).toBeCloseTo(expected.sd!, 12)
    expect(lstmGroup.ci95[0]).toBeCloseTo(expected.ci95![0], 12)
    const [pair] = result.pairs
    expect(pair).toMatchObject({ a: 'GRU', b: 'LSTM' })
    for (const key of ['diff', 'pWelch', 'pPaired', 'hedgesG']) expect(pair[key]).toBeTypeOf('number')
    expect(pair.ci95).toHaveLength(2)
    expect(pair.verdict).toMatch(/paired by seed/)
    // Matched budgets (LSTM 8 units and GRU 9 both have 361 parameters): no budget caveat.
    expect(pair.budgetCaveat).toBeNull()
    expect(pair.verdict).not.toMatch(/budgets differ/i)

    const text = cli(['compare', '--runs', [...lstm, ...gru].map((r: { id: string }) => r.id).join(','), '--db', db])
    expect(text.status).toBe(0)
    expect(text.stdout).toContain('GRU vs LSTM')
  })

  it('refuses a bad spec or request with one line and exit 2', () => {
    const dir = tempDir()
    const db = join(dir, 'lab.db')
    const spec = join(dir, 'bad.json')
    writeFileSync(spec, JSON.stringify({ grid: { cell: ['lstm', 'tcn'] } }))
    const bad = cli(['sweep', '--spec', spec, '--db', db])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/cell.*tcn/)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(cli(['sweep', '--db', db]).stderr).toMatch(/--spec FILE.json is required/)
    expect(cli(['compare', '--sweep', 'sweep-nope', '--db', db]).status).toBe(2)
    expect(cli(['compare', '--db', db]).stderr).toMatch(/either --runs/)
  })
})
