/**
 * `gatelab train` flags → a run configuration. Each flag is the kebab-case form of a RunConfig key (src/shared/config.ts),
 * so `--seq-len 50` and `{"seqLen": 50}` in a `--config FILE.json` mean the same; flags override the file.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { normalizeRunConfig, type RunConfig } from '../../shared/config'
import { UsageError, parseCommandArgs } from './args'

type FlagKind = 'int' | 'number' | 'string' | 'list' | 'bool' | 'clip'

/** The training flags: kebab-case name → how to read it. The RunConfig key is its camelCase form. */
export const trainFlags: Record<string, FlagKind> = {
  name: 'string',
  notes: 'string',
  tag: 'list',
  task: 'string',
  'seq-len': 'int',
  samples: 'int',
  'val-samples': 'int',
  'test-samples': 'int',
  target: 'string',
  features: 'list',
  time: 'string',
  missing: 'string',
  lookback: 'int',
  horizon: 'int',
  stride: 'int',
  scaling: 'string',
  'val-fraction': 'number',
  'test-fraction': 'number',
  delimiter: 'string',
  decimal: 'string',
  header: 'bool',
  'no-header': 'bool',
  cell: 'string',
  units: 'int',
  layers: 'int',
  bidirectional: 'bool',
  dropout: 'number',
  'recurrent-dropout': 'number',
  'recurrent-activation': 'string',
  'gru-form': 'string',
  loss: 'string',
  optimizer: 'string',
  lr: 'number',
  momentum: 'number',
  batch: 'int',
  epochs: 'int',
  clip: 'clip',
  seed: 'int',
  backend: 'string',
  engine: 'string',
  /** Gate telemetry is on by default (config `telemetry`); this turns it off. */
  'no-telemetry': 'bool'
}

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/** The flags that choose how a data file is read, windowed and split: `train` and `inspect-csv` share these. */
export const dataFlagNames = ['target', 'features', 'time', 'missing', 'lookback', 'horizon', 'stride', 'scaling', 'val-fraction', 'test-fraction', 'delimiter', 'decimal', 'header', 'no-header'] as const

type FlagValues = Record<string, string | boolean | string[] | undefined>

/** node:util parseArgs options for some of the training flags. */
export function flagOptions(flags: readonly string[]): Record<string, { type: 'boolean' } | { type: 'string'; multiple: boolean }> {
  return Object.fromEntries(flags.map((flag) => [flag, trainFlags[flag] === 'bool' ? { type: 'boolean' as const } : { type: 'string' as const, multiple: trainFlags[flag] === 'list' }]))
}

/** The given flags' values as RunConfig keys and values (`--val-fraction 0.2` → valFraction: 0.2), as `train` reads them. */
export function readFlags(flags: readonly string[], values: FlagValues): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  for (const flag of flags) {
    const raw = values[flag]
    const kind = trainFlags[flag]
    if (raw === undefined || kind === undefined) continue
    if (flag === 'no-header') input.header = false
    else if (flag === 'no-telemetry') input.telemetry = false
    else input[flag === 'tag' ? 'tags' : camel(flag)] = flag === 'delimiter' && raw === 'tab' ? '\t' : readFlag(flag, kind, raw)
  }
  return input
}

/** A stored run must be reproducible from any folder: `csv:` tasks record the file's absolute path. */
export function absoluteCsvTask(task: unknown, baseDir: string): unknown {
  return typeof task === 'string' && task.startsWith('csv:') ? `csv:${resolve(baseDir, task.slice(4))}` : task
}

export interface TrainArgs {
  config: RunConfig
  dbPath: string | undefined
  json: boolean
  /** --memory-limit SIZE: the run is refused (exit 2) when its estimate is above it (src/main/limits). */
  memoryLimit?: string
}

/** Reads the JSON object a flag names (`--config`, `--spec`), or says exactly what is wrong with the file. */
export function readJsonObject(path: string, flag: string, example: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(code === 'ENOENT' ? `${flag} ${path}: no such file` : `${flag} ${path}: cannot read it (${code ?? (error as Error).message})`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${flag} ${path} is not valid JSON: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${flag} ${path} must hold one JSON object, e.g. ${example}`)
  }
  return value as Record<string, unknown>
}

function readFlag(flag: string, kind: FlagKind, raw: string | boolean | string[]): unknown {
  if (kind === 'bool') return raw === true
  if (kind === 'list') return (Array.isArray(raw) ? raw : [raw as string]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
  const text = String(raw)
  if (kind === 'string') return text
  if (kind === 'clip' && (text === 'none' || text === 'off')) return null
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} needs ${kind === 'int' ? 'a whole number' : 'a number'}, not "${text}"`)
  }
  return n
}

export function parseTrainArgs(argv: string[], randomSeed?: () => number): TrainArgs {
  const { values, positionals } = parseCommandArgs('train', argv, {
    ...flagOptions(Object.keys(trainFlags)),
    config: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
    'memory-limit': { type: 'string' }
  })
  if (positionals.length > 0) throw new UsageError(`train: unexpected argument "${positionals[0]}" (flags start with --)`)
  const input: Record<string, unknown> = values.config ? readJsonObject(values.config as string, '--config', '{"cell": "gru", "units": 64}') : {}
  Object.assign(input, readFlags(Object.keys(trainFlags), values as FlagValues))
  input.task = absoluteCsvTask(input.task, process.cwd())
  const result = normalizeRunConfig(input, randomSeed)
  if (!result.ok) throw new UsageError(result.message.replace('Invalid run configuration: ', 'invalid settings: '))
  const memoryLimit = values['memory-limit'] as string | undefined
  return { config: result.config, dbPath: values.db as string | undefined, json: values.json === true, ...(memoryLimit !== undefined ? { memoryLimit } : {}) }
}
