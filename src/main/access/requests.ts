/**
 * The data paths inside an API request, checked before the handler runs (Lab.dispatch, so both the HTTP transport of
 * browser mode and the desktop IPC): `inspectCsv`'s path and every `csv:PATH` task of a config or sweep.
 */
import { checkDataPath, csvTasksIn } from './dataPaths'

export function checkRequestPaths(method: string, args: unknown, roots: readonly string[]): void {
  if (method === 'inspectCsv') {
    const path = (args as { path?: unknown }).path
    if (typeof path === 'string') checkDataPath(path, roots)
  }
  for (const path of csvTasksIn(args)) checkDataPath(path, roots)
}
