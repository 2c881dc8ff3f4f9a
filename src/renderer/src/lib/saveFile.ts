/** Files the page hands to the browser as downloads (exports, predictions, a run's stored files). */

/** The bytes of a base64 string (the API carries file bytes as base64). */
export function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
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
