/**
 * The run store on real SQLite files in temp folders: schema, the life of a run, summaries, queries, downsampled and
 * full series, artifacts and logs, editing, deleting (space really freed), and two stores on one file.
 */
import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import type { Store} from '../../src/main/store/store';
import { StoreError } from '../../src/main/store/store'
import { LATEST_VERSION, GATELAB_APPLICATION_ID } from '../../src/main/store/migrations'
import { downsampleM4, makeBuckets } from '../../src/main/store/downsample'
import { config, finishInfo, openTemp, points, startInfo, tempDbPath } from '../fixtures/store/helpers'

function storeError(fn: () => unknown): StoreError {
  try {
    fn()
  } catch (error) {
    if (error instanceof StoreError) return error
    throw error
  }
  throw new Error('expected a StoreError')
}

describe('a new lab file', () => {
  it('is created at the latest schema, marked as GateLab, in WAL mode with incremental auto-vacuum', () => {
    const path = tempDbPath()
    const store = openTemp({}, path)
    expect(store.schemaVersion).toBe(LATEST_VERSION)
    store.close()
    const db = new Database(path, { readonly: true })
    expect(db.pragma('application_id', { simple: true })).toBe(GATELAB_APPLICATION_ID)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2) // incremental
    const history = db.prepare('select version from schema_migrations order by version').pluck().all()
    expect(history).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1))
    db.close()
  })

  it('runs with foreign keys on and a busy timeout, so several processes can share it', () => {
    const path = tempDbPath()
    const store = openTemp({}, path)
    const run = store.createRun({ config: config() })
    // A metric row for a run that does not exist must be refused by the foreign key, not stored as an orphan.
    const db = new Database(path)
    db.pragma('foreign_keys = ON')
    expect(() => db.prepare('insert into metrics (run_rid, name_id, seq, epoch, step, wall_ms, value) values (999999, 1, 0, 0, 0, 0, 0)').run()).toThrow(/FOREIGN KEY/)
    db.close()
    expect(store.getRun(run.id).status).toBe('queued')
    store.close()
  })
})

describe('the life of a run', () => {
  it('goes queued → running → completed, keeping config, name, notes, tags, dataset and results', () => {
    const store = openTemp()
    const sweep = store.createSweep({ name: 'cells', spec: { grid: { cell: ['lstm', 'gru'] } } })
    const cfg = config({ name: 'baseline', notes: 'first try', tags: ['adding', 'baseline', 'adding'], cell: 'gru', units: 16 })
    const created = store.createRun({ config: cfg, sweepId: sweep.id, groupKey: 'gru/16' })
    expect(created.id).toMatch(/^\d{8}-\d{6}-[0-9a-z]{4}$/)
    expect(created.id.slice(0, 8)).toBe(new Date().toISOString().slice(0, 10).replaceAll('-', ''))
    expect(created).toMatchObject({ status: 'queued', name: 'baseline', notes: 'first try', cell: 'gru', task: 'adding', seed: 42 })
    expect(created.tags).toEqual(['adding', 'baseline'])
    expect(created.sweepId).toBe(sweep.id)
    expect(created.groupKey).toBe('gru/16')
    expect(created.config).toEqual(cfg)
    expect(created.hp).toMatchObject({ units: 16, layers: 1, lr: 0.001, batch: 32, epochs: 10, optimizer: 'adam', seqLen: 50 })
    // Before the trainer builds the data the row has no data facts (src/shared/runSettings.ts reads them once it has).
    expect(created.hp.data).toBeNull()
    expect(created.startedAt).toBeNull()

    store.startRun(created.id, startInfo({ paramCount: 1000 }))
    const running = store.getRun(created.id)
    expect(running).toMatchObject({ status: 'running', backend: 'cpu', engine: 'layers', paramCount: 1000, datasetName: 'adding', datasetHash: 'sha256:abc' })
    expect(running.dataset).toEqual(startInfo().dataset)
    // The row now carries the split the trainer reported, for the runs table (src/shared/runSettings.ts).
    expect(running.hp.data).toMatchObject({ train: startInfo().dataset.train, val: startInfo().dataset.val, test: startInfo().dataset.test })
    expect(running.versions).toEqual({ tfjs: '4.22.0', gatelab: '0.1.0' })
    expect(Date.parse(running.startedAt!)).toBeGreaterThan(0)
    expect(running.owner).toMatchObject({ pid: process.pid, kind: 'test', closedAt: null })

    store.finishRun(created.id, finishInfo())
    const done = store.getRun(created.id)
    expect(done).toMatchObject({ status: 'completed', epochs: 10, steps: 630, durationMs: 12_345, error: null })
    expect(done.final).toEqual({ loss: 0.01, valLoss: 0.02 })
    expect(done.test).toEqual({ loss: 0.021 })
    expect(done.best).toEqual({ metric: 'valLoss', value: 0.018, epoch: 8 })
    expect(store.getSweep(sweep.id).spec).toEqual({ grid: { cell: ['lstm', 'gru'] } })
    store.createRun({ config: cfg, sweepId: sweep.id })
    const other = store.createSweep({ name: 'empty' })
    const sweeps = new Map(store.listSweeps().map((s) => [s.id, [s.total, s.counts]]))
    expect(sweeps).toEqual(
      new Map<string, unknown>([
        [other.id, [0, {}]],
        [sweep.id, [2, { completed: 1, queued: 1 }]]
      ])
    )
    store.close()
  })

  it('refuses impossible transitions and unknown runs with clear errors', () => {
    const store = openTemp()
    const run = store.createRun({ config: config() })
    store.startRun(run.id, startInfo())
    store.finishRun(run.id, finishInfo({ status: 'failed', error: 'loss became NaN at step 12' }))
    expect(store.getRun(run.id).error).toBe('loss became NaN at step 12')
    const twice = storeError(() => store.finishRun(run.id, finishInfo()))
    expect(twice.code).toBe('invalid')
    expect(twice.message).toContain('it is failed')
    expect(storeError(() => store.startRun(run.id, startInfo())).code).toBe('invalid')
    const missing = storeError(() => store.getRun('20990101-000000-zzzz'))
    expect(missing.code).toBe('not_found')
    expect(missing.message).toContain(store.path)
    expect(storeError(() => store.createRun({ config: config(), sweepId: 'sweep-nope' })).code).toBe('not_found')
    store.close()
  })

  it('a queued run can be cancelled without ever starting', () => {
    const store = openTemp()
    const run = store.createRun({ config: config() })
    store.finishRun(run.id, finishInfo({ status: 'cancelled', final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: 0 }))
    expect(store.getRun(run.id)).toMatchObject({ status: 'cancelled', startedAt: null })
    store.close()
  })
})

describe('metrics and summaries', () => {
  it('keeps last, min, max and where they happened, across batches, without scanning metrics', () => {
    const store = openTemp()
    const run = store.createRun({ config: config() })
    store.startRun(run.id, startInfo())
    store.appendMetrics(run.id, [
      { epoch: 0, step: 1, name: 'loss', value: 0.5, wallMs: 10 },
      { epoch: 0, step: 2, name: 'loss', value: 0.3, wallMs: 20 },
      { epoch: 0, step: 2, name: 'valLoss', value: 0.4, wallMs: 21 }
    ])
    store.appendMetrics(run.id, [
      { epoch: 1, step: 3, name: 'loss', value: 0.9, wallMs: 30 },
      { epoch: 1, step: 4, name: 'loss', value: 0.1, wallMs: 40 },
      { epoch: 1, step: 4, name: 'loss', value: 0.1, wallMs: 41 }, // same step twice: both kept
      { epoch: 1, step: 4, name: 'valLoss', value: 0.35, wallMs: 42 }
    ])
    const { summary } = store.getRun(run.id)
    expect(summary.loss).toEqual({ count: 5, last: 0.1, lastStep: 4, lastEpoch: 1, min: 0.1, minStep: 4, minEpoch: 1, max: 0.9, maxStep: 3, maxEpoch: 1 })
    expect(summary.valLoss).toMatchObject({ count: 2, last: 0.35, min: 0.35, minStep: 4, max: 0.4, maxStep: 2 })
    expect(store.getFullSeries(run.id, ['loss']).map((p) => p.value)).toEqual([0.5, 0.3, 0.9, 0.1, 0.1])
    expect(store.listMetricNames([run.id, 'unknown'])).toEqual(['loss', 'valLoss'])
    store.close()
  })

  it('stores NaN (a diverged loss) as a point without a value, and keeps the extremes of the real values', () => {
    const store = openTemp()
    const run = store.createRun({ config: config() })
    store.appendMetrics(run.id, [
      { epoch: 0, step: 1, name: 'loss', value: 2, wallMs: 1 },
      { epoch: 0, step: 2, name: 'loss', value: NaN, wallMs: 2 }
    ])
    const s = store.getRun(run.id).summary.loss!
    expect(s).toMatchObject({ count: 2, last: null, lastStep: 2, min: 2, max: 2 })
    const full = store.getFullSeries(run.id)
    expect(full).toHaveLength(2)
    expect(full[1]!.value).toBeNaN()
    expect(store.getSeries({ runIds: [run.id], metric: 'loss' }).series[0]!.points).toEqual([[1, 2]])
    store.close()
  })

  it('a malformed batch is refused whole: nothing of it is stored', () => {
    const store = openTemp()
    const run = store.createRun({ config: config() })
    const bad = [...points('loss', 1, 3), { epoch: 0, step: 1.5, name: 'loss', value: 1, wallMs: 1 }]
    expect(storeError(() => store.appendMetrics(run.id, bad)).code).toBe('invalid')
    expect(store.getFullSeries(run.id)).toEqual([])
    expect(store.getRun(run.id).summary).toEqual({})
    expect(storeError(() => store.appendMetrics('20990101-000000-zzzz', points('loss', 1, 1))).code).toBe('not_found')
    store.close()
  })
})

describe('listing runs', () => {
  function seed(store: Store): string[] {
    const ids: string[] = []
    const specs = [
      { name: 'lstm a', cell: 'lstm', tags: ['x'], task: 'adding', best: 0.5, notes: 'uses 50% of data' },
      { name: 'gru a', cell: 'gru', tags: ['x', 'y'], task: 'adding', best: 0.2, notes: '' },
      { name: 'gru b', cell: 'gru', tags: ['y'], task: 'copy', best: 0.9, notes: 'promising' },
      { name: 'rnn', cell: 'rnn', tags: [], task: 'sine', best: null, notes: '' }
    ] as const
    for (const s of specs) {
      const run = store.createRun({ config: config({ name: s.name, cell: s.cell, tags: [...s.tags], task: s.task, notes: s.notes }) })
      ids.push(run.id)
      if (s.best !== null) {
        store.startRun(run.id, startInfo({ dataset: { ...startInfo().dataset, name: `${s.task}-ds` }, paramCount: Math.round(s.best * 100) }))
        store.appendMetrics(run.id, [...points('valLoss', 1, 5, (k) => s.best + k / 100), { epoch: 9, step: 9, name: 'valLoss', value: s.best, wallMs: 90 }])
        store.finishRun(run.id, finishInfo())
      }
    }
    return ids
  }

  it('filters by status, cell, dataset, tag, sweep and free text, and counts the total', () => {
    const store = openTemp()
    const [lstmA, gruA, gruB, rnn] = seed(store)
    const names = (q: Parameters<Store['listRuns']>[0]): string[] => store.listRuns(q).rows.map((r) => r.name).sort()
    expect(names({ status: 'queued' })).toEqual(['rnn'])
    expect(names({ status: ['completed'], cell: 'gru' })).toEqual(['gru a', 'gru b'])
    expect(names({ dataset: 'adding' })).toEqual(['gru a', 'lstm a'])
    expect(names({ dataset: 'copy-ds' })).toEqual(['gru b'])
    expect(names({ tag: 'y' })).toEqual(['gru a', 'gru b'])
    expect(names({ tag: ['x', 'y'] })).toEqual(['gru a'])
    expect(names({ text: 'PROMIS' })).toEqual(['gru b'])
    expect(names({ text: '50%' })).toEqual(['lstm a']) // % is literal, not a wildcard
    expect(names({ text: 'DATA' })).toEqual(['lstm a']) // in the notes only
    expect(names({ ids: [gruB!, rnn!] })).toEqual(['gru b', 'rnn'])
    const sweep = store.createSweep({ name: 's' })
    const inSweep = store.createRun({ config: config({ name: 'swept' }), sweepId: sweep.id })
    expect(names({ sweepId: sweep.id })).toEqual(['swept'])
    const page = store.listRuns({ limit: 2, offset: 0, sort: 'name', order: 'asc' })
    expect(page.total).toBe(5)
    expect(page.rows.map((r) => r.name)).toEqual(['gru a', 'gru b'])
    expect(store.listRuns({ limit: 2, offset: 4, sort: 'name', order: 'asc' }).rows.map((r) => r.name)).toEqual(['swept'])
    expect([lstmA, gruA, inSweep.id]).toHaveLength(3)
    store.close()
  })

  it('sorts by a summary metric (missing values last in both orders) and returns summaries with each row', () => {
    const store = openTemp()
    seed(store)
    const asc = store.listRuns({ sort: 'summary:valLoss:min', order: 'asc' }).rows
    expect(asc.map((r) => r.name)).toEqual(['gru a', 'lstm a', 'gru b', 'rnn'])
    const desc = store.listRuns({ sort: 'summary:valLoss:min', order: 'desc' }).rows
    expect(desc.map((r) => r.name)).toEqual(['gru b', 'lstm a', 'gru a', 'rnn'])
    expect(asc[0]!.summary.valLoss).toMatchObject({ min: 0.2, minStep: 9, count: 6 })
    expect(asc[0]!.tags).toEqual(['x', 'y'])
    expect(store.listRuns({ sort: 'paramCount', order: 'asc' }).rows.map((r) => r.paramCount)).toEqual([20, 50, 90, null])
    expect(storeError(() => store.listRuns({ sort: 'config; drop table runs' })).code).toBe('invalid')
    expect(storeError(() => store.listRuns({ sort: 'summary:valLoss:median' })).code).toBe('invalid')
    expect(storeError(() => store.listRuns({ status: 'paused' as never })).code).toBe('invalid')
    store.close()
  })

  it('hides archived runs unless asked, and brings them back', () => {
    const store = openTemp()
    const [a, b] = seed(store)
    expect(store.archiveRuns([a!, b!, 'unknown'])).toBe(2)
    expect(store.listRuns().total).toBe(2)
    expect(store.listRuns({ archived: 'only' }).rows.map((r) => r.id).sort()).toEqual([a, b].sort())
    expect(store.listRuns({ archived: 'include' }).total).toBe(4)
    expect(store.archiveRuns([a!], false)).toBe(1)
    expect(store.listRuns().total).toBe(3)
    store.close()
  })

  it('edits name, notes and tags; resolves unique id prefixes for the CLI', () => {
    const store = openTemp()
    const run = store.createRun({ config: config({ name: 'old' }) })
    const row = store.updateRun(run.id, { name: 'new', notes: 'n', tags: [' b ', 'a', 'b'] })
    expect(row).toMatchObject({ name: 'new', tags: ['a', 'b'] })
    expect(store.getRun(run.id).notes).toBe('n')
    expect(storeError(() => store.setTags(run.id, ['x'.repeat(65)])).code).toBe('invalid')
    expect(store.resolveRunId(run.id.slice(0, 17))).toBe(run.id)
    expect(storeError(() => store.resolveRunId('1999')).code).toBe('not_found')
    store.close()
  })
})

describe('series for charts and export', () => {
  it('downsamples every run on the same x buckets, keeping first, last and extreme points within the budget', () => {
    const store = openTemp()
    const a = store.createRun({ config: config() }).id
    const b = store.createRun({ config: config() }).id
    // a: 10,000 noisy points with one spike; b: 3,000 points over a shorter x range.
    store.appendMetrics(a, points('loss', 1, 10_000, (s) => (s === 7_777 ? 50 : 1 + Math.sin(s))))
    store.appendMetrics(b, points('loss', 1, 3_000, (s) => (s === 1 ? -5 : 2)))
    const result = store.getSeries({ runIds: [a, b, 'gone'], metric: 'loss', points: 400 })
    expect(result.missing).toEqual(['gone'])
    expect(result.range).toEqual([1, 10_000])
    expect(result.buckets).toBe(100)
    const [sa, sb] = result.series
    expect(sa!.total).toBe(10_000)
    expect(sa!.downsampled).toBe(true)
    expect(sa!.points.length).toBeLessThanOrEqual(400)
    expect(sa!.points[0]).toEqual([1, 1 + Math.sin(1)])
    expect(sa!.points.at(-1)).toEqual([10_000, 1 + Math.sin(10_000)])
    expect(sa!.points).toContainEqual([7_777, 50])
    const xs = sa!.points.map((p) => p[0])
    expect(xs).toEqual([...xs].sort((p, q) => p - q))
    // Same buckets: b's points fall in the buckets of the shared range (1..10,000), so b, 3,000 long, fits its 30 buckets.
    expect(sb!.downsampled).toBe(true)
    expect(sb!.points).toContainEqual([1, -5])
    const bucket = (x: number): number => Math.min(99, Math.floor(((x - 1) / 9_999) * 100))
    expect(new Set(sb!.points.map((p) => bucket(p[0]))).size).toBe(bucket(3_000) + 1)
    store.close()
  })

  it('gives exactly what M4 over every point gives (the SQL bucket passes agree with the reference code)', () => {
    const store = openTemp()
    const a = store.createRun({ config: config() }).id
    let r = 12345
    const noise = (): number => ((r = (r * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    store.appendMetrics(a, points('loss', 1, 7_919, () => noise() * 2 - 1))
    for (const [x, range] of [['step', undefined], ['wallMs', undefined], ['step', [500, 4_321]]] as const) {
      const got = store.getSeries({ runIds: [a], metric: 'loss', x, points: 300, range: range ? [...range] : undefined })
      const full = store.getFullSeries(a).filter((p) => !range || (p.step >= range[0] && p.step <= range[1]))
      const xs = full.map((p) => (x === 'step' ? p.step : p.wallMs))
      const expected = downsampleM4(xs, full.map((p) => p.value), makeBuckets(got.range![0], got.range![1], 300), 300)
      expect(got.series[0]!.points).toEqual(expected.x.map((v, i) => [v, expected.y[i]]))
      expect(got.series[0]!.total).toBe(full.length)
    }
    store.close()
  })

  it('returns every point when they fit, and honours an x range and other x axes', () => {
    const store = openTemp()
    const a = store.createRun({ config: config() }).id
    store.appendMetrics(a, points('loss', 1, 500))
    const all = store.getSeries({ runIds: [a], metric: 'loss', points: 1000 })
    expect(all.series[0]).toMatchObject({ downsampled: false, total: 500 })
    expect(all.series[0]!.points).toHaveLength(500)
    const zoom = store.getSeries({ runIds: [a], metric: 'loss', range: [100, 199], points: 1000 })
    expect(zoom.series[0]!.points.map((p) => p[0])).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i))
    const wall = store.getSeries({ runIds: [a], metric: 'loss', x: 'wallMs', points: 1000 })
    expect(wall.range).toEqual([10, 5000])
    expect(store.getSeries({ runIds: [a], metric: 'nothing' })).toMatchObject({ range: null, series: [{ total: 0, points: [] }] })
    expect(storeError(() => store.getSeries({ runIds: Array(101).fill(a), metric: 'loss' })).code).toBe('invalid')
    store.close()
  })

  it('exports every point, ordered by metric then step', () => {
    const store = openTemp()
    const a = store.createRun({ config: config() }).id
    store.appendMetrics(a, [...points('valLoss', 1, 3), ...points('loss', 1, 4)])
    const full = store.getFullSeries(a)
    expect(full.map((p) => `${p.name}@${p.step}`)).toEqual(['loss@1', 'loss@2', 'loss@3', 'loss@4', 'valLoss@1', 'valLoss@2', 'valLoss@3'])
    expect(full[0]).toEqual({ epoch: 0, step: 1, name: 'loss', value: 1, wallMs: 10 })
    expect(store.getFullSeries(a, ['valLoss'])).toHaveLength(3)
    store.close()
  })
})

describe('artifacts and logs', () => {
  it('stores bytes with their sha256, replaces by name, and keeps the trainer log', () => {
    const store = openTemp()
    const run = store.createRun({ config: config() }).id
    const weights = new Uint8Array(100_000).map((_, i) => i % 251)
    const info = store.addArtifact(run, { kind: 'weights', name: 'weights.bin', mediaType: 'application/octet-stream', data: weights })
    expect(info).toMatchObject({ bytes: 100_000, sha256: createHash('sha256').update(weights).digest('hex') })
    store.addArtifact(run, { kind: 'topology', name: 'model.json', mediaType: 'application/json', data: new TextEncoder().encode('{"a":1}') })
    store.addArtifact(run, { kind: 'topology', name: 'model.json', mediaType: 'application/json', data: new TextEncoder().encode('{"a":2}') })
    expect(store.listArtifacts(run).map((a) => a.name)).toEqual(['model.json', 'weights.bin'])
    const got = store.getArtifact(run, 'weights.bin')
    expect(Buffer.from(got.data).equals(Buffer.from(weights))).toBe(true)
    expect(new TextDecoder().decode(store.getArtifact(run, 'model.json').data)).toBe('{"a":2}')
    expect(store.getRun(run).artifacts).toHaveLength(2)
    expect(storeError(() => store.getArtifact(run, 'nope')).code).toBe('not_found')

    store.appendRunLog(run, 'line 1\n')
    store.appendRunLog(run, 'line 2\n')
    expect(store.getRunLog(run)).toBe('line 1\nline 2\n')
    store.setRunLog(run, 'replaced\n')
    expect(store.getRunLog(run)).toBe('replaced\n')
    store.close()
  })
})

describe('deleting runs', () => {
  it('removes the run with its metrics, summaries, artifacts, tags and log, and really shrinks the file', () => {
    const path = tempDbPath()
    const store = openTemp({}, path)
    const keep = store.createRun({ config: config({ tags: ['k'] }) }).id
    const doomed = store.createRun({ config: config({ tags: ['d'] }) }).id
    store.appendMetrics(keep, points('loss', 1, 1000))
    for (let i = 0; i < 20; i++) store.appendMetrics(doomed, points('loss', 1 + i * 10_000, 10_000))
    store.addArtifact(doomed, { kind: 'weights', name: 'w', mediaType: 'application/octet-stream', data: new Uint8Array(2_000_000).fill(7) })
    store.appendRunLog(doomed, 'log')
    const db = new Database(path)
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const before = store.fileSize().db
    expect(store.deleteRuns([doomed, 'unknown'])).toEqual([doomed])
    const after = store.fileSize()
    expect(after.db).toBeLessThan(before / 3)
    expect(after.wal).toBe(0)
    const check = new Database(path, { readonly: true })
    for (const table of ['metrics', 'metric_summary', 'artifacts', 'run_tags', 'run_logs']) {
      expect(check.prepare(`select count(*) from ${table} where run_rid not in (select rid from runs)`).pluck().get()).toBe(0)
    }
    expect(check.prepare('select count(*) from metrics').pluck().get()).toBe(1000)
    check.close()
    expect(storeError(() => store.getRun(doomed)).code).toBe('not_found')
    expect(store.getRun(keep).tags).toEqual(['k'])
    expect(store.integrityCheck()).toEqual(['ok'])
    store.close()
  })
})

describe('two stores on one file (as the app and a CLI sweep would)', () => {
  it('sees the other one’s runs as they progress, and its deletions', () => {
    const path = tempDbPath()
    const app = openTemp({ owner: { kind: 'app' } }, path)
    const cli = openTemp({ owner: { kind: 'cli' } }, path)
    app.hasExternalChanges()
    const cursor = app.currentCursor()
    expect(app.hasExternalChanges()).toBe(false)

    const run = cli.createRun({ config: config({ name: 'from the terminal' }) }).id
    cli.startRun(run, startInfo())
    expect(app.hasExternalChanges()).toBe(true)
    const first = app.changesSince(cursor)
    expect(first.changed.map((r) => [r.id, r.status])).toEqual([[run, 'running']])
    expect(app.hasExternalChanges()).toBe(false)

    cli.appendMetrics(run, points('loss', 1, 10))
    expect(app.hasExternalChanges()).toBe(true)
    const second = app.changesSince(first.cursor)
    expect(second.changed[0]!.summary.loss!.count).toBe(10)
    expect(app.changesSince(second.cursor).changed).toEqual([])

    expect(app.pollChanges().changed).toEqual([run])
    expect(app.pollChanges()).toEqual({ changed: [], deleted: [] })
    cli.deleteRuns([run])
    expect(app.pollChanges()).toEqual({ changed: [], deleted: [run] })
    expect(app.changesSince(second.cursor).deleted).toEqual([run])
    expect(() => app.appendMetrics(run, points('loss', 11, 1))).toThrow(/no run/)
    cli.close()
    app.close()
  })

  it('forgets closed owners that own no run, keeps the ones that do', () => {
    const path = tempDbPath()
    const first = openTemp({ owner: { kind: 'cli' } }, path)
    const run = first.createRun({ config: config() }).id
    first.close()
    for (let i = 0; i < 5; i++) openTemp({ owner: { kind: 'cli' } }, path).close()
    const store = openTemp({}, path)
    const db = new Database(path, { readonly: true })
    // This store, and the closed one that created the run; the five that did nothing are gone.
    expect(db.prepare('select count(*) from owners').pluck().get()).toBe(2)
    db.close()
    expect(store.getRun(run).owner).toMatchObject({ kind: 'cli' })
    store.close()
  })

  it('never interrupts a run another live process owns; interrupts the runs of a closed owner at once', () => {
    const path = tempDbPath()
    const a = openTemp({ owner: { kind: 'cli' } }, path)
    const run = a.createRun({ config: config() }).id
    a.startRun(run, startInfo())
    // b opens with a zero staleness limit: a's heartbeat is "stale", but its pid (this very process) is alive.
    const b = openTemp({ owner: { kind: 'app' }, staleAfterMs: 0 }, path)
    expect(b.getRun(run).status).toBe('running')
    expect(b.heartbeat()).toEqual([])
    a.close() // a closes while its run is still running: it marks it interrupted itself
    const after = b.getRun(run)
    expect(after.status).toBe('interrupted')
    expect(after.error).toContain('GateLab closed before the run finished')
    b.close()
  })
})
