import { createContext, useContext } from 'react'
import type { GateLabApi } from '../../../shared/api'

export const ApiContext = createContext<GateLabApi | null>(null)

export function useApi(): GateLabApi {
  const api = useContext(ApiContext)
  if (!api) throw new Error('useApi() needs an <ApiContext.Provider> above it')
  return api
}
