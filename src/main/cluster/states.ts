/**
 * Slurm job states → GateLab run states, with Slurm's reason kept (docs/CLUSTER.md has this table).
 *
 * | Slurm state                                         | run state  | error / reason shown                               |
 * |-----------------------------------------------------|------------|----------------------------------------------------|
 * | PENDING, CONFIGURING, REQUEUED, REQUEUE_HOLD, …      | queued     | Slurm's pending reason (Priority, Resources, …)    |
 * | RUNNING, COMPLETING, SUSPENDED, STOPPED, SIGNALING  | running    |                                                    |
 * | COMPLETED with a summary                            | the summary's status (completed, or failed with the trainer's error) |
 * | COMPLETED without a summary                         | failed     | "the task ended without writing a summary"         |
 * | FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, BOOT_FAIL, DEADLINE, REVOKED, SPECIAL_EXIT | failed | "Slurm: TIMEOUT (reason)" |
 * | CANCELLED                                           | cancelled  | "Cancelled in Slurm (scancel)"                     |
 *
 * A summary always wins over the scheduler: a trial that finished and wrote its summary before its task was killed
 * (a time limit hit during the next trial) keeps its own result.
 */
import type { RunStatus } from '../../shared/protocol'

export type SlurmPhase = 'queued' | 'running' | 'ended'

const queuedStates = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'RESIZING'])
const runningStates = new Set(['RUNNING', 'COMPLETING', 'SUSPENDED', 'STOPPED', 'SIGNALING', 'STAGE_OUT'])
const failedStates = new Set(['FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'REVOKED', 'SPECIAL_EXIT'])

/** What each failing state means, in words a researcher can act on. */
const failedMeaning: Record<string, string> = {
  FAILED: 'the task exited with an error',
  TIMEOUT: 'the task reached its time limit (--time); give it more time or fewer trials per task',
  OUT_OF_MEMORY: 'the task ran out of memory; ask for more with --mem',
  NODE_FAIL: 'the node running the task failed',
  PREEMPTED: 'the task was preempted by a job of higher priority',
  BOOT_FAIL: 'the node could not be booted for the task',
  DEADLINE: 'the task missed its deadline',
  REVOKED: 'the task was revoked (federation)',
  SPECIAL_EXIT: 'the task ended in a special exit state'
}

/** Slurm writes "CANCELLED by 0" in some outputs and "CANCELLED+" in others: keep the state word. */
export function baseState(state: string): string {
  return state.trim().split(/[\s+]/)[0]!.toUpperCase()
}

export function slurmPhase(state: string): SlurmPhase {
  const s = baseState(state)
  if (queuedStates.has(s)) return 'queued'
  if (runningStates.has(s)) return 'running'
  return 'ended'
}

/**
 * The final state of a run whose task has ended and which has no summary, from Slurm's state (and exit code).
 * Never called for a run with a summary: the summary decides.
 */
export function endedWithoutSummary(state: string, reason: string | null, exitCode: string | null = null): { status: Extract<RunStatus, 'failed' | 'cancelled'>; error: string } {
  const s = baseState(state)
  const why = reason ? ` (${reason})` : ''
  if (s === 'CANCELLED') return { status: 'cancelled', error: `Cancelled in Slurm (scancel)${why}` }
  const exit = exitCode && exitCode !== '0:0' ? `, exit code ${exitCode}` : ''
  if (failedStates.has(s)) return { status: 'failed', error: `Slurm: ${s}${why}${exit}: ${failedMeaning[s]}` }
  if (s === 'COMPLETED') return { status: 'failed', error: `Slurm: COMPLETED${exit}, but the task ended without writing this trial's summary` }
  return { status: 'failed', error: `Slurm: ${s}${why}${exit}: the task ended without writing this trial's summary` }
}
