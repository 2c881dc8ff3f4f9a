/**
 * The one-node Slurm the cluster tests run on (scripts/slurm-local.sh). `slurmReady()` says whether it answers, and
 * starts it when it does not and this process may (root); the tests skip — printing why — only when it cannot be
 * started. With GATELAB_REQUIRE_SLURM=1 (CI) a missing Slurm fails instead.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from './host'

let cached: string | null | undefined

function nodeUp(): boolean {
  const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 15_000 })
  return r.status === 0 && /idle|mixed|alloc/.test(r.stdout)
}

/** null when Slurm is up; otherwise the reason the tests cannot use it. */
export function slurmUnavailable(): string | null {
  if (cached !== undefined) return cached
  if (nodeUp()) return (cached = null)
  if (process.getuid?.() !== 0) cached = 'Slurm is not running here and starting it needs root (sudo bash scripts/slurm-local.sh)'
  else {
    const r = spawnSync('bash', [join(repoRoot, 'scripts', 'slurm-local.sh')], { encoding: 'utf8', timeout: 600_000 })
    cached = r.status === 0 && nodeUp() ? null : `scripts/slurm-local.sh could not start Slurm: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`
  }
  if (cached && process.env.GATELAB_REQUIRE_SLURM === '1') throw new Error(`GATELAB_REQUIRE_SLURM=1 but ${cached}`)
  if (cached) console.warn(`Skipping the Slurm tests: ${cached}`)
  return cached
}

export function slurm(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 })
}
