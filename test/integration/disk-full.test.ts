/**
 * A full disk ends a run cleanly (docs/RELIABILITY.md): on a small tmpfs, the first failed write stops the run as
 * failed with "disk full: … free at DIR", said once; `train --json` prints that final state; the lab can still be
 * listed and viewed (read-only) while the disk is full; creating a lab on a full disk says "disk full" and leaves no
 * file behind. The CLI parts use the built CLI (`npm run build` first).
 *
 * Mounting a tmpfs needs root (as in this project's CI container); elsewhere the tests print why they are skipped.
 */
import { describe, expect, it } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { closeSync, existsSync, openSync, readdirSync, rmSync, statfsSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { Store, StoreError } from '../../src/main/store/store'
import { canMountTmpfs, cliEntry, repoRoot, tempDir } from '../helpers/host'
import { config, points, startInfo } from '../fixtures/store/helpers'

const canMount = process.getuid?.() === 0 && canMountTmpfs()
if (!canMount) console.log('disk-full tests skipped: mounting a tmpfs needs root and mount(8) (this is not root or mount failed)')

async function withTmpfs<T>(size: string, fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = tempDir('gatelab-full-')
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir])
  try {
    return await fn(dir)
  } finally {
    execFileSync('umount', ['-l', dir])
  }
}

/** Fills the file system of `dir` to the last byte. */
function fill(dir: string): string {
  const file = join(dir, 'filler')
  const fd = openSync(file, 'a')
  const block = Buffer.alloc(4096)
  try {
    for (;;) writeSync(fd, block)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  } finally {
    closeSync(fd)
  }
  return file
}

function gatelab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliEntry, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe.skipIf(!canMount)('a full disk', () => {
  it('creating a lab on a full disk says "disk full" and leaves no file behind (store and CLI)', async () => {
    await withTmpfs('1m', (dir) => {
      fill(dir)
      const path = join(dir, 'sub', 'new.db')
      let error: unknown
      try {
        Store.open(path, { owner: { kind: 'test' } }).close()
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(StoreError)
      expect((error as StoreError).code).toBe('disk_full')
      expect((error as StoreError).message).toMatch(/disk full: .* free at /)
      expect(readdirSync(dir)).toEqual(['filler'])

      const cli = gatelab(['train', '--db', join(dir, 'cli.db'), '--task', 'sine', '--epochs', '1', '--json'])
      expect(cli.code).toBe(1)
      expect(cli.stderr).toMatch(/disk full: .* free at /)
      expect(cli.stderr).not.toMatch(/SQLITE_|\bat .*:\d+:\d+/)
      expect(readdirSync(dir)).toEqual(['filler'])
    })
  })

  it('a lab can be listed and viewed read-only while the disk is full; writes say why they cannot happen', async () => {
    await withTmpfs('2m', (dir) => {
      const path = join(dir, 'lab.db')
      const store = Store.open(path, { owner: { kind: 'test' } })
      const id = store.createRun({ config: config({ name: 'kept' }) }).id
      store.startRun(id, startInfo())
      store.appendMetrics(id, points('loss', 1, 50))
      store.close()
      rmSync(`${path}-reserve`, { force: true })
      fill(dir)
      const ro = Store.open(path, { owner: { kind: 'test' }, readOnly: true })
      expect(ro.listRuns({}).rows.map((r) => r.id)).toEqual([id])
      expect(ro.getFullSeries(id)).toHaveLength(50)
      expect(() => ro.setNotes(id, 'x')).toThrow(/read-only/)
      ro.close()

      const list = gatelab(['runs', '--db', path, '--json'])
      expect(list.stderr).toMatch(/disk full: .* free at .*read-only/)
      expect(list.code).toBe(0)
      expect((JSON.parse(list.stdout) as { id: string }[]).map((r) => r.id)).toEqual([id])
      const show = gatelab(['show', id, '--db', path])
      expect(show.code).toBe(0)
      expect(show.stdout).toContain('kept')
      expect(readdirSync(dir).sort()).toEqual(['filler', 'lab.db'])
    })
  })

  it('the first failed write stops a training run as failed, said once; train --json prints the final state', async () => {
    await withTmpfs('3m', (dir) => {
      const path = join(dir, 'lab.db')
      // Leave ~200 KiB beside a fresh lab (its reserve is made while there is room): a few epochs of metrics fit.
      Store.open(path, { owner: { kind: 'test' } }).close()
      const filler = join(dir, 'filler')
      const free = (): number => {
        const s = statfsSync(dir)
        return s.bavail * s.bsize
      }
      const fd = openSync(filler, 'a')
      while (free() > 200 * 1024) writeSync(fd, Buffer.alloc(4096))
      closeSync(fd)
      const t0 = Date.now()
      const r = gatelab(['train', '--db', path, '--task', 'sine', '--units', '8', '--epochs', '2000', '--samples', '64', '--batch', '8', '--json'])
      const seconds = (Date.now() - t0) / 1000
      expect(r.code).toBe(1)
      const result = JSON.parse(r.stdout) as { status: string; error: string; runId: string }
      expect(result.status).toBe('failed')
      expect(result.error).toMatch(/disk full: .* free at /)
      // Said once in the host log (plus nothing else repeating), not once per batch.
      expect(r.stderr.match(/disk full/g)?.length ?? 0).toBeLessThanOrEqual(1)
      expect(seconds).toBeLessThan(100)
      // Metrics written before the disk filled are kept and readable.
      rmSync(filler)
      const store = Store.open(path, { owner: { kind: 'test' } })
      const run = store.getRun(result.runId)
      expect(run.status).toBe('failed')
      expect(store.integrityCheck()).toEqual(['ok'])
      store.close()
      expect(existsSync(`${path}-reserve`)).toBe(true) // made again once there was room
    })
  }, 150_000)
})
