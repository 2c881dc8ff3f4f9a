/**
 * A run's artifacts for download (types and the name rule in src/shared/artifacts.ts): the run page's listing, the
 * download in chunks, and "Download all" as one zip. The Lab wires these handlers into its table, so the same code
 * answers browser mode (HTTP, behind the token and Host guards) and the desktop app (IPC through the preload).
 *
 * Only files stored for that run are reachable: a file is looked up by (run, name) in the lab file, and a name that
 * is not a plain file name is refused before any lookup. On disk (the cluster importer) `resolveArtifactFile` holds
 * the same line against folders, "..", absolute paths and symbolic links (paths.ts).
 */
import { createHash } from 'node:crypto'
import { zipSync, type Zippable } from 'fflate'
import { GateLabError, type ApiHandlers, type ArtifactInfo } from '../../shared/api'
import {
  ARTIFACT_CHUNK_BYTES,
  ARTIFACT_ZIP_MAX_BYTES,
  artifactNameProblem,
  artifactsZipName,
  describeArtifact,
  type ArtifactChunk,
  type ArtifactEntry,
  type ArtifactListing,
  type ArtifactsZip
} from '../../shared/artifacts'
import type { LabStore } from '../labStore'

export { resolveArtifactFile, ArtifactPathError } from './paths'

type ArtifactStore = Pick<LabStore, 'getRun' | 'getArtifact' | 'readArtifactRange'>

const mib = (n: number): string => `${(n / 1024 ** 2).toFixed(1)} MiB`

/** Refuses a name that is not a plain file name, with the reason (bad_request). */
function checkName(name: string): void {
  const problem = artifactNameProblem(name)
  if (problem) throw new GateLabError({ code: 'bad_request', message: problem })
}

function damagedMessage(info: ArtifactInfo, stored: number): string {
  return (
    `${info.name} is damaged in the lab file: ${stored.toLocaleString('en-US')} of its ${info.bytes.toLocaleString('en-US')} bytes are there ` +
    '(the lab file was repaired or damaged after the run saved it). Train the run again to get this file back.'
  )
}

/** The run's stored files with what each is and whether it is whole; "Download all" when they fit one zip. */
export function listArtifacts(store: ArtifactStore, id: string): ArtifactListing {
  const run = store.getRun(id)
  const entries: ArtifactEntry[] = run.artifacts.map((info) => {
    const { stored } = store.readArtifactRange(id, info.name, 0, 0)
    const entry: ArtifactEntry = { ...info, description: describeArtifact(info), state: stored === info.bytes ? 'stored' : 'damaged' }
    if (entry.state === 'damaged') entry.problem = damagedMessage(info, stored)
    return entry
  })
  const totalBytes = entries.reduce((sum, e) => sum + e.bytes, 0)
  const zip: ArtifactListing['zip'] =
    entries.length === 0
      ? { ok: false, reason: 'The run has no stored files yet.' }
      : totalBytes > ARTIFACT_ZIP_MAX_BYTES
        ? { ok: false, reason: `The files are ${mib(totalBytes)} together, over the ${mib(ARTIFACT_ZIP_MAX_BYTES)} one zip may hold: download them one by one.` }
        : { ok: true, name: artifactsZipName(run.id) }
  return { runId: run.id, entries, totalBytes, zip }
}

/** One chunk of a stored file, pinned to the sha256 of the first chunk when `sha256` is given. */
export function downloadArtifact(store: ArtifactStore, request: { id: string; name: string; offset: number; sha256?: string }): ArtifactChunk {
  checkName(request.name)
  const { info, stored, data } = store.readArtifactRange(request.id, request.name, request.offset, ARTIFACT_CHUNK_BYTES)
  if (request.sha256 !== undefined && request.sha256 !== info.sha256) {
    throw new GateLabError({
      code: 'bad_request',
      message: `${info.name} changed while it downloaded (the run saved a newer version under the same name): download it again.`
    })
  }
  if (stored !== info.bytes) throw new GateLabError({ code: 'internal', message: damagedMessage(info, stored) })
  if (request.offset > info.bytes) {
    throw new GateLabError({ code: 'bad_request', message: `${info.name} has ${info.bytes} bytes; offset ${request.offset} is past its end.` })
  }
  return {
    name: info.name,
    mediaType: info.mediaType,
    bytes: info.bytes,
    sha256: info.sha256,
    offset: request.offset,
    base64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
    done: request.offset + data.byteLength >= info.bytes
  }
}

/** Every stored file of the run in one zip; each file's bytes are checked against its recorded sha256 first. */
export function downloadArtifactsZip(store: ArtifactStore, id: string): ArtifactsZip {
  const listing = listArtifacts(store, id)
  if (!listing.zip.ok) throw new GateLabError({ code: 'bad_request', message: listing.zip.reason })
  const files: Zippable = {}
  for (const entry of listing.entries) {
    checkName(entry.name) // stored names are checked when stored; a lab file from before that rule is checked here
    if (entry.problem) throw new GateLabError({ code: 'internal', message: entry.problem })
    const { data } = store.getArtifact(id, entry.name)
    if (createHash('sha256').update(data).digest('hex') !== entry.sha256) {
      throw new GateLabError({
        code: 'internal',
        message: `${entry.name} is damaged in the lab file: its bytes no longer match the sha256 recorded when the run saved it. Train the run again to get this file back.`
      })
    }
    // Weights are float32 noise to a compressor: stored as they are; text files (model.json) deflated.
    files[entry.name] = [data, { level: entry.mediaType.startsWith('application/json') ? 6 : 0 }]
  }
  const zip = zipSync(files, { mtime: new Date(listing.entries.reduce((t, e) => (e.createdAt > t ? e.createdAt : t), listing.entries[0]!.createdAt)) })
  return { name: listing.zip.name, mediaType: 'application/zip', base64: Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength).toString('base64'), files: Object.keys(files) }
}

/** The Lab's artifact requests. Usage in lab.ts: `...artifactHandlers(store)`. */
export function artifactHandlers(store: ArtifactStore): Pick<ApiHandlers, 'listArtifacts' | 'downloadArtifact' | 'downloadArtifactsZip'> {
  return {
    listArtifacts: async ({ id }) => listArtifacts(store, id),
    downloadArtifact: async (request) => downloadArtifact(store, request),
    downloadArtifactsZip: async ({ id }) => downloadArtifactsZip(store, id)
  }
}
