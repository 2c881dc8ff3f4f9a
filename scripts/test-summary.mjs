// Prints the last Vitest run (test-results/vitest.json) as one plain line, "vitest: N passed, N failed, N skipped",
// and exits non-zero when no test ran or any failed.
import { readFileSync } from 'node:fs'

let report
try {
  report = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'))
} catch (error) {
  console.error(`test-summary: no Vitest report at test-results/vitest.json (${error.message})`)
  process.exit(1)
}
const passed = report.numPassedTests
const failed = report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0)
const skipped = report.numPendingTests + report.numTodoTests
console.log(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
