"""Damped Newton iteration with a sparse LU whose fill-reducing ordering is computed once.

SuperLU's fill-reducing ordering (minimum degree on Aᵀ + A) is the symbolic part of the
factorisation; it depends only on the sparsity pattern, which is fixed for a network.
:class:`LinearSolver` computes it on the first factorisation of a pattern and keeps it (also
across solvers, for as long as the pattern object lives), so each later Newton step pays only
for the numeric factorisation. The later factorisations are of the *symmetrically* permuted
matrix P A Pᵀ in its natural order, whose entries are scattered straight into CSC storage
through a map computed once: its diagonal is A's diagonal, which SuperLU's threshold
pivoting prefers, so the rows of the diagonally dominant nodal equations are not exchanged and
the fill stays that of the ordering (permuting the columns alone, the preferred "diagonal"
would be A[j, cols[j]], mostly not an entry at all: partial pivoting then doubles the fill
on meshed networks).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from linepack.errors import ConvergenceError

if TYPE_CHECKING:
    from linepack.steady.system import Pattern

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Threshold partial pivoting: keep the diagonal unless it is 100× smaller than the column's
#: largest entry. Nodal rows are diagonally dominant, so this keeps the fill of the ordering;
#: algebraic rows (zero diagonal) still pivot.
PIVOT = 0.01
#: SuperLU supernode relaxation and panel size: narrow panels factorise nodal gas-network
#: matrices fastest on this kind of machine (measured: 66 ms vs 100 ms at 50k lattice nodes).
LU_RELAX, LU_PANEL = 8, 2
#: The same for the steady solver's symmetrically permuted nodal matrix, where hardly any rows
#: are exchanged: smaller relaxed supernodes store fewer explicit zeros (measured with
#: numeric factorisations: 16,000-junction random mesh 30 → 21 ms, 700k → 510k entries in
#: L+U; 10,000- and 50,000-junction lattices unchanged within the spread).
NODAL_RELAX, NODAL_PANEL = 2, 1


#: glibc ``mallopt`` settings of :func:`keep_heap`, (parameter, value): M_MMAP_MAX = 0 (every
#: block from the heap, none from a memory map of its own), M_TRIM_THRESHOLD = 256 MB (free
#: memory at the top of the heap is returned to the system only beyond that) and
#: M_TOP_PAD = 64 MB (the heap grows in steps of that much).
HEAP_SETTINGS = ((-4, 0), (-1, 256 << 20), (-2, 64 << 20))
_heap_kept = False


def keep_heap() -> bool:
    """Let the C heap keep freed memory for the next arrays instead of returning it at once.

    Each vectorised step allocates and frees temporaries of n × 8 bytes, and each SuperLU
    factorisation its factors. By default glibc serves blocks above 128 kB (up to 32 MB once
    some were freed) from memory maps of their own or returns the top of its heap to the
    system as soon as they are freed, so every new array faults its pages in again: on a
    10,000-junction lattice that was a fifth of the steady solve's time (8,500 page faults
    per solve); at 50,000 junctions 68,000 faults and 0.13 s of system time per solve, most of
    them in SuperLU's allocations. With :data:`HEAP_SETTINGS` freed memory is reused. The
    settings are process-wide and made once. The price is resident memory: up to 256 MB free
    at the top of the heap, and large blocks freed below the top (a big factorisation's)
    stay with the process until reused instead of going back to the system at once (the
    1,000,000-junction lattice peaked at 4.4 GB with them, 4.5 GB before).

    Because they change the allocator of the whole process (a notebook, a service that
    imports linepack), they are opt-in: set the environment variable ``LINEPACK_KEEP_HEAP=1``
    to use them. They also speed up other libraries in the same process (pandapipes too), so
    side-by-side benchmarks state whether they were on.

    Returns
    -------
    bool
        Whether the settings are in force (False unless ``LINEPACK_KEEP_HEAP=1``, or off
        glibc).
    """
    global _heap_kept
    if _heap_kept:
        return True
    if os.environ.get("LINEPACK_KEEP_HEAP", "0").strip() != "1":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    _heap_kept = all(bool(mallopt(ctypes.c_int(k), ctypes.c_int(v))) for k, v in HEAP_SETTINGS)
    return _heap_kept


@dataclass(frozen=True)
class NewtonOptions:
    """Options of the Newton iteration.

    Attributes
    ----------
    tol : float
        Convergence when the largest scaled residual is below this (dimensionless: relative to
        the pressure scale for pressure equations, to its square for pipe laws, and to half
        the total injection for mass balances; 1e-10 keeps mass balances below 1e-10 of the
        throughput and pressures within ~1e-10 relative).
    max_iter : int
        Most Newton steps per solve.
    line_search : bool
        Backtrack on the residual norm (Armijo) when a full step does not reduce it.
    max_pressure_cut : float
        A step may lower a free pressure to no less than this fraction of its value.
    """

    tol: float = 1e-10
    max_iter: int = 60
    line_search: bool = True
    max_pressure_cut: float = 0.2


@dataclass
class NewtonReport:
    """What one Newton solve did.

    Attributes
    ----------
    converged : bool
    iterations : int
    residual_norms : list of float
        Largest scaled residual before each step and at the end.
    step_lengths : list of float
        Damping factor α of each step.
    """

    converged: bool = False
    iterations: int = 0
    residual_norms: list[float] = field(default_factory=list)
    step_lengths: list[float] = field(default_factory=list)


class _Ordering:
    """A fill-reducing ordering and the symmetric permutation of one sparsity structure.

    Parameters
    ----------
    cols : ndarray of int
        ``cols[k]`` is the unknown (and equation) at position k of the permuted system.
    indptr, indices : ndarray of int
        CSC structure of the unpermuted matrix (sorted indices, no duplicates).
    """

    def __init__(self, cols: IntArray, indptr: IntArray, indices: IntArray) -> None:
        n = cols.size
        self.cols = cols
        self.pos = np.empty(n, dtype=np.int64)
        self.pos[cols] = np.arange(n, dtype=np.int64)
        self.indptr = indptr
        self.indices = indices
        # entry k of A (CSC order) sits at row pos[indices[k]], column pos[col_of[k]] of P A Pᵀ
        col_of = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
        key = self.pos[col_of] * n + self.pos[indices]
        order = np.argsort(key, kind="stable")
        #: ``data_perm = data[gather]`` is the data of P A Pᵀ in CSC order.
        self.gather = order
        self.perm_indices = (key[order] % n).astype(np.intc)
        counts = np.bincount(self.pos[col_of], minlength=n)
        self.perm_indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.intc)
        #: P A Pᵀ of the last factorisation; the next one only puts its values in.
        self.matrix: sp.csc_matrix | None = None
        # entries of a Pattern (pattern order) -> position in P A Pᵀ's data (see ``scatter``)
        self._scatter: tuple[weakref.ref[Pattern], IntArray] | None = None

    def same_structure(self, indptr: IntArray, indices: IntArray) -> bool:
        """Whether a CSC structure is the one this ordering was made for."""
        return (
            indptr.size == self.indptr.size
            and indices.size == self.indices.size
            and bool(np.array_equal(indptr, self.indptr))
            and bool(np.array_equal(indices, self.indices))
        )

    def scatter(self, pattern: Pattern) -> IntArray | None:
        """Position in the permuted CSC data of every entry of ``pattern`` (pattern order).

        None if the pattern's structure is not the one of this ordering.
        """
        hit = self._scatter
        if hit is not None and hit[0]() is pattern:
            return hit[1]
        if not self.same_structure(pattern.indptr, pattern.indices):
            return None
        inverse = np.empty(self.gather.size, dtype=np.int64)
        inverse[self.gather] = np.arange(self.gather.size, dtype=np.int64)
        slot = inverse[pattern.slot]
        self._scatter = (weakref.ref(pattern), slot)
        return slot


#: Orderings kept per pattern object (by id, checked through a weak reference), so repeated
#: solves of one network skip the symbolic step.
_ORDERINGS: dict[int, tuple[weakref.ref[Pattern], _Ordering]] = {}


def _remember(pattern: Pattern, ordering: _Ordering) -> None:
    key = id(pattern)
    cache = _ORDERINGS  # bound now: the module global may be gone when the callback runs

    def forget(_ref: weakref.ref[Pattern]) -> None:
        cache.pop(key, None)

    _ORDERINGS[key] = (weakref.ref(pattern, forget), ordering)


def _known(pattern: Pattern) -> _Ordering | None:
    hit = _ORDERINGS.get(id(pattern))
    if hit is not None and hit[0]() is pattern:
        return hit[1]
    return None


class LinearSolver:
    """Sparse LU (SuperLU) that reuses the fill-reducing ordering of its first factorisation.

    Attributes
    ----------
    cols : ndarray of int or None
        The ordering: unknown at each position of the permuted system.
    factorisations : int
        Counter for the convergence report.
    """

    def __init__(self) -> None:
        self.cols: IntArray | None = None
        self.factorisations = 0
        self._ordering: _Ordering | None = None
        keep_heap()

    def solve(self, jac: sp.csc_matrix, rhs: FloatArray) -> FloatArray:
        """Solve ``jac @ dx = rhs``.

        Raises
        ------
        RuntimeError
            If the matrix is singular (SuperLU's message is kept).
        """
        self.factorisations += 1
        a = sp.csc_matrix(jac)
        if not a.has_canonical_format:  # sorted, no duplicates (a copy: jac stays as it is)
            a = a.copy()
            a.sum_duplicates()
        od = self._ordering
        if od is None:
            return self._first(a, rhs)
        indptr = np.asarray(a.indptr, dtype=np.int64)
        indices = np.asarray(a.indices, dtype=np.int64)
        if not od.same_structure(indptr, indices):  # another structure: permute it as it is
            b = sp.csc_matrix(a[od.cols][:, od.cols])
            b.sum_duplicates()
            return self._permuted(
                np.asarray(b.data, dtype=np.float64),
                np.asarray(b.indices, dtype=np.intc),
                np.asarray(b.indptr, dtype=np.intc),
                rhs,
            )
        data = np.asarray(a.data, dtype=np.float64)[od.gather]
        return self._permuted(data, od.perm_indices, od.perm_indptr, rhs)

    def solve_entries(self, pattern: Pattern, values: FloatArray, rhs: FloatArray) -> FloatArray:
        """Solve the system whose entries (in ``pattern`` order, duplicates summed) are given.

        The same as ``solve(pattern.matrix(values), rhs)``, but once the ordering is known the
        entries are summed straight into the permuted matrix's storage.

        Raises
        ------
        RuntimeError
            If the matrix is singular.
        """
        self.factorisations += 1
        od = self._ordering
        if od is None:
            od = _known(pattern)
            if od is not None:
                self._adopt(od)
        slot = None if od is None else od.scatter(pattern)
        if od is None or slot is None:
            x = self._first(pattern.matrix(values), rhs)
            if self._ordering is not None:
                _remember(pattern, self._ordering)
            return x
        data = np.asarray(np.bincount(slot, weights=values, minlength=od.gather.size), np.float64)
        return self._permuted(data, od.perm_indices, od.perm_indptr, rhs)

    def _adopt(self, ordering: _Ordering) -> None:
        self._ordering = ordering
        self.cols = ordering.cols

    def _first(self, a: sp.csc_matrix, rhs: FloatArray) -> FloatArray:
        """Factorise with SuperLU's own ordering and keep that ordering."""
        # minimum degree on Aᵀ + A suits the near-symmetric nodal structure (less fill
        # than COLAMD on lattices). SuperLU factors A·Pc with Pc[k, perm_c[k]] = 1, so
        # the column at position j of the permuted matrix is argsort(perm_c)[j].
        lu = spla.splu(
            a,
            permc_spec="MMD_AT_PLUS_A",
            diag_pivot_thresh=PIVOT,
            relax=NODAL_RELAX,
            panel_size=NODAL_PANEL,
        )
        cols = np.argsort(np.asarray(lu.perm_c, dtype=np.int64)).astype(np.int64)
        self._adopt(
            _Ordering(cols, np.asarray(a.indptr, np.int64), np.asarray(a.indices, np.int64))
        )
        return np.asarray(lu.solve(rhs), dtype=np.float64)

    def _permuted(
        self, data: FloatArray, indices: NDArray[np.intc], indptr: NDArray[np.intc], rhs: FloatArray
    ) -> FloatArray:
        """Factorise P A Pᵀ (given by its CSC arrays) in natural order and solve."""
        od = self._ordering
        assert od is not None
        n = od.cols.size
        own = indices is od.perm_indices
        if own and od.matrix is not None:
            b = od.matrix  # same structure: only the values change
            b.data = data
        else:
            b = sp.csc_matrix((data, indices, indptr), shape=(n, n))
            if own:
                od.matrix = b
        lu = spla.splu(
            b,
            permc_spec="NATURAL",
            diag_pivot_thresh=PIVOT,
            relax=NODAL_RELAX,
            panel_size=NODAL_PANEL,
        )
        z = lu.solve(rhs[od.cols])
        x = np.empty_like(z)
        x[od.cols] = z
        return np.asarray(x, dtype=np.float64)


def newton(
    residual: Callable[[FloatArray], FloatArray],
    direction: Callable[[FloatArray], FloatArray],
    x0: FloatArray,
    free_pressure: NDArray[np.bool_],
    options: NewtonOptions,
) -> tuple[FloatArray, NewtonReport]:
    """Solve F(x) = 0 by damped Newton.

    Parameters
    ----------
    residual : callable
        ``residual(x) -> F``.
    direction : callable
        ``direction(x) -> dx``, the Newton step −J(x)⁻¹F(x).
    x0 : ndarray
        Start.
    free_pressure : ndarray of bool
        Which unknowns are free pressures (kept positive by the step rule).
    options : NewtonOptions

    Returns
    -------
    tuple
        The solution and a :class:`NewtonReport`. ``report.converged`` is False if the
        iteration ran out of steps; the caller decides what to raise.

    Raises
    ------
    ConvergenceError
        If the linear system is singular or the step is not finite.
    """
    x = x0.copy()
    report = NewtonReport()
    f = residual(x)
    norm = float(np.max(np.abs(f))) if f.size else 0.0
    report.residual_norms.append(norm)
    for _ in range(options.max_iter):
        if norm < options.tol:
            report.converged = True
            return x, report
        try:
            dx = direction(x)
        except RuntimeError as exc:
            raise ConvergenceError(f"singular Jacobian ({exc})", report=report) from None
        if not np.all(np.isfinite(dx)):
            raise ConvergenceError("the Newton step is not finite", report=report)
        alpha = _max_step(x, dx, free_pressure, options.max_pressure_cut)
        x, f, norm, alpha = _line_search(residual, x, dx, f, alpha, options)
        report.iterations += 1
        report.step_lengths.append(alpha)
        report.residual_norms.append(norm)
    report.converged = norm < options.tol
    return x, report


def _max_step(x: FloatArray, dx: FloatArray, free: NDArray[np.bool_], cut: float) -> float:
    """Largest α ≤ 1 keeping free pressures above ``cut`` times their value."""
    dec = free & (dx < 0)
    if not np.any(dec):
        return 1.0
    ratio = (1.0 - cut) * x[dec] / -dx[dec]
    return float(min(1.0, ratio.min()))


def _line_search(
    residual: Callable[[FloatArray], FloatArray],
    x: FloatArray,
    dx: FloatArray,
    f: FloatArray,
    alpha: float,
    options: NewtonOptions,
) -> tuple[FloatArray, FloatArray, float, float]:
    f0 = float(f @ f)
    best: tuple[FloatArray, FloatArray, float, float] | None = None
    for _ in range(30 if options.line_search else 1):
        xt = x + alpha * dx
        ft = residual(xt)
        ft2 = float(ft @ ft)
        cand = (xt, ft, float(np.max(np.abs(ft))), alpha)
        if np.isfinite(ft2) and ft2 <= (1.0 - 1e-4 * alpha) * f0:
            return cand
        if best is None or (np.isfinite(ft2) and ft2 < float(best[1] @ best[1])):
            best = cand
        alpha *= 0.5
    assert best is not None
    return best
