// The all-cores paired turns (bench/allcores-turns.ts, issue 18): GateLab's side is a real whole-step process
// (bench/peers/gatelab_step.ts, run by jiti as the bench runs it), and the row reports the median of the turns' ratios
// with their spread. The PyTorch side and the bench itself are not run in CI.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { turnsRow, type AllCoresTurns } from '../../bench/allcores-turns'
import { PeerSession } from '../../bench/peer'

const root = join(__dirname, '..', '..')

describe('all-cores paired turns', () => {
  it("GateLab's whole-step process answers like a --serve peer, and says what is wrong with a bad request", { timeout: 60_000 }, async () => {
    const started = await PeerSession.start(join(root, 'node_modules', '.bin', 'jiti'), [join(root, 'bench', 'peers', 'gatelab_step.ts'), '--config', 'gru,16,10,4'], { cwd: root })
    if ('reason' in started) throw new Error(started.reason)
    try {
      const ready = JSON.parse(started.line) as { ready: boolean; cell: string; units: number; kernels: string }
      expect(ready).toMatchObject({ ready: true, cell: 'gru', units: 16 })
      expect(ready.kernels).toMatch(/^(native-|relaxed-simd|simd128)/)
      const answer = await started.session.ask<{ msPerBatch: number; cpuMsPerBatch: number }>('3')
      expect(answer.msPerBatch).toBeGreaterThan(0)
      expect(answer.cpuMsPerBatch).toBeGreaterThan(0)
      const bad = await started.session.ask<{ error: string }>('many')
      expect(bad.error).toBe('expected a whole number of steps, got "many"')
    } finally {
      started.session.close()
    }
  })

  it('refuses a bad --config with the usage, before any step', async () => {
    const started = await PeerSession.start(join(root, 'node_modules', '.bin', 'jiti'), [join(root, 'bench', 'peers', 'gatelab_step.ts'), '--config', 'rnn,16,10,4'], { cwd: root })
    expect('reason' in started && started.reason).toMatch(/exited \(status 2\).*Usage: jiti bench\/peers\/gatelab_step.ts --config CELL,UNITS,SEQLEN,BATCH/)
  }, 60_000)

  it("reports the median of the turns' ratios, their quartiles and how many reached ×2", () => {
    const t: AllCoresTurns = { processes: 2, turns: 5, ratios: [1.9, 2.1, 2.0, 2.4, 1.8], gatelabRates: [700, 720, 690, 750, 680], torchRates: [368, 343, 345, 312, 378], cpuRatios: [2, 2, 2, 2, 2], kernels: 'native-avx2' }
    const { row, line } = turnsRow('all 2 cores: fused lstm 256u', t, { cell: 'lstm', units: 256, seqLen: 100, batch: 32 })
    expect(row.ratio).toBe(2)
    expect(row.ratioQuartiles).toEqual([1.9, 2.1])
    expect(row.turnsAtOrAbove2x).toBe(3)
    expect(row.value).toBe(700)
    expect(row.baseline).toBe(345)
    expect(line).toContain('×2 (quartiles ×1.9–×2.1; 3 of 5 turns ≥ ×2')
    const failed = turnsRow('x', { ...t, ratios: [], reason: 'the peer exited (status 1)' }, { cell: 'lstm', units: 256, seqLen: 100, batch: 32 })
    expect(failed.row.skipped).toBe('the peer exited (status 1)')
    expect(failed.line).toContain('not measured (the peer exited (status 1))')
  })
})
