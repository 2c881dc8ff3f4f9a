/**
 * Thin wrappers over Slurm's commands (sbatch, squeue, scontrol, scancel, sacct) that run them without a shell and
 * parse their output. Nothing here decides anything: states are mapped in states.ts, submissions planned in submit.ts.
 *
 * Every command is looked up on PATH first, so "Slurm is not here" is one clear message rather than an ENOENT.
 */
import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

export class SlurmError extends Error {
  override readonly name = 'SlurmError'
  constructor(
    message: string,
    /** 'missing': the command is not on PATH; 'refused': Slurm said no (its own message); 'failed': anything else. */
    readonly code: 'missing' | 'refused' | 'failed'
  ) {
    super(message)
  }
}

/** The absolute path of a command on PATH, or null. */
export function findOnPath(command: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, command)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return null
}

/** Why Slurm cannot be used from here, in words for the CLI and the UI; null when sbatch and squeue are on PATH. */
export function slurmMissingReason(path = process.env.PATH ?? ''): string | null {
  const missing = ['sbatch', 'squeue', 'scontrol', 'scancel'].filter((c) => findOnPath(c, path) === null)
  if (missing.length === 0) return null
  return `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not on PATH: run GateLab on a Slurm login node (or a machine with Slurm's client commands)`
}

export interface CommandResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a Slurm command (no shell). Rejects with SlurmError('missing') when it is not on PATH. */
export function slurmCommand(command: string, args: string[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
  const file = findOnPath(command)
  if (!file) return Promise.reject(new SlurmError(`${command} is not on PATH: is this a Slurm login node?`, 'missing'))
  return new Promise((resolve) => {
    execFile(file, args, { timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 2 ** 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr: stderr || (error && typeof error.code !== 'number' ? error.message : '') })
    })
  })
}

/** Slurm's own words from stderr: the "sbatch: error: …" lines without the prefix, joined. */
export function slurmMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const errors = lines.filter((l) => /error:/i.test(l)).map((l) => l.replace(/^\S+:\s*error:\s*/i, ''))
  return (errors.length > 0 ? errors : lines).join('; ')
}

/** `scontrol show config` as key → value (e.g. MaxArraySize → "1001"). */
export function parseConfig(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^(\w+)\s+=\s*(.*)$/.exec(line.trim())
    if (m) out[m[1]!] = m[2]!.trim()
  }
  return out
}

export async function showConfig(): Promise<Record<string, string>> {
  const r = await slurmCommand('scontrol', ['show', 'config'])
  if (r.code !== 0) throw new SlurmError(`scontrol show config failed: ${slurmMessage(r.stderr) || `exit ${r.code}`}`, 'failed')
  return parseConfig(r.stdout)
}

/**
 * One record of `scontrol -o show …`: space-separated Key=Value pairs on one line. Values may hold spaces only in
 * the last keys of some records (Command=, Reason= of nodes); a token without "=" joins the previous value.
 */
export function parseOneLiner(line: string): Record<string, string> {
  const out: Record<string, string> = {}
  let last: string | null = null
  for (const token of line.trim().split(/\s+/)) {
    const eq = token.indexOf('=')
    if (eq > 0) {
      last = token.slice(0, eq)
      out[last] = token.slice(eq + 1)
    } else if (last) out[last] += ` ${token}`
  }
  return out
}

export interface PartitionInfo {
  name: string
  isDefault: boolean
  maxTime: string | null
  state: string
}

export async function showPartitions(): Promise<PartitionInfo[]> {
  const r = await slurmCommand('scontrol', ['-o', 'show', 'partition'])
  if (r.code !== 0) throw new SlurmError(`scontrol show partition failed: ${slurmMessage(r.stderr) || `exit ${r.code}`}`, 'failed')
  return r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map(parseOneLiner)
    .map((p) => ({
      name: p.PartitionName ?? '',
      isDefault: p.Default === 'YES',
      maxTime: p.MaxTime && p.MaxTime !== 'UNLIMITED' ? p.MaxTime : null,
      state: p.State ?? 'UNKNOWN'
    }))
}

/** Submits a batch script; returns the job id. Slurm refusing the job → SlurmError('refused') with Slurm's message. */
export async function sbatch(args: string[], script: string, scriptArgs: string[] = []): Promise<string> {
  const r = await slurmCommand('sbatch', ['--parsable', ...args, script, ...scriptArgs])
  if (r.code !== 0) {
    throw new SlurmError(slurmMessage(r.stderr) || `sbatch exited with code ${r.code}`, r.code === 127 ? 'missing' : 'refused')
  }
  // --parsable prints "JOBID" or "JOBID;CLUSTER".
  const id = r.stdout.trim().split('\n').pop()!.split(';')[0]!
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch printed "${r.stdout.trim()}" instead of a job id`, 'failed')
  return id
}

/** One array task (or plain job) as squeue/scontrol/sacct describe it. */
export interface JobTask {
  /** "ARRAY_TASK" for an array task (e.g. "1234_7"), else the job id. */
  id: string
  arrayJobId: string
  taskId: number | null
  state: string
  reason: string | null
  restarts: number | null
  exitCode: string | null
}

/** Expands scontrol's ArrayTaskId of a pending array record ("0-7%2", "3,5-6") into indices. */
export function expandTaskRange(spec: string): number[] {
  const out: number[] = []
  for (const part of spec.replace(/%\d+$/, '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part)
    if (!m) continue
    const a = Number(m[1])
    const b = m[2] === undefined ? a : Number(m[2])
    const step = m[3] === undefined ? 1 : Number(m[3])
    for (let i = a; i <= b; i += step) out.push(i)
  }
  return out
}

function cleanReason(reason: string | undefined): string | null {
  if (!reason || reason === 'None' || reason === '(null)') return null
  return reason.replace(/^\((.*)\)$/, '$1')
}

/**
 * `squeue --states=all -r` for some job arrays: every task the controller still remembers, one line each. Jobs the
 * controller has forgotten (finished longer than MinJobAge ago) are simply absent. squeue refuses the whole list when
 * one id is unknown, so on that error the ids are asked one by one.
 */
export async function squeue(arrayJobIds: string[]): Promise<JobTask[]> {
  if (arrayJobIds.length === 0) return []
  const format = '%i|%F|%K|%T|%r'
  const once = async (ids: string[]): Promise<CommandResult> => slurmCommand('squeue', ['-h', '-r', '--states=all', '-o', format, '-j', ids.join(',')])
  let results = [await once(arrayJobIds)]
  if (results[0]!.code !== 0 && arrayJobIds.length > 1) results = await Promise.all(arrayJobIds.map((id) => once([id])))
  const tasks: JobTask[] = []
  for (const r of results) {
    if (r.code !== 0) {
      if (/Invalid job id/i.test(r.stderr)) continue
      throw new SlurmError(`squeue failed: ${slurmMessage(r.stderr) || `exit ${r.code}`}`, 'failed')
    }
    for (const line of r.stdout.split('\n')) {
      const [id, arrayJobId, taskId, state, reason] = line.trim().split('|')
      if (!id || !arrayJobId || !state) continue
      const task = taskId && /^\d+$/.test(taskId) ? Number(taskId) : null
      tasks.push({ id: task === null ? id : `${arrayJobId}_${task}`, arrayJobId, taskId: task, state, reason: cleanReason(reason), restarts: null, exitCode: null })
    }
  }
  return tasks
}

/** `scontrol -o show job ID`: every task of an array the controller remembers, with restarts and exit codes. */
export async function scontrolJobs(arrayJobId: string): Promise<JobTask[]> {
  const r = await slurmCommand('scontrol', ['-o', 'show', 'job', arrayJobId])
  if (r.code !== 0) {
    if (/Invalid job id/i.test(r.stderr)) return []
    throw new SlurmError(`scontrol show job ${arrayJobId} failed: ${slurmMessage(r.stderr) || `exit ${r.code}`}`, 'failed')
  }
  return parseScontrolJobs(r.stdout)
}

export function parseScontrolJobs(text: string): JobTask[] {
  const tasks: JobTask[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    const j = parseOneLiner(line)
    const arrayJobId = j.ArrayJobId ?? j.JobId ?? ''
    const common = {
      arrayJobId,
      state: j.JobState ?? 'UNKNOWN',
      reason: cleanReason(j.Reason),
      restarts: j.Restarts !== undefined ? Number(j.Restarts) : null,
      exitCode: j.ExitCode ?? null
    }
    const taskSpec = j.ArrayTaskId
    if (taskSpec === undefined) tasks.push({ id: j.JobId ?? arrayJobId, taskId: null, ...common })
    else for (const t of expandTaskRange(taskSpec)) tasks.push({ id: `${arrayJobId}_${t}`, taskId: t, ...common })
  }
  return tasks
}

/**
 * sacct, where accounting exists (slurmdbd): the final states of tasks the controller has forgotten. Returns null
 * when sacct is missing or accounting is off (accounting_storage/none), so callers know to rely on other sources.
 */
export async function sacct(arrayJobIds: string[]): Promise<JobTask[] | null> {
  if (arrayJobIds.length === 0 || findOnPath('sacct') === null) return null
  const r = await slurmCommand('sacct', ['-n', '-P', '-X', '-o', 'JobID,State,Reason,ExitCode', '-j', arrayJobIds.join(',')])
  if (r.code !== 0) return null
  const tasks: JobTask[] = []
  for (const line of r.stdout.split('\n')) {
    const [id, stateText, reason, exitCode] = line.trim().split('|')
    if (!id || !stateText) continue
    const m = /^(\d+)_(\d+)$/.exec(id)
    if (!m) continue
    // sacct writes "CANCELLED by 0": the state is the first word.
    tasks.push({ id, arrayJobId: m[1]!, taskId: Number(m[2]), state: stateText.split(' ')[0]!, reason: cleanReason(reason), restarts: null, exitCode: exitCode ?? null })
  }
  return tasks
}

/** Cancels jobs or array tasks ("1234", "1234_7"). */
export async function scancel(ids: string[]): Promise<void> {
  if (ids.length === 0) return
  const r = await slurmCommand('scancel', ids)
  if (r.code !== 0) throw new SlurmError(`scancel ${ids.join(' ')} failed: ${slurmMessage(r.stderr) || `exit ${r.code}`}`, 'refused')
}

/** Number of jobs the controller holds now (pending, running and recently finished): counted against MaxJobCount. */
export async function jobsInController(): Promise<number> {
  const r = await slurmCommand('squeue', ['-h', '-r', '--states=all', '-o', '%i'])
  if (r.code !== 0) throw new SlurmError(`squeue failed: ${slurmMessage(r.stderr) || `exit ${r.code}`}`, 'failed')
  return r.stdout.split('\n').filter((l) => l.trim()).length
}
