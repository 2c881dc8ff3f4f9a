/**
 * Data folders in settings (issue 19): the System page lists where the lab may read data files from, and the user adds
 * and removes folders there. The host validates each (a system folder is refused with the reason), stores the list in
 * the lab database, and the local API's data-path rule honours it: a CSV file outside home and the lab's data folder
 * is refused until its folder is added, read once it is, and refused again after it is removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, screenshotDir } from '../helpers/browser'
import { startHost, tempDir, type RunningHost } from '../helpers/host'
import { Store } from '../../src/main/store/store'

describe('data folders on the System page', () => {
  let host: RunningHost
  let browser: Browser
  let page: Page
  const home = tempDir('gatelab-df-home-')
  const outside = tempDir('gatelab-df-data-')
  const file = join(outside, 'series.csv')

  const call = async (method: string, args: unknown): Promise<{ ok: boolean; error?: { code: string; message: string }; value?: unknown }> =>
    fetch(`${host.origin}/api/call/${method}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' }, body: JSON.stringify(args) }).then(
      (r) => r.json() as Promise<{ ok: boolean; error?: { code: string; message: string } }>
    )

  beforeAll(async () => {
    writeFileSync(file, 'time,value\n' + Array.from({ length: 50 }, (_, i) => `${i},${Math.sin(i)}`).join('\n') + '\n')
    ;[host, browser] = await Promise.all([startHost({ env: { HOME: home, GATELAB_DATA_DIRS: '' } }), launchChromium()])
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })
  })
  afterAll(async () => {
    await browser?.close()
    await host?.stop()
  })

  it('adds a folder (refusing a system folder), the API then reads from it, and removing it closes it again', async () => {
    const before = await call('inspectCsv', { path: file })
    expect(before.ok).toBe(false)
    expect(before.error?.message).toMatch(/outside the folders GateLab may read data from .* add its folder under Data folders on the System page/)

    await page.goto(`${host.url}#/system`)
    const card = page.getByTestId('data-folders')
    await card.getByText(home).waitFor({ timeout: 30_000 })
    await expect(card.getByText('this lab’s data folder (uploads)').count()).resolves.toBe(1)

    const input = card.getByLabel('Folder')
    await input.fill('/etc')
    await card.getByRole('button', { name: 'Add folder' }).click()
    await expect(card.getByRole('alert').textContent()).resolves.toMatch(/\/etc is a system folder \(\/etc\): it holds system files, not data/)
    await input.fill(join(outside, 'no-such-folder'))
    await card.getByRole('button', { name: 'Add folder' }).click()
    await expect.poll(() => card.getByRole('alert').textContent(), { timeout: 15_000 }).toMatch(/There is no folder .*no-such-folder/)

    await input.fill(outside)
    await card.getByRole('button', { name: 'Add folder' }).click()
    await card.getByTestId('added-folder').getByText(outside).waitFor({ timeout: 10_000 })
    await expect(card.getByRole('alert').count()).resolves.toBe(0)
    await card.screenshot({ path: join(screenshotDir, 'system-data-folders.png') })

    const after = await call('inspectCsv', { path: file })
    expect(after.ok, JSON.stringify(after.error)).toBe(true)
    expect(await call('getDataFolders', {})).toMatchObject({ ok: true, value: { added: [outside], home, fromEnvironment: [] } })

    await card.getByRole('button', { name: `Remove ${outside}` }).click()
    await expect.poll(() => card.getByTestId('added-folder').count(), { timeout: 15_000 }).toBe(0)
    expect((await call('inspectCsv', { path: file })).ok).toBe(false)

    // The list lives in the lab database.
    await call('setDataFolders', { folders: [outside] })
    await host.stop()
    const store = Store.open(host.dbPath, { owner: { kind: 'test' }, readOnly: true })
    expect(store.getSetting('dataFolders')).toEqual([outside])
    store.close()
  })
})
