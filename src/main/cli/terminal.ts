/**
 * User text (run names, notes, tags, errors, file contents) printed to a terminal: control characters are shown
 * escaped, so a run named "\x1b]0;owned\x07" cannot retitle the terminal, clear the screen or move the cursor.
 * Tabs stay tabs where `keepTabs`; newlines are kept only where `keepNewlines` (multi-line notes).
 */
// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides that reorder text.
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

export function terminalText(text: string, options: { keepNewlines?: boolean; keepTabs?: boolean } = {}): string {
  return text.replace(controls, (ch) => {
    if (ch === '\n' && options.keepNewlines) return ch
    if (ch === '\t' && options.keepTabs) return ch
    const code = ch.charCodeAt(0)
    if (ch === '\n') return '\\n'
    if (ch === '\r') return '\\r'
    if (ch === '\t') return '\\t'
    if (ch === '\x1b') return '\\e'
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}
