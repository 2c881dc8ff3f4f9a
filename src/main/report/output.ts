/**
 * Writing exports to disk (the CLI; the desktop app's save dialog too). The output is checked before any work, so an
 * unwritable --out fails at once with a clear message instead of after a long PDF render; files are written to a
 * temporary name and renamed, so an interrupted export never leaves a half-written file under the real name.
 */
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { ReportError } from './errors'
import type { ExportFile } from './exports'

function unwritable(path: string, why: string, cause?: unknown): ReportError {
  return new ReportError('unwritable', `Cannot write ${path}: ${why}. Choose another --out.`, { cause })
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'EROFS') return 'the file system is read-only'
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder'
  if (code === 'ENOENT') return 'the folder does not exist'
  if (code === 'ENOSPC') return 'the disk is full'
  return (error as Error).message
}

/** Checks that `path` can be written as a file (its folder exists and is writable; it is not a folder itself). */
export function checkFileOutput(path: string): string {
  const full = resolve(path)
  const folder = dirname(full)
  try {
    if (existsSync(full) && statSync(full).isDirectory()) throw unwritable(full, 'it is a folder; give a file name')
    if (!existsSync(folder)) throw unwritable(full, `the folder ${folder} does not exist`)
    if (!statSync(folder).isDirectory()) throw unwritable(full, `${folder} is a file, not a folder`)
    accessSync(folder, constants.W_OK)
    if (existsSync(full)) accessSync(full, constants.W_OK)
  } catch (error) {
    throw error instanceof ReportError ? error : unwritable(full, reason(error), error)
  }
  return full
}

/** Checks (creating it when missing) that `path` is a writable folder. */
export function checkFolderOutput(path: string): string {
  const full = resolve(path)
  try {
    if (existsSync(full) && !statSync(full).isDirectory()) throw unwritable(full, 'it is a file; this format writes several files, so give a folder')
    mkdirSync(full, { recursive: true })
    accessSync(full, constants.W_OK)
  } catch (error) {
    throw error instanceof ReportError ? error : unwritable(full, reason(error), error)
  }
  return full
}

function writeAtomically(path: string, data: Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`
  try {
    writeFileSync(temporary, data)
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw unwritable(path, reason(error), error)
  }
}

/** Writes one file to `path` (checked with checkFileOutput). */
export function writeFileOutput(path: string, file: ExportFile): string {
  const full = checkFileOutput(path)
  writeAtomically(full, file.data)
  return full
}

/** Writes files into `folder` under their relative names (e.g. "<run id>/model.json"); returns the paths written. */
export function writeFolderOutput(folder: string, files: readonly ExportFile[]): string[] {
  const root = checkFolderOutput(folder)
  return files.map((file) => {
    const path = join(root, file.name)
    // Names come from run ids and metric names; never let one climb out of the chosen folder.
    const inside = relative(root, path)
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw unwritable(path, 'the name leaves the output folder')
    try {
      mkdirSync(dirname(path), { recursive: true })
    } catch (error) {
      throw unwritable(path, reason(error), error)
    }
    writeAtomically(path, file.data)
    return path
  })
}
