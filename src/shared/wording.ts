/**
 * Messages in the words of the place they are shown. A message about data (src/shared/data) names the choices that fix
 * it; a person at the command line knows them as flags (`--missing drop`), a person in the New run form as controls
 * ("Missing values: drop those rows"). Such messages are written once, place-neutral, with each choice as a token
 * `⟦--flag value⟧` (`option('missing', 'drop')` writes one), and rendered per place by `inWords`: the CLI prints the
 * flag, the UI the control's label. A token still reads as the flag if something prints it unrendered.
 *
 * A token may list values, `⟦--missing drop|ffill|interpolate⟧`: the CLI says "--missing drop (skip those rows), ffill
 * (…) or interpolate (…)", the UI "“Missing values”: drop those rows, repeat the last value or interpolate linearly".
 */

export type Place = 'cli' | 'ui'

const tokenPattern = /⟦--([a-z][a-z-]*)(?: ([^⟧]*))?⟧/g

/** A place-neutral reference to a choice: `option('lookback')`, `option('missing', 'drop')`, `option('missing', ['drop', 'ffill'])`. */
export function option(flag: string, value?: string | readonly string[]): string {
  const values = value === undefined ? '' : ` ${typeof value === 'string' ? value : value.join('|')}`
  return `⟦--${flag}${values}⟧`
}

/** What each choice is called in the New run form. */
const uiLabels: Record<string, string> = {
  lookback: 'Lookback',
  horizon: 'Horizon',
  stride: 'Stride',
  target: 'Target column',
  features: 'Input features',
  time: 'Time column',
  missing: 'Missing values',
  delimiter: 'Delimiter',
  decimal: 'Decimal separator',
  header: 'Header row',
  scaling: 'Scaling',
  'val-fraction': 'Validation %',
  'test-fraction': 'Test %'
}

/** Values as the form's menus name them. */
const uiValues: Record<string, Record<string, string>> = {
  missing: { error: 'stop and list them', drop: 'drop those rows', ffill: 'repeat the last value', interpolate: 'interpolate linearly' },
  decimal: { ',': 'comma (3,14)', '.': 'point (3.14)' },
  delimiter: { ',': 'comma', ';': 'semicolon', tab: 'tab', '\t': 'tab', '|': 'pipe' }
}

/** What a value does, said beside the flag at the command line. */
const cliNotes: Record<string, Record<string, string>> = {
  missing: { drop: 'skip those rows', ffill: 'repeat the last value', interpolate: 'a straight line between neighbours' }
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`
}

function render(flag: string, raw: string | undefined, place: Place): string {
  const values = raw === undefined ? [] : raw.split('|')
  if (place === 'cli') {
    if (values.length <= 1) return `--${flag}${raw !== undefined ? ` ${raw}` : ''}`
    const notes = cliNotes[flag] ?? {}
    return `--${flag} ${list(values.map((v) => (notes[v] ? `${v} (${notes[v]})` : v)))}`
  }
  const label = uiLabels[flag] ?? flag
  // No value, or a placeholder such as COLUMN: the control itself.
  if (values.length === 0 || (values.length === 1 && /^[A-Z]+$/.test(values[0]!))) return `“${label}”`
  const named = values.map((v) => uiValues[flag]?.[v] ?? v)
  return values.length === 1 ? `“${label}: ${named[0]}”` : `“${label}”: ${list(named)}`
}

/** The message with every choice named as the place knows it. */
export function inWords(text: string, place: Place): string {
  return text.replace(tokenPattern, (_, flag: string, raw: string | undefined) => render(flag, raw, place))
}
