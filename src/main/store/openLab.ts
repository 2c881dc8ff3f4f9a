/**
 * Opening a lab for a host: the store, and its rolling backups (src/main/store/backup.ts) scheduled on it. Every host
 * opens its lab here — the CLI and browser mode (host.ts) and the desktop app (index.ts) — so all of them back up the
 * same way: on open when the lab changed, then every GATELAB_BACKUP_HOURS while it stays open.
 */
import { Store, type StoreOpenOptions } from './store'
import { backupPolicy, scheduleBackups, type BackupPolicy } from './backup'

export interface LabStoreOptions extends StoreOpenOptions {
  /** Defaults to GATELAB_BACKUP_HOURS / GATELAB_BACKUP_KEEP (backupPolicy()). */
  backups?: BackupPolicy
  /** Where a failed backup is reported (default: stderr). */
  log?: (line: string) => void
}

/** Opens the store (throws StoreError with a message naming the file and what to do) and schedules its backups. */
export function openLabStore(path: string, options: LabStoreOptions): Store {
  const { backups, log, ...storeOptions } = options
  const store = Store.open(path, storeOptions)
  scheduleBackups(store, backups ?? backupPolicy(), log)
  return store
}
