/** Files the page hands to the browser as downloads (exports, predictions, a run's stored files). */

/** The bytes of a base64 string (the API carries file bytes as base64). */
export function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  // A plain loop: Uint8Array.from over the string's iterator takes seconds for a chunk of 8 MiB.
  const text = atob(base64)
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

/** Hands a Blob to the browser as a download (a blob URL, which the CSP allows); the desktop app asks where to save it. */
export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Give the browser a moment to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
