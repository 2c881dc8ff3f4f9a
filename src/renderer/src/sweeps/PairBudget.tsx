/**
 * The pair form's budget control: "Match parameter budgets" (on by default) with the reference cell, and the units and
 * parameter counts each cell will train with, as the host computes them on the chosen data (planSweep).
 */
import { useEffect, useId, useState } from 'react'
import { useApi } from '../api/context'
import { inWords } from '../../../shared/wording'
import type { SizedRun } from '../../../shared/budget'
import type { GateLabApi } from '../../../shared/api'
import { pairSpec, pairStatement, withPlannedUnits, type PairMatch } from './pairBudget'
import './sweeps.css'

/** The pair's configs as they will train: sized by the host (matched units when asked), or the host's reason why not. */
export async function plannedPair(api: GateLabApi, config: Record<string, unknown>, configs: ReadonlyArray<Record<string, unknown>>, match: PairMatch): Promise<Array<Record<string, unknown>>> {
  if (!match.on) return [...configs]
  const sizes = await api.planSweep({ spec: pairSpec(config, match) })
  if (!sizes.ok) throw new Error(`Could not match the parameter budgets: ${sizes.message}`)
  return withPlannedUnits(configs, sizes.runs)
}

export function PairBudget({ config, match, onMatch }: { config: Record<string, unknown> | null; match: PairMatch; onMatch: (m: PairMatch) => void }): React.JSX.Element {
  const api = useApi()
  const id = useId()
  const [answer, setAnswer] = useState<{ key: string; sizes: { runs: SizedRun[] } | { message: string } } | null>(null)
  const key = config ? JSON.stringify(pairSpec(config, match)) : null
  // An answer for another configuration is not shown (it would state units the runs will not get).
  const sizes = answer && answer.key === key ? answer.sizes : null
  const setSizes = (k: string, s: { runs: SizedRun[] } | { message: string }): void => setAnswer({ key: k, sizes: s })

  useEffect(() => {
    if (!key) return
    let live = true
    // Typing changes the config on every key: ask once the form has been still for a moment.
    const timer = setTimeout(() => {
      api.planSweep({ spec: JSON.parse(key) as Record<string, unknown> }).then(
        (r) => live && setSizes(key, r.ok ? { runs: r.runs } : { message: r.message }),
        (e: Error) => live && setSizes(key, { message: e.message })
      )
    }, 250)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [api, key])

  const statement = sizes && 'runs' in sizes ? pairStatement(sizes.runs, match) : null
  return (
    <div className="pair-budget" data-testid="pair-budget">
      <span className="check">
        <input id={id} type="checkbox" checked={match.on} onChange={(e) => onMatch({ ...match, on: e.target.checked })} />
        <label htmlFor={id}>Match parameter budgets</label>
      </span>
      {match.on && (
        <label className="small muted pair-reference">
          to the{' '}
          <select aria-label="Reference cell" value={match.reference} onChange={(e) => onMatch({ ...match, reference: e.target.value as PairMatch['reference'] })}>
            <option value="lstm">LSTM</option>
            <option value="gru">GRU</option>
          </select>{' '}
          <span>(it keeps your units)</span>
        </label>
      )}
      {statement ? (
        <p className="small pair-models" data-testid="pair-models">
          {statement.models}
          <br />
          <span className={statement.differ ? 'warn' : 'muted'} data-testid="pair-note">{statement.note}</span>
        </p>
      ) : sizes && 'message' in sizes ? (
        <p className="small muted">Parameter counts unavailable: {inWords(sizes.message, 'ui')}</p>
      ) : (
        <p className="small muted">{config ? 'Counting parameters…' : 'Parameter counts appear once the configuration is valid.'}</p>
      )}
    </div>
  )
}
