/**
 * The built-in tasks, generated in code from a seed: each is a classic probe of what a recurrent network can remember.
 *
 * | task     | input per step                     | target                                     | kind                         |
 * |----------|------------------------------------|--------------------------------------------|------------------------------|
 * | adding   | [value ~ U[0,1], marker 0/1]       | sum of the two marked values               | regression, one per sequence |
 * | copy     | one-hot of 8 symbols, blank, delim | the first m symbols, after the delimiter   | classification, per step     |
 * | sine     | a noisy mixture of three sines     | the value `horizon` steps after the window | regression, one per sequence |
 * | order    | one-hot of a,b,c,d,X,Y,B,E         | order of the two X/Y symbols (4 classes)   | classification, one per seq. |
 * | noise    | N(0,1) values                      | the next N(0,1) value (unpredictable)      | regression, one per sequence |
 *
 * Each split has its own random stream derived from the seed (random.ts `deriveSeed`), so a larger training set never
 * changes the validation or test sets. Classification targets are class indices stored as floats: one per sequence, or
 * one per step when `perStep` (y is then [n, seqLen]). Pure: usable by the trainer, the host and the renderer.
 */
import type { BuiltinTask } from '../config'
import { createRng, deriveSeed, type Rng } from '../random'
import type { SequenceDataset, Split } from './types'
import { taskBaselines } from '../baselines/tasks'

/** Everything that determines a generated dataset; its hash is the dataset's content hash. */
export interface TaskSpec {
  task: BuiltinTask
  seqLen: number
  samples: number
  valSamples: number
  testSamples: number
  seed: number
  /** Forecast horizon of the sine task (steps after the window); ignored by the other tasks. */
  horizon: number
}

/** Bump when a generator changes, so old content hashes no longer match new data. */
const GENERATOR_VERSION = 1

interface Generator {
  /** Shortest sequence the task makes sense for. */
  minSeqLen: number
  describe(spec: TaskSpec): string
  shape(spec: TaskSpec): Pick<SequenceDataset, 'kind' | 'inputSize' | 'outputSize' | 'perStep'>
  /** Fills x and y for sequence `i` of a split. */
  sample(rng: Rng, spec: TaskSpec, x: Float32Array, y: Float32Array, i: number): void
  /** Reference figures (see DatasetMeta.baselines), computed from the generated splits where that is more honest. */
  baselines(spec: TaskSpec, train: Split, val: Split): Record<string, number>
}

const COPY_SYMBOLS = 8
const COPY_BLANK = 8
const COPY_DELIMITER = 9
/** How many symbols the copy task asks the network to remember (at most 10, as in Arjovsky et al. 2016). */
export function copyLength(seqLen: number): number {
  return Math.min(10, Math.floor((seqLen - 1) / 2))
}

const SINE_NOISE = 0.1
function sineValue(components: { amp: number; period: number; phase: number }[], t: number): number {
  let v = 0
  for (const c of components) v += c.amp * Math.sin((2 * Math.PI * t) / c.period + c.phase)
  return v
}

const generators: Record<BuiltinTask, Generator> = {
  adding: {
    minSeqLen: 2,
    describe: (s) => `Adding problem, T = ${s.seqLen} (Hochreiter & Schmidhuber 1997)`,
    shape: () => ({ kind: 'regression', inputSize: 2, outputSize: 1, perStep: false }),
    sample(rng, { seqLen: T }, x, y, i) {
      const half = Math.floor(T / 2)
      const first = rng.int(half)
      const second = half + rng.int(T - half)
      const base = i * T * 2
      let sum = 0
      for (let t = 0; t < T; t++) {
        const value = rng.next()
        x[base + 2 * t] = value
        if (t === first || t === second) {
          x[base + 2 * t + 1] = 1
          sum += value
        }
      }
      y[i] = sum
    },
    baselines: (_s, train, val) => ({
      meanMse: meanPredictorMse(train, val),
      // CELLS.md: always predicting 1 gives 1/6; tracking only one of the two values plateaus near 1/12.
      constantOneMse: 1 / 6,
      oneValueMse: 1 / 12,
      solvedMse: 0.01
    })
  },

  copy: {
    minSeqLen: 3,
    describe: (s) =>
      `Copy task: remember ${copyLength(s.seqLen)} of ${COPY_SYMBOLS} symbols and replay them after a delimiter, T = ${s.seqLen} ` +
      '(Hochreiter & Schmidhuber 1997; Arjovsky et al. 2016)',
    shape: () => ({ kind: 'classification', inputSize: COPY_DELIMITER + 1, outputSize: COPY_BLANK + 1, perStep: true }),
    sample(rng, { seqLen: T }, x, y, i) {
      const m = copyLength(T)
      const width = COPY_DELIMITER + 1
      const symbols = Array.from({ length: m }, () => rng.int(COPY_SYMBOLS))
      for (let t = 0; t < T; t++) {
        const input = t < m ? symbols[t]! : t === T - m - 1 ? COPY_DELIMITER : COPY_BLANK
        x[(i * T + t) * width + input] = 1
        y[i * T + t] = t >= T - m ? symbols[t - (T - m)]! : COPY_BLANK
      }
    },
    baselines: (s) => {
      const m = copyLength(s.seqLen)
      // A network without memory predicts blanks perfectly and guesses uniformly among the symbols after the delimiter.
      return {
        memorylessLoss: (m * Math.log(COPY_SYMBOLS)) / s.seqLen,
        memorylessAcc: (s.seqLen - m + m / COPY_SYMBOLS) / s.seqLen
      }
    }
  },

  sine: {
    minSeqLen: 1,
    describe: (s) =>
      `Noisy mixture of three sines (periods 4–32 steps, noise SD ${SINE_NOISE}), forecast ${s.horizon} step${s.horizon === 1 ? '' : 's'} ahead from ${s.seqLen}`,
    shape: () => ({ kind: 'regression', inputSize: 1, outputSize: 1, perStep: false }),
    sample(rng, { seqLen: T, horizon }, x, y, i) {
      const components = Array.from({ length: 3 }, () => ({
        amp: rng.uniform(0.2, 1),
        // Log-uniform periods: as many slow as fast components.
        period: 4 * Math.exp(rng.next() * Math.log(8)),
        phase: rng.uniform(0, 2 * Math.PI)
      }))
      for (let t = 0; t < T; t++) x[i * T + t] = sineValue(components, t) + SINE_NOISE * rng.normal()
      y[i] = sineValue(components, T - 1 + horizon) + SINE_NOISE * rng.normal()
    },
    baselines: (_s, train, val) => {
      let last = 0
      const T = val.x.length / val.n
      for (let i = 0; i < val.n; i++) last += (val.x[i * T + T - 1]! - val.y[i]!) ** 2
      return { meanMse: meanPredictorMse(train, val), lastValueMse: last / val.n, noiseFloorMse: SINE_NOISE ** 2 }
    }
  },

  order: {
    minSeqLen: 8,
    describe: (s) => `Temporal order: classify the order of two X/Y symbols among distractors, 4 classes, T = ${s.seqLen} (Hochreiter & Schmidhuber 1997)`,
    shape: () => ({ kind: 'classification', inputSize: 8, outputSize: 4, perStep: false }),
    sample(rng, { seqLen: T }, x, y, i) {
      // Symbols: 0–3 distractors a, b, c, d; 4 X; 5 Y; 6 begin; 7 end.
      const lo1 = Math.max(1, Math.floor(0.1 * T))
      const hi1 = Math.max(lo1, Math.floor(0.2 * T))
      const lo2 = Math.max(hi1 + 1, Math.floor(0.5 * T))
      const hi2 = Math.min(T - 2, Math.max(lo2, Math.floor(0.6 * T)))
      const t1 = lo1 + rng.int(hi1 - lo1 + 1)
      const t2 = lo2 + rng.int(hi2 - lo2 + 1)
      const firstY = rng.int(2)
      const secondY = rng.int(2)
      for (let t = 0; t < T; t++) {
        const symbol = t === 0 ? 6 : t === T - 1 ? 7 : t === t1 ? 4 + firstY : t === t2 ? 4 + secondY : rng.int(4)
        x[(i * T + t) * 8 + symbol] = 1
      }
      y[i] = 2 * firstY + secondY
    },
    baselines: () => ({ chanceAcc: 0.25, chanceLoss: Math.log(4) })
  },

  noise: {
    minSeqLen: 1,
    describe: (s) => `Pure noise: predict the next of ${s.seqLen} independent N(0, 1) values; no model should beat predicting the mean`,
    shape: () => ({ kind: 'regression', inputSize: 1, outputSize: 1, perStep: false }),
    sample(rng, { seqLen: T }, x, y, i) {
      for (let t = 0; t < T; t++) x[i * T + t] = rng.normal()
      y[i] = rng.normal()
    },
    baselines: (_s, train, val) => ({ meanMse: meanPredictorMse(train, val), theoryMse: 1 })
  }
}

/** MSE on `val` of always predicting the mean training target: the bar any regression model must clear. */
function meanPredictorMse(train: Split, val: Split): number {
  let mean = 0
  for (const v of train.y) mean += v
  mean /= train.y.length
  let se = 0
  for (const v of val.y) se += (v - mean) ** 2
  return se / val.y.length
}

/** A built-in task's shape without generating it (src/main/limits sizes a run from it). */
export function taskShape(task: BuiltinTask): Pick<SequenceDataset, 'kind' | 'inputSize' | 'outputSize' | 'perStep'> & { minSeqLen: number } {
  const generator = generators[task]
  return { ...generator.shape({ task, seqLen: generator.minSeqLen, samples: 1, valSamples: 1, testSamples: 1, seed: 0, horizon: 1 }), minSeqLen: generator.minSeqLen }
}

export function generateTask(spec: TaskSpec): SequenceDataset {
  const generator = generators[spec.task]
  if (!generator) throw new Error(`Unknown built-in task "${spec.task}": use adding, copy, sine, order or noise`)
  if (spec.seqLen < generator.minSeqLen) {
    throw new Error(`The ${spec.task} task needs sequences of at least ${generator.minSeqLen} steps (seqLen is ${spec.seqLen}); raise seqLen`)
  }
  const shape = generator.shape(spec)
  const targetsPerSequence = shape.perStep ? spec.seqLen : 1
  const targetWidth = shape.kind === 'classification' ? 1 : shape.outputSize
  const split = (purpose: string, n: number): Split => {
    const rng = createRng(deriveSeed(spec.seed, `data:${spec.task}:${purpose}`))
    const x = new Float32Array(n * spec.seqLen * shape.inputSize)
    const y = new Float32Array(n * targetsPerSequence * targetWidth)
    for (let i = 0; i < n; i++) generator.sample(rng, spec, x, y, i)
    return { n, x, y }
  }
  const train = split('train', spec.samples)
  const val = split('val', spec.valSamples)
  const test = split('test', spec.testSamples)
  return {
    name: spec.task,
    ...shape,
    seqLen: spec.seqLen,
    train,
    val,
    test,
    meta: {
      description: generator.describe(spec),
      contentHash: sha256Hex(JSON.stringify(hashedSpec(spec))),
      source: 'generated by GateLab',
      baselines: generator.baselines(spec, train, val),
      baselineSet: taskBaselines({
        task: spec.task,
        seqLen: spec.seqLen,
        ...shape,
        train,
        val,
        test,
        ...(spec.task === 'sine' ? { noiseSd: SINE_NOISE } : spec.task === 'noise' ? { noiseSd: 1 } : {}),
        ...(spec.task === 'copy' ? { copy: { length: copyLength(spec.seqLen), symbols: COPY_SYMBOLS } } : {})
      })
    }
  }
}

/** The fields that determine the data, in a fixed order (horizon only where it matters). */
function hashedSpec(spec: TaskSpec): Record<string, unknown> {
  const { task, seqLen, samples, valSamples, testSamples, seed } = spec
  return {
    generator: 'gatelab-builtin',
    version: GENERATOR_VERSION,
    task,
    seqLen,
    samples,
    valSamples,
    testSamples,
    seed,
    ...(task === 'sine' ? { horizon: spec.horizon } : {})
  }
}

/**
 * SHA-256 of a string's UTF-8 bytes, in hex. Written out here because this module must stay pure (it also runs in the
 * renderer, where node:crypto does not exist and WebCrypto is asynchronous); the input is a short spec, so speed is moot.
 */
export function sha256Hex(text: string): string {
  const bytes = new TextEncoder().encode(text)
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
    0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ])
  const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])
  // Padding: 0x80, zeros, then the bit length as a 64-bit big-endian integer.
  const total = Math.ceil((bytes.length + 9) / 64) * 64
  const data = new Uint8Array(total)
  data.set(bytes)
  data[bytes.length] = 0x80
  const view = new DataView(data.buffer)
  view.setUint32(total - 8, Math.floor((bytes.length * 8) / 2 ** 32))
  view.setUint32(total - 4, (bytes.length * 8) >>> 0)
  const w = new Uint32Array(64)
  const rotr = (v: number, n: number): number => (v >>> n) | (v << (32 - n))
  for (let offset = 0; offset < total; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + 4 * i)
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!
      const b = w[i - 2]!
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10)
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0
    }
    let [a, b, c, d, e, f, g, h] = H as unknown as [number, number, number, number, number, number, number, number]
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) >>> 0
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0
      h = g
      g = f
      f = e
      e = (d + t1) >>> 0
      d = c
      c = b
      b = a
      a = (t1 + t2) >>> 0
    }
    H[0]! += a
    H[1]! += b
    H[2]! += c
    H[3]! += d
    H[4]! += e
    H[5]! += f
    H[6]! += g
    H[7]! += h
  }
  return Array.from(H, (v) => v.toString(16).padStart(8, '0')).join('')
}
