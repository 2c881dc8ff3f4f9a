/**
 * The walking skeleton end to end, in a real browser: Chromium opens the URL the host printed, the page asks the
 * host for system info, the host starts a real trainer process, and what the trainer reported shows on the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { openLabPage, screenshotDir, type LabPage } from '../helpers/browser'
import type { RunningHost } from '../helpers/host'

describe('the lab in Chromium (browser mode)', () => {
  let host: RunningHost
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  let lab: LabPage | undefined
  beforeAll(async () => {
    // CSP violations and failed requests surface as console errors: there must be none.
    lab = await openLabPage(consoleErrors, { viewport: { width: 1280, height: 820 } })
    ;({ host, browser, page } = lab)
  })
  afterAll(async () => {
    await lab?.close()
  })

  it('shows what a real trainer process reported, live', async () => {
    await page.goto(`${host.url}#/system`)
    const backend = page.getByTestId('trainer-backend')
    await backend.waitFor({ timeout: 30_000 })
    const shownBackend = (await backend.textContent())!.split(' ·')[0]!.trim()
    const shownPid = Number(await page.getByTestId('trainer-pid').textContent())

    // The same host, asked directly, names the same backend; the pid is a process the host started, not itself.
    const info = await fetch(`${host.origin}/api/call/getSystemInfo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}` },
      body: '{}'
    }).then((r) => r.json() as Promise<{ value: { trainer: { backend: string; pid: number }; dbPath: string } }>)
    expect(shownBackend).toBe(info.value.trainer.backend)
    expect(shownPid).toBe(info.value.trainer.pid)
    expect(shownPid).not.toBe(host.child.pid)
    await expect(page.getByTestId('db-path').textContent()).resolves.toBe(host.dbPath)

    // Which fused kernels the trainer runs, native or WebAssembly, and why (issue 18), as the trainer reported them.
    const kernels = (info.value.trainer as { kernels?: { kernels: string; reason: string } }).kernels
    expect(kernels?.kernels).toMatch(/^(native-(avx512|avx2|sse|neon)|relaxed-simd|simd128)$/)
    await expect(page.getByTestId('fused-kernels-running').textContent()).resolves.toContain(kernels!.kernels)
    await expect(page.getByTestId('fused-kernels-why').textContent()).resolves.toContain(kernels!.reason)

    // "Probe again" starts a new trainer process: a new pid travels UI → host → trainer → UI.
    await page.getByRole('button', { name: 'Probe again' }).click()
    await expect
      .poll(async () => Number(await page.getByTestId('trainer-pid').textContent()), { timeout: 30_000 })
      .not.toBe(shownPid)

    // Live host status arrives over Server-Sent Events.
    await page.getByText(/host up/).waitFor({ timeout: 10_000 })
    // The token left the address bar (no leaks into bookmarks or screenshots).
    expect(page.url()).not.toContain('token=')
    await page.screenshot({ path: join(screenshotDir, 'system-browser-mode.png'), fullPage: true })
    expect(consoleErrors).toEqual([])
  })

  it('explains what to do when opened without the token', async () => {
    const fresh = await browser.newPage()
    await fresh.goto(host.origin + '/')
    await expect(fresh.getByRole('alert').textContent()).resolves.toMatch(/needs the token GateLab printed/)
    await fresh.close()
  })
})
