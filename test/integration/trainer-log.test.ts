/**
 * The trainer log with everything real (issue 17 item 8): a Lab on a SQLite file, a trainer process training a tiny
 * model, the log written as it trains, then read back through `gatelab log` in its own process.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import type { RunConfigInput } from '../../src/shared/config'
import { createNodeLab } from '../../src/main/host'
import type { Lab } from '../../src/main/lab'
import { tagOfLine } from '../../src/shared/trainerLog'
import { cliEntry, repoRoot, tempDir } from '../helpers/host'

const tiny: RunConfigInput = { task: 'adding', seqLen: 8, samples: 256, valSamples: 64, testSamples: 64, units: 6, batch: 32, epochs: 3, seed: 5, clip: 0.5 }

let lab: Lab | undefined
afterEach(async () => {
  await lab?.close()
  lab = undefined
})

/** The number after `label` on a log line, as the log wrote it (formatTick: "−" for minus). */
const numberAfter = (line: string, label: string): number => Number(new RegExp(`${label} (\\S+)`).exec(line)![1]!.replace('−', '-'))

describe('trainer log', () => {
  it('logs what ran and why, one line per epoch matching the stored metrics, live, and through `gatelab log`', async () => {
    const dbPath = join(tempDir(), 'lab.db')
    lab = createNodeLab({ dbPath, mode: 'node', owner: 'test', concurrency: 1 })
    const liveEpochLines: number[] = []
    let id = ''
    lab.events.subscribe((e) => {
      // The queue appends an epoch's line before it publishes that epoch's metrics: a page reloading on the event has it.
      if (e.type === 'run:metrics' && e.runId === id && e.points.some((p) => p.name === 'epochMs')) {
        liveEpochLines.push(lab!.store.getRunLog(id).split('\n').filter((l) => tagOfLine(l) === 'epoch').length)
      }
    })
    id = lab.startRuns([tiny])[0]!
    await lab.waitForRun(id)
    const run = lab.store.getRun(id)
    expect(run.status).toBe('completed')
    expect(liveEpochLines).toEqual([1, 2, 3])

    const text = lab.store.getRunLog(id)
    const lines = text.split('\n')
    const tag = (t: string): string[] => lines.filter((l) => tagOfLine(l) === t)
    // What runs and on what, with the reasons.
    expect(lines[0]).toMatch(new RegExp(`^run {6}${id} · started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC · seed 5$`))
    expect(tag('model')[0]).toContain(`${run.paramCount} parameters`)
    expect(tag('backend')[0]).toMatch(new RegExp(`^backend  ${run.backend}: .+`))
    expect(tag('backend')[0]).toBe(`backend  ${run.backend}: ${run.versions['backend-why']}`)
    expect(tag('kernels')[0]).toMatch(/^kernels {2}(native-(avx512|avx2|sse|neon)|relaxed-simd|simd128)\b.*: .+/)
    expect(tag('kernels')[0]).toContain(run.versions['fused-kernels-why'])
    expect(tag('step')[0]).toMatch(/^step {5}whole step fused: /)
    expect(tag('data')[0]).toBe('data     adding: 256/64/64 sequences (train/val/test), sequence length 8')
    expect(tag('train')[0]).toContain('3 epochs × 8 batches of 32 = 24 steps')

    // One line per epoch, its numbers those the store holds (rounded to 4 significant digits).
    const series = lab.store.getFullSeries(id, ['loss', 'valLoss', 'epochMs'])
    const at = (name: string, epoch: number): number => series.find((p) => p.name === name && p.epoch === epoch)!.value
    const epochs = tag('epoch')
    expect(epochs).toHaveLength(3)
    epochs.forEach((l, k) => {
      const e = k + 1
      expect(l.startsWith(`epoch    ${e}/3  `)).toBe(true)
      for (const [label, name] of [['loss', 'loss'], ['val loss', 'valLoss']] as const) {
        const shown = numberAfter(l.replace(/^epoch\s+\d+\/\d+\s+/, ''), label)
        expect(Number.isFinite(shown)).toBe(true)
        expect(Math.abs(shown - at(name, e))).toBeLessThanOrEqual(Math.abs(at(name, e)) * 5e-4)
      }
      const samples = Number(/([\d,.]+) samples\/s/.exec(l)![1]!.replace(/,/g, ''))
      expect(samples / ((256 * 1000) / at('epochMs', e))).toBeCloseTo(1, 2)
    })
    // The best epoch is the one marked last.
    const bestMarked = epochs.map((l, k) => (/ best\b/.test(l) ? k + 1 : 0)).filter(Boolean)
    expect(bestMarked.at(-1)).toBe(run.best!.epoch)

    expect(tag('end')[0]).toMatch(new RegExp(`^end {6}completed 3 of 3 epochs \\(24 steps\\) in .+; best val loss \\S+ at epoch ${run.best!.epoch}$`))
    expect(tag('weights')[0]).toMatch(new RegExp(`model\\.json \\(.+\\) and weights\\.bin \\(.+\\) stored in the lab ${dbPath.replace(/[.]/g, '\\.')}$`))
    expect(text).not.toMatch(/undefined|NaN|\[object/)
    expect(text).not.toMatch(/Hi, looks like you are running TensorFlow/)

    // The same text from a terminal.
    const cli = spawnSync(process.execPath, [cliEntry, 'log', id.slice(0, 18), '--db', dbPath], { cwd: repoRoot, encoding: 'utf8' })
    expect(cli.stderr).toBe('')
    expect(cli.status).toBe(0)
    expect(cli.stdout).toBe(text)
    const follow = spawnSync(process.execPath, [cliEntry, 'log', id, '--db', dbPath, '--follow'], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 })
    expect(follow.status).toBe(0)
    expect(follow.stdout).toBe(text)
    const show = spawnSync(process.execPath, [cliEntry, 'show', id, '--db', dbPath], { cwd: repoRoot, encoding: 'utf8' })
    expect(show.stdout).toContain(`Trainer log: ${lines.filter((l) => l !== '').length} lines, \`gatelab log ${id}\` prints them`)
    const unknown = spawnSync(process.execPath, [cliEntry, 'log', 'nope', '--db', dbPath], { cwd: repoRoot, encoding: 'utf8' })
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/nope/)
  })
})
