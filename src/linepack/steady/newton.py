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

This module holds linepack's one damped-Newton driver (:func:`damped_newton`, used by the
steady solve through :func:`newton` and by every transient step), its options and report
(:class:`NewtonOptions`, :class:`NewtonReport`), :class:`LinearSolver` and :func:`keep_heap`.
The opt-in chord (Shamanskii) machinery, reuse of factors across steps, lives in
:mod:`linepack.steady.chord`; its public names are re-exported here.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import os
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from linepack.errors import ConvergenceError, LinearSolveError, OptionsError
from linepack.steady.chord import (
    CHORD_FORCING,
    CHORD_KRYLOV,
    CHORD_MIN_COST_RATIO,
    CHORD_MIN_FACTOR_TIME,
    CHORD_MODES,
    CHORD_SESSION,
    CHORD_STRIKES,
    NEWTON_RATIO_CAP,
    NEWTON_RATIO_FLOOR,
    ChordSession,
    refactorise,
    stale_gmres,
    worth_chord,
)

if TYPE_CHECKING:
    from linepack.steady.system import Pattern

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = [
    "CHORD_FORCING",
    "CHORD_KRYLOV",
    "CHORD_MIN_COST_RATIO",
    "CHORD_MIN_FACTOR_TIME",
    "CHORD_MODES",
    "CHORD_STRIKES",
    "HEAP_SETTINGS",
    "LU_PANEL",
    "LU_RELAX",
    "NEWTON_RATIO_CAP",
    "NEWTON_RATIO_FLOOR",
    "NODAL_PANEL",
    "NODAL_RELAX",
    "PIVOT",
    "ChordSession",
    "LinearSolver",
    "NewtonOptions",
    "NewtonPoint",
    "NewtonReport",
    "damped_newton",
    "keep_heap",
    "newton",
    "refactorise",
    "stale_gmres",
]

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
    chord : str
        Reuse of LU factors (one of :data:`CHORD_MODES`): after a full Newton step, take
        chord steps (new residual, the kept factors: one triangular solve) while they reduce
        the residual fast enough for their cost, see :func:`refactorise`. "auto" does so only
        where a factorisation is costly (:data:`CHORD_MIN_FACTOR_TIME`). The default is
        "never": on the benchmark lattices (256,000 and 1,000,000 junctions) old factors are
        too far from the new matrix for chord steps to pay (docs/benchmarks.md, "Chord
        steps"), and keeping them raises the peak memory.
    chord_cost_ratio : float or None
        Cost of a Newton step relative to a chord step used by the rule; None measures both
        (wall clock). A fixed value makes the choice of steps independent of the clock.
    """

    tol: float = 1e-10
    max_iter: int = 60
    line_search: bool = True
    max_pressure_cut: float = 0.2
    chord: str = "never"
    chord_cost_ratio: float | None = None

    def __post_init__(self) -> None:
        if self.chord not in CHORD_MODES:
            raise OptionsError(
                f"NewtonOptions.chord = {self.chord!r}: expected one of {CHORD_MODES}",
                element="NewtonOptions",
                key="chord",
                value=self.chord,
                expected=f"one of {CHORD_MODES}",
            )
        if self.chord_cost_ratio is not None and not self.chord_cost_ratio >= 1.0:
            raise OptionsError(
                f"NewtonOptions.chord_cost_ratio = {self.chord_cost_ratio!r}: expected >= 1",
                element="NewtonOptions",
                key="chord_cost_ratio",
                value=self.chord_cost_ratio,
                expected="None or a number >= 1",
            )


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
    chord_steps : int
        Steps (of ``iterations``) taken with the factors of an earlier step.
    step_kinds : list of str
        "newton" (fresh factorisation) or "chord" (kept factors) for each step.
    contractions : list of float
        ‖F‖₂ after / before each step (what the refactorisation rule uses).
    chord_rejected : int
        Chord directions discarded because they did not reduce the residual norm (the step
        was then taken with a fresh factorisation; not counted in ``iterations``).
    """

    converged: bool = False
    iterations: int = 0
    residual_norms: list[float] = field(default_factory=list)
    step_lengths: list[float] = field(default_factory=list)
    chord_steps: int = 0
    chord_rejected: int = 0
    step_kinds: list[str] = field(default_factory=list)
    contractions: list[float] = field(default_factory=list)


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

    Inside a :func:`newton` solve it also keeps the factors of its last factorisation, so a
    chord step can solve with them (see :class:`ChordSession`).

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
        # factors of the last factorisation within a ChordSession, and the pattern they are of
        self._lu: spla.SuperLU | None = None
        self._lu_pattern: weakref.ref[Pattern] | None = None
        keep_heap()

    def drop_factors(self) -> None:
        """Forget the kept LU factors."""
        self._lu = None
        self._lu_pattern = None

    def chord_ready(self, pattern: Pattern) -> bool:
        """Whether the next :meth:`solve_entries` of ``pattern`` will use the kept factors."""
        session = CHORD_SESSION.get()
        return (
            session is not None
            and session.reuse
            and self._lu is not None
            and self._ordering is not None
            and self._lu_pattern is not None
            and self._lu_pattern() is pattern
        )

    def solve(self, jac: sp.csc_matrix, rhs: FloatArray) -> FloatArray:
        """Solve ``jac @ dx = rhs``.

        Raises
        ------
        RuntimeError
            If the matrix is singular (SuperLU's message is kept).
        """
        self.factorisations += 1
        self.drop_factors()
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
        entries are summed straight into the permuted matrix's storage. Within a
        :class:`ChordSession` that asks for ``reuse``, the system is not factorised: the
        kept factors of the same pattern (an earlier Newton step's) precondition GMRES on it
        (:func:`stale_gmres`), a chord step made nearly a Newton step again.

        Raises
        ------
        RuntimeError
            If the matrix is singular.
        """
        session = CHORD_SESSION.get()
        lu, od = self._lu, self._ordering
        if session is not None:
            if self.chord_ready(pattern):
                assert lu is not None
                assert od is not None
                session.chord = True
                return self._krylov(lu, od, pattern, values, rhs, session)
            session.chord = False
        self.factorisations += 1
        self.drop_factors()
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
        return self._permuted(data, od.perm_indices, od.perm_indptr, rhs, session, pattern)

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
        self,
        data: FloatArray,
        indices: NDArray[np.intc],
        indptr: NDArray[np.intc],
        rhs: FloatArray,
        session: ChordSession | None = None,
        pattern: Pattern | None = None,
    ) -> FloatArray:
        """Factorise P A Pᵀ (given by its CSC arrays) in natural order and solve.

        With a ``session`` (and the ``pattern`` the entries are of) the factors are kept and
        timed for chord steps.
        """
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
        t0 = time.perf_counter()
        lu = spla.splu(
            b,
            permc_spec="NATURAL",
            diag_pivot_thresh=PIVOT,
            relax=NODAL_RELAX,
            panel_size=NODAL_PANEL,
        )
        if session is None or pattern is None:
            z = lu.solve(rhs[od.cols])
            x = np.empty_like(z)
            x[od.cols] = z
            return np.asarray(x, dtype=np.float64)
        session.factor_time = time.perf_counter() - t0
        self._lu, self._lu_pattern = lu, weakref.ref(pattern)
        session.hold(self)
        return self._solve_with(lu, od, rhs, session)

    def _krylov(
        self,
        lu: spla.SuperLU,
        od: _Ordering,
        pattern: Pattern,
        values: FloatArray,
        rhs: FloatArray,
        session: ChordSession,
    ) -> FloatArray:
        """Solve the new system by GMRES preconditioned with the kept factors."""
        slot = od.scatter(pattern)
        assert slot is not None
        data = np.asarray(np.bincount(slot, weights=values, minlength=od.gather.size), np.float64)
        n = od.cols.size
        b = sp.csc_matrix((data, od.perm_indices, od.perm_indptr), shape=(n, n))
        t0 = time.perf_counter()
        z, its = stale_gmres(b, lu, rhs[od.cols], CHORD_FORCING, CHORD_KRYLOV)
        session.solve_time = (time.perf_counter() - t0) / (its + 1)
        session.krylov_iterations += its
        x = np.empty_like(z)
        x[od.cols] = z
        return np.asarray(x, dtype=np.float64)

    @staticmethod
    def _solve_with(
        lu: spla.SuperLU, od: _Ordering, rhs: FloatArray, session: ChordSession
    ) -> FloatArray:
        """Solve with factors of P A Pᵀ and time the triangular solve."""
        t0 = time.perf_counter()
        z = lu.solve(rhs[od.cols])
        x = np.empty_like(z)
        x[od.cols] = z
        session.solve_time = time.perf_counter() - t0
        return np.asarray(x, dtype=np.float64)


class NewtonPoint(Protocol):
    """An evaluated iterate of :func:`damped_newton`: the unknowns, residual and max |F|."""

    @property
    def x(self) -> FloatArray:
        """The unknowns."""
        ...

    @property
    def f(self) -> FloatArray:
        """The scaled residual F(x)."""
        ...

    @property
    def norm(self) -> float:
        """max |F(x)| (0 for an empty system)."""
        ...


P = TypeVar("P", bound=NewtonPoint)


@dataclass(frozen=True)
class _Point:
    """A :class:`NewtonPoint` of a residual function alone (the steady solve)."""

    x: FloatArray
    f: FloatArray
    norm: float

    @classmethod
    def at(cls, residual: Callable[[FloatArray], FloatArray], x: FloatArray) -> _Point:
        f = residual(x)
        return cls(x, f, float(np.max(np.abs(f))) if f.size else 0.0)


def newton(
    residual: Callable[[FloatArray], FloatArray],
    direction: Callable[[FloatArray], FloatArray],
    x0: FloatArray,
    free_pressure: NDArray[np.bool_],
    options: NewtonOptions,
) -> tuple[FloatArray, NewtonReport]:
    """Solve F(x) = 0 by :func:`damped_newton`, given F and the Newton step as functions of x.

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
        The solution and a :class:`NewtonReport` (see :func:`damped_newton`).
    """
    point, report = damped_newton(
        lambda x: _Point.at(residual, x),
        lambda pt: direction(pt.x),
        x0,
        free_pressure,
        options,
    )
    return point.x, report


def damped_newton(
    evaluate: Callable[[FloatArray], P],
    direction: Callable[[P], FloatArray],
    x0: FloatArray,
    free_pressure: NDArray[np.bool_],
    options: NewtonOptions,
) -> tuple[P, NewtonReport]:
    """linepack's one damped-Newton driver, for the steady solve and each transient step.

    Each step: the Newton direction at the current point, the largest step α ≤ 1 that keeps
    every free pressure above ``1 − options.max_pressure_cut`` of its value, then Armijo
    backtracking on ‖F‖₂ (``options.line_search``; the best point tried if none passes). After
    a full-length Newton step, if the :class:`LinearSolver` behind ``direction`` took long to
    factorise (``options.chord``), the next directions reuse its factors (chord steps:
    −J(x_k)⁻¹F(x), one triangular solve). A chord step is taken at full length if it reduces
    the residual norm (Armijo); otherwise it is discarded and the step is taken with a fresh
    factorisation and the line search. After each chord step :func:`refactorise` decides from
    its contraction and the measured costs whether the next one refactorises. Convergence is
    judged on max |F| < ``options.tol`` alone, so the solution meets the tolerance whatever
    directions led to it. The linear solver is the caller's choice, behind ``direction``
    (steady: :func:`linepack.steady.pardiso.linear_solver`; transient:
    :class:`linepack.transient.linear.ReducedSolver`).

    Parameters
    ----------
    evaluate : callable
        ``evaluate(x) -> point`` with the point's ``x``, ``f`` and ``norm``
        (:class:`NewtonPoint`); a caller may keep more in it (the transient keeps what its
        Jacobian needs), as each point is evaluated once.
    direction : callable
        ``direction(point) -> dx``, the Newton step −J⁻¹F at an evaluated point.
    x0 : ndarray
        Start (not modified).
    free_pressure : ndarray of bool
        Which of the leading unknowns are free pressures (kept positive by the step rule); it
        may be shorter than x (the unknowns beyond it are not limited).
    options : NewtonOptions

    Returns
    -------
    tuple
        The last point and a :class:`NewtonReport`. ``report.converged`` is False if the
        iteration ran out of steps; the caller decides what to raise.

    Raises
    ------
    ConvergenceError
        If the linear system is singular (the direction raised ``RuntimeError``, as SuperLU
        does, or :class:`~linepack.errors.LinearSolveError`) or the step is not finite.
    """
    session = None if options.chord == "never" else ChordSession()
    token = CHORD_SESSION.set(session)
    try:
        return _iterate(evaluate, direction, x0, free_pressure, options, session)
    finally:
        CHORD_SESSION.reset(token)
        if session is not None:
            session.release()


def _iterate(
    evaluate: Callable[[FloatArray], P],
    direction: Callable[[P], FloatArray],
    x0: FloatArray,
    free_pressure: NDArray[np.bool_],
    options: NewtonOptions,
    session: ChordSession | None,
) -> tuple[P, NewtonReport]:
    pt = evaluate(x0.copy())
    report = NewtonReport()
    report.residual_norms.append(pt.norm)
    newton_ratio, newton_cost = NEWTON_RATIO_CAP, 0.0
    for _ in range(options.max_iter):
        if pt.norm < options.tol:
            report.converged = True
            return pt, report
        f_before = float(pt.f @ pt.f)
        t0 = time.perf_counter()
        dx = _direction(direction, pt, session, report)
        chord = session is not None and bool(session.chord) and session.reuse
        if chord:
            assert session is not None
            alpha = _max_step(pt.x, dx, free_pressure, options.max_pressure_cut)
            taken = _chord_step(evaluate, pt, dx, alpha, f_before)
            if taken is None:  # not a descent at full length: refactorise here
                report.chord_rejected += 1
                session.strikes += 1
                session.reuse = False
                t0 = time.perf_counter()
                dx = _direction(direction, pt, session, report)
                chord = False
            else:
                f_after = float(taken.f @ taken.f)
                ratio = math.sqrt(f_after / f_before)
                pt = taken
                report.chord_steps += 1
                cost = (
                    newton_cost / options.chord_cost_ratio
                    if options.chord_cost_ratio is not None
                    else time.perf_counter() - t0
                )
                session.reuse = pt.norm < options.tol or not refactorise(
                    ratio, newton_ratio, cost, newton_cost
                )
                if not session.reuse and report.step_kinds[-1:] == ["newton"]:
                    session.strikes += 1  # the first chord step after a Newton step was poor
        if not chord:
            alpha = _max_step(pt.x, dx, free_pressure, options.max_pressure_cut)
            pt, alpha = _line_search(evaluate, pt, dx, alpha, f_before, options)
            newton_cost = (
                options.chord_cost_ratio
                if options.chord_cost_ratio is not None
                else time.perf_counter() - t0
            )
            f_after = float(pt.f @ pt.f)
            newton_ratio = min(
                NEWTON_RATIO_CAP,
                max(NEWTON_RATIO_FLOOR, math.sqrt(f_after / f_before) if f_before else 0.0),
            )
            if session is not None:
                session.reuse = alpha == 1.0 and worth_chord(session, options.chord)
        report.iterations += 1
        report.step_kinds.append("chord" if chord else "newton")
        report.contractions.append(math.sqrt(f_after / f_before))
        report.step_lengths.append(alpha)
        report.residual_norms.append(pt.norm)
    report.converged = pt.norm < options.tol
    return pt, report


def _direction(
    direction: Callable[[P], FloatArray],
    pt: P,
    session: ChordSession | None,
    report: NewtonReport,
) -> FloatArray:
    """``direction(pt)``, with singular systems and non-finite steps as ConvergenceError."""
    if session is not None:
        session.chord = None
    try:
        dx = direction(pt)
    except (RuntimeError, LinearSolveError) as exc:  # SuperLU raises RuntimeError
        raise ConvergenceError(f"singular Jacobian ({exc})", report=report) from None
    if not np.isfinite(dx).all():
        raise ConvergenceError("the Newton step is not finite", report=report)
    return dx


def _max_step(x: FloatArray, dx: FloatArray, free: NDArray[np.bool_], cut: float) -> float:
    """Largest α ≤ 1 keeping the free pressures (``free``: a mask of the leading unknowns)
    above ``1 − cut`` times their value."""
    n = free.size
    dxp = dx[:n]
    dec = free & (dxp < 0)
    if not np.any(dec):
        return 1.0
    ratio = (1.0 - cut) * x[:n][dec] / -dxp[dec]
    return float(min(1.0, ratio.min()))


def _chord_step(
    evaluate: Callable[[FloatArray], P], pt: P, dx: FloatArray, alpha: float, f0: float
) -> P | None:
    """The step ``alpha`` along a chord direction if it passes Armijo (‖F‖₂² was ``f0``),
    else None."""
    trial = evaluate(pt.x + alpha * dx)
    ft2 = float(trial.f @ trial.f)
    if np.isfinite(ft2) and ft2 <= (1.0 - 1e-4 * alpha) * f0:
        return trial
    return None


def _line_search(
    evaluate: Callable[[FloatArray], P],
    pt: P,
    dx: FloatArray,
    alpha: float,
    f0: float,
    options: NewtonOptions,
) -> tuple[P, float]:
    """Armijo backtracking on ‖F‖₂² (``f0`` at ``pt``), halving α up to 30 times; the best
    point tried if none passes."""
    best: tuple[P, float, float] | None = None
    for _ in range(30 if options.line_search else 1):
        trial = evaluate(pt.x + alpha * dx)
        ft2 = float(trial.f @ trial.f)
        if np.isfinite(ft2) and ft2 <= (1.0 - 1e-4 * alpha) * f0:
            return trial, alpha
        if best is None or (np.isfinite(ft2) and ft2 < best[2]):
            best = (trial, alpha, ft2)
        alpha *= 0.5
    assert best is not None
    return best[0], best[1]
