/**
 * The runs table's empty state: how to start a run here, or from a terminal into this same lab (its own `--db`, so a
 * command pasted from here trains into the lab on screen, not the default one).
 */
import { useEffect, useState } from 'react'
import { useApi } from '../api/context'
import { href } from '../lib/useRoute'
import { shellWord } from '../format'

export function EmptyLabHint(): React.JSX.Element {
  const api = useApi()
  const [db, setDb] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    // getLabPath, not getSystemInfo: the system info starts a trainer process to probe it, the path needs nothing.
    api.getLabPath({}).then(
      (lab) => live && setDb(lab.dbPath),
      () => undefined // the hint without --db still works for the default lab
    )
    return () => {
      live = false
    }
  }, [api])
  const command = `npx gatelab train --task adding${db ? ` --db ${shellWord(db)}` : ''}`
  return (
    <>
      <p className="empty-title">No runs yet</p>
      <p>
        Start one with <a href={href({ name: 'new', from: null })}>New run</a>, or run <code data-testid="empty-cli-hint">{command}</code> in a terminal.
      </p>
    </>
  )
}
