// `npm run bench [-- --quick]`: builds, runs every bench/*.bench.ts with Vitest (real processes, real files), then
// merges their rows into bench/results/LATEST.json and LATEST.md. Speed lives here, never in timed tests.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const quick = process.argv.includes('--quick')
const parts = join(root, 'bench', 'results', 'parts')
rmSync(parts, { recursive: true, force: true })
mkdirSync(parts, { recursive: true })

const step = (command, args, env = {}) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
step('npm', ['run', 'build', '--silent'])

// The PyTorch peer's runtime, recorded once per run (every peer row records its own too, and rows against a peer that
// is not at its best carry the reason instead of a ratio: bench/peer.ts). Run as the peers are: OpenBLAS's core pinning
// unset for that process only.
const peerEnv = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' }
delete peerEnv.OPENBLAS_CORETYPE
delete peerEnv.OPENBLAS_L2_SIZE
const peerProbe = spawnSync('/usr/bin/python3', [join(root, 'bench', 'peers', 'peer_info.py')], { encoding: 'utf8', env: peerEnv })
const peer = peerProbe.status === 0 ? JSON.parse(peerProbe.stdout.trim().split('\n').pop()) : { missing: (peerProbe.stdout || peerProbe.stderr || String(peerProbe.error)).trim() }
console.log(`PyTorch peer: ${peer.blas ? `torch ${peer.torch}, BLAS ${peer.blas.library} ${peer.blas.version ?? ''} ${peer.blas.coreType ?? ''} (${peer.blas.path})` : peer.missing}`)
step(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'vitest.bench.config.mts'], {
  GATELAB_BENCH_QUICK: quick ? '1' : '',
  GATELAB_BENCH_OUT: parts
})

const rows = readdirSync(parts)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => JSON.parse(readFileSync(join(parts, f), 'utf8')))
const result = {
  date: new Date().toISOString(),
  quick,
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  peer,
  rows
}
writeFileSync(join(root, 'bench', 'results', 'LATEST.json'), JSON.stringify(result, null, 2) + '\n')
const table = [
  '| benchmark | value | unit | baseline | ratio |',
  '|---|---:|---|---:|---:|',
  ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.unit} | ${r.baseline ?? ''} | ${r.ratio ?? ''} |`)
].join('\n')
writeFileSync(join(root, 'bench', 'results', 'LATEST.md'), `# Benchmarks ${result.date}${quick ? ' (quick)' : ''}\n\n${table}\n`)
console.log(`\n${table}\n\nWrote bench/results/LATEST.json and LATEST.md`)
