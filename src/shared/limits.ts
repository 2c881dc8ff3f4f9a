/**
 * Limits known before a run starts (issue 19, item 4): the contract of a run's estimate — memory by part and time per
 * epoch, each with its basis — and the words that refuse a run above the memory limit. The estimate itself is
 * computed in the host (src/main/limits), which knows the data sources and the machine; these types and formatters
 * are shared so the CLI, the API and the New run form say the same thing, each in its own words (flags or labels).
 */

/** The parts of a run's memory, in the order they are shown. */
export const memoryPartKeys = ['overhead', 'data', 'weights', 'gradients', 'optimizer', 'activations', 'init'] as const
export type MemoryPartKey = (typeof memoryPartKeys)[number]

export interface MemoryPart {
  key: MemoryPartKey
  /** e.g. "data windows (train 2,000 + val 1,000 + test 1,000 × 50 steps)". */
  label: string
  bytes: number
}

/** The settings a refusal suggests shrinking, biggest saving first. */
export type ShrinkSetting = 'units' | 'seqLen' | 'lookback' | 'samples' | 'valSamples' | 'testSamples' | 'batch' | 'layers'

export interface ShrinkHint {
  setting: ShrinkSetting
  /** Bytes the parts that grow with this setting take now (what halving it roughly halves). */
  bytes: number
}

export interface RunEstimate {
  memory: {
    totalBytes: number
    parts: MemoryPart[]
    /**
     * The trainer's peak: data, weights, optimizer state and gradients are all held at once; the activations are
     * those of the largest forward/backward pass (a training batch, or an evaluation chunk of up to 500 sequences).
     */
    basis: string
  }
  time: {
    stepsPerEpoch: number
    secondsPerStep: number
    /** Training steps + evaluation of the validation split (+ telemetry), one epoch. */
    secondsPerEpoch: number
    /** Building the data and the model before the first step (the orthogonal initialisation dominates at large sizes). */
    buildSeconds: number
    /** Where the per-step rate comes from, and how far it can be off. */
    basis: string
  }
  /** The memory limit this estimate was checked against, and where it came from. */
  limit: MemoryLimit
  /** True when the run may start. */
  fits: boolean
  /** Why not, when it does not fit: the parts over their limit (memory, WebAssembly heap, build time). */
  reasons: string[]
  /** Settings to shrink, biggest saving first (given whether or not it fits: an out-of-memory failure names them too). */
  shrink: ShrinkHint[]
}

export interface MemoryLimit {
  bytes: number
  /** 'default' (half the machine's memory), 'setting' (the lab's setting) or 'flag' (--memory-limit / the request). */
  source: 'default' | 'setting' | 'flag'
}

/** The lab's settings that limits read (stored in the lab's `settings` table). */
export interface LabSettings {
  /** The memory limit runs are checked against, in bytes, and where it comes from (the setting, else the default). */
  memoryLimit: MemoryLimit
  /** Half of this machine's memory: the limit when the lab sets none. */
  defaultMemoryLimitBytes: number
}

/** The API's error code for a run refused by its estimate. */
export const tooLargeCode = 'too_large'

const units = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 } as const

/**
 * Parses a memory size as written on a command line or in a setting: "8G", "512M", "1.5GiB", "8GB", or plain bytes.
 * Powers of 1024 (as `free -h` and Slurm's --mem read them). Returns undefined for anything else.
 */
export function parseMemorySize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:([KMGT])(?:i?B)?|B)?\s*$/i.exec(text)
  if (!match) return undefined
  const value = Number(match[1])
  const unit = match[2] ? units[match[2].toUpperCase() as keyof typeof units] : 1
  const bytes = Math.round(value * unit)
  return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined
}

/** "3.2 GiB", "512 MiB", "900 KiB": binary units, two or three significant figures. */
export function formatBytes(bytes: number): string {
  const steps: [number, string][] = [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']]
  for (const [size, name] of steps) {
    if (bytes >= size) {
      const v = bytes / size
      return `${v >= 100 ? Math.round(v) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${name}`
    }
  }
  return `${Math.round(bytes)} B`
}

/** "45 s", "3.2 min", "1.5 h". */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))} ms`
  if (seconds < 90) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`
  return `${(seconds / 3600).toFixed(1)} h`
}

/** How each place names a setting: flags on the command line, labels in the New run form. */
const settingWords: Record<ShrinkSetting, { cli: string; ui: string }> = {
  units: { cli: '--units', ui: 'Units' },
  seqLen: { cli: '--seq-len', ui: 'Sequence length' },
  lookback: { cli: '--lookback', ui: 'Lookback' },
  samples: { cli: '--samples', ui: 'Training samples' },
  valSamples: { cli: '--val-samples', ui: 'Validation samples' },
  testSamples: { cli: '--test-samples', ui: 'Test samples' },
  batch: { cli: '--batch', ui: 'Batch size' },
  layers: { cli: '--layers', ui: 'Layers' }
}

/** A setting's name on the command line, in the form, or both ("units (--units)") for text shown in either place. */
export function settingWord(setting: ShrinkSetting, place: 'cli' | 'ui' | 'both'): string {
  const words = settingWords[setting]
  return place === 'both' ? `${words.ui.toLowerCase()} (${words.cli})` : words[place]
}

const limitWords: Record<MemoryLimit['source'], { cli: string; ui: string }> = {
  default: { cli: 'half of this machine’s memory; raise it with --memory-limit SIZE', ui: 'half of this machine’s memory' },
  setting: { cli: 'the lab’s memory-limit setting', ui: 'the lab’s memory-limit setting' },
  flag: { cli: '--memory-limit', ui: 'the memory limit asked for' }
}

/** One line: "about 3.2 GiB of memory, 45 s per epoch (build 12 s)". */
export function estimateLine(estimate: RunEstimate): string {
  const { time } = estimate
  const build = time.buildSeconds >= 1 ? `, ${formatSeconds(time.buildSeconds)} to build` : ''
  return `about ${formatBytes(estimate.memory.totalBytes)} of memory, ${formatSeconds(time.secondsPerEpoch)} per epoch${build}`
}

/**
 * The refusal, in the words of the place it is shown: what the estimate is, the limit and where it comes from, and
 * what to shrink (flags on the command line, field labels in the form).
 */
export function refusalMessage(estimate: RunEstimate, place: 'cli' | 'ui', which = ''): string {
  const limit = `${formatBytes(estimate.limit.bytes)} (${limitWords[estimate.limit.source][place]})`
  const biggest = estimate.memory.parts
    .filter((p) => p.key !== 'overhead')
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 2)
    .map((p) => `${p.label} ${formatBytes(p.bytes)}`)
    .join(', ')
  const head =
    estimate.memory.totalBytes > estimate.limit.bytes
      ? `This run${which} needs about ${formatBytes(estimate.memory.totalBytes)} of memory (${biggest}), above the limit of ${limit}.`
      : `This run${which} cannot start.`
  const others = estimate.reasons.length > 0 ? ` ${estimate.reasons.join(' ')}` : ''
  const shrink = estimate.shrink.length > 0 ? ` Shrink ${estimate.shrink.map((s) => settingWord(s.setting, place)).join(', ')}.` : ''
  return `${head}${others}${shrink}`
}
