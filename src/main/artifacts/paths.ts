/**
 * An artifact file inside a run's folder on disk (the cluster importer reads `attempt-K/artifacts/NAME`, NAME from a
 * summary.json written on a shared file system): only a plain file name, and only a regular file whose real path —
 * symbolic links followed — is still inside that folder.
 */
import { lstatSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, sep } from 'node:path'
import { artifactNameProblem } from '../../shared/artifacts'

export class ArtifactPathError extends Error {
  constructor(
    readonly code: 'bad_name' | 'missing' | 'outside' | 'not_a_file',
    message: string
  ) {
    super(message)
    this.name = 'ArtifactPathError'
  }
}

/**
 * The real path of `name` in `dir`, or an ArtifactPathError saying why not: a name with folders, "..", a drive or an
 * absolute path (bad_name), no such file (missing), a link whose target is outside `dir` (outside), or a folder or
 * device (not_a_file).
 */
export function resolveArtifactFile(dir: string, name: string): string {
  const problem = artifactNameProblem(name)
  if (problem || isAbsolute(name)) throw new ArtifactPathError('bad_name', problem ?? `The artifact name ${JSON.stringify(name)} is an absolute path.`)
  const path = join(dir, name)
  let real: string
  let realDir: string
  try {
    lstatSync(path)
    realDir = realpathSync(dir)
    real = realpathSync(path)
  } catch {
    throw new ArtifactPathError('missing', `${name} is not in ${dir}: the file is missing (deleted, or not copied yet).`)
  }
  const rel = relative(realDir, real)
  if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) {
    throw new ArtifactPathError('outside', `${join(dir, name)} is a link to ${real}, outside the run's folder ${realDir}: it is not read.`)
  }
  if (!statSync(real).isFile()) throw new ArtifactPathError('not_a_file', `${join(dir, name)} is not a regular file: it is not read.`)
  return real
}
