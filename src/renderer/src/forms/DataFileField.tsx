/**
 * The CSV file of the New run form: a path to type, a "Choose file…" button (the native open dialog in the desktop app,
 * an upload into the lab's data folder in a browser) and, through `useFileDrop`, a file dropped anywhere on the form.
 */
import { useCallback, useRef, useState } from 'react'
import { desktopFiles, pathForFile } from './dataFiles'
import './forms.css'

export type FileStatus = { state: 'idle' } | { state: 'busy'; name: string } | { state: 'error'; message: string }

/** Drop handling for a form: a dropped file becomes the CSV path (uploaded first in a browser). */
export function useFileDrop(onPath: (path: string) => void): {
  status: FileStatus
  dragging: boolean
  take: (file: File) => void
  dropProps: Pick<React.HTMLAttributes<HTMLElement>, 'onDragOver' | 'onDragLeave' | 'onDrop'>
} {
  const [status, setStatus] = useState<FileStatus>({ state: 'idle' })
  const [dragging, setDragging] = useState(false)
  const take = useCallback(
    (file: File) => {
      setStatus({ state: 'busy', name: file.name })
      pathForFile(file).then(
        (path) => {
          setStatus({ state: 'idle' })
          onPath(path)
        },
        (e: Error) => setStatus({ state: 'error', message: `${file.name}: ${e.message}` })
      )
    },
    [onPath]
  )
  const hasFiles = (e: React.DragEvent): boolean => Array.from(e.dataTransfer.types).includes('Files')
  return {
    status,
    dragging,
    take,
    dropProps: {
      onDragOver: (e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        e.dataTransfer.dropEffect = 'copy'
        setDragging(true)
      },
      onDragLeave: (e) => {
        if (e.currentTarget === e.target) setDragging(false)
      },
      onDrop: (e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        setDragging(false)
        const file = e.dataTransfer.files[0]
        if (file) take(file)
      }
    }
  }
}

export function DataFileField({
  id,
  describedBy,
  invalid,
  path,
  onPath,
  take,
  status
}: {
  id: string
  describedBy: string | undefined
  invalid: boolean
  path: string
  onPath: (path: string) => void
  take: (file: File) => void
  status: FileStatus
}): React.JSX.Element {
  const input = useRef<HTMLInputElement>(null)
  const desktop = desktopFiles()
  const choose = (): void => {
    if (desktop) {
      void desktop.pickDataFile().then((picked) => picked && onPath(picked))
    } else input.current?.click()
  }
  return (
    <span className="file-field">
      <input id={id} className="mono" value={path} placeholder="/home/me/data/power.csv" aria-describedby={describedBy} aria-invalid={invalid ? true : undefined} onChange={(e) => onPath(e.target.value)} />
      <button type="button" onClick={choose} disabled={status.state === 'busy'}>
        {status.state === 'busy' ? `Uploading ${status.name}…` : 'Choose file…'}
      </button>
      {!desktop && (
        <input
          ref={input}
          type="file"
          hidden
          data-testid="csv-upload-input"
          accept=".csv,.tsv,.txt,text/csv,text/plain"
          onChange={(e) => {
            const file = e.target.files?.[0]
            if (file) take(file)
            e.target.value = ''
          }}
        />
      )}
    </span>
  )
}
