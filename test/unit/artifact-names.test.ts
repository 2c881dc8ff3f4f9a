/**
 * The artifact name rule (src/shared/artifacts.ts): every name it accepts, joined to a run's folder on any platform,
 * names a file directly in that folder; and the words for what a file is.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { posix, win32 } from 'node:path'
import { artifactNameProblem, describeArtifact } from '../../src/shared/artifacts'

describe('artifact names', () => {
  it('accepted names stay directly inside the folder (posix and Windows paths), 3000 arbitrary names', () => {
    const parts = fc.constantFrom('..', '.', '/', '\\', 'C:', 'weights', '.bin', '\u0000', '~', ' ', 'é', '%2e%2e')
    const name = fc.oneof(fc.string({ maxLength: 12 }), fc.array(parts, { maxLength: 6 }).map((p) => p.join('')))
    let accepted = 0
    fc.assert(
      fc.property(name, (n) => {
        if (artifactNameProblem(n) !== null) return
        accepted++
        expect(posix.dirname(posix.resolve('/lab/run', n))).toBe('/lab/run')
        expect(win32.dirname(win32.resolve('D:\\lab\\run', n))).toBe('D:\\lab\\run')
      }),
      { numRuns: 3000, seed: 17 }
    )
    expect(accepted).toBeGreaterThan(100)
  })

  it('keeps ordinary file names and says what the usual files are', () => {
    for (const n of ['weights.bin', 'model.json', 'predictions.json', '..weights', 'a..b', 'run 1 (best).bin']) expect(artifactNameProblem(n)).toBeNull()
    expect(describeArtifact({ kind: 'weights', name: 'weights.bin', mediaType: 'application/octet-stream' })).toMatch(/^Best weights/)
    expect(describeArtifact({ kind: 'predictions', name: 'predictions.json', mediaType: 'application/json' })).toMatch(/test split/)
    expect(describeArtifact({ kind: 'custom', name: 'x.dat', mediaType: 'application/octet-stream' })).toBe('A file the run saved (custom, application/octet-stream)')
  })
})
