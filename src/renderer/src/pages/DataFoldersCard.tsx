/**
 * System page, "Data folders": where the lab may read data files from (the local API's rule,
 * src/main/access/dataPaths.ts) — the home folder, the lab's data folder, GATELAB_DATA_DIRS — and the folders added in
 * the lab's settings, which can be added and removed here. The host checks each folder (it exists, is a folder, is not
 * the root or a system folder) and says why when it refuses one.
 */
import { useEffect, useId, useState } from 'react'
import type { DataFolders } from '../../../shared/api'
import { useApi } from '../api/context'

export function DataFoldersCard(): React.JSX.Element {
  const api = useApi()
  const inputId = useId()
  const [folders, setFolders] = useState<DataFolders | undefined>()
  const [path, setPath] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()

  useEffect(() => {
    api.getDataFolders({}).then(setFolders, (e: Error) => setError(e.message))
  }, [api])

  const save = (next: string[]): void => {
    setBusy(true)
    setError(undefined)
    api.setDataFolders({ folders: next }).then(
      (value) => {
        setFolders(value)
        setPath('')
        setBusy(false)
      },
      (e: Error) => {
        setError(e.message)
        setBusy(false)
      }
    )
  }

  const fixed = folders ? [
    { path: folders.home, why: 'your home folder' },
    { path: folders.labData, why: 'this lab’s data folder (uploads)' },
    ...folders.fromEnvironment.map((p) => ({ path: p, why: 'GATELAB_DATA_DIRS' }))
  ] : []

  return (
    <section className="card wide" aria-labelledby="data-folders-h" data-testid="data-folders">
      <h2 id="data-folders-h">Data folders</h2>
      <p className="muted small">The lab reads data files only from these folders. Add the folders that hold your CSV files.</p>
      {folders && (
        <table className="table">
          <tbody>
            {fixed.map((f) => (
              <tr key={`${f.why}:${f.path}`}>
                <td className="mono path">{f.path}</td>
                <td className="muted">{f.why}</td>
                <td />
              </tr>
            ))}
            {folders.added.map((p) => (
              <tr key={`added:${p}`} data-testid="added-folder">
                <td className="mono path">{p}</td>
                <td className="muted">added</td>
                <td>
                  <button type="button" disabled={busy} onClick={() => save(folders.added.filter((a) => a !== p))} aria-label={`Remove ${p}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault()
          if (folders && path.trim() !== '') save([...folders.added, path.trim()])
        }}
      >
        <label htmlFor={inputId}>Folder</label>
        <input id={inputId} className="mono" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/your/data" disabled={busy || !folders} size={40} />
        <button type="submit" disabled={busy || !folders || path.trim() === ''}>
          Add folder
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
