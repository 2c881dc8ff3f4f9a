/**
 * The store's schema, as numbered migrations. Rules (see docs/STORE.md):
 * - A released migration is never edited: a change is a new migration appended at the end.
 * - Each migration runs in its own transaction together with the `user_version` bump, so a file is always exactly at
 *   one version: a crash in the middle of an upgrade leaves the previous version intact.
 * - `PRAGMA user_version` is the schema version; `schema_migrations` keeps the history (when, by which GateLab).
 * - `PRAGMA application_id` marks the file as GateLab's, so we never add tables to somebody else's SQLite database.
 *
 * Timestamps are integer milliseconds since the Unix epoch (UTC). Runs are referenced inside the file by their integer
 * `rid` (compact in millions of metric rows); everything outside the file uses the readable text `id`.
 */
import type { Db } from './db'

/** "GTLB" in ASCII. */
export const GATELAB_APPLICATION_ID = 0x47544c42

export interface Migration {
  version: number
  name: string
  up(db: Db): void
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, metrics, summaries, artifacts, tags, sweeps',
    up(db) {
      db.pragma(`application_id = ${GATELAB_APPLICATION_ID}`)
      db.exec(`
        create table schema_migrations (
          version integer primary key,
          name text not null,
          applied_at integer not null,
          app_version text
        );

        create table sweeps (
          id text primary key,
          name text not null default '',
          spec text not null default '{}' check (json_valid(spec)),
          created_at integer not null
        );

        create table runs (
          rid integer primary key autoincrement,     -- autoincrement: a deleted run's rid is never reused
          id text not null unique,
          name text not null default '',
          status text not null check (status in ('queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
          archived integer not null default 0,
          created_at integer not null,
          started_at integer,
          ended_at integer,
          updated_at integer not null,
          cell text not null,
          task text not null,
          seed integer,
          config text not null check (json_valid(config)),
          dataset_name text,
          dataset_hash text,
          dataset text check (dataset is null or json_valid(dataset)),
          backend text,
          engine text,
          cell_form text,
          versions text,
          param_count integer,
          total_steps integer,
          epochs integer,
          steps integer,
          duration_ms real,
          final text,
          test text,
          best text,
          error text,
          notes text not null default '',
          sweep_id text references sweeps(id) on delete set null,
          group_key text
        );
        create index runs_listing on runs(archived, created_at);
        create index runs_status on runs(status);
        create index runs_cell on runs(cell);
        create index runs_task on runs(task);
        create index runs_dataset on runs(dataset_name);
        create index runs_sweep on runs(sweep_id);

        create table run_tags (
          run_rid integer not null references runs(rid) on delete cascade,
          tag text not null,
          primary key (run_rid, tag)
        ) without rowid;
        create index run_tags_tag on run_tags(tag, run_rid);

        create table metric_names (
          id integer primary key,
          name text not null unique
        );

        -- Full resolution, one row per point; value is NULL for NaN (SQLite has no NaN). Clustered by series: a
        -- WITHOUT ROWID table keyed (run, metric, arrival number) is one B-tree whose rows for a series sit together
        -- and are always appended at its end, so ingestion touches one tree (not a table and an index) and reading a
        -- curve reads neighbouring pages. seq counts the run's points of that metric from 0 (= metric_summary.count).
        create table metrics (
          run_rid integer not null references runs(rid) on delete cascade,
          name_id integer not null,
          seq integer not null,
          epoch integer not null,
          step integer not null,
          wall_ms real not null,
          value real,
          primary key (run_rid, name_id, seq)
        ) without rowid;

        -- Kept up to date by every metrics batch, so listing and sorting runs never scans metrics.
        create table metric_summary (
          run_rid integer not null references runs(rid) on delete cascade,
          name_id integer not null,
          count integer not null,
          last real, last_step integer, last_epoch integer,
          min real, min_step integer, min_epoch integer,
          max real, max_step integer, max_epoch integer,
          primary key (run_rid, name_id)
        ) without rowid;
        create index metric_summary_name on metric_summary(name_id);

        create table artifacts (
          id integer primary key,
          run_rid integer not null references runs(rid) on delete cascade,
          kind text not null,
          name text not null,
          media_type text not null,
          size integer not null,
          sha256 text not null,
          created_at integer not null,
          data blob not null,
          unique (run_rid, name)
        );
      `)
    }
  },
  {
    version: 2,
    name: 'process owners, change tracking, run logs',
    up(db) {
      db.exec(`
        -- One row per process that opened the file for writing: who owns which run, and whether it is still alive.
        create table owners (
          id integer primary key autoincrement,
          pid integer not null,
          hostname text not null,
          kind text not null,
          identity text,             -- the process start time on Linux: tells a live owner from a reused pid
          started_at integer not null,
          heartbeat_at integer not null,
          closed_at integer
        );
        alter table runs add column owner_id integer references owners(id) on delete set null;
        create index runs_owner on runs(owner_id);

        -- Every change to a run takes the next value of the change counter, so another process can ask "what changed
        -- since N" with one index range scan.
        create table counters (name text primary key, value integer not null) without rowid;
        alter table runs add column seq integer not null default 0;
        update runs set seq = rid;
        insert into counters (name, value) values ('change_seq', (select coalesce(max(rid), 0) from runs));
        create index runs_seq on runs(seq);
        create table deleted_runs (id text primary key, seq integer not null);
        create index deleted_runs_seq on deleted_runs(seq);

        -- A run's trainer log, in appended chunks (appending never rewrites what is already there).
        create table run_logs (
          run_rid integer not null references runs(rid) on delete cascade,
          chunk integer not null,
          text text not null,
          primary key (run_rid, chunk)
        ) without rowid;
      `)
    }
  },
  {
    version: 3,
    name: 'cluster (Slurm) runs',
    up(db) {
      db.exec(`
        -- A run trained by a Slurm array task (src/main/cluster/): where its results are, its task, the scheduler's
        -- last word on it, and how much of which attempt is already imported (the importer's exactly-once key).
        create table cluster_runs (
          run_rid integer primary key references runs(rid) on delete cascade,
          bundle_dir text not null,
          trial integer not null,
          job_id text,                            -- "ARRAYJOB_TASK"
          slurm_state text,
          slurm_reason text,
          attempt integer,                        -- SLURM_RESTART_COUNT of the attempt imported; null: none yet
          imported_bytes integer not null default 0,
          imported_lines integer not null default 0,
          updated_at integer not null
        );
        create index cluster_runs_bundle on cluster_runs(bundle_dir);
      `)
    }
  },
  {
    version: 4,
    name: 'preparing runs, lab settings',
    up(db) {
      db.exec(`
        -- When a trainer began building a queued run's data and model (src/main/limits): the API shows such a run as
        -- "preparing" until the trainer reports it started. Null: still waiting for a trainer.
        alter table runs add column preparing_at integer;
        -- The lab's own settings (e.g. memoryLimit, src/main/limits/settings.ts): one JSON value per key.
        create table settings (key text primary key, value text not null check (json_valid(value))) without rowid;
      `)
    }
  }
]

export const LATEST_VERSION = migrations[migrations.length - 1]!.version

/**
 * Brings the file from its current version to `target`, one transaction per migration. Returns the versions applied.
 * The caller has already checked that the file is GateLab's (or empty) and not newer than we know.
 */
export function migrate(db: Db, appVersion: string, target: number = LATEST_VERSION, list: readonly Migration[] = migrations): number[] {
  const applied: number[] = []
  for (const migration of list) {
    if (migration.version > target) break
    const current = db.pragma('user_version', { simple: true }) as number
    if (migration.version <= current) continue
    // immediate: take the write lock before reading, so two processes opening an old file cannot both upgrade it.
    db.transaction(() => {
      // Re-read under the lock: another process may have applied this migration while we waited.
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return
      migration.up(db)
      db.prepare('insert into schema_migrations (version, name, applied_at, app_version) values (?, ?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
        appVersion
      )
      db.pragma(`user_version = ${migration.version}`)
      applied.push(migration.version)
    }).immediate()
  }
  return applied
}
