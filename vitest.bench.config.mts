import { defineConfig } from 'vitest/config'
import { builtModulePath } from './vitest.config.mts'

// Benchmarks run one file at a time so they do not compete for the two cores.
export default defineConfig({
  plugins: [builtModulePath()],
  test: { include: ['bench/**/*.bench.ts'], pool: 'forks', maxWorkers: 1, testTimeout: 600_000, hookTimeout: 600_000 }
})
