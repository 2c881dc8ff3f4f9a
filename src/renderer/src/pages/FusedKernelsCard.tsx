import type { TrainerProbe } from '../../../shared/api'

const kernelLabels: Record<string, string> = {
  'native-avx512': 'Native, AVX-512',
  'native-avx2': 'Native, AVX2 + FMA',
  'native-sse': 'Native, SSE',
  'native-neon': 'Native, NEON',
  'relaxed-simd': 'WebAssembly, relaxed SIMD',
  simd128: 'WebAssembly, SIMD128'
}

/** System page: which fused LSTM/GRU kernels a trainer runs, native or WebAssembly, and why (issue 18). */
export function FusedKernelsCard({ probe }: { probe: TrainerProbe | undefined }): React.JSX.Element {
  const k = probe?.kernels
  return (
    <section className="card wide" aria-labelledby="kernels-h" data-testid="fused-kernels">
      <h2 id="kernels-h">Fused kernels (engine “fused”)</h2>
      {!k ? (
        <p className="muted">{probe ? 'This trainer did not report its kernels.' : 'Probing…'}</p>
      ) : (
        <dl className="facts">
          <dt>Running</dt>
          <dd className="strong" data-testid="fused-kernels-running">
            {kernelLabels[k.kernels] ?? k.kernels}
            <span className="muted mono"> · {k.kernels}</span>
          </dd>
          <dt>Native kernels</dt>
          <dd data-testid="fused-kernels-why">
            {k.nativeUsed ? <span className="ok">In use</span> : <span className="muted">Not in use</span>} — {k.reason}
          </dd>
          {k.nativeTargets.length > 0 && (
            <>
              <dt>This CPU runs</dt>
              <dd className="mono">{k.nativeTargets.join(', ')}</dd>
            </>
          )}
        </dl>
      )}
    </section>
  )
}
