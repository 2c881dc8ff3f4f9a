/**
 * Getting a data file into the form. The desktop app has a native open dialog and real paths for dropped files
 * (`window.gatelabDesktop`, from the preload); a browser has neither, so it uploads the file into the lab's data folder
 * (POST /api/upload, src/main/web/upload.ts) and the form uses the path the host saved it at.
 */
import type { DesktopFiles } from '../../../shared/ipc'

declare global {
  interface Window {
    gatelabDesktop?: DesktopFiles
  }
}

/** The token browser mode keeps for the session (api/httpTransport.ts). */
const TOKEN_KEY = 'gatelab.token'

export function desktopFiles(): DesktopFiles | undefined {
  return window.gatelabDesktop
}

/** Uploads a file into the lab's data folder; resolves to its path there, or rejects with the host's message. */
export async function uploadDataFile(file: File): Promise<string> {
  const token = window.sessionStorage.getItem(TOKEN_KEY) ?? ''
  let res: Response
  try {
    res = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: file
    })
  } catch {
    throw new Error('The GateLab host is not reachable: is `npm start` still running?')
  }
  const body = (await res.json().catch(() => null)) as { ok: true; value: { path: string } } | { ok: false; error: { message: string } } | null
  if (!body) throw new Error(`The host answered ${res.status} without a GateLab response`)
  if (!body.ok) throw new Error(body.error.message)
  return body.value.path
}

/** The path to use for a file the user chose or dropped: its own in the desktop app, else an upload's. */
export async function pathForFile(file: File): Promise<string> {
  const own = desktopFiles()?.pathForFile(file)
  return own ? own : uploadDataFile(file)
}
