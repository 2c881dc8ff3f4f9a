/**
 * The cluster code's pure parts: parsing Slurm's output, the state table, array planning, and reading result files
 * that are still being written. The real Slurm is in test/integration/cluster.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expandTaskRange, parseConfig, parseOneLiner, parseScontrolJobs, slurmMessage } from '../../src/main/cluster/slurm'
import { endedWithoutSummary, slurmPhase } from '../../src/main/cluster/states'
import { planArrays } from '../../src/main/cluster/submit'
import { jobIdOfTrial, trialsOfTask } from '../../src/main/cluster/bundle'
import { metricLines, readMetricLines, readSummary } from '../../src/main/cluster/results'
import type { BundleInfo } from '../../src/shared/cluster'
import { tempDir } from '../helpers/host'

describe('Slurm output', () => {
  it('reads scontrol show config', () => {
    const config = parseConfig('Configuration data as of 2026-12-01T13:01:00\nMaxArraySize            = 8\nMaxJobCount             = 5000\nJobCompType             = jobcomp/filetxt\n')
    expect(config).toMatchObject({ MaxArraySize: '8', MaxJobCount: '5000', JobCompType: 'jobcomp/filetxt' })
  })

  it('expands array task ranges, with steps and a parallelism suffix', () => {
    expect(expandTaskRange('0-7%2')).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(expandTaskRange('3,5-6')).toEqual([3, 5, 6])
    expect(expandTaskRange('0-6:3')).toEqual([0, 3, 6])
    expect(expandTaskRange('4')).toEqual([4])
  })

  it('reads scontrol -o show job: a pending array record stands for several tasks', () => {
    const text = [
      'JobId=12 ArrayJobId=12 ArrayTaskId=2-4%2 JobName=gatelab-x JobState=PENDING Reason=JobArrayTaskLimit Dependency=(null) Restarts=0 ExitCode=0:0',
      'JobId=14 ArrayJobId=12 ArrayTaskId=1 JobName=gatelab-x JobState=TIMEOUT Reason=TimeLimit Restarts=1 ExitCode=0:15',
      'JobId=15 ArrayJobId=12 ArrayTaskId=0 JobName=gatelab x JobState=COMPLETED Reason=None Restarts=0 ExitCode=0:0'
    ].join('\n')
    const tasks = parseScontrolJobs(text)
    expect(tasks.map((t) => [t.id, t.state, t.reason])).toEqual([
      ['12_2', 'PENDING', 'JobArrayTaskLimit'],
      ['12_3', 'PENDING', 'JobArrayTaskLimit'],
      ['12_4', 'PENDING', 'JobArrayTaskLimit'],
      ['12_1', 'TIMEOUT', 'TimeLimit'],
      ['12_0', 'COMPLETED', null]
    ])
    expect(tasks[3]).toMatchObject({ restarts: 1, exitCode: '0:15' })
    // A value with a space stays one value.
    expect(parseOneLiner('JobId=1 JobName=gatelab x JobState=RUNNING')).toMatchObject({ JobName: 'gatelab x', JobState: 'RUNNING' })
  })

  it("keeps Slurm's own words from stderr", () => {
    expect(slurmMessage('sbatch: error: invalid partition specified: gpu\nsbatch: error: Batch job submission failed: Invalid partition name specified\n')).toBe(
      'invalid partition specified: gpu; Batch job submission failed: Invalid partition name specified'
    )
  })
})

describe('Slurm states → run states', () => {
  it('maps every outcome to a run state, keeping the reason', () => {
    expect(slurmPhase('PENDING')).toBe('queued')
    expect(slurmPhase('REQUEUED')).toBe('queued')
    expect(slurmPhase('RUNNING')).toBe('running')
    expect(slurmPhase('COMPLETING')).toBe('running')
    for (const s of ['COMPLETED', 'FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'CANCELLED', 'CANCELLED by 0']) expect(slurmPhase(s)).toBe('ended')
    expect(endedWithoutSummary('CANCELLED by 0', null)).toEqual({ status: 'cancelled', error: 'Cancelled in Slurm (scancel)' })
    expect(endedWithoutSummary('TIMEOUT', 'TimeLimit').error).toMatch(/^Slurm: TIMEOUT \(TimeLimit\): .*time limit/)
    expect(endedWithoutSummary('OUT_OF_MEMORY', null).error).toMatch(/--mem/)
    expect(endedWithoutSummary('NODE_FAIL', null).error).toMatch(/node .* failed/)
    expect(endedWithoutSummary('PREEMPTED', null).error).toMatch(/preempted/)
    expect(endedWithoutSummary('FAILED', 'NonZeroExitCode', '1:0').error).toBe('Slurm: FAILED (NonZeroExitCode), exit code 1:0: the task exited with an error')
    expect(endedWithoutSummary('COMPLETED', null)).toMatchObject({ status: 'failed', error: expect.stringMatching(/without writing/) })
  })
})

describe('array planning', () => {
  it('splits the tasks into arrays of at most MaxArraySize and maps trials to tasks', () => {
    expect(planArrays(20, 1, 8).map((a) => [a.firstTrial, a.tasks])).toEqual([
      [0, 8],
      [8, 8],
      [16, 4]
    ])
    expect(planArrays(1000, 10, 1001).map((a) => [a.firstTrial, a.tasks])).toEqual([[0, 100]])
    const arrays = planArrays(25, 3, 4).map((a, i) => ({ ...a, jobId: String(100 + i) }))
    expect(arrays.map((a) => [a.firstTrial, a.tasks])).toEqual([
      [0, 4],
      [12, 4],
      [24, 1]
    ])
    const info = { trials: 25, perTask: 3, arrays } as unknown as BundleInfo
    expect(trialsOfTask(info, 12, 3)).toEqual([21, 22, 23])
    expect(trialsOfTask(info, 24, 0)).toEqual([24])
    expect(jobIdOfTrial(info, 0)).toBe('100_0')
    expect(jobIdOfTrial(info, 13)).toBe('101_0')
    expect(jobIdOfTrial(info, 23)).toBe('101_3')
    expect(jobIdOfTrial(info, 24)).toBe('102_0')
  })
})

describe('result files being written', () => {
  it('reads only whole metric lines and resumes after them', () => {
    const dir = tempDir('gatelab-results-')
    const points = [
      { epoch: 1, step: 1, name: 'batchLoss', value: 0.5, wallMs: 10 },
      { epoch: 1, step: 2, name: 'batchLoss', value: Number.NaN, wallMs: 20 }
    ]
    const text = metricLines(points)
    // The second line is still being written: no newline yet.
    writeFileSync(join(dir, 'metrics.jsonl'), text.slice(0, text.length - 5))
    const first = readMetricLines(dir, 0)
    expect(first.points).toEqual([points[0]])
    expect(first.lines).toBe(1)
    appendFileSync(join(dir, 'metrics.jsonl'), text.slice(text.length - 5))
    const second = readMetricLines(dir, first.bytes)
    expect(second.lines).toBe(1)
    expect(second.points[0]!.value).toBeNaN()
    expect(readMetricLines(dir, first.bytes + second.bytes).lines).toBe(0)
  })

  it('never takes a half-written summary for a complete one', () => {
    const bundle = tempDir('gatelab-bundle-')
    mkdirSync(join(bundle, 'results', 'r1'), { recursive: true })
    expect(readSummary(bundle, 'r1')).toEqual({ kind: 'none' })
    writeFileSync(join(bundle, 'results', 'r1', 'summary.json'), '{"format": 1, "runId": "r1", "attem')
    expect(readSummary(bundle, 'r1')).toMatchObject({ kind: 'broken', problem: expect.stringMatching(/half-written/) })
    writeFileSync(join(bundle, 'results', 'r1', 'summary.json'), JSON.stringify({ format: 1, runId: 'other', attempt: 0, metricLines: 0 }))
    expect(readSummary(bundle, 'r1').kind).toBe('broken')
  })
})
