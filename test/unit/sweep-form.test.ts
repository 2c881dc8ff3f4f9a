/**
 * The sweep form and the pair form's budget logic (issue 17 item 7): the form writes exactly the spec the sweep API
 * takes (checked by expanding it with the shared expandSweep), reads back every spec it can show, and says why not for
 * the rest; the pair is a sweep over cells whose matched units are the sweep's own.
 */
import { describe, expect, it } from 'vitest'
import { expandSweep } from '../../src/shared/sweep'
import { exampleSpec } from '../../src/renderer/src/lib/sweepView'
import { emptyLists, fieldsFromText, fieldsToSpec, parseList, specToFields, type SweepFields } from '../../src/renderer/src/sweeps/sweepForm'
import { pairSpec, pairStatement, withPlannedUnits } from '../../src/renderer/src/sweeps/pairBudget'
import { draftToConfig, defaultDraft, pairConfigs } from '../../src/renderer/src/lib/runForm'

const shape = (): { inputSize: number; outputSize: number } => ({ inputSize: 2, outputSize: 1 })

function form(over: Partial<SweepFields> = {}): SweepFields {
  return { name: 'units sweep', task: 'adding', cells: ['lstm', 'gru'], lists: { ...emptyLists(), units: '8, 16', epochs: '2', lr: '0.01' }, seedsMode: 'count', seeds: '2', matchParams: 'lstm', other: '', ...over }
}

describe('sweep form → spec', () => {
  it('one value goes to base, several to the grid, a seed count to 1..n; the API expands it', () => {
    const r = fieldsToSpec(form())
    if (!r.ok) throw new Error(r.message)
    expect(r.spec).toEqual({
      name: 'units sweep',
      base: { task: 'adding', epochs: 2, lr: 0.01 },
      grid: { cell: ['lstm', 'gru'], units: [8, 16] },
      seeds: [1, 2],
      matchParams: 'lstm'
    })
    const expanded = expandSweep(r.spec, shape)
    if (!expanded.ok) throw new Error(expanded.message)
    expect(expanded.runs).toHaveLength(8)
    // Matched: each GRU has the units closest to the LSTM of the same grid point.
    expect(expanded.runs.filter((x) => x.config.cell === 'gru').map((x) => x.config.units)).toEqual([9, 9, 18, 18])
  })

  it('bad values reach the shared validation in its own words, not a second set of rules', () => {
    const r = fieldsToSpec(form({ lists: { ...emptyLists(), units: '8, lots' } }))
    if (!r.ok) throw new Error(r.message)
    const expanded = expandSweep(r.spec, shape)
    expect(expanded.ok).toBe(false)
    expect(!expanded.ok && expanded.message).toMatch(/units/)
    expect(fieldsToSpec(form({ cells: [] }))).toEqual({ ok: false, message: 'Tick at least one cell' })
    expect(fieldsToSpec(form({ other: '{"clip": ' })).ok).toBe(false)
    expect(parseList(' 1e-3, 0.01 ,, adam ')).toEqual([0.001, 0.01, 'adam'])
  })

  it('a single cell is a base setting; a seed list stays a list; other settings join the base', () => {
    const r = fieldsToSpec(form({ cells: ['rnn'], seedsMode: 'list', seeds: '7, 9', matchParams: '', other: '{"clip": 1}' }))
    if (!r.ok) throw new Error(r.message)
    expect(r.spec).toEqual({ name: 'units sweep', base: { task: 'adding', cell: 'rnn', epochs: 2, lr: 0.01, clip: 1 }, grid: { units: [8, 16] }, seeds: [7, 9] })
  })
})

describe('spec → sweep form', () => {
  it('the page example round-trips: form(spec) writes a spec that expands to the same runs', () => {
    const back = specToFields(exampleSpec)
    if (!back.ok) throw new Error(back.reason)
    expect(back.fields.cells).toEqual(['lstm', 'gru'])
    expect(back.fields.lists.units).toBe('16')
    expect(back.fields.seeds).toBe('3')
    expect(back.fields.matchParams).toBe('lstm')
    const again = fieldsToSpec(back.fields)
    if (!again.ok) throw new Error(again.message)
    const a = expandSweep(exampleSpec, shape)
    const b = expandSweep(again.spec, shape)
    if (!a.ok || !b.ok) throw new Error('expansion failed')
    expect(b.runs.map((r) => r.config)).toEqual(a.runs.map((r) => r.config))
  })

  it('says why it cannot show a spec (random search, an unknown grid key, bad JSON)', () => {
    expect(specToFields({ base: {}, grid: { cell: ['lstm'] }, random: { lr: { logUniform: [1e-4, 1e-2] } }, trials: 3 })).toEqual({ ok: false, reason: 'it uses a random search' })
    expect(specToFields({ grid: { cell: ['lstm'], task: ['adding', 'copy'] } })).toEqual({ ok: false, reason: 'it varies "task", which the form has no list for' })
    const bad = fieldsFromText('{"base": ')
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.reason).toMatch(/^the JSON does not parse/)
    // Extra base settings are kept in "Other settings", so nothing the JSON says is lost by the form.
    const extra = specToFields({ base: { task: 'adding', clip: 1, earlyStopping: { metric: 'valLoss', patience: 2 } }, grid: { cell: ['gru'] } })
    expect(extra.ok && JSON.parse(extra.fields.other)).toEqual({ clip: 1, earlyStopping: { metric: 'valLoss', patience: 2 } })
  })
})

describe('the pair form', () => {
  it('is a sweep over the two cells, matched to the reference cell, and trains with the planned units', () => {
    const draft = { ...defaultDraft(), seqLen: '10', samples: '128' }
    const spec = pairSpec(draftToConfig(draft), { on: true, reference: 'lstm' })
    expect(spec).toMatchObject({ grid: { cell: ['lstm', 'gru'] }, matchParams: 'lstm' })
    expect((spec.base as Record<string, unknown>).cell).toBeUndefined()
    const expanded = expandSweep(spec, shape)
    if (!expanded.ok) throw new Error(expanded.message)
    const sized = expanded.runs.map((r) => ({ cell: r.config.cell, units: r.config.units, params: r.matched?.params ?? 4513, varied: r.varied, matched: !!r.matched }))
    const configs = withPlannedUnits(pairConfigs(draft, 7), sized)
    expect(configs.map((c) => [c.cell, c.units, c.seed])).toEqual([
      ['lstm', 32, 7],
      ['gru', 37, 7]
    ])
    const said = pairStatement(sized, { on: true, reference: 'lstm' })
    expect(said.models).toMatch(/^LSTM 32 units, 4,513 parameters · GRU 37 units, 4,5\d\d parameters$/)
    expect(said.note).toMatch(/^Matched: 1\.7% apart \(within 5%\)$/)
  })

  it('unmatched: says by how much the budgets differ', () => {
    const said = pairStatement(
      [
        { cell: 'lstm', units: 32, params: 4513, varied: {}, matched: false },
        { cell: 'gru', units: 32, params: 3489, varied: {}, matched: false }
      ],
      { on: false, reference: 'lstm' }
    )
    expect(said.differ).toBe(true)
    expect(said.note).toMatch(/^Budgets differ by 29%: LSTM 4,513 vs GRU 3,489 parameters\. Statistics over these runs will say so/)
  })
})
