"""What the PyTorch peer actually runs on: the BLAS library torch loaded, OpenBLAS's core type, the thread counts.

Debian's python3-torch is built with BLAS_INFO=generic: its GEMMs call whatever libblas.so.3 the alternatives system
selects (libblas.so.3-<arch>). With python3-torch alone that is the reference (netlib) BLAS, 5-7x slower than
OpenBLAS; with libopenblas0-pthread installed and selected it is OpenBLAS. A peer on the reference BLAS is not PyTorch
at its best, so every peer row carries this record and bench/peer.ts refuses to compute a ratio against it.

Sources, in order of trust: the library that defines the sgemm_ torch calls — the loaded libblas.so.3 (torch's
DT_NEEDED soname), its sgemm_ looked up and located with dladdr, resolved to a real path (which alternative it is;
several BLAS libraries can be mapped at once, e.g. the reference libblas.so.3 and OpenBLAS pulled in by liblapack.so.3,
so what is mapped alone does not tell); threadpoolctl, which asks a loaded OpenBLAS for its version, core type
(openblas_get_corename) and thread count; torch.__config__.show() for how torch was built.
"""
import ctypes
import os
import sys


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p), ("dli_sname", ctypes.c_char_p),
                ("dli_saddr", ctypes.c_void_p)]


def sgemm_provider():
    """Real path of the library defining the sgemm_ of the already loaded libblas.so.3, or None."""
    try:
        blas = ctypes.CDLL("libblas.so.3", mode=os.RTLD_NOLOAD)
        address = ctypes.cast(blas.sgemm_, ctypes.c_void_p)
        info = _DlInfo()
        if ctypes.CDLL(None).dladdr(address, ctypes.byref(info)) and info.dli_fname:
            return os.path.realpath(info.dli_fname.decode())
    except (OSError, AttributeError):
        pass
    return None


def mapped_libraries():
    """Real paths of the shared libraries mapped into this process whose names mention BLAS/LAPACK/OpenMP/MKL."""
    found = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                parts = line.split()
                if len(parts) < 6:
                    continue
                path = parts[5]
                name = os.path.basename(path)
                if any(key in name for key in ("blas", "lapack", "gomp", "mkl", "omp")) and path not in found:
                    found.append(path)
    except OSError:
        pass
    return found


def classify(path):
    real = os.path.realpath(path)
    if "openblas" in real:
        return "openblas"
    if "mkl" in real:
        return "mkl"
    if "blis" in real:
        return "blis"
    if "atlas" in real:
        return "atlas"
    if os.path.basename(real).startswith("libblas") and "/blas/" in real:
        return "reference"
    return "unknown"


def blas_record(torch):
    """The BLAS this process uses, as a JSON-ready dict."""
    libs = mapped_libraries()
    real = sgemm_provider()
    library = classify(real) if real else "none loaded"
    if real is None:
        # No libblas.so.3 (a torch linked to MKL or a bundled OpenBLAS): the first BLAS-named library mapped.
        blas_paths = [p for p in libs if "blas" in os.path.basename(p) or "mkl" in os.path.basename(p)]
        if blas_paths:
            real = os.path.realpath(blas_paths[0])
            library = classify(blas_paths[0])
    record = {
        "library": library,
        "path": real,
        "mapped": [os.path.realpath(p) for p in libs],
        "coreType": None,
        "version": None,
        "threads": None,
        "threadingLayer": None,
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                                               "OMP_NUM_THREADS", "OMP_WAIT_POLICY")},
    }
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            # Only when OpenBLAS is the BLAS torch calls (it can be mapped without being used, see above).
            if pool.get("user_api") == "blas" and pool.get("internal_api") == library:
                record["coreType"] = pool.get("architecture")
                record["version"] = pool.get("version")
                record["threads"] = pool.get("num_threads")
                record["threadingLayer"] = pool.get("threading_layer")
                record["internalApi"] = pool.get("internal_api")
                break
        record["threadpoolctl"] = "ok"
    except Exception as error:  # threadpoolctl missing: the maps record above still tells which library it is
        record["threadpoolctl"] = "unavailable: %s" % error
    try:
        config = torch.__config__.show()
        record["torchBlasInfo"] = next((l.split("BLAS_INFO=")[1].split(",")[0] for l in config.splitlines()
                                        if "BLAS_INFO=" in l), None)
    except Exception:
        record["torchBlasInfo"] = None
    return record


def peer_record(torch):
    """Everything a peer row records about its runtime."""
    return {
        "torch": torch.__version__,
        "torchThreads": torch.get_num_threads(),
        "blas": blas_record(torch),
        "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    import json

    import torch as _torch

    # Make torch actually call into BLAS once (the library is mapped at import; this also wakes OpenBLAS's threads).
    _torch.mm(_torch.ones(64, 64), _torch.ones(64, 64))
    print(json.dumps(peer_record(_torch)))
