/**
 * A run's artifacts as the run page offers them for download (src/main/artifacts/, components/RunArtifacts/): the
 * listing, the download in chunks, and the rule for an artifact's name.
 *
 * Artifacts live in the lab's SQLite file (the `artifacts` table, docs/STORE.md), keyed by run and name. A name is a
 * plain file name — no folders, no "..", nothing absolute — both when it is stored and when it is asked for, so a name
 * can never reach outside the run (on disk, the cluster importer reads `attempt-K/artifacts/NAME` with the same rule).
 *
 * A download travels in chunks of at most ARTIFACT_CHUNK_BYTES (base64 inside the API's JSON, over HTTP in browser mode
 * and over IPC in the desktop app), each pinned to the sha256 the first one reported: if the run saves a newer file
 * under the same name meanwhile (best weights so far), the next chunk is refused rather than mixed.
 */
import { z } from 'zod'
import type { ArtifactInfo } from './api'

/** The most bytes one downloadArtifact answer carries (8 MiB; 11 MiB as base64). */
export const ARTIFACT_CHUNK_BYTES = 8 * 1024 * 1024
/** The most bytes "Download all" puts into one zip; above it the files are downloaded one by one. */
export const ARTIFACT_ZIP_MAX_BYTES = 256 * 1024 * 1024

const runId = z.string().min(1).max(100)
/** Any string up to 1,000 characters: the host checks it with artifactNameProblem and says what is wrong. */
const artifactName = z.string().max(1000)

export const artifactRequestSchemas = {
  /** A run's stored files (weights, topology, predictions…), each with what it is in words and whether it is whole. */
  listArtifacts: z.object({ id: runId }).strict(),
  /**
   * One chunk of a stored file: bytes [offset, offset + ARTIFACT_CHUNK_BYTES). Give the sha256 the first chunk
   * reported with every later chunk; a file replaced meanwhile is refused (the download starts again).
   */
  downloadArtifact: z
    .object({
      id: runId,
      name: artifactName,
      offset: z.number().int().min(0).default(0),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lowercase hex digits').optional()
    })
    .strict(),
  /** Every stored file of a run in one zip (`<run id>-artifacts.zip`), up to ARTIFACT_ZIP_MAX_BYTES together. */
  downloadArtifactsZip: z.object({ id: runId }).strict()
} as const

/** One stored file of a run, as the run page lists it. */
export interface ArtifactEntry extends ArtifactInfo {
  /** What the file is, in words ("best weights, float32, tfjs binary"). */
  description: string
  /**
   * 'stored': whole in the lab file. 'damaged': the bytes in the lab file are not as many as were recorded (a repaired
   * or damaged lab file); `problem` says what happened and what to do.
   */
  state: 'stored' | 'damaged'
  problem?: string
}

export interface ArtifactListing {
  runId: string
  entries: ArtifactEntry[]
  /** Bytes of all entries together. */
  totalBytes: number
  /** Whether "Download all" can put them into one zip (ARTIFACT_ZIP_MAX_BYTES), and why not. */
  zip: { ok: true; name: string } | { ok: false; reason: string }
}

/** One chunk of a file. `done` when offset + chunk bytes reach `bytes`. */
export interface ArtifactChunk {
  name: string
  mediaType: string
  /** The whole file's size and sha256, as recorded when the run saved it. */
  bytes: number
  sha256: string
  offset: number
  base64: string
  done: boolean
}

export interface ArtifactsZip {
  name: string
  mediaType: 'application/zip'
  base64: string
  /** The files in it. */
  files: string[]
}

export interface ArtifactResults {
  listArtifacts: ArtifactListing
  downloadArtifact: ArtifactChunk
  downloadArtifactsZip: ArtifactsZip
}

/**
 * Why `name` cannot be an artifact's name, or null when it can: a plain file name of 1–200 characters without
 * folders ("/" or "\"), "." or "..", a drive letter or other control characters. The message says what to give instead.
 */
export function artifactNameProblem(name: string): string | null {
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)
  const plain = 'an artifact is named by a plain file name such as weights.bin'
  if (name.length === 0) return `An artifact name is empty: ${plain}.`
  if (name.length > 200) return `The artifact name ${shown} is ${name.length} characters long: ${plain}, of at most 200 characters.`
  if (/[\\/]/.test(name)) return `The artifact name ${shown} contains a folder ("/" or "\\"): ${plain}, without folders.`
  if (name === '.' || name === '..') return `The artifact name ${shown} names a folder, not a file: ${plain}.`
  if (/^[A-Za-z]:/.test(name)) return `The artifact name ${shown} starts with a drive letter: ${plain}, without a drive or folders.`
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return `The artifact name ${shown} contains a control character: ${plain}.`
  return null
}

/** What a stored file is, in words, from its kind, name and media type. */
export function describeArtifact(a: Pick<ArtifactInfo, 'kind' | 'name' | 'mediaType'>): string {
  if (a.kind === 'weights' || a.name === 'weights.bin') return 'Best weights: float32 values in the order model.json lists them (tfjs binary)'
  if (a.kind === 'topology' || a.name === 'model.json') return 'Model topology and weights manifest (tfjs model.json; load with weights.bin)'
  if (a.kind === 'predictions' || a.name === 'predictions.json') return 'Predictions against truth on the test split (JSON)'
  if (a.kind === 'report') return 'A report of this run'
  if (a.mediaType.startsWith('application/json')) return `A JSON file the run saved (${a.kind})`
  return `A file the run saved (${a.kind}, ${a.mediaType})`
}

/** The zip "Download all" gives for a run. */
export function artifactsZipName(runId: string): string {
  return `gatelab-${runId}-artifacts.zip`
}
