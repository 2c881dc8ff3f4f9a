import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'
import { buildKernels } from './scripts/lib/kernels.mjs'

// The fused LSTM/GRU kernels (src/main/engine/fused/kernels/*.c), compiled to WebAssembly SIMD (committed prebuilt, or
// by clang after a kernel change), ship beside the main bundles as out/main/gatelab_fused.wasm and its relaxed-SIMD
// twin gatelab_fused_relaxed.wasm, where trainer processes load them (src/main/engine/fused/wasm.ts). See docs/KERNELS.md.
function fusedKernels(): Plugin {
  return {
    name: 'gatelab:fused-kernels',
    generateBundle() {
      for (const [fileName, path] of Object.entries(buildKernels())) this.emitFile({ type: 'asset', fileName, source: readFileSync(path) })
    }
  }
}

// Three builds: main (the Electron app, the `gatelab` CLI and, through `?modulePath`, the trainer entry), preload and
// renderer. Main-side bundles also run under plain Node 20 (CLI, browser mode, tests), so they target node20 rather
// than the Node inside Electron; native packages and TF.js stay external (they are `dependencies`).
export default defineConfig({
  main: {
    plugins: [fusedKernels()],
    build: {
      target: 'node20',
      // tfjs-node is optional (its install downloads libtensorflow): load it at run time when present, never bundle it.
      externalizeDeps: { include: ['@tensorflow/tfjs-node'] },
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/index.ts')
        },
        // Stable names, no content hash: a host that is running while out/ is rebuilt must still find its trainer
        // entry (out/main/chunks/trainer.js); nothing here is cached by a browser, so hashes buy nothing.
        output: { chunkFileNames: 'chunks/[name].js' }
      }
    }
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      // electron-vite leaves bundles unminified; the UI is ~2 MB of React and ECharts that minifies to well under half.
      minify: true,
      // Fonts stay files: the CSP's font-src 'self' refuses data: URLs, and Vite would inline KaTeX's smallest font.
      assetsInlineLimit: (file: string) => (/\.(woff2?|ttf|otf)$/.test(file) ? false : undefined),
      chunkSizeWarningLimit: 800,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
        // ECharts (with zrender) and React as chunks of their own, beside the app's code; the Inside views (KaTeX) are
        // loaded on first use (App.tsx). ECharts alone is ~700 kB minified, hence the warning limit below.
        output: {
          codeSplitting: {
            groups: [
              { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }
            ]
          }
        }
      }
    }
  }
})
