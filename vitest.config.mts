import { basename, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { defineConfig, type Plugin } from 'vitest/config'

const __dirname = dirname(fileURLToPath(import.meta.url))

// electron-vite turns `import x from './trainer?modulePath'` into the path of a separately built bundle. Under Vitest
// the same import resolves to the bundle `npm run build` wrote (out/main/chunks/trainer.js: chunk names carry no hash,
// see electron.vite.config.ts), so tests run the real built trainer. `npm test` builds first.
export function builtModulePath(): Plugin {
  return {
    name: 'gatelab:built-module-path',
    enforce: 'pre',
    resolveId(id) {
      return id.endsWith('?modulePath') ? `\0modulePath:${basename(id.slice(0, -'?modulePath'.length))}` : null
    },
    load(id) {
      if (!id.startsWith('\0modulePath:')) return null
      const file = resolve(__dirname, 'out/main/chunks', `${id.slice('\0modulePath:'.length)}.js`)
      if (!existsSync(file)) throw new Error(`No built bundle at ${file}: run \`npm run build\` before the tests`)
      return `export default ${JSON.stringify(file)}`
    }
  }
}

export default defineConfig({
  plugins: [builtModulePath()],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Trainer processes and Chromium each want a core; two test files at a time fit this 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    // The JSON report feeds scripts/test-summary.mjs, which prints the one-line summary CI reads.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]]
  }
})
