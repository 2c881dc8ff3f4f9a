/**
 * Host-kill fault test (issue 19, item 8; docs/RELIABILITY.md, "Fault and fuzz suite"). A real `gatelab serve` host on
 * one real SQLite file is started again and again; each time it starts a run or a sweep (real trainer processes) and is
 * SIGKILLed at a random moment — sometimes one of its trainers is killed first. After each kill:
 *
 * - the file passes SQLite's integrity_check;
 * - no metric is lost that the host reported as flushed: the host publishes a `run:metrics` event only after the
 *   points are committed (runner/queue.ts), so every point seen on its event stream must be in the file;
 * - the killed host's trainers exit by themselves (no orphans training on);
 * - once the owner is gone and its heartbeat older than the stale limit, no run is left "running" or "queued".
 *
 * The seed is printed; GATELAB_FAULT_SEED=N replays a failure, GATELAB_HOST_KILLS=N changes the count (default 50).
 * Needs `npm run build`.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { Store } from '../../src/main/store/store'
import { cliEntry, startHost, tempDir, type RunningHost } from '../helpers/host'
import { mulberry32 } from '../helpers/random'

const seed = Number(process.env.GATELAB_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31))
const kills = Number(process.env.GATELAB_HOST_KILLS ?? 50)
const lanes = Math.min(2, kills)


/**
 * A run that lasts a few seconds, so the kill moments (up to 1.5 s after the start call or the first flush) fall while
 * it trains: the work per step sets that, not the engine's speed. With the whole fused step the old 6-unit, 8-step run
 * of 4 epochs ended within about 0.3 s, so most kills came after it had completed and tested nothing of training.
 */
const tiny = { task: 'adding', seqLen: 50, samples: 256, valSamples: 64, testSamples: 64, units: 32, epochs: 12, batch: 16 }

function post(host: RunningHost, method: string, args: unknown): Promise<{ ok: boolean; result?: Record<string, unknown>; error?: { message: string } }> {
  const { port, host: hostHeader } = new URL(host.origin)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: `/api/call/${method}`, method: 'POST', headers: { authorization: `Bearer ${host.token}`, host: hostHeader, 'content-type': 'application/json' } },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (t: string) => (text += t))
        res.on('end', () => {
          try {
            resolve(JSON.parse(text))
          } catch (error) {
            reject(error)
          }
        })
      }
    )
    req.on('error', reject)
    req.end(JSON.stringify(args))
  })
}

/** Follows the host's event stream; records, per run and metric, the points the host reported as committed. */
function follow(host: RunningHost): { flushed: Map<string, Map<string, Set<number>>>; ready: Promise<void> } {
  const flushed = new Map<string, Map<string, Set<number>>>()
  const { port, host: hostHeader } = new URL(host.origin)
  const ready = new Promise<void>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: `/api/events?token=${host.token}`, headers: { host: hostHeader } }, (res) => {
      resolve()
      let buffer = ''
      res.setEncoding('utf8').on('data', (t: string) => {
        buffer += t
        let end: number
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = frame.split('\n').find((l) => l.startsWith('data: '))
          if (!data) continue
          const event = JSON.parse(data.slice(6)) as { type: string; runId?: string; points?: { name: string; step: number }[] }
          if (event.type !== 'run:metrics' || !event.runId) continue
          const byName = flushed.get(event.runId) ?? new Map<string, Set<number>>()
          flushed.set(event.runId, byName)
          for (const p of event.points!) {
            const steps = byName.get(p.name) ?? new Set<number>()
            byName.set(p.name, steps)
            steps.add(p.step)
          }
        }
      })
      res.on('error', () => undefined)
    })
    req.on('error', () => resolve())
    req.end()
  })
  return { flushed, ready }
}

/** Pids of the processes whose parent is `pid` (the host's trainers). */
function childrenOf(pid: number): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) out.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/** Sends a signal; false when the process had already exited (ESRCH), which a race with a run's end allows. */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const started: RunningHost[] = []
afterAll(async () => {
  for (const h of started) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL')
})

describe('the host killed at random moments of training and sweeps', () => {
  it(`${kills} kills: integrity ok, no flushed metric lost, no orphaned trainer, no run left running`, async () => {
    console.log(`host-kill: seed ${seed}, ${kills} kills in ${lanes} lanes (replay: GATELAB_FAULT_SEED=${seed} GATELAB_HOST_KILLS=${kills})`)
    const t0 = performance.now()
    let flushedPoints = 0
    let trainerKills = 0
    let sweeps = 0
    let runsSeen = 0
    /** Runs the host was killed under while they trained (metrics flushed, then interrupted), and runs done before it. */
    let killedTraining = 0
    let endedBefore = 0
    const phases = { startHost: 0, toFlush: 0, flushWaits: 0, check: 0 }
    // Two lanes, each a host after host on its own lab file, so the test fits CI's time on two cores.
    const lane = async (laneIndex: number, laneKills: number): Promise<void> => {
    const random = mulberry32(seed + laneIndex) // seeded, so a failing sequence of moments can be replayed
    const dbPath = join(tempDir('gatelab-host-kill-'), 'lab.db')
    const counted = new Set<string>()
    for (let k = 0; k < laneKills; k++) {
      const where = `lane ${laneIndex + 1}, kill ${k + 1} of ${laneKills} (seed ${seed})`
      let t = performance.now()
      const host = await startHost({ command: [cliEntry, 'serve', '--db', dbPath] })
      phases.startHost += performance.now() - t
      started.push(host)
      const { flushed, ready } = follow(host)
      await ready
      const sweep = random() < 0.3
      // Half the moments fall anywhere from the start call on (queueing, trainer start, data building, first epoch);
      // half after the first flush the host reported, so there are always committed metrics to look for.
      const afterFlush = random() < 0.5
      const moment = Math.floor(random() * 1500)
      const killTrainerFirst = random() < 0.25
      const answer = sweep
        ? await post(host, 'startSweep', { spec: { name: `kill ${k + 1}`, base: tiny, grid: { cell: ['lstm', 'gru'] } } })
        : await post(host, 'startRuns', { configs: [{ ...tiny, name: `kill ${k + 1}`, cell: random() < 0.5 ? 'lstm' : 'gru' }] })
      expect(answer.ok, `${where}: ${JSON.stringify(answer)}`).toBe(true)
      if (sweep) sweeps++
      if (afterFlush) {
        t = performance.now()
        for (let i = 0; i < 600 && flushed.size === 0; i++) await sleep(25)
        phases.toFlush += performance.now() - t
        phases.flushWaits++
      }
      await sleep(moment)
      const trainers = childrenOf(host.child.pid!)
      if (killTrainerFirst && trainers.length > 0) {
        // The trainer may have ended between the listing and the kill (its run completed): that is no failure.
        if (signal(trainers[0]!, 'SIGKILL')) trainerKills++
        await sleep(Math.floor(random() * 300))
      }
      const allTrainers = [...new Set([...trainers, ...childrenOf(host.child.pid!)])]
      host.child.kill('SIGKILL')
      await host.stop()

      // The killed host's trainers notice their parent is gone and exit.
      for (let i = 0; i < 200 && allTrainers.some(alive); i++) await sleep(50)
      expect(allTrainers.filter(alive), `${where}: trainers still alive after the host was killed`).toEqual([])

      t = performance.now()
      // The stale limit passes (the owner's pid is dead; staleAfterMs 0 stands for "its heartbeat is old enough").
      const store = Store.open(dbPath, { owner: { kind: 'test' }, staleAfterMs: 0 })
      try {
        expect(store.integrityCheck(), where).toEqual(['ok'])
        const runs = store.listRuns({ limit: 1000 }).rows
        const stuck = runs.filter((r) => r.status === 'running' || r.status === 'queued' || r.status === 'preparing')
        expect(stuck.map((r) => `${r.id} ${r.status}`), `${where}: runs left running after the stale limit`).toEqual([])
        for (const r of runs) {
          if (counted.has(r.id)) continue
          counted.add(r.id)
          if (r.status === 'interrupted' && flushed.has(r.id)) killedTraining++
          if (r.status === 'completed') endedBefore++
        }
        for (const [runId, byName] of flushed) {
          runsSeen++
          for (const [name, steps] of byName) {
            const stored = new Set(store.getFullSeries(runId, [name]).map((p) => p.step))
            const lost = [...steps].filter((s) => !stored.has(s))
            expect(lost, `${where}: run ${runId} metric ${name} lost steps the host had reported as flushed`).toEqual([])
            flushedPoints += steps.size
          }
        }
      } finally {
        store.close()
      }
      phases.check += performance.now() - t
    }
    }
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i, Math.floor(kills / lanes) + (i < kills % lanes ? 1 : 0))))
    const seconds = (performance.now() - t0) / 1000
    console.log(`host-kill: ${kills} kills (${sweeps} during sweeps, ${trainerKills} with a trainer killed first), ${runsSeen} runs with flushed metrics, ${flushedPoints} flushed points checked, ${killedTraining} runs killed while training and ${endedBefore} completed before the kill, ${seconds.toFixed(1)} s (per kill in a lane: host start ${(phases.startHost / kills / 1000).toFixed(2)} s, start call to first flush ${(phases.toFlush / Math.max(1, phases.flushWaits) / 1000).toFixed(2)} s, checks ${(phases.check / kills / 1000).toFixed(2)} s)`)
    expect(flushedPoints, 'some kills must come after metrics were flushed, or the test checks nothing').toBeGreaterThan(0)
    // Runs that complete before the kill test nothing of training: if none is caught training, the runs are too short.
    if (kills >= 10) expect(killedTraining, 'no run was killed while it trained: make the runs longer (work per step)').toBeGreaterThan(0)
  }, 1_200_000)
})
