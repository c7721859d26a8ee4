"""Optional sparse LU by Intel oneMKL PARDISO for large steady systems (extra ``pardiso``).

PARDISO orders by nested dissection (METIS), factorises in supernodes on every core and keeps
its analysis, so after the first factorisation of a pattern each Newton step pays only for a
numeric refactorisation (phase 22). On a 2-core machine it factorises the 1,000,000-junction
lattice's nodal matrix 3–5× faster than SuperLU (docs/benchmarks.md). It is an extra
because oneMKL weighs about 1.6 GB installed; without it everything runs on SuperLU.

The binding is a few lines of :mod:`ctypes` on ``libmkl_rt`` (from the ``mkl`` wheel): the
Python wrappers on PyPI expose analysis and factorisation only together (phase 12), which
would repeat the ordering at every Newton step. Every solution is checked against its
system; where PARDISO had to perturb a pivot (it does so instead of reporting a singular
matrix) or its answer is inaccurate, the solver falls back to SuperLU for the rest of its
life (SuperLU says whether the matrix is singular) and records why.
"""

from __future__ import annotations

import ctypes
import glob
import os
import sys
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from linepack.errors import OptionsError, PardisoError

if TYPE_CHECKING:
    from linepack.steady.newton import LinearSolver
    from linepack.steady.system import Pattern

FloatArray = NDArray[np.float64]

#: Accept a PARDISO solution whose normwise backward error ‖A x − b‖∞ / (‖A‖∞ ‖x‖∞ + ‖b‖∞)
#: is at most this (a stable LU gives ~1e-16) and no pivot was perturbed; otherwise the
#: system is solved again by SuperLU.
ACCURACY = 1e-10

#: PARDISO's error codes (oneMKL reference, ``pardiso`` "error" parameter).
ERRORS = {
    -1: "input inconsistent",
    -2: "not enough memory",
    -3: "reordering problem",
    -4: "zero pivot, numerical factorisation or iterative refinement problem",
    -5: "unclassified (internal) error",
    -6: "reordering failed",
    -7: "diagonal matrix is singular",
    -8: "32-bit integer overflow problem",
    -9: "not enough memory for OOC",
    -10: "error opening OOC files",
    -11: "read/write error with OOC files",
}

_INT = ctypes.POINTER(ctypes.c_int32)
_LIB: ctypes.CDLL | bool | None = False  # False: not looked for yet; None: not found


def library() -> ctypes.CDLL | None:
    """oneMKL's runtime library, or None if it is not installed (looked for once).

    ``PARDISO_MKL_RT`` names the library file explicitly; otherwise it is looked for in
    this Python's ``lib`` folder (where the ``mkl`` wheel puts it) and on the library path.
    """
    global _LIB
    if _LIB is not False:
        return _LIB if isinstance(_LIB, ctypes.CDLL) else None
    named = os.environ.get("PARDISO_MKL_RT")
    found = [named] if named else sorted(glob.glob(f"{sys.prefix}/lib/libmkl_rt.so*"), key=len)
    found += ["libmkl_rt.so", "libmkl_rt.so.2", "libmkl_rt.so.3"]
    _LIB = None
    for path in found:
        try:
            lib = ctypes.CDLL(path)
            fn = lib.pardiso
        except (OSError, AttributeError):
            continue
        fn.restype = None
        fn.argtypes = [ctypes.c_void_p, _INT, _INT, _INT, _INT, _INT]
        fn.argtypes += [ctypes.c_void_p, _INT, _INT, _INT, _INT, _INT, _INT]
        fn.argtypes += [ctypes.c_void_p, ctypes.c_void_p, _INT]
        _LIB = lib
        break
    return _LIB if isinstance(_LIB, ctypes.CDLL) else None


def available() -> bool:
    """Whether oneMKL PARDISO can be used here."""
    return library() is not None


def _iparm() -> NDArray[np.int32]:
    """PARDISO's control array for real nonsymmetric matrices given in CSC order.

    Indices are 0-based (the manual's iparm(k) is ``iparm[k - 1]``). The settings: METIS
    ordering computed in parallel; two refinement steps where pivots were perturbed;
    perturbation 1e-13; scaling and weighted matching (from the values at analysis); solve with
    the transpose (the CSC arrays of A are the CSR arrays of Aᵀ); zero-based indices; and the
    improved two-level factorisation. On the 1M lattice's matrix with 2 cores, a
    refactorisation and solve take 0.94 s against 1.28 s with the classic factorisation, and
    the analysis with the parallel ordering 2.6 s against 3.6 s.
    """
    ip = np.zeros(64, dtype=np.int32)
    ip[0] = 1  # these values, not the defaults
    ip[1] = 3  # nested dissection (METIS), computed in parallel
    ip[7] = 0  # iterative refinement: automatic (2 steps where pivots were perturbed)
    ip[9] = 13  # pivot perturbation 1e-13
    ip[10] = 1  # scaling
    ip[11] = 2  # solve Aᵀ x = b for the matrix passed: the CSR of Aᵀ is the CSC of A
    ip[12] = 1  # weighted matching
    ip[17] = -1  # report the non-zeros of the factors
    ip[23] = 10  # improved two-level parallel factorisation for nonsymmetric matrices
    ip[34] = 1  # zero-based indices
    return ip


class PardisoSolver:
    """Sparse LU of the steady solver's reduced system by oneMKL PARDISO.

    A drop-in for :class:`linepack.steady.newton.LinearSolver` (``solve``, ``solve_entries``,
    ``factorisations``, ``cols``) without chord steps: PARDISO keeps its analysis (ordering,
    symbolic factorisation, scaling) of the first matrix of a structure and refactorises the
    next ones numerically. The factors are freed when the solver is.

    Attributes
    ----------
    cols : None
        No ordering is exposed (PARDISO keeps its own).
    fallback_reason : str or None
        Why the solver switched to SuperLU, if it did.
    """

    def __init__(self) -> None:
        lib = library()
        if lib is None:
            raise OptionsError(
                "oneMKL PARDISO is not installed (pip install 'linepack[pardiso]')",
                key="linear_solver",
                value="pardiso",
                expected="Intel oneMKL: pip install 'linepack[pardiso]'",
            )
        self._fn = lib.pardiso
        self._factorised = 0
        self.cols = None
        self.fallback_reason: str | None = None
        self._superlu: LinearSolver | None = None
        self._pt = np.zeros(64, dtype=np.int64)  # PARDISO's internal handle
        self._iparm = _iparm()
        self._structure: tuple[NDArray[np.int32], NDArray[np.int32]] | None = None
        self._key: weakref.ref[Pattern] | None = None  # pattern of the analysis, if any
        self._n = 0
        weakref.finalize(self, _release, self._fn, self._pt, self._iparm)

    @property
    def factorisations(self) -> int:
        """Numeric factorisations so far (PARDISO's, then SuperLU's after a fallback)."""
        extra = self._superlu.factorisations if self._superlu is not None else 0
        return self._factorised + extra

    @property
    def nnz_factors(self) -> int:
        """Entries in PARDISO's L and U factors of the last analysis."""
        return int(self._iparm[17])

    def drop_factors(self) -> None:
        """Nothing to drop: no factors are kept for chord steps."""

    def chord_ready(self, pattern: Pattern) -> bool:
        """Never: this backend takes no chord steps."""
        return False

    def solve_entries(self, pattern: Pattern, values: FloatArray, rhs: FloatArray) -> FloatArray:
        """Solve the system whose entries (``pattern`` order, duplicates summed) are given.

        Raises
        ------
        RuntimeError
            If the matrix is singular.
        """
        if self._superlu is not None:
            return self._superlu.solve_entries(pattern, values, rhs)
        data = np.asarray(
            np.bincount(pattern.slot, weights=values, minlength=pattern.nnz), dtype=np.float64
        )
        key = self._key
        if not (isinstance(key, weakref.ref) and key() is pattern):
            self._analyse(pattern.indptr, pattern.indices, pattern.n, data)
            self._key = weakref.ref(pattern)
        x = None if self._superlu is not None else self._factorise_and_solve(data, rhs)
        if x is None:
            assert self._superlu is not None
            return self._superlu.solve_entries(pattern, values, rhs)
        return x

    def solve(self, jac: sp.csc_matrix, rhs: FloatArray) -> FloatArray:
        """Solve ``jac @ x = rhs``.

        Raises
        ------
        RuntimeError
            If the matrix is singular.
        """
        a = sp.csc_matrix(jac, copy=True)
        a.sum_duplicates()
        if self._superlu is not None:
            return self._superlu.solve(a, rhs)
        st = self._structure
        same = (
            st is not None
            and a.shape[0] == self._n
            and np.array_equal(st[0], a.indptr)
            and np.array_equal(st[1], a.indices)
        )
        if not same:
            self._analyse(a.indptr, a.indices, a.shape[0], np.asarray(a.data, np.float64))
            self._key = None
        data = np.asarray(a.data, np.float64)
        x = None if self._superlu is not None else self._factorise_and_solve(data, rhs)
        if x is None:
            assert self._superlu is not None
            return self._superlu.solve(a, rhs)
        return x

    # ------------------------------------------------------------------ PARDISO calls

    def _call(self, phase: int, data: FloatArray, b: FloatArray, x: FloatArray) -> None:
        st = self._structure
        assert st is not None
        err = ctypes.c_int32(0)
        one = ctypes.c_int32(1)
        self._fn(
            self._pt.ctypes.data,
            ctypes.byref(one),  # maxfct
            ctypes.byref(one),  # mnum
            ctypes.byref(ctypes.c_int32(11)),  # real nonsymmetric
            ctypes.byref(ctypes.c_int32(phase)),
            ctypes.byref(ctypes.c_int32(self._n)),
            data.ctypes.data,
            st[0].ctypes.data_as(_INT),
            st[1].ctypes.data_as(_INT),
            None,  # perm
            ctypes.byref(one),  # nrhs
            self._iparm.ctypes.data_as(_INT),
            ctypes.byref(ctypes.c_int32(0)),  # msglvl
            b.ctypes.data,
            x.ctypes.data,
            ctypes.byref(err),
        )
        if err.value:
            meaning = ERRORS.get(err.value, "unknown error")
            raise PardisoError(
                f"PARDISO phase {phase}: error {err.value} ({meaning})",
                phase=phase,
                code=int(err.value),
            )

    def _analyse(
        self, indptr: NDArray[np.integer], indices: NDArray[np.integer], n: int, data: FloatArray
    ) -> None:
        """Phase 11 (ordering, symbolic factorisation, scaling) for a new structure."""
        if self._structure is not None:
            _release(self._fn, self._pt, self._iparm)
        self._n = int(n)
        self._structure = (
            np.ascontiguousarray(indptr, dtype=np.int32),
            np.ascontiguousarray(indices, dtype=np.int32),
        )
        cols = np.diff(self._structure[0])
        rows = np.bincount(self._structure[1], minlength=self._n)
        if self._n and (not np.all(cols) or not np.all(rows)):  # PARDISO may crash on these
            self._fall_back("an empty row or column (the matrix is singular): SuperLU decides")
            return
        dummy = np.zeros(1)
        try:
            self._call(11, np.ascontiguousarray(data, np.float64), dummy, dummy)
        except PardisoError as exc:
            self._fall_back(f"{exc}: SuperLU from here on")

    def _factorise_and_solve(self, data: FloatArray, rhs: FloatArray) -> FloatArray | None:
        """Phase 22 then 33; None (and SuperLU from now on) if the answer is inaccurate."""
        st = self._structure
        assert st is not None
        data = np.ascontiguousarray(data, np.float64)
        b = np.ascontiguousarray(rhs, np.float64)
        x = np.zeros_like(b)
        try:
            self._call(22, data, b, x)
            self._call(33, data, b, x)
        except PardisoError as exc:
            self._fall_back(f"{exc}: SuperLU from here on")
            return None
        self._factorised += 1
        error = _backward_error(data, st[1], st[0], x, b)
        perturbed = int(self._iparm[13])
        if error <= ACCURACY and perturbed == 0:
            return np.asarray(x, dtype=np.float64)
        self._factorised -= 1  # the step is factorised again, by SuperLU
        self._fall_back(
            f"PARDISO perturbed {perturbed} pivot(s) (the matrix may be singular) and its "
            f"solution has a backward error of {error:.3g} (accepted: {ACCURACY:g} and no "
            "perturbed pivot): SuperLU from here on"
        )
        return None

    def _fall_back(self, reason: str) -> None:
        """Hand every later solve to SuperLU (which says whether a matrix is singular)."""
        from linepack.steady.newton import LinearSolver

        self.fallback_reason = reason
        self._superlu = LinearSolver()
        _release(self._fn, self._pt, self._iparm)
        self._structure = None


def _backward_error(
    data: FloatArray,
    indices: NDArray[np.int32],
    indptr: NDArray[np.int32],
    x: FloatArray,
    b: FloatArray,
) -> float:
    """Normwise backward error ‖A x − b‖∞ / (‖A‖∞ ‖x‖∞ + ‖b‖∞) of A in CSC arrays (inf if
    x is not finite)."""
    if not np.all(np.isfinite(x)):
        return float("inf")
    if not b.size:
        return 0.0
    n = b.size
    a = sp.csc_matrix((data, indices, indptr), shape=(n, n))
    row_sums = np.bincount(indices, weights=np.abs(data), minlength=n)
    scale = float(row_sums.max()) * float(np.abs(x).max()) + float(np.abs(b).max())
    return float(np.abs(a @ x - b).max()) / scale if scale > 0 else 0.0


def _release(fn: Any, pt: NDArray[np.int64], iparm: NDArray[np.int32]) -> None:
    """Phase −1: free PARDISO's memory for this handle (nothing if it holds none)."""
    if not np.any(pt):
        return
    err = ctypes.c_int32(0)
    one = ctypes.c_int32(1)
    zero = ctypes.c_int32(0)
    dummy = np.zeros(1)
    fn(
        pt.ctypes.data,
        ctypes.byref(one),
        ctypes.byref(one),
        ctypes.byref(ctypes.c_int32(11)),
        ctypes.byref(ctypes.c_int32(-1)),
        ctypes.byref(zero),
        dummy.ctypes.data,
        None,
        None,
        None,
        ctypes.byref(one),
        iparm.ctypes.data_as(_INT),
        ctypes.byref(zero),
        dummy.ctypes.data,
        dummy.ctypes.data,
        ctypes.byref(err),
    )
    pt[:] = 0


#: Linear solvers of the steady Newton steps (``SteadyOptions.linear_solver``).
LINEAR_SOLVERS = ("auto", "superlu", "pardiso")
#: "auto" takes PARDISO (where installed) from this many unknowns of the reduced system: below
#: it SuperLU is as fast or faster (measured on the benchmark lattices, docs/benchmarks.md).
PARDISO_MIN_UNKNOWNS = 100_000


def linear_solver(kind: str, unknowns: int, chord: str = "never") -> LinearSolver | PardisoSolver:
    """The linear solver for a steady solve.

    Parameters
    ----------
    kind : str
        One of :data:`LINEAR_SOLVERS`. "auto" is PARDISO for systems of at least
        :data:`PARDISO_MIN_UNKNOWNS` unknowns when oneMKL is installed and chord steps are
        off, SuperLU otherwise.
    unknowns : int
        Order of the reduced system.
    chord : str
        ``NewtonOptions.chord``: chord steps need SuperLU's kept factors.

    Raises
    ------
    OptionsError
        "pardiso" asked for where oneMKL is not installed, or with chord steps.
    """
    from linepack.steady.newton import LinearSolver

    if kind == "pardiso":
        if not available():
            raise OptionsError(
                "linear_solver = 'pardiso' needs Intel oneMKL: pip install 'linepack[pardiso]'",
                key="linear_solver",
                value=kind,
                expected="'superlu' or 'auto', or install the pardiso extra",
            )
        if chord != "never":
            raise OptionsError(
                f"linear_solver = 'pardiso' takes no chord steps (chord = {chord!r})",
                key="chord",
                value=chord,
                expected="chord = 'never' with PARDISO, or linear_solver = 'superlu'",
            )
        return PardisoSolver()
    if kind == "auto" and chord == "never" and unknowns >= PARDISO_MIN_UNKNOWNS and available():
        return PardisoSolver()
    return LinearSolver()
