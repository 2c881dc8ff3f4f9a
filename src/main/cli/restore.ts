/**
 * `gatelab restore [--db PATH] [--list] [--from FILE | --latest] [--json]`: lists the lab's backups (made through
 * SQLite's online backup API, src/main/store/backup.ts) and brings one back. The current file is never destroyed:
 * it is moved aside to `NAME.before-restore-STAMP.db` first. The backup is checked (quick check) before anything moves,
 * and a lab in use by another process (a non-empty -wal file) is refused.
 */
import Database from 'better-sqlite3'
import { copyFileSync, chmodSync, existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { resolveDbPath } from '../paths'
import { listBackups } from '../store/backup'
import { formatBytes } from '../store/diskspace'
import { UsageError, parseCommandArgs } from './args'

export const restoreUsage = 'gatelab restore [--db PATH] [--list] [--latest | --from FILE] [--json]   list the lab\'s backups or bring one back'

function stamp(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
}

export async function restore(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('restore', argv, {
    db: { type: 'string' },
    list: { type: 'boolean' },
    latest: { type: 'boolean' },
    from: { type: 'string' },
    json: { type: 'boolean' }
  })
  if (positionals.length > 0) throw new UsageError(`restore: unexpected argument "${positionals[0]}"`)
  const path = resolveDbPath(values.db)
  const backups = listBackups(path)
  if (values.list || (!values.latest && values.from === undefined)) {
    if (values.json) {
      process.stdout.write(JSON.stringify(backups.map((b) => ({ ...b, takenAt: b.takenAt.toISOString() })), null, 2) + '\n')
      return 0
    }
    if (backups.length === 0) {
      console.log(`No backups of ${path} yet (they are made in ${resolve(path, '..', 'backups')} when a GateLab host opens the lab).`)
      return 0
    }
    console.log(`Backups of ${path}, newest first:`)
    for (const b of backups) console.log(`  ${b.path}  ${b.takenAt.toISOString()}  ${formatBytes(b.bytes)}`)
    console.log('Restore one with --latest or --from FILE.')
    return 0
  }
  if (values.latest && values.from !== undefined) throw new UsageError('restore: give --latest or --from FILE, not both')
  const source = values.from !== undefined ? resolve(values.from) : backups[0]?.path
  if (source === undefined) throw new UsageError(`restore: there are no backups of ${path}`)
  if (!existsSync(source)) throw new UsageError(`restore: there is no file ${source}`)
  // The backup must be sound before anything moves.
  let check: string
  try {
    const db = new Database(source, { readonly: true, fileMustExist: true })
    try {
      check = String(db.pragma('quick_check', { simple: true }))
    } finally {
      db.close()
    }
  } catch (error) {
    throw new UsageError(`restore: ${source} cannot be read as a lab (${(error as Error).message})`)
  }
  if (check !== 'ok') throw new UsageError(`restore: ${source} is itself damaged (${check}); choose another backup`)
  if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0) {
    throw new UsageError(`restore: ${path} is in use (it has a non-empty -wal file): close every GateLab window and command using it, then try again`)
  }
  let aside: string | undefined
  if (existsSync(path)) {
    aside = `${path.replace(/\.(db|sqlite3?)$/i, '')}.before-restore-${stamp()}.db`
    renameSync(path, aside)
    for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
  }
  copyFileSync(source, path)
  chmodSync(path, 0o600)
  if (values.json) process.stdout.write(JSON.stringify({ restored: source, to: path, previous: aside ?? null }) + '\n')
  else console.log(`Restored ${path} from ${source}.${aside ? ` The file it replaced is kept as ${aside}.` : ''}`)
  return 0
}
