/**
 * The trainer log's lines (src/shared/trainerLog.ts), as pure functions of what the trainer reported and the run's
 * config: no clock, no I/O, so every line can be tested from real message shapes. Numbers are rounded for reading with
 * the figures' formatTick (4 significant digits), sizes and durations with the limits' formatBytes/formatSeconds.
 */
import type { RunConfig } from '../../../shared/config'
import { cellLabels, isClassificationTask } from '../../../shared/config'
import { formatTick } from '../../../shared/figures/axis'
import { metricWords } from '../../../shared/figures/metrics'
import { formatBytes, formatSeconds, estimateLine, type RunEstimate } from '../../../shared/limits'
import { runSettingsOf } from '../../../shared/runSettings'
import { smallSplitsOf } from '../../../shared/baselines/splitSize'
import { LOG_TAG_WIDTH, logTags, type LogTag } from '../../../shared/trainerLog'
import type { RunFinished, RunStarted } from '../queue'

/** "backend  wasm: …": a tag padded to its column, then the text. */
export function line(tag: LogTag, text: string): string {
  return `${tag.padEnd(LOG_TAG_WIDTH)}${text}`
}

/** A continuation of the line before, indented under its text. */
function more(text: string): string {
  return `${' '.repeat(LOG_TAG_WIDTH)}${text}`
}

const num = (v: number): string => formatTick(v, 4)
const count = (n: number): string => Math.round(n).toLocaleString('en-US')

/** Three significant figures for a rate, with thousands separators: "4,060", "312", "8.51". */
function rate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–'
  if (perSecond >= 1000) return count(Number(perSecond.toPrecision(3)))
  return String(Number(perSecond.toPrecision(3)))
}

/** A metric in words as the log says it: "val loss", "val accuracy". */
export function metricLabel(metric: string): string {
  return metricWords(metric).replace(/^validation /, 'val ').replace(/^training /, '')
}

export interface StartFacts {
  runId: string
  /** When the trainer started training, as ISO text. */
  startedAt: string
  config: RunConfig
  started: RunStarted
  /** The run's estimate (src/main/limits) when it is known by now. */
  estimate?: RunEstimate
  /** Validation or test splits with fewer windows than this are warned about (src/shared/baselines/splitSize). */
  minSplitWindows: number
}

/** What the trainer runs and on what: the lines the log starts with. */
export function startLines(f: StartFacts): string[] {
  const { config: c, started: s } = f
  const v = s.versions
  const out: string[] = []
  out.push(line(logTags.head, `${f.runId} · started ${f.startedAt.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')} · seed ${c.seed}`))

  const shape = `${c.layers > 1 ? `${c.layers} layers × ` : ''}${c.units} units${c.bidirectional ? ', bidirectional' : ''}`
  out.push(line(logTags.model, `${cellLabels[c.cell] ?? c.cell} (${s.cellForm}), ${shape}, ${count(s.paramCount)} parameters`))

  const tools = [v.tfjs ? `TF.js ${v.tfjs}` : null, v.node ? `Node ${v.node}` : null].filter(Boolean).join(', ')
  out.push(line(logTags.engine, `${s.engine}${s.engine === 'fused' ? " (GateLab's LSTM/GRU kernels)" : ' (tfjs-layers cells, the reference path)'}${tools ? ` · ${tools}` : ''}`))
  out.push(line(logTags.backend, `${s.backend}${v['backend-why'] ? `: ${v['backend-why']}` : ''}`))
  if (s.engine === 'fused') {
    const kernels = v['fused-kernels']
    out.push(line(logTags.kernels, kernels ? `${kernelWords(kernels)}${v['fused-kernels-why'] ? `: ${v['fused-kernels-why']}` : ''}` : 'not recorded by this trainer'))
    const step = v['fused-step']
    const loops = v['fused-step-loops']
    const loopsWords = loops ? `; head, clipping and optimizer loops ${loops === 'native' ? 'native' : `in WebAssembly (${loops})`}` : ''
    if (step === 'whole-step') out.push(line(logTags.step, `whole step fused: ${v['fused-step-why'] ?? 'one call per step'}${loopsWords}; TF.js only evaluates`))
    else if (step) out.push(line(logTags.step, `TF.js step around the fused layers${v['fused-step-why'] ? `: ${v['fused-step-why']}` : ''}`))
  } else {
    out.push(line(logTags.kernels, `TF.js ${s.backend} ops (the layers engine runs no fused kernels)`))
  }

  const settings = runSettingsOf({ config: c as unknown as Record<string, unknown> & { task: string }, dataset: s.dataset })
  const d = s.dataset
  const unit = settings.kind === 'series' ? 'windows' : 'sequences'
  const shapeWords =
    settings.kind === 'series'
      ? settings.items.filter((i) => i.key === 'lookback' || i.key === 'horizon' || i.key === 'stride').map((i) => `${i.label.toLowerCase()} ${i.value}`)
      : [`sequence length ${count(Number(d.meta.seqLen ?? c.seqLen))}`]
  out.push(line(logTags.data, `${d.name}: ${count(d.train)}/${count(d.val)}/${count(d.test)} ${unit} (train/val/test), ${shapeWords.join(', ')}`))
  if (d.description) out.push(more(d.description))

  const batches = Math.ceil(d.train / c.batch)
  const lossName = isClassificationTask(c.task) || d.meta.kind === 'classification' ? 'cross-entropy' : c.loss.toUpperCase()
  const plan = [
    `${c.epochs} epochs × ${count(batches)} batches of ${c.batch} = ${count(s.totalSteps)} steps`,
    `${c.optimizer}${c.optimizer === 'sgd' && c.momentum > 0 ? ` (momentum ${c.momentum})` : ''}, learning rate ${num(c.lr)}${scheduleWords(c)}`,
    `loss ${lossName === 'HUBER' ? 'Huber' : lossName}`,
    c.clip === null ? 'no clipping' : `clipping at gradient norm ${num(c.clip)}`,
    c.earlyStopping
      ? `early stopping on ${metricLabel(c.earlyStopping.metric)} (patience ${c.earlyStopping.patience}${c.earlyStopping.minDelta > 0 ? `, min delta ${num(c.earlyStopping.minDelta)}` : ''})`
      : 'no early stopping',
    ...(c.dropout > 0 ? [`dropout ${c.dropout}`] : [])
  ]
  out.push(line(logTags.train, plan.join(' · ')))
  if (f.estimate) out.push(line(logTags.estimate, estimateLine(f.estimate)))

  const small = smallSplitsOf({ val: d.val, test: d.test }, f.minSplitWindows)
  if (small.length > 0) {
    const which = small.map((x) => `${x.split} ${count(x.windows)}`).join(', ')
    out.push(line(logTags.warning, `small splits (${which} ${unit}; fewer than ${f.minSplitWindows}): differences measured on so few are mostly noise`))
  }
  return out
}

function kernelWords(kernels: string): string {
  if (kernels === 'relaxed-simd') return 'relaxed-simd (WebAssembly relaxed SIMD, fused multiply-add)'
  if (kernels === 'simd128') return 'simd128 (WebAssembly SIMD128)'
  return kernels
}

function scheduleWords(c: RunConfig): string {
  const s = c.schedule
  if (!s) return ''
  if (s.kind === 'step') return ` (× ${s.factor} every ${s.every === 1 ? 'epoch' : `${s.every} epochs`})`
  return ` (× ${s.factor} when ${metricLabel(s.metric)} stalls ${s.patience} epochs, down to ${num(s.minLr)})`
}

/** One epoch as the log shows it, from the epoch metrics the trainer recorded (src/main/engine/train.ts). */
export interface EpochRecord {
  epoch: number
  epochs: number
  /** Epoch metrics by name: loss, valLoss (acc, valAcc for classification), lr, epochMs… */
  metrics: Record<string, number>
  /** Training windows/sequences per epoch (for samples per second). */
  trainSamples: number
  /** The watched metric (early stopping's, else valLoss) reached its best so far at this epoch. */
  best: boolean
  watched: string
  /** The learning rate of the epoch before, when it differed. */
  previousLr?: number
  /** Batches whose gradient norm was above the clip threshold, when clipping is on. */
  clipped?: { batches: number; of: number; largest: number }
}

/** "epoch    3/20  loss 0.1234  val loss 0.1301 best  0.42 s  4,060 samples/s" */
export function epochLine(r: EpochRecord): string {
  const m = r.metrics
  const width = String(r.epochs).length
  const parts = [`${String(r.epoch).padStart(width)}/${r.epochs}`]
  // Fixed-width columns (a value takes at most 8 characters: formatTick), so the epochs line up in a monospace log.
  const metric = (name: string): void => {
    if (m[name] === undefined) return
    parts.push(`${metricLabel(name)} ${num(m[name]!).padEnd(8)}${name === r.watched ? (r.best ? ' best' : '     ') : ''}`)
  }
  for (const name of ['loss', 'valLoss', 'acc', 'valAcc']) metric(name)
  if (r.watched !== 'valLoss' && !['loss', 'acc', 'valAcc'].includes(r.watched)) metric(r.watched)
  if (m.epochMs !== undefined) {
    parts.push(formatSeconds(m.epochMs / 1000).padStart(7))
    if (m.epochMs > 0) parts.push(`${rate((r.trainSamples * 1000) / m.epochMs).padStart(7)} samples/s`)
  }
  if (r.previousLr !== undefined && m.lr !== undefined) parts.push(`lr ${num(m.lr)} (was ${num(r.previousLr)})`)
  if (r.clipped && r.clipped.batches > 0) parts.push(`clipped ${r.clipped.batches}/${r.clipped.of} batches`)
  return line(logTags.epoch, parts.join('  ').trimEnd())
}

/** Warnings an epoch gives: a non-finite loss, clipping at work for the first time. */
export function epochWarnings(r: EpochRecord, clip: number | null, firstClipping: boolean): string[] {
  const out: string[] = []
  for (const name of ['loss', 'valLoss']) {
    const value = r.metrics[name]
    if (value !== undefined && !Number.isFinite(value)) out.push(line(logTags.warning, `${metricLabel(name)} is ${value} after epoch ${r.epoch}: training diverged`))
  }
  if (firstClipping && clip !== null && r.clipped && r.clipped.batches > 0) {
    out.push(
      line(
        logTags.warning,
        `clipping active: the gradient norm was above ${num(clip)} in ${r.clipped.batches} of ${r.clipped.of} batches of epoch ${r.epoch} ` +
          `(largest ${num(r.clipped.largest)}); those updates were scaled down to norm ${num(clip)}`
      )
    )
  }
  return out
}

export interface EndFacts {
  config: RunConfig
  finished: RunFinished
  /** The weights and topology files the trainer sent, with their sizes. */
  artifacts: Array<{ kind: string; name: string; bytes: number }>
  /** Where artifacts are kept, in words ("the lab /home/me/lab.db"); left out when unknown. */
  artifactsWhere?: string
  runId: string
}

/** How the run ended: status, epochs, time, the best epoch, test metrics and where the weights went. */
export function endLines(f: EndFacts): string[] {
  const { finished: r, config: c } = f
  const out: string[] = []
  if (r.status === 'completed' && c.earlyStopping && r.epochs < c.epochs && r.best) {
    out.push(
      line(
        logTags.warning,
        `early stop: ${metricLabel(r.best.metric)} did not improve${c.earlyStopping.minDelta > 0 ? ` by more than ${num(c.earlyStopping.minDelta)}` : ''} ` +
          `for ${c.earlyStopping.patience} epochs after epoch ${r.best.epoch}; stopped after epoch ${r.epochs} of ${c.epochs}`
      )
    )
  }
  const span = `${r.epochs} of ${c.epochs} epochs (${count(r.steps)} steps) in ${formatSeconds(r.durationMs / 1000)}`
  const best = r.best ? `; best ${metricLabel(r.best.metric)} ${num(r.best.value)} at epoch ${r.best.epoch}` : ''
  if (r.status === 'completed') out.push(line(logTags.end, `completed ${span}${best}`))
  else if (r.status === 'cancelled') out.push(line(logTags.end, `cancelled after ${span}${best}${r.error && r.error !== 'Cancelled' ? ` (${r.error})` : ''}; the metrics so far are kept`))
  else out.push(line(logTags.end, `failed after ${span}: ${r.error ?? 'no reason given'}`))

  const test = Object.entries(r.test)
  if (test.length > 0) {
    const restored = c.earlyStopping?.restoreBest === false ? 'last weights' : r.best ? `weights of epoch ${r.best.epoch}` : 'final weights'
    out.push(line(logTags.test, `${test.map(([k, v]) => `${metricLabel(k)} ${num(v)}`).join(', ')} (test split, ${restored})`))
  }

  const files = f.artifacts.filter((a) => a.kind === 'weights' || a.kind === 'topology')
  if (files.length > 0) {
    const where = f.artifactsWhere ? ` stored in ${f.artifactsWhere}` : ' stored with the run'
    out.push(line(logTags.weights, `${files.map((a) => `${a.name} (${formatBytes(a.bytes)})`).join(' and ')}${where}`))
    out.push(more(`download them from the run page's Artifacts card, or \`gatelab export --runs ${f.runId} --format weights --out DIR\``))
  } else if (r.status !== 'completed') {
    out.push(line(logTags.weights, 'none saved (the run did not finish an epoch with a finite validation loss, or it failed)'))
  }
  return out
}

/** TF.js notices that say nothing about this run (its banner suggesting tfjs-node, re-registration chatter). */
const tfjsNoise = [
  /^=+$/,
  /looks like you are running TensorFlow\.js in Node\.js/i,
  /Platform \w+ has already been set/i,
  /backend was already registered/i,
  /for backend '\w+' is already registered/i,
  /^Overwriting the platform/i
]

/**
 * The trainer process's own output (stdout/stderr lines as the host captured them, "[stderr] …"), with TF.js's
 * notices collapsed into one line and everything else kept as written.
 */
export function outputLines(raw: readonly string[]): string[] {
  const kept: string[] = []
  let noise = 0
  let sample = ''
  for (const l of raw) {
    const text = l.replace(/^\[(stdout|stderr)\] /, '')
    if (tfjsNoise.some((p) => p.test(text.trim()))) {
      noise++
      if (!sample && /[a-z]/i.test(text)) sample = text.trim()
      continue
    }
    kept.push(line(logTags.output, l))
  }
  if (noise > 0) {
    const what = sample ? `: "${sample.length > 90 ? `${sample.slice(0, 89)}…` : sample}"` : ''
    kept.unshift(line(logTags.output, `TF.js printed ${noise} line${noise === 1 ? '' : 's'} of notices, hidden${what} (the backend line above says what ran)`))
  }
  return kept
}
