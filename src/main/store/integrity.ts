/**
 * Damage is caught before anything writes (docs/RELIABILITY.md, "A damaged database").
 *
 * `checkOnOpen` runs on a connection that has only read the file (db.ts, step one), before the first write (WAL mode,
 * the owner row, migrations). It is SQLite's quick check, sized to the file so that opening stays fast:
 *
 * - up to FULL_QUICK_CHECK_BYTES (64 MB): `PRAGMA quick_check` over the whole file (every page of every tree, the
 *   freelist, cell order within pages);
 * - above that: `PRAGMA quick_check(TABLE)` of every table except `metrics` (runs, summaries, artifacts, logs … with
 *   their indices: a few MB even in a big lab), and a walk of every page of the metrics tree (`count(*)` reads each
 *   page's header, so a page overwritten with zeros or garbage is found). A 1 GB lab opens in about a second this way
 *   (bench/store.bench.ts, "open check of a 1 GB lab").
 *
 * `gatelab doctor` (src/main/cli/doctor.ts) runs the full `PRAGMA integrity_check` and salvages what can be read.
 */
import { statSync } from 'node:fs'
import type { Db } from './db'
import { StoreError, recoveryAdvice } from './errors'

export { recoveryAdvice } from './errors'

/** Files up to this size get the whole-file quick check on open; bigger ones the sized check. */
export const FULL_QUICK_CHECK_BYTES = 64 * 1024 * 1024

/** What each table holds, in the user's words (for "what is damaged"). */
const tableMeaning: Record<string, string> = {
  runs: 'the list of runs and their configs and results',
  metrics: 'recorded metric points (curves)',
  metric_summary: 'per-run metric summaries (best, last)',
  metric_names: 'metric names',
  artifacts: 'saved weights and other artifacts',
  run_tags: 'run tags',
  run_logs: 'trainer logs',
  sweeps: 'sweeps',
  owners: 'the list of processes using the lab',
  counters: 'change tracking',
  deleted_runs: 'change tracking',
  schema_migrations: 'the schema history',
  settings: 'the lab settings (memory limit, data folders)',
  sqlite_schema: 'the list of tables itself',
  sqlite_master: 'the list of tables itself'
}

export interface CheckResult {
  ok: boolean
  /** SQLite's own problem lines (at most a few hundred). */
  problems: string[]
  /** The tables (or indices) the problems are in, when SQLite names a tree that can be mapped. */
  damaged: string[]
  /** 'full' (whole-file quick check), 'sized' (small tables + metrics page walk), 'integrity' (doctor). */
  kind: 'full' | 'sized' | 'integrity'
  ms: number
}

function fileBytes(path: string): number {
  let total = 0
  for (const p of [path, `${path}-wal`]) {
    try {
      total += statSync(p).size
    } catch {
      // missing: 0
    }
  }
  return total
}

function isCorruptError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
}

/** Root page → table name (an index maps to "TABLE (index NAME)"). Empty when the schema itself is unreadable. */
function treeNames(db: Db): Map<number, string> {
  const names = new Map<number, string>([[1, 'sqlite_schema']])
  try {
    const rows = db.prepare("select type, name, tbl_name, rootpage from sqlite_schema where rootpage > 0").all() as {
      type: string
      name: string
      tbl_name: string
      rootpage: number
    }[]
    for (const r of rows) names.set(r.rootpage, r.type === 'index' ? `${r.tbl_name} (index ${r.name})` : r.name)
  } catch {
    // the schema is unreadable: problems stay unnamed
  }
  return names
}

function namesIn(db: Db, problems: readonly string[]): string[] {
  const trees = treeNames(db)
  const out = new Set<string>()
  for (const p of problems) {
    const tree = /Tree (\d+)/.exec(p)
    if (tree) out.add(trees.get(Number(tree[1])) ?? `tree ${tree[1]}`)
    else if (/freelist|free.?list/i.test(p)) out.add('free page list')
    else if (/never used/i.test(p)) out.add('unused pages')
  }
  return [...out]
}

function pragmaLines(db: Db, pragma: string): string[] {
  return (db.pragma(pragma) as Record<string, string>[]).map((row) => String(Object.values(row)[0]))
}

/** The sized quick check (see the header). Never writes. Errors other than corruption propagate. */
export function quickCheck(db: Db, path: string, fullBelowBytes = FULL_QUICK_CHECK_BYTES): CheckResult {
  const t0 = performance.now()
  const full = path === ':memory:' || fileBytes(path) <= fullBelowBytes
  const problems: string[] = []
  const damaged = new Set<string>()
  const note = (lines: string[], table?: string): void => {
    if (lines.length === 1 && lines[0] === 'ok') return
    problems.push(...lines)
    const named = namesIn(db, lines)
    for (const n of named.length > 0 ? named : table ? [table] : []) damaged.add(n)
  }
  const perTable = (): void => {
    let tables: string[]
    try {
      tables = db.prepare("select name from sqlite_schema where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[]
    } catch (error) {
      if (!isCorruptError(error)) throw error
      note([(error as Error).message], 'sqlite_schema')
      return
    }
    for (const table of tables) {
      try {
        if (table === 'metrics' && !full) db.prepare('select count(*) from metrics').pluck().get()
        else note(pragmaLines(db, `quick_check("${table.replaceAll('"', '""')}")`), table)
      } catch (error) {
        if (!isCorruptError(error)) throw error
        note([`${table}: ${(error as Error).message}`], table)
      }
    }
  }
  if (full) {
    try {
      note(pragmaLines(db, 'quick_check(100)'))
    } catch (error) {
      if (!isCorruptError(error)) throw error
      problems.push((error as Error).message)
    }
    // SQLite can stop with "malformed" instead of listing problems: find which tables by checking each one.
    if (problems.length > 0 && damaged.size === 0) perTable()
  } else {
    perTable()
  }
  if (problems.length > 0 && damaged.size === 0) damaged.add('the file structure')
  return { ok: problems.length === 0, problems, damaged: [...damaged], kind: full ? 'full' : 'sized', ms: performance.now() - t0 }
}

/** PRAGMA integrity_check over the whole file (slow on big files: doctor only). */
export function integrityCheck(db: Db): CheckResult {
  const t0 = performance.now()
  let problems: string[]
  try {
    problems = pragmaLines(db, 'integrity_check(1000)')
  } catch (error) {
    if (!isCorruptError(error)) throw error
    problems = [(error as Error).message]
  }
  if (problems.length === 1 && problems[0] === 'ok') problems = []
  const damaged = namesIn(db, problems)
  if (problems.length > 0 && damaged.length === 0) damaged.push('the file structure')
  return { ok: problems.length === 0, problems, damaged, kind: 'integrity', ms: performance.now() - t0 }
}

/** "runs (the list of runs …), metrics (recorded metric points)" */
export function describeDamaged(damaged: readonly string[]): string {
  if (damaged.length === 0) return 'an unknown part of the file'
  return damaged
    .map((name) => {
      const table = name.split(' ')[0]!
      const meaning = Object.hasOwn(tableMeaning, table) ? tableMeaning[table] : undefined
      return meaning ? `${name} (${meaning})` : name
    })
    .join(', ')
}

/**
 * The error for damage found by the open check. `untouched` is true only on the open path, where nothing has been
 * written yet (the check runs before the first write; the fault tests compare the file's sha256 before and after).
 */
export function damagedError(path: string, result: CheckResult, untouched: boolean): StoreError {
  const first = result.problems[0] ?? ''
  const more = result.problems.length > 1 ? ` and ${result.problems.length - 1} more` : ''
  return new StoreError(
    'corrupt',
    `The lab database ${path} is damaged: ${describeDamaged(result.damaged)} cannot be read correctly (SQLite: ${first}${more}). ` +
      (untouched ? 'GateLab found this before writing and has not changed the file. ' : 'GateLab stopped writing to it. ') +
      recoveryAdvice(path),
    { path }
  )
}

/** Runs the open check and throws `corrupt` (file untouched) when it finds damage. */
export function checkOnOpen(db: Db, path: string): CheckResult {
  const result = quickCheck(db, path)
  if (!result.ok) throw damagedError(path, result, true)
  return result
}
