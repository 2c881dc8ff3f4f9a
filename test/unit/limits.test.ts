/** Limits before a run starts (src/main/limits, src/shared/limits.ts): sizes, words, estimates, plain failures. */
import { describe, expect, it } from 'vitest'
import { formatBytes, parseMemorySize, refusalMessage } from '../../src/shared/limits'
import { estimateRun, type DataSize } from '../../src/main/limits/estimate'
import { isOutOfMemory, plainFailure } from '../../src/main/limits/failure'
import { normalizeRunConfig, type RunConfigInput } from '../../src/shared/config'

const config = (input: RunConfigInput) => {
  const parsed = normalizeRunConfig({ seed: 1, ...input })
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.config
}
const adding = (c: ReturnType<typeof config>): DataSize => ({
  kind: 'regression', seqLen: c.seqLen, inputSize: 2, outputSize: 1, perStep: false,
  train: c.samples, val: c.valSamples, test: c.testSamples, sourceBytes: 0, lengthSetting: 'seqLen', samplesAreSettings: true
})
const limit = { bytes: 8 * 2 ** 30, source: 'flag' as const }

describe('memory sizes', () => {
  it('reads sizes as a command line or Slurm writes them', () => {
    expect(parseMemorySize('8G')).toBe(8 * 2 ** 30)
    expect(parseMemorySize('512M')).toBe(512 * 2 ** 20)
    expect(parseMemorySize('1.5GiB')).toBe(1.5 * 2 ** 30)
    expect(parseMemorySize('2gb')).toBe(2 * 2 ** 30)
    expect(parseMemorySize('4096')).toBe(4096)
    for (const bad of ['', 'lots', '8X', '-1G', '0', 'G8']) expect(parseMemorySize(bad)).toBeUndefined()
    expect(formatBytes(3.2 * 2 ** 30)).toBe('3.20 GiB')
    expect(formatBytes(512 * 2 ** 20)).toBe('512 MiB')
  })
})

describe('estimate', () => {
  it('grows with every setting that allocates, and splits the total into its parts', () => {
    const base = config({ units: 64, seqLen: 100, samples: 10_000, batch: 32 })
    const e = estimateRun(base, adding(base), { limit })
    expect(e.fits).toBe(true)
    expect(e.memory.parts.reduce((s, p) => s + p.bytes, 0)).toBe(e.memory.totalBytes)
    const data = e.memory.parts.find((p) => p.key === 'data')!
    // 12,000 windows × 100 steps × 2 inputs + one target, float32, plus the shuffle order.
    expect(data.bytes).toBe(12_000 * (100 * 2 + 1) * 4 + 10_000 * 8)
    const weights = e.memory.parts.find((p) => p.key === 'weights')!
    const params = 4 * (2 * 64 + 64 * 64 + 64) + 64 + 1
    expect(weights.bytes).toBe(2 * params * 4)
    expect(e.memory.parts.find((p) => p.key === 'optimizer')!.bytes).toBe(2 * params * 4) // Adam: m and v
    for (const bigger of [{ units: 128 }, { seqLen: 200 }, { samples: 20_000 }, { layers: 2 }] as RunConfigInput[]) {
      const c = config({ units: 64, seqLen: 100, samples: 10_000, batch: 32, ...bigger })
      expect(estimateRun(c, adding(c), { limit }).memory.totalBytes).toBeGreaterThan(e.memory.totalBytes)
    }
    expect(e.time.stepsPerEpoch).toBe(313)
    expect(e.time.secondsPerEpoch).toBeGreaterThan(0)
    expect(e.time.basis).toMatch(/313 steps × .*estimate/)
  })

  it('refuses the issue’s examples with the estimate, the limit and what to shrink, in each place’s words', () => {
    const huge = config({ seqLen: 2000, units: 2048 })
    const e = estimateRun(huge, adding(huge), { limit })
    expect(e.fits).toBe(false)
    expect(e.memory.totalBytes).toBeGreaterThan(limit.bytes)
    const cli = refusalMessage(e, 'cli')
    expect(cli).toMatch(/^This run needs about [\d.]+ GiB of memory \(activations kept for backpropagation through time .*\), above the limit of 8.00 GiB \(--memory-limit\)\. Shrink --units, --seq-len/)
    expect(refusalMessage(e, 'ui')).toMatch(/Shrink Units, Sequence length/)
    // 4,096 units: refused for its initialisation time even when memory is plentiful.
    const wide = config({ units: 4096 })
    const w = estimateRun(wide, adding(wide), { limit: { bytes: 2 ** 50, source: 'flag' } })
    expect(w.fits).toBe(false)
    expect(w.reasons.join(' ')).toMatch(/orthogonal initialisation of 4096 units/)
    // The WebAssembly backend's 4 GiB: a layers-engine run whose tape would not fit in it.
    const tape = config({ engine: 'layers', units: 512, seqLen: 1000, batch: 128, samples: 1000 })
    const t = estimateRun(tape, adding(tape), { limit: { bytes: 2 ** 50, source: 'flag' } })
    expect(t.reasons.join(' ')).toMatch(/WebAssembly backend holds at most 4.00 GiB/)
    expect(estimateRun(tape, adding(tape), { limit: { bytes: 2 ** 50, source: 'flag' }, backend: 'cpu' }).reasons).toEqual([])
  })
})

describe('plain failures', () => {
  it('turns every disguise of running out of memory into one sentence, and leaves other errors alone', () => {
    const disguises = [
      'RuntimeError: memory access out of bounds',
      'The trainer crashed with exit code 134. Last output: Aborted(). Build with -sASSERTIONS for more info.',
      'Invalid typed array length: 2000000000000',
      'RangeError: Array buffer allocation failed',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      'The trainer ran out of memory.'
    ]
    const c = config({ units: 64 })
    const e = estimateRun(c, adding(c), { limit })
    for (const message of disguises) {
      expect(isOutOfMemory(message)).toBe(true)
      const plain = plainFailure(message, e)
      expect(plain).toMatch(/^out of memory: the run needed more than the memory it had \(estimated [\d.]+ MiB\); shrink \w/)
      expect(plain).toContain(message.slice(0, 40))
      expect(plainFailure(plain, e)).toBe(plain) // said once
    }
    expect(plainFailure('Invalid typed array length: 5')).toMatch(/^out of memory: the run needed more memory than it could get; shrink units \(--units\)/)
    for (const other of ['Training diverged: the loss became NaN', 'The trainer was killed by SIGKILL (stopped by GateLab).']) {
      expect(plainFailure(other, e)).toBe(other)
    }
  })
})
