/**
 * Every host opens its lab through openLabStore (src/main/store/openLab.ts), which schedules the rolling backups: the
 * CLI and browser mode (host.ts) and the desktop app (index.ts, which cannot run here — no Electron binary — so its
 * source is checked to open the lab this one way).
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openLabStore } from '../../src/main/store/openLab'
import { listBackups } from '../../src/main/store/backup'
import { config, finishInfo, points, startInfo, tempDbPath } from '../fixtures/store/helpers'
import { repoRoot } from '../helpers/host'

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('openLabStore: one place that opens a lab and schedules its backups', () => {
  it('backs up on open when the lab changed, not when it did not, and never when turned off', async () => {
    const path = tempDbPath()
    const first = openLabStore(path, { owner: { kind: 'test' }, backups: { everyHours: 0, keep: 5 } })
    const id = first.createRun({ config: config({ name: 'a' }) }).id
    first.startRun(id, startInfo())
    first.appendMetrics(id, points('loss', 1, 50))
    first.finishRun(id, finishInfo())
    first.close()
    expect(listBackups(path)).toHaveLength(0) // everyHours 0: off

    const logged: string[] = []
    const second = openLabStore(path, { owner: { kind: 'test' }, backups: { everyHours: 6, keep: 5 }, log: (l) => logged.push(l) })
    for (let i = 0; i < 400 && listBackups(path).length === 0; i++) await wait(50) // up to 20 s: a loaded CI machine is slow to copy
    expect(listBackups(path)).toHaveLength(1)
    second.close()
    expect(logged).toEqual([])

    // Opened again at once, unchanged: no second copy.
    const third = openLabStore(path, { owner: { kind: 'test' }, backups: { everyHours: 6, keep: 5 } })
    await wait(300)
    expect(listBackups(path)).toHaveLength(1)
    third.close()
  })

  it('the periodic backup stops by itself once the lab is closed (no timer left touching a closed store)', async () => {
    const path = tempDbPath()
    const logged: string[] = []
    // A period of 0.1 s, so the timer fires several times within the test.
    const store = openLabStore(path, { owner: { kind: 'test' }, backups: { everyHours: 0.1 / 3600, keep: 5 }, log: (l) => logged.push(l) })
    await wait(250)
    store.close()
    await wait(400)
    expect(logged).toEqual([])
  })

  it('the desktop app (index.ts) and the Node hosts (host.ts) both open their lab with openLabStore', () => {
    for (const file of ['src/main/index.ts', 'src/main/host.ts']) {
      const source = readFileSync(join(repoRoot, file), 'utf8')
      expect(source, file).toMatch(/openLabStore\(/)
      expect(source, file).not.toMatch(/Store\.open\(/)
    }
  })
})
