/**
 * The run page's Artifacts card: every file the run stored (best weights, model.json, predictions…), each a download
 * link with its size and what it is in words, and "Download all" as one zip. Files come from the lab file through the
 * API (listArtifacts, downloadArtifact in chunks, downloadArtifactsZip: src/shared/artifacts.ts), in browser mode and
 * in the desktop app alike; each download is checked against the sha256 recorded when the run saved the file.
 */
import { useCallback, useEffect, useState } from 'react'
import type { RunDetail } from '../../../../shared/api'
import type { ArtifactListing } from '../../../../shared/artifacts'
import { useApi } from '../../api/context'
import { base64Bytes, saveBlob } from '../../lib/saveFile'
import { formatBytes } from '../../format'
import { ErrorNote } from '../bits'
import { downloadProblem, fetchArtifact } from './fetchArtifact'
import './runArtifacts.css'

type Transfer =
  | { kind: 'idle' }
  | { kind: 'busy'; name: string; done: number; total: number }
  | { kind: 'done'; name: string; checked: 'file' | 'zip' | null }
  | { kind: 'error'; message: string }

const terminal = new Set(['completed', 'failed', 'cancelled', 'interrupted'])

export function RunArtifacts({ run }: { run: RunDetail }): React.JSX.Element {
  const api = useApi()
  const [listing, setListing] = useState<ArtifactListing | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [transfer, setTransfer] = useState<Transfer>({ kind: 'idle' })
  // Read again when the run stores a file or replaces one (best weights so far), or finishes.
  const signature = `${run.id}|${run.status}|${run.artifacts.map((a) => `${a.name}:${a.sha256}`).join(',')}`
  const load = useCallback(() => {
    api.listArtifacts({ id: run.id }).then(
      (l) => {
        setListing(l)
        setLoadError(null)
      },
      (e: Error) => setLoadError(e.message)
    )
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, signature])
  useEffect(load, [load])

  const busy = transfer.kind === 'busy'
  const downloadOne = (name: string): void => {
    setTransfer({ kind: 'busy', name, done: 0, total: 0 })
    fetchArtifact(api, run.id, name, (done, total) => setTransfer({ kind: 'busy', name, done, total })).then(
      (file) => {
        saveBlob(name, file.blob)
        setTransfer({ kind: 'done', name, checked: file.verified ? 'file' : null })
      },
      (e: unknown) => {
        setTransfer({ kind: 'error', message: downloadProblem(name, e) })
        load() // the listing may be out of date: show what the run has now
      }
    )
  }
  const downloadAll = (): void => {
    if (!listing?.zip.ok) return
    const name = listing.zip.name
    setTransfer({ kind: 'busy', name, done: 0, total: listing.totalBytes })
    api.downloadArtifactsZip({ id: run.id }).then(
      (zip) => {
        saveBlob(zip.name, new Blob([base64Bytes(zip.base64)], { type: zip.mediaType }))
        setTransfer({ kind: 'done', name: zip.name, checked: 'zip' }) // the host checked each file's sha256
      },
      (e: unknown) => {
        setTransfer({ kind: 'error', message: downloadProblem(name, e) })
        load()
      }
    )
  }

  const entries = listing?.entries ?? []
  return (
    <section className="card run-artifacts" aria-labelledby="artifacts-h" data-testid="run-artifacts">
      <div className="card-head">
        <h2 id="artifacts-h">Artifacts</h2>
        {entries.length > 0 && listing && (
          <button
            type="button"
            className="small"
            onClick={downloadAll}
            disabled={busy || !listing.zip.ok}
            title={listing.zip.ok ? `Every file above in one zip (${formatBytes(listing.totalBytes)} before compression)` : listing.zip.reason}
            data-testid="artifacts-download-all"
          >
            Download all (zip)
          </button>
        )}
      </div>
      <ErrorNote message={loadError} />
      {listing === null && !loadError ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted">
          {terminal.has(run.status)
            ? 'This run stored no files: a run that failed, or ended before its first validation, keeps no weights.'
            : 'None yet. The best weights and the model topology are stored when the run ends (completed or cancelled).'}
        </p>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">What it is</th>
              <th scope="col" className="num">Size</th>
              <th scope="col">sha256</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((a) => (
              <tr key={a.name} data-testid={`artifact-${a.name}`}>
                <td className="mono">
                  {a.state === 'stored' ? (
                    <button type="button" className="link artifact-link" onClick={() => downloadOne(a.name)} disabled={busy} aria-label={`Download ${a.name}`} data-testid={`artifact-download-${a.name}`}>
                      {a.name}
                    </button>
                  ) : (
                    <span>{a.name}</span>
                  )}
                </td>
                <td className="small">
                  {a.description}
                  {a.problem && (
                    <span className="error" role="alert" data-testid={`artifact-problem-${a.name}`}>
                      <br />
                      {a.problem}
                    </span>
                  )}
                </td>
                <td className="num" title={`${a.bytes.toLocaleString('en-US')} bytes`}>{formatBytes(a.bytes)}</td>
                <td className="mono small" title={`sha256 ${a.sha256}`}>{a.sha256.slice(0, 8)}…</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="small artifact-status" aria-live="polite" data-testid="artifact-status">
        {transfer.kind === 'busy' &&
          `Downloading ${transfer.name}${transfer.total > 0 ? ` (${formatBytes(transfer.done)} of ${formatBytes(transfer.total)})` : ''}…`}
        {transfer.kind === 'done' && (
          <span className="ok">
            {transfer.name} downloaded{transfer.checked === 'file' ? ', sha256 checked' : transfer.checked === 'zip' ? ', each file checked against its sha256' : ''}
          </span>
        )}
        {transfer.kind === 'error' && (
          <span className="error" role="alert">
            {transfer.message}
          </span>
        )}
      </p>
    </section>
  )
}
