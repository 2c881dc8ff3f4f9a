/**
 * Sweeps on a Slurm cluster (docs/CLUSTER.md): the contract shared by the host (src/main/cluster/), the CLI and the UI.
 *
 * A Slurm sweep is a *bundle*: a folder the nodes share, holding the manifest (one normalized run config per line),
 * the job script and the GateLab version; each array task runs its trials with GateLab's own trainer and writes only
 * inside its trials' result folders (results/RUN_ID/): metrics as JSON lines per attempt, artifacts, and last an
 * atomically written summary. The lab imports those folders idempotently, keyed by run id and attempt.
 */
import { z } from 'zod'
import type { RunStatus } from './protocol'

/** Submit options of `gatelab sweep --slurm` and of the sweep form's "Run on Slurm". */
export const slurmSubmitSchema = z
  .object({
    partition: z.string().min(1).max(200).optional(),
    /** Slurm's time format (MM, MM:SS, HH:MM:SS, D-HH:MM:SS). */
    time: z
      .string()
      .regex(/^(\d+-)?\d+(:\d{1,2}){0,2}$/, 'a time limit is HH:MM:SS (or MM, MM:SS, D-HH:MM:SS)')
      .optional(),
    cpusPerTask: z.number().int().min(1).max(1024).optional(),
    /** Slurm's memory format, e.g. 2G, 500M. */
    mem: z
      .string()
      .regex(/^\d+[KMGT]?$/i, 'memory is a number with an optional K, M, G or T suffix, e.g. 2G')
      .optional(),
    /** At most this many array tasks run at once (--array=…%K). */
    parallel: z.number().int().min(1).max(100_000).optional(),
    /** Trials per array task (default 1). */
    perTask: z.number().int().min(1).max(100_000).default(1),
    /** Passed to sbatch as they are, e.g. ["--account=lab", "--qos=short"]. */
    sbatchArgs: z.array(z.string().min(1).max(500)).max(50).default([]),
    /** The folder shared with the nodes; the bundle goes into a new subfolder of it. Default: ./gatelab-sweeps. */
    dir: z.string().min(1).optional()
  })
  .strict()
export type SlurmSubmitOptions = z.input<typeof slurmSubmitSchema>
export type SlurmSubmit = z.output<typeof slurmSubmitSchema>

/** One line of the bundle's manifest.jsonl. */
export interface ManifestLine {
  /** 0-based position in the manifest: task t of array a runs trials [first + t·perTask, … + perTask). */
  trial: number
  runId: string
  /** Normalized (normalizeRunConfig): complete, with its seed. */
  config: Record<string, unknown>
  groupKey: string | null
}

/** One job array of a bundle (several when the trials exceed MaxArraySize). */
export interface BundleArray {
  /** Slurm's job id of the array (null until submitted). */
  jobId: string | null
  /** First manifest trial of task 0. */
  firstTrial: number
  /** Number of array tasks (indices 0…tasks-1). */
  tasks: number
}

/** bundle.json: what a bundle is, written before anything is submitted. */
export interface BundleInfo {
  format: 1
  sweepId: string
  name: string
  spec: unknown
  /** GateLab's version that wrote the bundle; tasks refuse to run with another version. */
  gatelabVersion: string
  createdAt: string
  trials: number
  perTask: number
  arrays: BundleArray[]
  submit: SlurmSubmit
}

/** A trial's summary.json, written atomically last: its presence means the trial's results are complete. */
export interface TrialSummary {
  format: 1
  runId: string
  attempt: number
  status: 'completed' | 'failed' | 'cancelled'
  error?: string
  final: Record<string, number>
  test: Record<string, number>
  best: { metric: string; value: number; epoch: number } | null
  epochs: number
  steps: number
  durationMs: number
  /** Complete lines in the attempt's metrics.jsonl: the importer reads exactly these. */
  metricLines: number
  /** Files in the attempt's artifacts folder with their sha256, to verify a copy (rsync) is whole. */
  artifacts: { name: string; kind: string; mediaType: string; bytes: number; sha256: string }[]
  slurm: { jobId: string | null; arrayJobId: string | null; arrayTaskId: string | null; restartCount: number; host: string }
}

/** Slurm job states (squeue/scontrol/sacct words) and what they mean for a GateLab run. */
export const slurmStates = [
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'STOPPED',
  'REQUEUED',
  'REQUEUE_HOLD',
  'REQUEUE_FED',
  'RESIZING',
  'SIGNALING',
  'STAGE_OUT',
  'RESV_DEL_HOLD',
  'SPECIAL_EXIT',
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'REVOKED'
] as const

/** A cluster run as the UI shows it: its Slurm side next to the run's own status. */
export interface ClusterRunInfo {
  runId: string
  sweepId: string | null
  bundleDir: string
  trial: number
  /** "ARRAYID_TASK", e.g. "1234_7"; null before submission. */
  jobId: string | null
  /** The last Slurm state seen (squeue/scontrol/sacct), null when none was seen yet. */
  slurmState: string | null
  /** Slurm's reason (e.g. "Priority", "Resources" for a pending task; "TimeLimit" …). */
  slurmReason: string | null
  /** The attempt whose results are in the lab (SLURM_RESTART_COUNT of the task that wrote them); null: none yet. */
  attempt: number | null
  status: RunStatus
}

/** What the lab can do with Slurm here: whether sbatch is on PATH (and why not), the partitions and limits. */
export interface ClusterInfo {
  available: boolean
  /** Why "Run on Slurm" is not offered, in UI words. */
  reason: string | null
  partitions: { name: string; isDefault: boolean; maxTime: string | null; state: string }[]
  maxArraySize: number | null
  maxJobCount: number | null
}

/** The result of one import of a bundle (CLI `gatelab import --json`, API `importClusterResults`). */
export interface ImportReport {
  bundleDir: string
  sweepId: string
  runs: number
  /** Runs created in this lab because it had never seen them (a bundle copied from another machine). */
  created: number
  /** Metric points added by this import (0 when nothing was new). */
  points: number
  /** Runs that reached their final state in this import. */
  finished: number
  /** Runs whose attempt changed (a requeued task started over): their earlier attempt's points were replaced. */
  restarted: number
  /** Runs without a complete summary yet (still queued or running, or stopped mid-write). */
  incomplete: number
  /** Half-written or unreadable result files seen, with what was done about them. */
  problems: string[]
  counts: Partial<Record<RunStatus, number>>
}
