/**
 * Salvage: copies what can still be read from a damaged lab into a new lab file (`gatelab doctor --salvage`).
 *
 * The source is opened read-only and never written. The target is a fresh lab at the current schema; every table is
 * copied in key order, in chunks, by primary key (rowid tables by rowid, WITHOUT ROWID tables by their key tuple).
 * When a chunk cannot be read (a damaged page), the copy skips ahead past the damage — the last key component first,
 * by growing steps, then the earlier ones — so one bad page costs the rows on that page, not the rest of the table.
 * Afterwards rows whose run is gone are dropped, and metric summaries are rebuilt from the metric points that survived
 * (their arrival numbers renumbered 0…n-1, so appending stays consistent).
 */
import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { Store } from './store'
import { StoreError } from './errors'
import { integrityCheck } from './integrity'
import type { Db } from './db'

export interface TableSalvage {
  table: string
  copied: number
  /** Rows SQLite could count in the damaged file, when it could count them. */
  expected: number | null
  /** Read errors skipped over. */
  skipped: number
}

export interface SalvageResult {
  target: string
  tables: TableSalvage[]
  runs: number
  /** Integrity check of the new file: ['ok'] when sound. */
  targetCheck: string[]
}

const CHUNK = 500
const MAX_SKIP_TRIES = 40

interface TableShape {
  name: string
  columns: string[]
  /** Primary key columns in order; ['rowid'] for rowid tables. */
  key: string[]
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function isReadError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_IOERR'))
}

function shapeOf(db: Db, table: string): TableShape | undefined {
  try {
    const info = db.prepare(`select name, pk from pragma_table_info(?)`).all(table) as { name: string; pk: number }[]
    if (info.length === 0) return undefined
    const sql = (db.prepare("select sql from sqlite_schema where type = 'table' and name = ?").pluck().get(table) as string) ?? ''
    const withoutRowid = /without\s+rowid\s*;?\s*$/i.test(sql.trim())
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name)
    return { name: table, columns: info.map((c) => c.name), key: withoutRowid ? pk : ['rowid'] }
  } catch (error) {
    if (isReadError(error)) return undefined
    throw error
  }
}

/** Copies one table; returns how many rows were copied and how many read errors were skipped. */
function copyTable(source: Db, target: Db, shape: TableShape, columns: string[]): { copied: number; skipped: number } {
  const rowid = shape.key.length === 1 && shape.key[0] === 'rowid'
  const keyCols = shape.key
  const selectCols = [...new Set([...(rowid ? ['rowid as __rowid'] : []), ...columns.map(quote)])].join(', ')
  const keyExpr = rowid ? ['rowid'] : keyCols.map(quote)
  const order = keyExpr.join(', ')
  const insert = target.prepare(
    `insert or ignore into ${quote(shape.name)} (${[...(rowid ? ['rowid'] : []), ...columns].map((c) => (c === 'rowid' ? c : quote(c))).join(', ')}) ` +
      `values (${[...(rowid ? ['?'] : []), ...columns.map(() => '?')].join(', ')})`
  )
  const first = source.prepare(`select ${selectCols} from ${quote(shape.name)} order by ${order} limit ${CHUNK}`)
  // After a key: (k1..kn) > (v1..vn). For skipping: (k1..ki) >= (v1..vi) with vi advanced.
  const after = (n: number, op: '>' | '>='): Database.Statement =>
    source.prepare(
      `select ${selectCols} from ${quote(shape.name)} where (${keyExpr.slice(0, n).join(', ')}) ${op} (${keyExpr
        .slice(0, n)
        .map(() => '?')
        .join(', ')}) order by ${order} limit ${CHUNK}`
    )
  const keyOf = (row: Record<string, unknown>): unknown[] => (rowid ? [row.__rowid] : keyCols.map((c) => row[c]))
  const write = target.transaction((rows: Record<string, unknown>[]) => {
    for (const row of rows) insert.run(...(rowid ? [row.__rowid] : []), ...columns.map((c) => row[c]))
  })

  let copied = 0
  let skipped = 0
  let last: unknown[] | undefined
  let query: { stmt: Database.Statement; params: unknown[] } = { stmt: first, params: [] }
  for (;;) {
    let rows: Record<string, unknown>[]
    try {
      rows = query.stmt.all(...query.params) as Record<string, unknown>[]
    } catch (error) {
      if (!isReadError(error)) throw error
      skipped++
      const next = skipPast(source, shape, after, keyExpr.length, last)
      if (!next) break
      rows = next
    }
    if (rows.length === 0) break
    write(rows)
    copied += rows.length
    last = keyOf(rows[rows.length - 1]!)
    query = { stmt: after(keyExpr.length, '>'), params: last }
  }
  return { copied, skipped }
}

/** Finds the first readable chunk beyond a damaged region, advancing integer key components by growing steps. */
function skipPast(
  _source: Db,
  _shape: TableShape,
  after: (n: number, op: '>' | '>=') => Database.Statement,
  keyLength: number,
  last: unknown[] | undefined
): Record<string, unknown>[] | undefined {
  const base = last ?? Array.from({ length: keyLength }, () => Number.MIN_SAFE_INTEGER)
  for (let level = keyLength; level >= 1; level--) {
    const v = base[level - 1]
    if (typeof v !== 'number' && typeof v !== 'bigint') continue // text keys cannot be stepped over
    let step = 1
    for (let tries = 0; tries < MAX_SKIP_TRIES; tries++, step *= 2) {
      const start = Number(v === Number.MIN_SAFE_INTEGER ? 0 : v) + step
      const params = [...base.slice(0, level - 1), start]
      try {
        return after(level, '>=').all(...params) as Record<string, unknown>[]
      } catch (error) {
        if (!isReadError(error)) throw error
      }
    }
  }
  return undefined
}

function countOf(db: Db, table: string): number | null {
  try {
    return db.prepare(`select count(*) from ${quote(table)}`).pluck().get() as number
  } catch {
    return null
  }
}

/** Tables in an order that lets rows refer to earlier ones; unknown tables last. */
const tableOrder = ['schema_migrations', 'sweeps', 'owners', 'counters', 'runs', 'metric_names', 'metrics', 'metric_summary', 'artifacts', 'run_tags', 'run_logs', 'deleted_runs']

export function salvage(sourcePath: string, targetPath: string): SalvageResult {
  if (existsSync(targetPath)) {
    throw new StoreError('invalid', `${targetPath} already exists: give --salvage a new file name (GateLab never overwrites a lab).`, { path: targetPath })
  }
  // A fresh lab at the current schema, then emptied of the opening process's own bookkeeping rows.
  Store.open(targetPath, { owner: { kind: 'cli' } }).close()
  const source = new Database(sourcePath, { readonly: true, fileMustExist: true })
  const target = new Database(targetPath)
  try {
    target.pragma('foreign_keys = OFF')
    target.pragma('synchronous = NORMAL')
    for (const t of ['owners', 'counters']) target.exec(`delete from ${quote(t)}`)
    let sourceTables: string[]
    try {
      sourceTables = source.prepare("select name from sqlite_schema where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[]
    } catch (error) {
      if (!isReadError(error)) throw error
      sourceTables = [...tableOrder]
    }
    const targetTables = new Set(target.prepare("select name from sqlite_schema where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[])
    const ordered = [...tableOrder.filter((t) => sourceTables.includes(t)), ...sourceTables.filter((t) => !tableOrder.includes(t))]
    const tables: TableSalvage[] = []
    for (const table of ordered) {
      if (!targetTables.has(table) || table === 'schema_migrations') continue // the new file keeps its own history
      const shape = shapeOf(source, table)
      const targetShape = shapeOf(target, table)
      if (!shape || !targetShape) {
        tables.push({ table, copied: 0, expected: null, skipped: 1 })
        continue
      }
      const columns = shape.columns.filter((c) => targetShape.columns.includes(c))
      const { copied, skipped } = copyTable(source, target, shape, columns)
      tables.push({ table, copied, expected: countOf(source, table), skipped })
    }
    repair(target)
    const runs = target.prepare('select count(*) from runs').pluck().get() as number
    target.pragma('wal_checkpoint(TRUNCATE)')
    return { target: targetPath, tables, runs, targetCheck: integrityCheck(target).ok ? ['ok'] : integrityCheck(target).problems }
  } finally {
    source.close()
    target.close()
  }
}

/** Makes the salvaged rows consistent: no orphans, summaries rebuilt from the surviving points, counters right. */
function repair(db: Db): void {
  db.transaction(() => {
    for (const t of ['metrics', 'metric_summary', 'artifacts', 'run_tags', 'run_logs']) {
      db.exec(`delete from ${t} where run_rid not in (select rid from runs)`)
    }
    db.exec('update runs set sweep_id = null where sweep_id is not null and sweep_id not in (select id from sweeps)')
    db.exec('update runs set owner_id = null where owner_id is not null and owner_id not in (select id from owners)')
    // Renumber each series' arrival numbers 0..n-1 (points lost in the middle leave gaps appends would collide with).
    db.exec(`create temp table m as select run_rid, name_id, row_number() over (partition by run_rid, name_id order by seq) - 1 as seq,
               epoch, step, wall_ms, value from metrics`)
    db.exec('delete from metrics')
    db.exec('insert into metrics select * from temp.m')
    db.exec('drop table temp.m')
    db.exec('delete from metric_summary')
    db.exec(`insert into metric_summary (run_rid, name_id, count, last, last_step, last_epoch, min, min_step, min_epoch, max, max_step, max_epoch)
      select g.run_rid, g.name_id, g.n,
        l.value, l.step, l.epoch,
        mn.value, mn.step, mn.epoch,
        mx.value, mx.step, mx.epoch
      from (select run_rid, name_id, count(*) as n, max(seq) as last_seq from metrics group by run_rid, name_id) g
      join metrics l on l.run_rid = g.run_rid and l.name_id = g.name_id and l.seq = g.last_seq
      left join metrics mn on mn.run_rid = g.run_rid and mn.name_id = g.name_id and mn.seq =
        (select seq from metrics x where x.run_rid = g.run_rid and x.name_id = g.name_id and x.value is not null order by x.value asc, x.seq asc limit 1)
      left join metrics mx on mx.run_rid = g.run_rid and mx.name_id = g.name_id and mx.seq =
        (select seq from metrics x where x.run_rid = g.run_rid and x.name_id = g.name_id and x.value is not null order by x.value desc, x.seq asc limit 1)`)
    const maxSeq = db.prepare('select max(v) from (select max(seq) as v from runs union all select max(seq) from deleted_runs)').pluck().get() as number | null
    db.prepare("insert or replace into counters (name, value) values ('change_seq', ?)").run(maxSeq ?? 0)
  })()
}
