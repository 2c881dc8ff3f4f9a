/**
 * The data settings that applied to a run (src/shared/runSettings.ts), as rows of a facts list: lookback, horizon,
 * features and the real split for a series; sequence length and sequences per split for a built-in task.
 */
import type { RunDetail } from '../../../shared/api'
import { runSettingsOf } from '../../../shared/runSettings'

export function RunSettingsFacts({ run }: { run: Pick<RunDetail, 'task' | 'config' | 'dataset'> }): React.JSX.Element {
  const settings = runSettingsOf(run)
  return (
    <>
      {settings.items.map((item) => (
        <div key={item.key} className="fact-pair" data-testid={`setting-${item.key}`}>
          <dt>{item.label}</dt>
          <dd className={item.key === 'features' || item.key === 'target' ? 'mono' : undefined}>{item.value}</dd>
        </div>
      ))}
    </>
  )
}
