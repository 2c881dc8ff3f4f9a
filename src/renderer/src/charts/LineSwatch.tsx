import { dashArray, type RunStyle } from './runStyles'

/** A short line in a run's colour and dash pattern: the legend key that matches the charts. */
export function LineSwatch({ style, width = 28 }: { style: RunStyle | undefined; width?: number }): React.JSX.Element {
  return (
    <svg className="swatch" width={width} height="10" aria-hidden="true">
      <line x1="1" y1="5" x2={width - 1} y2="5" stroke={style?.color ?? 'currentColor'} strokeWidth="2.2" strokeDasharray={style ? dashArray(style.dash) : undefined} />
    </svg>
  )
}
