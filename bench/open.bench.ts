/**
 * Opening a big lab: the check every open runs before its first write (src/main/store/integrity.ts, docs/RELIABILITY.md
 * "A damaged database") is sized so that a 1 GB lab opens in about a second. This generates a lab of about 1 GB
 * (256 MB with --quick) — a real run with tens of millions of metric points written straight into the store's own
 * tables — and measures `Store.open` (open check, migrations, owner row) and close, against SQLite's whole-file
 * `PRAGMA quick_check` of the same file (the check files up to 64 MB get; skipped with --quick: it takes many seconds).
 */
import { it } from 'vitest'
import { rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import Database from 'better-sqlite3'
import { Store } from '../src/main/store/store'
import { quickCheck } from '../src/main/store/integrity'
import { tempDir } from '../test/helpers/host'
import { config, startInfo } from '../test/fixtures/store/helpers'
import { median, quick, round, writeRows, type BenchRow } from './record'

it('open check of a 1 GB lab', () => {
  const rows: BenchRow[] = []
  const dir = tempDir('gatelab-bench-open-')
  const path = join(dir, 'lab.db')
  const targetBytes = (quick ? 256 : 1024) * 2 ** 20
  const store = Store.open(path, { owner: { kind: 'test' }, synchronous: 'normal' })
  const run = store.createRun({ config: config({ name: 'big' }) }).id
  store.startRun(run, startInfo())
  store.close()

  // Fill: metric points of one run, in the store's schema, without the store's per-batch bookkeeping (setup only).
  const db = new Database(path)
  db.pragma('synchronous = OFF')
  const rid = db.prepare('select rid from runs where id = ?').pluck().get(run) as number
  const insert = db.prepare('insert into metrics (run_rid, name_id, seq, epoch, step, wall_ms, value) values (?, ?, ?, ?, ?, ?, ?)')
  let seq = 0
  const t0 = performance.now()
  while (statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0) < targetBytes) {
    db.transaction(() => {
      for (let i = 0; i < 500_000; i++, seq++) insert.run(rid, 1 + (seq & 1), seq, seq >> 10, seq, seq * 0.25, Math.sin(seq / 1000))
    })()
    db.pragma('wal_checkpoint(TRUNCATE)')
  }
  db.close()
  const bytes = statSync(path).size
  const fillS = (performance.now() - t0) / 1000

  const opens: number[] = []
  let kind = ''
  for (let i = 0; i < (quick ? 3 : 5); i++) {
    const t = performance.now()
    const s = Store.open(path, { owner: { kind: 'test' } })
    s.close()
    opens.push(performance.now() - t)
  }
  // The check alone, as the open runs it (read-only connection).
  const ro = new Database(path, { readonly: true })
  const checks: number[] = []
  for (let i = 0; i < 3; i++) {
    const r = quickCheck(ro, path)
    kind = r.kind
    if (!r.ok) throw new Error(`the generated lab failed its check: ${r.problems.join('; ')}`)
    checks.push(r.ms)
  }
  let whole: number | undefined
  if (!quick) {
    const t = performance.now()
    ro.pragma('quick_check')
    whole = performance.now() - t
  }
  ro.close()
  const load = loadavg()[0]!
  const mb = Math.round(bytes / 2 ** 20)
  const note = `${mb} MB lab, ${seq.toLocaleString('en-US')} metric points (filled in ${fillS.toFixed(0)} s); load average ${load.toFixed(1)} when measured`
  rows.push({ name: `open a ${mb} MB lab (Store.open + close, ${kind} check)`, value: round(median(opens) / 1000), unit: 's', ...(whole !== undefined ? { baseline: round(whole / 1000), ratio: round(median(opens) / whole) } : {}), note, firstOpenS: round(opens[0]! / 1000), loadAverage: round(load, 2) })
  rows.push({ name: `open check alone, ${mb} MB lab (${kind})`, value: round(median(checks) / 1000), unit: 's', ...(whole !== undefined ? { baseline: round(whole / 1000), ratio: round(median(checks) / whole) } : {}), note })
  console.log(rows)
  writeRows('open', rows)
  rmSync(dir, { recursive: true, force: true })
})
