/**
 * `gatelab doctor [--db PATH] [--out NEW.db] [--json]`: the full integrity check of a lab (SQLite's integrity_check,
 * read-only), and when it finds damage, a salvage of everything readable into a new lab file (src/main/store/salvage.ts).
 * The checked file is never written. Exit 0: sound; 1: damaged (salvaged into the new file); 2: bad input.
 */
import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { resolveDbPath } from '../paths'
import { StoreError, toStoreError } from '../store/errors'
import { describeDamaged, integrityCheck, type CheckResult } from '../store/integrity'
import { salvage, type SalvageResult } from '../store/salvage'
import { UsageError, parseCommandArgs } from './args'
import { terminalText } from './terminal'

export const doctorUsage = 'gatelab doctor [--db PATH] [--out NEW.db] [--json]   full integrity check; salvages a damaged lab into a new file'

function stamp(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
}

export function salvagePath(path: string, now = new Date()): string {
  const name = basename(path).replace(/\.(db|sqlite3?)$/i, '')
  return join(dirname(path), `${name}-salvaged-${stamp(now)}.db`)
}

export async function doctor(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('doctor', argv, { db: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } })
  if (positionals.length > 0) throw new UsageError(`doctor: unexpected argument "${positionals[0]}" (give the lab with --db PATH)`)
  const path = resolveDbPath(values.db)
  if (!existsSync(path)) throw new StoreError('not_found', `There is no GateLab database at ${path}. Check the path given with --db or GATELAB_DB.`, { path })
  if (values.out !== undefined && existsSync(values.out)) throw new UsageError(`doctor: --out ${values.out} already exists; give a new file name`)

  let check: CheckResult
  let db: Database.Database | undefined
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
    check = integrityCheck(db)
  } catch (error) {
    throw toStoreError(error, path, 'check')
  } finally {
    db?.close()
  }

  let salvaged: SalvageResult | undefined
  if (!check.ok) {
    const out = values.out ?? salvagePath(path)
    salvaged = salvage(path, out)
  }
  if (values.json) {
    process.stdout.write(JSON.stringify({ path, ok: check.ok, damaged: check.damaged, problems: check.problems, ms: Math.round(check.ms), salvage: salvaged ?? null }, null, 2) + '\n')
    return check.ok ? 0 : 1
  }
  if (check.ok) {
    console.log(`${path}: integrity check ok (${Math.round(check.ms)} ms). Nothing to repair.`)
    return 0
  }
  console.log(`${path} is damaged: ${describeDamaged(check.damaged)}.`)
  for (const p of check.problems.slice(0, 10)) console.log(`  ${terminalText(p)}`)
  if (check.problems.length > 10) console.log(`  … ${check.problems.length - 10} more problems (--json lists them all)`)
  const s = salvaged!
  console.log(`\nSalvaged what could be read into ${s.target} (the damaged file was not changed):`)
  for (const t of s.tables) {
    const of = t.expected === null ? '' : ` of ${t.expected}`
    const skipped = t.skipped > 0 ? `, ${t.skipped} unreadable stretch${t.skipped === 1 ? '' : 'es'} skipped` : ''
    console.log(`  ${t.table}: ${t.copied} rows${of}${skipped}`)
  }
  console.log(`New file: ${s.runs} runs, integrity ${s.targetCheck.join('; ')}.`)
  console.log(`Open it with --db "${s.target}", or keep the damaged file aside and move the new one into its place.`)
  return 1
}
