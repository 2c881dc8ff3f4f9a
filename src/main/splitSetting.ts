/**
 * The host's small-split figure (src/shared/baselines/splitSize.ts) from its one setting: `--min-split-windows N` on
 * any `gatelab` command, else the GATELAB_MIN_SPLIT_WINDOWS variable, else 30.
 */
import { parseMinSplitWindows, setMinSplitWindows } from '../shared/baselines/splitSize'

/**
 * Removes `--min-split-windows N` / `--min-split-windows=N` from a command line and applies it (or the variable).
 * Throws an Error whose message names the flag or the variable when the figure is not a whole number ≥ 1.
 */
export function applyMinSplitWindows(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const rest: string[] = []
  let given: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--min-split-windows') {
      if (i + 1 >= argv.length) throw new Error('--min-split-windows needs a number, e.g. --min-split-windows 50')
      given = argv[++i]!
    } else if (a.startsWith('--min-split-windows=')) given = a.slice('--min-split-windows='.length)
    else rest.push(a)
  }
  const [text, where] = given !== undefined ? [given, '--min-split-windows'] : [env.GATELAB_MIN_SPLIT_WINDOWS, 'GATELAB_MIN_SPLIT_WINDOWS']
  if (text !== undefined && text !== '') {
    const n = parseMinSplitWindows(text)
    if (typeof n !== 'number') throw new Error(`${where} ${n.error}`)
    setMinSplitWindows(n)
  }
  return rest
}
