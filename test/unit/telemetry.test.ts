/** Gate telemetry's names and probe batch (src/shared/telemetry.ts, src/main/engine/telemetry.ts). */
import { describe, expect, it } from 'vitest'
import { describeTelemetryMetric, isTelemetryMetric, parseTelemetryMetric, telemetryMetricNames } from '../../src/shared/telemetry'
import { probeIndices, probeSize } from '../../src/main/engine/telemetry'

describe('telemetry metric names', () => {
  it('names every layer, direction, gate and statistic systematically', () => {
    expect(telemetryMetricNames('lstm', 1, false)).toEqual([
      ...['i', 'f', 'g', 'o'].flatMap((g) => ['mean', 'satLeft', 'satRight'].map((s) => `gate/l0/${g}/${s}`)),
      'grad/l0/h1OverhT'
    ])
    const gru = telemetryMetricNames('gru', 2, true)
    expect(gru).toHaveLength(2 * 2 * (3 * 3 + 1))
    expect(gru).toContain('gate/l1bw/z/satRight')
    expect(gru).toContain('grad/l0bw/h1OverhT')
    expect(telemetryMetricNames('rnn', 2, false)).toEqual(['grad/l0/h1OverhT', 'grad/l1/h1OverhT'])
  })

  it('parses and describes its own names and nothing else', () => {
    for (const name of telemetryMetricNames('lstm', 2, true)) {
      expect(isTelemetryMetric(name)).toBe(true)
      expect(parseTelemetryMetric(name)).not.toBeNull()
    }
    expect(parseTelemetryMetric('gate/l1bw/f/satRight')).toEqual({ kind: 'gate', layer: 'l1bw', gate: 'f', stat: 'satRight' })
    expect(describeTelemetryMetric('gate/l0/f/satRight')).toBe('forget gate f, fraction right-saturated (layer 1)')
    expect(describeTelemetryMetric('grad/l1bw/h1OverhT')).toBe('gradient flow ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ (layer 2 backward)')
    for (const other of ['valLoss', 'telemetryMs', 'gradNorm', 'gate/x']) {
      expect(isTelemetryMetric(other) && parseTelemetryMetric(other) !== null).toBe(false)
    }
  })
})

describe('probe batch', () => {
  it('shrinks with the layer width', () => {
    expect([16, 32, 64, 128, 256, 512, 4096].map(probeSize)).toEqual([8, 8, 8, 4, 2, 1, 1])
  })

  it('is fixed by the seed: distinct, ascending, in range; the whole split when it is small', () => {
    const a = probeIndices(1000, 42, 8)
    expect(a).toEqual(probeIndices(1000, 42, 8))
    expect(a).toHaveLength(8)
    expect(new Set(a).size).toBe(8)
    expect(a).toEqual([...a].sort((x, y) => x - y))
    expect(a.every((i) => i >= 0 && i < 1000)).toBe(true)
    expect(probeIndices(1000, 43, 8)).not.toEqual(a)
    expect(probeIndices(5, 42, 8)).toEqual([0, 1, 2, 3, 4])
  })
})
