// `node scripts/quality.mjs [--seq-len 50] [--steps 2000] [--cells lstm,gru,rnn] [--seed 1] [--eval-every 100]`
//
// The quality bar of issue 4 §8 at full scale: the adding problem with T = 50, 32 units, batch 32, Adam 1e-2, clip 1;
// LSTM and GRU must reach validation MSE < 0.01 within 2,000 steps while the vanilla RNN stays above 0.05. Drives the
// real built trainer (run `npm run build` first) one cell at a time, and writes bench/results/quality.json and prints
// a Markdown table for docs/RESULTS.md. Slow by design (minutes): it is a measurement, not a test.
import { fork } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values: args } = parseArgs({
  options: {
    'seq-len': { type: 'string', default: '50' },
    steps: { type: 'string', default: '2000' },
    cells: { type: 'string', default: 'lstm,gru,rnn' },
    seed: { type: 'string', default: '1' },
    'eval-every': { type: 'string', default: '100' },
    out: { type: 'string', default: join(root, 'bench', 'results', 'quality.json') }
  }
})
const chunks = join(root, 'out', 'main', 'chunks')
const bundle = readdirSync(chunks).find((f) => /^trainer(-[\w-]+)?\.js$/.test(f))
if (!bundle) throw new Error('No built trainer in out/main/chunks: run `npm run build` first')
// A build during these minutes replaces out/: train with a private copy of the trainer bundle. It lives under
// node_modules/.cache so that its own imports (@tensorflow/tfjs, zod) still resolve to this repository's packages.
const trainerCopy = join(root, 'node_modules', '.cache', 'gatelab-quality', bundle)
mkdirSync(dirname(trainerCopy), { recursive: true })
copyFileSync(join(chunks, bundle), trainerCopy)

const batch = 32
const steps = Number(args.steps)
const evalEvery = Number(args['eval-every'])
// One epoch = evalEvery steps, so the validation MSE is measured every evalEvery steps.
const base = {
  task: 'adding',
  seqLen: Number(args['seq-len']),
  samples: batch * evalEvery,
  valSamples: 1000,
  testSamples: 1000,
  units: 32,
  batch,
  optimizer: 'adam',
  lr: 1e-2,
  clip: 1,
  epochs: Math.ceil(steps / evalEvery),
  seed: Number(args.seed)
}

function train(cell) {
  return new Promise((resolve, reject) => {
    const child = fork(trainerCopy, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' })
    const curve = []
    let started
    child.on('message', (m) => {
      if (m.type === 'ready') child.send({ type: 'train', seq: 1, runId: cell, config: { ...base, cell } })
      else if (m.type === 'run:started') started = m
      else if (m.type === 'metrics') {
        for (const p of m.points) if (p.name === 'valLoss') curve.push({ step: p.step, valMse: p.value, seconds: p.wallMs / 1000 })
      } else if (m.type === 'progress') process.stderr.write(`\r${cell}: step ${m.step}/${m.totalSteps}, loss ${m.loss.toFixed(4)}   `)
      else if (m.type === 'run:finished') {
        process.stderr.write('\n')
        child.kill()
        resolve({ cell, started, finished: m, curve })
      }
    })
    child.on('exit', (code) => code && reject(new Error(`trainer for ${cell} exited with ${code}`)))
  })
}

const results = []
for (const cell of args.cells.split(',')) {
  const { started, finished, curve } = await train(cell)
  const solved = curve.find((c) => c.valMse < 0.01)
  results.push({
    cell,
    cellForm: started.cellForm,
    paramCount: started.paramCount,
    backend: started.backend,
    status: finished.status,
    steps: finished.steps,
    seconds: finished.durationMs / 1000,
    finalValMse: finished.final.valLoss,
    bestValMse: Math.min(...curve.map((c) => c.valMse)),
    solvedAtStep: solved?.step ?? null,
    solvedAtSeconds: solved?.seconds ?? null,
    testMse: finished.test.loss,
    curve
  })
}

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version }
mkdirSync(dirname(args.out), { recursive: true })
writeFileSync(args.out, JSON.stringify({ date: new Date().toISOString(), config: base, machine, results }, null, 2) + '\n')
const fmt = (v, d = 4) => (v === null || v === undefined ? '—' : Number(v).toFixed(d))
console.log(`Adding problem, T = ${base.seqLen}, ${steps} steps, seed ${base.seed}; ${machine.cpuModel}, ${machine.cpus} cores, Node ${machine.node}\n`)
console.log('| cell | form | params | backend | best val MSE | final val MSE | test MSE | val MSE < 0.01 at step | seconds |')
console.log('|---|---|---:|---|---:|---:|---:|---:|---:|')
for (const r of results) {
  console.log(`| ${r.cell} | ${r.cellForm} | ${r.paramCount} | ${r.backend} | ${fmt(r.bestValMse)} | ${fmt(r.finalValMse)} | ${fmt(r.testMse)} | ${r.solvedAtStep ?? 'never'} | ${fmt(r.seconds, 0)} |`)
}
console.log(`\nWrote ${args.out}`)
