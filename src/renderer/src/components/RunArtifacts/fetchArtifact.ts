/**
 * Downloads one stored file of a run through the API (downloadArtifact, chunk by chunk: src/shared/artifacts.ts) and
 * checks the whole against the sha256 recorded when the run saved it. The same code runs in browser mode (HTTP) and in
 * the desktop app (IPC): it only talks to the GateLab API.
 */
import { GateLabError, type GateLabApi } from '../../../../shared/api'
import { base64Bytes } from '../../lib/base64'

async function sha256Hex(blob: Blob): Promise<string | null> {
  // crypto.subtle exists in secure contexts (127.0.0.1 and the desktop app's own scheme are).
  if (typeof crypto === 'undefined' || !crypto.subtle) return null
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** A failed download in the run page's words: what happened and what to do. */
export function downloadProblem(name: string, error: unknown): string {
  if (error instanceof GateLabError && error.code === 'not_found') {
    return `${name} is no longer stored for this run (the run was deleted, or it saved its files again): reload the page to see the files it has now.`
  }
  return error instanceof Error ? error.message : String(error)
}

export interface FetchedArtifact {
  blob: Blob
  sha256: string
  /** Whether the bytes were hashed here and matched (false only where the page cannot hash). */
  verified: boolean
}

export async function fetchArtifact(api: GateLabApi, runId: string, name: string, onProgress?: (done: number, total: number) => void): Promise<FetchedArtifact> {
  const parts: Uint8Array<ArrayBuffer>[] = []
  let offset = 0
  let sha256: string | undefined
  let mediaType = 'application/octet-stream'
  for (;;) {
    const chunk = await api.downloadArtifact({ id: runId, name, offset, ...(sha256 ? { sha256 } : {}) })
    sha256 = chunk.sha256
    mediaType = chunk.mediaType
    const bytes = base64Bytes(chunk.base64)
    parts.push(bytes)
    offset += bytes.byteLength
    onProgress?.(offset, chunk.bytes)
    if (chunk.done) break
    if (bytes.byteLength === 0) throw new Error(`${name}: the host sent no bytes at ${offset} of ${chunk.bytes}; download it again.`)
  }
  const blob = new Blob(parts, { type: mediaType })
  const actual = await sha256Hex(blob)
  if (actual !== null && actual !== sha256) {
    throw new Error(`${name} arrived with other bytes than the run saved (sha256 ${actual.slice(0, 12)}…, recorded ${sha256!.slice(0, 12)}…): download it again; if it happens again, the lab file is damaged.`)
  }
  return { blob, sha256: sha256!, verified: actual !== null }
}
