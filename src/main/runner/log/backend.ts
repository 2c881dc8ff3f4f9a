/**
 * Why a trainer runs on the backend it does, in one sentence for the run's log and record (versions['backend-why']):
 * asked for by GATELAB_BACKEND or the run's config, else the fastest one present, with why each faster one is not.
 */
import type { BackendName, BackendReport } from '../../../shared/protocol'

export function backendReason(choice: { backend: BackendName; reports: readonly BackendReport[] }, requested: BackendName | 'auto', forced?: BackendName): string {
  if (forced) return `GATELAB_BACKEND=${forced} asks for it`
  if (requested !== 'auto') return `the run's configuration asks for it (backend ${requested})`
  const before: BackendReport[] = []
  for (const report of choice.reports) {
    if (report.name === choice.backend) break
    before.push(report)
  }
  if (before.length === 0) return 'the fastest backend, and it is installed'
  const why = before.map((r) => `${r.name} is not used: ${r.reason ?? 'not available'}`).join('; ')
  return `the fastest one available here; ${why}`
}
