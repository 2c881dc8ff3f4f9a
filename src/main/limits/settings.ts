/**
 * The memory limit a run is checked against: `--memory-limit SIZE` (or the request's own) over the lab's setting
 * (`gatelab settings --memory-limit SIZE`, the `settings` table) over the default, half of this machine's memory.
 */
import os from 'node:os'
import { GateLabError } from '../../shared/api'
import { formatBytes, parseMemorySize, type LabSettings, type MemoryLimit } from '../../shared/limits'

export const MEMORY_LIMIT_SETTING = 'memoryLimit'

/** What limits needs of a store: the Store implements it. */
export interface SettingsStore {
  getSetting(key: string): unknown
  setSetting(key: string, value: unknown): void
}

export function defaultMemoryLimitBytes(): number {
  return Math.floor(os.totalmem() / 2)
}

/** A size from a flag or a request, or a bad_request error that says how to write one. */
export function memorySizeOrThrow(text: string, what = '--memory-limit'): number {
  const bytes = parseMemorySize(text)
  if (bytes === undefined || bytes < 2 ** 20) {
    throw new GateLabError({ code: 'bad_request', message: `${what} must be a size such as 8G, 512M or 1.5G (at least 1M), not "${text}"` })
  }
  return bytes
}

export function labSettings(store: SettingsStore | undefined): LabSettings {
  const stored = store?.getSetting(MEMORY_LIMIT_SETTING)
  const defaultBytes = defaultMemoryLimitBytes()
  const memoryLimit: MemoryLimit =
    typeof stored === 'number' && Number.isFinite(stored) && stored > 0 ? { bytes: stored, source: 'setting' } : { bytes: defaultBytes, source: 'default' }
  return { memoryLimit, defaultMemoryLimitBytes: defaultBytes }
}

export function setMemoryLimit(store: SettingsStore, text: string | null): LabSettings {
  store.setSetting(MEMORY_LIMIT_SETTING, text === null ? undefined : memorySizeOrThrow(text, 'memoryLimit'))
  return labSettings(store)
}

/** The limit for one request: the flag (or request field) when given, else the lab's setting, else the default. */
export function resolveMemoryLimit(store: SettingsStore | undefined, flag?: string): MemoryLimit {
  if (flag !== undefined) return { bytes: memorySizeOrThrow(flag), source: 'flag' }
  return labSettings(store).memoryLimit
}

export function describeLimit(limit: MemoryLimit): string {
  const from = limit.source === 'flag' ? 'asked for' : limit.source === 'setting' ? 'the lab’s setting' : 'the default: half of this machine’s memory'
  return `${formatBytes(limit.bytes)} (${from})`
}

/** A Slurm sweep's limit: --memory-limit, else the task's --mem (Slurm reads a bare number as MiB), else the lab's. */
export function slurmMemoryLimit(store: SettingsStore | undefined, flag: string | undefined, mem: string | undefined): MemoryLimit {
  if (flag !== undefined || mem === undefined) return resolveMemoryLimit(store, flag)
  return { bytes: memorySizeOrThrow(/^\d+$/.test(mem) ? `${mem}M` : mem, '--mem'), source: 'flag' }
}
