// The PyTorch peer's guard (bench/peer.ts, issue 18): the peer's environment loses OpenBLAS's core pinning (and only
// the peer's), and a peer on the reference BLAS, an unidentified BLAS, pinned cores or the wrong thread count yields a
// reason instead of a ratio. Pure logic: no Python here (the bench itself is not run in CI).
import { describe, expect, it } from 'vitest'
import { blasAlternative, peerEnv, peerFields, peerProblem, type PeerRecord } from '../../bench/peer'

const openblas: PeerRecord = {
  torch: '1.13.0a0',
  torchThreads: 1,
  blas: {
    library: 'openblas',
    path: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3',
    coreType: 'Zen',
    version: '0.3.21',
    threads: 1,
    env: { OPENBLAS_CORETYPE: null, OPENBLAS_L2_SIZE: null }
  }
}

describe('PyTorch peer at its best', () => {
  it('unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for the peer only, and sets its thread count', () => {
    const base = { PATH: '/usr/bin', OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '2097152', OMP_NUM_THREADS: '8' }
    const env = peerEnv(2, base)
    expect(env.OPENBLAS_CORETYPE).toBeUndefined()
    expect(env.OPENBLAS_L2_SIZE).toBeUndefined()
    expect(env).toMatchObject({ PATH: '/usr/bin', OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2', MKL_NUM_THREADS: '2' })
    expect(base.OPENBLAS_CORETYPE).toBe('Haswell')
    // Idle OpenMP threads wait passively beside OpenBLAS's own when there is more than one; one thread is left alone.
    expect(env.OMP_WAIT_POLICY).toBe('PASSIVE')
    expect(peerEnv(1, base).OMP_WAIT_POLICY).toBeUndefined()
  })

  it('accepts OpenBLAS free to choose its core type on the asked thread count', () => {
    expect(peerProblem(openblas, 1)).toBeUndefined()
    expect(peerFields(openblas)).toMatchObject({ torchBlas: 'openblas', torchBlasCoreType: 'Zen', torchThreads: 1, torchOmpWaitPolicy: null })
    const threaded = { ...openblas, torchThreads: 2, blas: { ...openblas.blas, threads: 2, env: { ...openblas.blas.env, OMP_WAIT_POLICY: 'PASSIVE' } } }
    expect(peerFields(threaded, 'torchThreaded')).toMatchObject({ torchThreadedThreads: 2, torchThreadedOmpWaitPolicy: 'PASSIVE' })
  })

  it('refuses the reference BLAS with the reason and the fix', () => {
    const reference = { ...openblas, blas: { ...openblas.blas, library: 'reference' as const, path: '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0', coreType: null } }
    const reason = peerProblem(reference, 1)
    expect(reason).toMatch(/reference \(netlib\) BLAS .*blas\/libblas\.so\.3\.11\.0/)
    expect(reason).toMatch(/no ratio/)
    expect(reason).toContain(`update-alternatives --set ${blasAlternative()}`)
  })

  it('refuses an unidentified BLAS, pinned core types and a wrong thread count', () => {
    expect(peerProblem({ ...openblas, blas: { ...openblas.blas, library: 'unknown' } }, 1)).toMatch(/cannot tell which BLAS/)
    expect(peerProblem({ ...openblas, blas: { ...openblas.blas, env: { OPENBLAS_CORETYPE: 'Haswell' } } }, 1)).toMatch(/OPENBLAS_CORETYPE/)
    expect(peerProblem(openblas, 2)).toMatch(/on 1 threads, not 2/)
  })
})
