/** The bundled real series: the registry matches the shipped files, and every one loads as `data:NAME`. */
import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { normalizeRunConfig, type RunConfigInput } from '../../src/shared/config'
import { bundledDatasets } from '../../src/shared/data/bundled'
import { DataError } from '../../src/shared/data/errors'
import { datasetsDir, inspectCsv, loadExternalDataset } from '../../src/main/data'

const config = (input: RunConfigInput) => {
  const r = normalizeRunConfig({ seed: 1, ...input })
  if (!r.ok) throw new Error(r.message)
  return r.config
}

describe('bundled series', () => {
  it('are at least three, each with a source and a licence', () => {
    expect(bundledDatasets.length).toBeGreaterThanOrEqual(3)
    for (const d of bundledDatasets) {
      expect(d.source, d.name).toMatch(/https:\/\//)
      expect(d.licence, d.name).toMatch(/CC BY|public domain/)
    }
  })

  it.each(bundledDatasets.map((d) => [d.name, d] as const))('%s: the registry matches the file (rows, columns, sha256, clean)', async (_name, d) => {
    const path = join(datasetsDir(), d.file)
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(d.sha256)
    const inspection = await inspectCsv(path, { target: d.target, time: d.time, lookback: d.lookback })
    expect(inspection.rows).toBe(d.rows)
    expect(inspection.columns.map((c) => c.name)).toEqual(d.columns)
    expect(inspection.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(inspection.contentHash).toBe(d.sha256)
  })

  it.each(bundledDatasets.map((d) => [d.name, d] as const))('data:%s loads with its defaults, recording source, licence and hash', async (name, d) => {
    const ds = await loadExternalDataset(config({ task: `data:${name}` }))
    expect(ds.name).toBe(`data:${name}`)
    expect(ds.seqLen).toBe(d.lookback)
    expect(ds.meta.targets).toEqual([d.target])
    expect(ds.meta).toMatchObject({ contentHash: d.sha256, source: d.source, licence: d.licence })
    expect(ds.meta.table?.time).toMatchObject({ column: d.time, sorted: false })
    expect(ds.train.n).toBeGreaterThan(0)
    expect(ds.val.n).toBeGreaterThan(0)
    expect(ds.test.n).toBeGreaterThan(0)
    expect(ds.train.x.every((v) => Number.isFinite(v))).toBe(true)
  })

  it('take a run’s own choices over their defaults', async () => {
    const ds = await loadExternalDataset(config({ task: 'data:seattle-weather', target: 'temp_min', features: ['temp_min', 'temp_max', 'wind'], lookback: 7, horizon: 3 }))
    expect([ds.seqLen, ds.inputSize, ds.outputSize]).toEqual([7, 3, 3])
    expect(ds.meta.features).toEqual(['temp_min', 'temp_max', 'wind'])
    expect(ds.meta.scaling?.offset).toHaveLength(4)
    expect(ds.meta.description).toMatch(/Seattle weather.*temp_min the next 3 steps ahead from 7 steps of temp_min, temp_max, wind/)
  })

  it('an unknown name lists the names there are', async () => {
    const error = await loadExternalDataset(config({ task: 'data:nope' })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DataError)
    expect((error as DataError).message).toMatch(/^data:nope: There is no bundled series by that name\. Choose one of data:co2-concentration, data:seattle-weather/)
  })

  it('are found through GATELAB_DATASETS_DIR when it is set', () => {
    expect(datasetsDir({ GATELAB_DATASETS_DIR: '/somewhere' })).toBe('/somewhere')
    expect(datasetsDir({})).toMatch(/resources[/\\]datasets$/)
  })
})
