/**
 * Is the process that owns a run still alive? Used to tell a run left `running` by a killed host (→ interrupted) from
 * one another live process is training right now (→ leave it alone).
 */
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'

export const thisHost = hostname()

/**
 * A string that identifies this incarnation of a pid: its start time in clock ticks since boot (Linux
 * /proc/PID/stat, field 22). A pid reused by an unrelated process has another start time. null where /proc is absent.
 */
export function processIdentity(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[19] ?? null
  } catch {
    return null
  }
}

/** 'alive', 'dead', or 'unknown' (another host: its pids mean nothing here). */
export function ownerProcessState(owner: { pid: number; hostname: string; identity: string | null }): 'alive' | 'dead' | 'unknown' {
  if (owner.hostname !== thisHost) return 'unknown'
  try {
    process.kill(owner.pid, 0)
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'dead'
  }
  if (owner.identity !== null) {
    const now = processIdentity(owner.pid)
    if (now !== null && now !== owner.identity) return 'dead' // the pid was reused by another process
  }
  return 'alive'
}
