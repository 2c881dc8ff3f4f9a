/**
 * Assembles a host in plain Node: the database, the trainer spawner and the Lab. Browser mode, the CLI and the
 * integration tests all start here; the Electron app assembles the same pieces with its own spawner in index.ts.
 */
import { join } from 'node:path'
import { Lab } from './lab'
import { openDatabase } from './store/db'
import { createNodeSpawner } from './runner/spawner.node'
import trainerPath from './runner/trainerPath'
import type { SystemInfo } from '../shared/api'

export interface NodeHostOptions {
  dbPath: string
  mode: SystemInfo['mode']
  /** Defaults to the trainer entry built next to this bundle. */
  trainerEntry?: string
}

export function createNodeLab(options: NodeHostOptions): Lab {
  const db = openDatabase(options.dbPath)
  return new Lab({
    mode: options.mode,
    db,
    dbPath: options.dbPath,
    spawnTrainer: createNodeSpawner(options.trainerEntry ?? trainerPath)
  })
}

/** The built renderer, relative to the built main bundles (out/main → out/renderer). */
export function rendererDir(): string {
  return join(__dirname, '..', 'renderer')
}
