/** One choice of a preset radio group (the New run form's tasks and bundled datasets): a title over a short blurb. */
export function PresetButton({ on, title, blurb, tooltip, onChoose }: { on: boolean; title: string; blurb: React.ReactNode; tooltip?: string; onChoose: () => void }): React.JSX.Element {
  return (
    <button type="button" role="radio" aria-checked={on} className={`preset ${on ? 'on' : ''}`} title={tooltip} onClick={onChoose}>
      <span className="preset-title">{title}</span>
      <span className="preset-blurb">{blurb}</span>
    </button>
  )
}
