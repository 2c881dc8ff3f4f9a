/** The Lab's limits requests (src/shared/api.ts: estimateRun, getLabSettings, setLabSettings). */
import { GateLabError, type ApiHandlers } from '../../shared/api'
import { normalizeRunConfig } from '../../shared/config'
import { refusalMessage } from '../../shared/limits'
import { estimateConfig } from './check'
import { labSettings, resolveMemoryLimit, setMemoryLimit, type SettingsStore } from './settings'

export function limitsHandlers(settings: () => SettingsStore | undefined): Pick<ApiHandlers, 'estimateRun' | 'getLabSettings' | 'setLabSettings'> {
  return {
    estimateRun: async ({ config, memoryLimit }) => {
      const parsed = normalizeRunConfig(config, () => 0)
      if (!parsed.ok) return { ok: false, message: parsed.message }
      const estimate = await estimateConfig(parsed.config, resolveMemoryLimit(settings(), memoryLimit))
      if (!estimate) return { ok: false, message: 'The data could not be sized: check the data source first.' }
      return estimate.fits ? { ok: true, estimate } : { ok: true, estimate, message: refusalMessage(estimate, 'ui') }
    },
    getLabSettings: async () => labSettings(settings()),
    setLabSettings: async ({ memoryLimit }) => {
      const store = settings()
      if (!store) throw new GateLabError({ code: 'bad_request', message: 'This lab cannot store settings' })
      return memoryLimit === undefined ? labSettings(store) : setMemoryLimit(store, memoryLimit)
    }
  }
}
