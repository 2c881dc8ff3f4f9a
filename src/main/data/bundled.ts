/**
 * Where the bundled series live on disk. The files are in resources/datasets in the repository; a packaged app ships
 * them as an extra resource (process.resourcesPath/datasets, see electron-builder.yml). Built bundles sit at
 * out/main/*.js (CLI, app) and out/main/chunks/*.js (trainer), so walking up from this file finds the repository's copy
 * in development, in tests and from `gatelab`. GATELAB_DATASETS_DIR overrides both.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { bundledDatasets, findBundledDataset, type BundledDataset } from '../../shared/data/bundled'
import { dataError } from '../../shared/data/errors'

export function datasetsDir(env: NodeJS.ProcessEnv = process.env): string {
  const probe = bundledDatasets[0]!.file
  const candidates: string[] = []
  if (env.GATELAB_DATASETS_DIR) return env.GATELAB_DATASETS_DIR
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath
  if (resourcesPath) candidates.push(join(resourcesPath, 'datasets'))
  for (let dir = __dirname, i = 0; i < 6; i++, dir = dirname(dir)) candidates.push(join(dir, 'resources', 'datasets'))
  const found = candidates.find((c) => existsSync(join(c, probe)))
  if (!found) throw new Error(`GateLab's bundled datasets are missing (looked in ${candidates.join(', ')}); reinstall GateLab or set GATELAB_DATASETS_DIR`)
  return found
}

/** The registry entry and file of `data:NAME`, or a DataError listing the names there are. */
export function bundledDatasetFile(name: string): { entry: BundledDataset; path: string } {
  const entry = findBundledDataset(name)
  if (!entry) {
    throw dataError('unknown-dataset', { file: `data:${name}` }, 'There is no bundled series by that name', `Choose one of ${bundledDatasets.map((d) => `data:${d.name}`).join(', ')} (\`gatelab datasets\` describes them), or use csv:PATH for your own file.`)
  }
  return { entry, path: join(datasetsDir(), entry.file) }
}
