/** Files the page hands to the browser as downloads (exports, predictions, a run's stored files). */

export { base64Bytes } from './base64'

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
