/**
 * Assembles a host in plain Node: the run store, the trainer spawner and the Lab. Browser mode, the CLI and the
 * integration tests all start here; the Electron app assembles the same pieces with its own spawner in index.ts.
 */
import { join } from 'node:path'
import { Lab } from './lab'
import { createLabStore } from './labStore'
import type { OwnerKind } from './store/store'
import { openLabStore } from './store/openLab'
import { createNodeSpawner } from './runner/spawner.node'
import trainerPath from './runner/trainerPath'
import { htmlToPdf } from './report/pdf.node'
import type { SystemInfo } from '../shared/api'

export interface NodeHostOptions {
  dbPath: string
  mode: SystemInfo['mode']
  /** Who owns the runs this host trains (recorded with each run, for multi-process safety). */
  owner: OwnerKind
  /** Trainer processes at once; default: the number of cores. */
  concurrency?: number
  /** Defaults to the trainer entry built next to this bundle. */
  trainerEntry?: string
}

/** Opens the store (throws StoreError with a message naming the file and what to do) and builds the Lab on it. */
export function createNodeLab(options: NodeHostOptions): Lab {
  const store = openLabStore(options.dbPath, { owner: { kind: options.owner } }) // with rolling backups (store/backup.ts)
  return new Lab({
    mode: options.mode,
    store: createLabStore(store),
    spawnTrainer: createNodeSpawner(options.trainerEntry ?? trainerPath),
    concurrency: options.concurrency,
    pdf: htmlToPdf
  })
}

/** The built renderer, relative to the built main bundles (out/main → out/renderer). */
export function rendererDir(): string {
  return join(__dirname, '..', 'renderer')
}
