/**
 * GateLab's side of the all-cores paired turns (bench/allcores-turns.ts): the whole training step (bench/whole-step.ts,
 * the step a trainer runs for engine "fused") kept warm in its own process, answering like the PyTorch peer's --serve
 * mode (bench/peers/torch_rnn.py), so N of these and N PyTorch processes can take turns on N cores.
 *
 *   jiti bench/peers/gatelab_step.ts --config lstm,256,100,32
 *
 * Prints one ready line {"ready": true, "kernels": …, "loops": …} after 3 warm-up steps, then for each line STEPS read
 * from stdin times STEPS steps back to back and prints {"msPerBatch", "cpuMsPerBatch"} (wall and this process's CPU
 * time per step); end of input ends it. Run from the project root (the native kernels are found from there).
 */
import { createInterface } from 'node:readline'
import { wholeStep } from '../whole-step'

function usage(message: string): never {
  process.stderr.write(`gatelab_step: ${message}\nUsage: jiti bench/peers/gatelab_step.ts --config CELL,UNITS,SEQLEN,BATCH (CELL lstm or gru)\n`)
  process.exit(2)
}

const at = process.argv.indexOf('--config')
const config = at >= 0 ? process.argv[at + 1] : undefined
if (!config) usage('--config is required')
const [cell, ...numbers] = config.split(',')
const [units, seqLen, batch] = numbers.map(Number)
if ((cell !== 'lstm' && cell !== 'gru') || ![units, seqLen, batch].every((n) => Number.isInteger(n) && n! > 0)) usage(`--config ${config}: expected lstm|gru and three whole numbers above 0`)

const { train, whole } = wholeStep(cell, units!, seqLen!, batch!)
for (let i = 0; i < 3; i++) train()
process.stdout.write(`${JSON.stringify({ ready: true, cell, units, seqLen, batch, kernels: whole.build, loops: whole.loopsBuild, pid: process.pid })}\n`)
const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  const steps = Number(line)
  if (!Number.isInteger(steps) || steps < 1) {
    process.stdout.write(`${JSON.stringify({ error: `expected a whole number of steps, got ${JSON.stringify(line)}` })}\n`)
    return
  }
  const t = performance.now()
  const c = process.cpuUsage()
  for (let i = 0; i < steps; i++) train()
  const used = process.cpuUsage(c)
  process.stdout.write(`${JSON.stringify({ msPerBatch: (performance.now() - t) / steps, cpuMsPerBatch: (used.user + used.system) / 1000 / steps })}\n`)
})
