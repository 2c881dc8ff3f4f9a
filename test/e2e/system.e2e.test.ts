/**
 * The walking skeleton end to end, in a real browser: Chromium opens the URL the host printed, the page asks the
 * host for system info, the host starts a real trainer process, and what the trainer reported shows on the page.
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { openLabPageForTests, screenshotDir } from '../helpers/browser'
import { gatelab } from '../helpers/cli'
import { callApi, type RunningHost } from '../helpers/host'
import type { LabSettings } from '../../src/shared/limits'
import { formatBytes } from '../../src/shared/limits'

describe('the lab in Chromium (browser mode)', () => {
  let host: RunningHost
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  // CSP violations and failed requests surface as console errors: there must be none.
  openLabPageForTests(consoleErrors, (lab) => void ({ host, browser, page } = lab), { viewport: { width: 1280, height: 820 } })

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

  it('sets the memory limit on the System page: checked in the page’s words, kept in the lab, used by the New run form', async () => {
    await page.goto(`${host.url}#/system`)
    const card = page.getByTestId('memory-limit')
    const value = card.getByTestId('memory-limit-value')
    const before = await callApi<LabSettings>(host, 'getLabSettings', {})
    expect(before.memoryLimit.source).toBe('default')
    await expect.poll(() => value.textContent(), { timeout: 15_000 }).toBe(`${formatBytes(before.defaultMemoryLimitBytes)} · the default: half of this machine’s memory`)

    // Bad sizes are refused here, in the page's words, and nothing reaches the lab.
    const input = card.getByLabel('New limit')
    const set = card.getByRole('button', { name: 'Set limit' })
    await input.fill('lots')
    await set.click()
    await expect(card.getByTestId('memory-limit-problem').textContent()).resolves.toBe('Enter a size such as 8G, 512M or 1.5G (K, M, G or T: powers of 1024)')
    await expect(set.isDisabled()).resolves.toBe(true)
    await input.fill('512K')
    await expect(card.getByTestId('memory-limit-problem').textContent()).resolves.toBe('The memory limit must be at least 1M')
    await expect(callApi<LabSettings>(host, 'getLabSettings', {})).resolves.toMatchObject({ memoryLimit: { source: 'default' } })

    // A real size is kept in the lab: the API and `gatelab settings` read it back, and the New run form checks against it.
    await input.fill('2M')
    await expect(card.getByTestId('memory-limit-problem').count()).resolves.toBe(0)
    await set.click()
    await expect.poll(() => value.textContent(), { timeout: 15_000 }).toBe('2.00 MiB · set for this lab')
    await expect(callApi<LabSettings>(host, 'getLabSettings', {})).resolves.toMatchObject({ memoryLimit: { bytes: 2 * 2 ** 20, source: 'setting' } })
    const cli = gatelab(['settings', '--db', host.dbPath, '--json'])
    expect(cli.status, cli.stderr).toBe(0)
    expect((JSON.parse(cli.stdout) as LabSettings).memoryLimit).toEqual({ bytes: 2 * 2 ** 20, source: 'setting' })
    await card.screenshot({ path: join(screenshotDir, 'system-memory-limit.png') })

    await page.goto(`${host.url}#/new`)
    await expect
      .poll(() => page.getByTestId('run-estimate-error').textContent().catch(() => null), { timeout: 15_000 })
      .toMatch(/above the limit of 2\.00 MiB \(the lab’s memory-limit setting\)/)

    // "Use the default" removes the setting.
    await page.goto(`${host.url}#/system`)
    await card.getByRole('button', { name: 'Use the default' }).click()
    await expect.poll(() => value.textContent(), { timeout: 15_000 }).toBe(`${formatBytes(before.defaultMemoryLimitBytes)} · the default: half of this machine’s memory`)
    await expect(callApi<LabSettings>(host, 'getLabSettings', {})).resolves.toMatchObject({ memoryLimit: { source: 'default' } })
    await expect(card.getByRole('button', { name: 'Use the default' }).count()).resolves.toBe(0)
    expect(consoleErrors).toEqual([])
  })

  it('explains what to do when opened without the token', async () => {
    const fresh = await browser.newPage()
    await fresh.goto(host.origin + '/')
    await expect(fresh.getByRole('alert').textContent()).resolves.toMatch(/needs the token GateLab printed/)
    await fresh.close()
  })
})
