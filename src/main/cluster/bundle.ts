/**
 * The sweep bundle: a folder shared with the nodes that holds everything an array task needs, written before anything
 * is submitted.
 *
 *   bundle.json      what the bundle is (BundleInfo: sweep id, name, spec, GateLab version, arrays and their job ids)
 *   manifest.jsonl   one line per trial: its run id and complete normalized run config (ManifestLine)
 *   job.sh           the batch script: runs `gatelab worker` for the array task's trials
 *   logs/            Slurm's output of each task (%A_%a.out)
 *   results/RUN_ID/  each trial's results (results.ts)
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { BundleInfo, ManifestLine } from '../../shared/cluster'
import { writeFileAtomic } from './results'

export const BUNDLE_FILE = 'bundle.json'
export const MANIFEST_FILE = 'manifest.jsonl'
export const JOB_SCRIPT = 'job.sh'

export class BundleError extends Error {
  override readonly name = 'BundleError'
}

/** How a node starts GateLab: this Node binary and this checkout's bin/gatelab.cjs (both must be on the shared file system). */
export interface GatelabCommand {
  node: string
  cli: string
}

/** Finds bin/gatelab.cjs above this module (out/main/… when built, src/main/cluster when run from source). */
export function defaultGatelabCommand(): GatelabCommand {
  let dir = __dirname
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'bin', 'gatelab.cjs')
    if (existsSync(candidate)) return { node: process.execPath, cli: candidate }
    dir = dirname(dir)
  }
  throw new BundleError(`Cannot find bin/gatelab.cjs above ${__dirname}: the nodes need GateLab's command to run the trials`)
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/** The batch script. Its only argument is the first manifest trial of the array it was submitted for. */
export function jobScript(info: BundleInfo, bundleDir: string, command: GatelabCommand): string {
  return `#!/bin/bash
# GateLab ${info.gatelabVersion}: sweep ${info.sweepId} "${info.name.replace(/\n/g, ' ')}", ${info.trials} trials, ${info.perTask} per array task.
# Submitted by \`gatelab sweep --slurm\` once per job array as: sbatch --array=0-(TASKS-1)[%PARALLEL] job.sh FIRST_TRIAL
# Each task runs trials FIRST_TRIAL + SLURM_ARRAY_TASK_ID * ${info.perTask} … with GateLab's own trainer and writes only
# into results/RUN_ID/ of this folder. See docs/CLUSTER.md.
set -u
BUNDLE=${shellQuote(bundleDir)}
if [ ! -r "$BUNDLE/${MANIFEST_FILE}" ]; then
  echo "gatelab worker: cannot read $BUNDLE/${MANIFEST_FILE} on $(hostname): the bundle folder must be on a file system the nodes share" >&2
  exit 3
fi
exec ${shellQuote(command.node)} ${shellQuote(command.cli)} worker --bundle "$BUNDLE" --first "\${1:?the first trial of this array}"
`
}

/** Writes bundle.json, manifest.jsonl and job.sh (each atomically) into a new folder. */
export function writeBundle(bundleDir: string, info: BundleInfo, lines: readonly ManifestLine[], command: GatelabCommand): void {
  mkdirSync(join(bundleDir, 'logs'), { recursive: true })
  mkdirSync(join(bundleDir, 'results'), { recursive: true })
  let manifest = ''
  for (const line of lines) manifest += JSON.stringify(line) + '\n'
  writeFileAtomic(join(bundleDir, MANIFEST_FILE), manifest)
  writeFileAtomic(join(bundleDir, JOB_SCRIPT), jobScript(info, bundleDir, command))
  writeBundleInfo(bundleDir, info)
}

export function writeBundleInfo(bundleDir: string, info: BundleInfo): void {
  writeFileAtomic(join(bundleDir, BUNDLE_FILE), JSON.stringify(info, null, 2) + '\n')
}

export function readBundleInfo(bundleDir: string): BundleInfo {
  const path = join(bundleDir, BUNDLE_FILE)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new BundleError(`${resolve(bundleDir)} is not a GateLab sweep bundle (it has no ${BUNDLE_FILE})`)
    throw new BundleError(`Cannot read ${path}: ${(error as Error).message}`)
  }
  try {
    const info = JSON.parse(text) as BundleInfo
    if (info.format !== 1 || typeof info.sweepId !== 'string' || !Array.isArray(info.arrays)) throw new Error('not a bundle description')
    return info
  } catch (error) {
    throw new BundleError(`${path} is damaged: ${(error as Error).message}`)
  }
}

export function readManifest(bundleDir: string): ManifestLine[] {
  const path = join(bundleDir, MANIFEST_FILE)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new BundleError(`Cannot read ${path}: ${(error as Error).message}`)
  }
  const lines: ManifestLine[] = []
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue
    try {
      const parsed = JSON.parse(line) as ManifestLine
      if (parsed.trial !== lines.length || typeof parsed.runId !== 'string') throw new Error('out of order')
      lines.push(parsed)
    } catch {
      throw new BundleError(`${path}: line ${i + 1} is damaged`)
    }
  }
  return lines
}

/** The manifest trials one array task runs. */
export function trialsOfTask(info: BundleInfo, firstTrial: number, taskId: number): number[] {
  const start = firstTrial + taskId * info.perTask
  const out: number[] = []
  for (let t = start; t < Math.min(start + info.perTask, info.trials); t++) out.push(t)
  return out
}

/** The array task (job id "ARRAY_TASK") a trial belongs to, once its array is submitted. */
export function jobIdOfTrial(info: BundleInfo, trial: number): string | null {
  for (const array of info.arrays) {
    const last = array.firstTrial + array.tasks * info.perTask
    if (trial >= array.firstTrial && trial < last) {
      return array.jobId === null ? null : `${array.jobId}_${Math.floor((trial - array.firstTrial) / info.perTask)}`
    }
  }
  return null
}
