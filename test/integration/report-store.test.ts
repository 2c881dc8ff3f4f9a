/**
 * Exports through the real Store on a real SQLite file, with runs recorded the way the run queue records them
 * (createRun → startRun → appendMetrics → finishRun), including a diverged run whose NaN must survive SQLite and the
 * CSV. Faster than training, and it reaches the cases training rarely produces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { createLabStore, type LabStore } from '../../src/main/labStore'
import { Store } from '../../src/main/store/store'
import { exportRuns } from '../../src/main/report/exports'
import { ReportError } from '../../src/main/report/errors'
import { tempDir } from '../helpers/host'
import { makeRun } from '../unit/report.fixtures'
import type { RunData } from '../../src/main/report/source'

function record(store: LabStore, data: RunData, options: { withMetrics?: boolean } = {}): string {
  const { run, points } = data
  const { id } = store.createRun({ config: run.config })
  store.startRun(id, {
    backend: 'cpu',
    engine: 'layers',
    cellForm: run.cellForm!,
    paramCount: run.paramCount!,
    versions: run.versions,
    dataset: run.dataset!,
    totalSteps: run.steps!
  })
  if (options.withMetrics ?? true) store.appendMetrics(id, points)
  store.finishRun(id, {
    status: run.status === 'failed' ? 'failed' : 'completed',
    ...(run.error ? { error: run.error } : {}),
    final: run.final,
    test: run.test,
    best: run.best,
    epochs: run.epochs!,
    steps: run.steps!,
    durationMs: run.durationMs!
  })
  return id
}

describe('exports from the real store', () => {
  let store: LabStore
  let ids: string[]
  let empty: string

  beforeAll(() => {
    store = createLabStore(Store.open(join(tempDir('gatelab-report-store-'), 'lab.db'), { owner: { kind: 'test' } }))
    ids = [record(store, makeRun({ id: 'x', cell: 'lstm', seed: 4 })), record(store, makeRun({ id: 'y', cell: 'gru', seed: 4, diverge: true }))]
    empty = record(store, makeRun({ id: 'z', cell: 'gru' }), { withMetrics: false })
  })
  afterAll(() => store?.close())

  it('writes CSV equal to the stored points, NaN included', async () => {
    const [file] = await exportRuns(store, ids, 'csv')
    const lines = new TextDecoder().decode(file!.data).trimEnd().split('\r\n').slice(1)
    const stored = ids.flatMap((id) => store.getFullSeries(id).map((p) => [id, p] as const))
    expect(lines).toHaveLength(stored.length)
    lines.forEach((line, i) => {
      const [id, metric, epoch, step, wall, value] = line.split(',')
      const [wantId, p] = stored[i]!
      expect([id, metric, Number(epoch), Number(step)]).toEqual([wantId, p.name, p.epoch, p.step])
      expect(Object.is(Number(wall), p.wallMs)).toBe(true)
      expect(Object.is(Number(value), p.value)).toBe(true)
    })
    expect(lines.filter((l) => l.endsWith(',NaN'))).toHaveLength(1)
  })

  it('accepts unique id prefixes and names every unknown id at once', async () => {
    const [file] = await exportRuns(store, [ids[0]!.slice(0, -2)], 'json')
    expect(JSON.parse(new TextDecoder().decode(file!.data)).runs[0].id).toBe(ids[0])
    const error = await exportRuns(store, [ids[0]!, 'nope-1', 'nope-2'], 'csv').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReportError)
    expect((error as ReportError).code).toBe('not_found')
    expect((error as ReportError).message).toMatch(/No run "nope-1", "nope-2" in this lab \(2 runs\)/)
  })

  it('refuses weights of runs that saved none, and figures of runs without metrics, saying why', async () => {
    await expect(exportRuns(store, ids, 'weights')).rejects.toThrow(/No saved weights for .*\(completed\).*\(failed\)/)
    await expect(exportRuns(store, [empty], 'svg')).rejects.toThrow(/recorded no metrics, so there are no figures/)
    // The report itself still works and says what is missing.
    const [html] = await exportRuns(store, [empty], 'html')
    expect(new TextDecoder().decode(html!.data)).toContain('No metrics were recorded for these runs.')
  })
})
