/**
 * Argument parsing shared by every `gatelab` command: node:util's parseArgs, with its errors turned into the one-line
 * usage errors (exit code 2) that the CLI promises instead of stack traces.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: O
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (error) {
    // Node's messages run over several lines with advice for its own syntax; keep the first sentence, say ours.
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '')
    const ambiguous = /^Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message)
    if (ambiguous) throw new UsageError(`${command}: ${ambiguous[1]} needs a value`)
    throw new UsageError(`${command}: ${message.split('\n')[0]}`)
  }
}

/** Parses a whole number flag, or says exactly which flag was wrong. */
export function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`)
  }
  return n
}
