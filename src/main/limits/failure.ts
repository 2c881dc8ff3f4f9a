/**
 * A trainer's failure in plain words. Running out of memory shows up in many disguises — WebAssembly's "memory access
 * out of bounds" and Emscripten's "Aborted()", "Invalid typed array length", a RangeError "Array buffer allocation
 * failed", V8's "JavaScript heap out of memory" exit, the kernel's OOM killer (SIGKILL), Electron's 'oom' — and each
 * becomes one sentence: "out of memory: the run needed more than … ; shrink …". Other messages pass unchanged.
 */
import { formatBytes, settingWord, type RunEstimate } from '../../shared/limits'

const oomPatterns: RegExp[] = [
  /memory access out of bounds/i,
  /\bAborted\(\)/,
  /Invalid typed array length/i,
  /Array buffer allocation failed/i,
  /Invalid array buffer length/i,
  /Array buffer (?:allocation|too large)/i,
  /heap out of memory/i,
  /Reached heap limit/i,
  /out of memory/i,
  /Cannot allocate memory/i,
  /Invalid array length/i,
  /Cannot enlarge memory/i,
  /WebAssembly\.Memory\(\): could not allocate/i,
  /Out of memory: Killed process/i
]

/** True when a trainer's error or last words say it ran out of memory. */
export function isOutOfMemory(message: string): boolean {
  return oomPatterns.some((p) => p.test(message))
}

/** "out of memory: the run needed more than 3.2 GiB (estimated) …; shrink --units, --seq-len." */
export function outOfMemoryMessage(original: string, estimate: RunEstimate | undefined, place: 'cli' | 'ui' | 'both' = 'both'): string {
  const needed = estimate ? `more than the memory it had (estimated ${formatBytes(estimate.memory.totalBytes)})` : 'more memory than it could get'
  const hints = estimate && estimate.shrink.length > 0 ? estimate.shrink : undefined
  const shrink = hints
    ? hints.map((h) => settingWord(h.setting, place)).join(', ')
    : ['units', 'seqLen', 'samples', 'batch'].map((s) => settingWord(s as 'units', place)).join(', ')
  const detail = original.replace(/\s+/g, ' ').trim().slice(0, 300)
  return `out of memory: the run needed ${needed}; shrink ${shrink}. (The trainer said: ${detail})`
}

/** The run's error as the user sees it: out-of-memory failures in plain words, anything else unchanged. */
export function plainFailure(message: string, estimate?: RunEstimate, place: 'cli' | 'ui' | 'both' = 'both'): string {
  if (/^out of memory:/.test(message)) return message
  return isOutOfMemory(message) ? outOfMemoryMessage(message, estimate, place) : message
}
