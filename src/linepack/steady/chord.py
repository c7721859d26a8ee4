"""Chord (Shamanskii) steps of the Newton iteration: reusing LU factors where they are costly.

Opt-in (:attr:`linepack.steady.newton.NewtonOptions.chord`). After a full Newton step the
next directions may reuse that step's factors: the new system is solved by GMRES
preconditioned with them (:func:`stale_gmres`), and :func:`refactorise` decides from the
measured contraction and costs when to factorise again. :class:`ChordSession` is what
:func:`linepack.steady.newton.newton` and :class:`linepack.steady.newton.LinearSolver` share
during one solve (held in a context variable, with the factorisation and solve timings);
:mod:`linepack.steady.newton` holds the Newton loop and the solver, and re-exports the
public names defined here. This module imports nothing from :mod:`linepack.steady.newton`
(the solver is seen through :class:`FactorHolder`), so the two form no import circle.
"""

from __future__ import annotations

import math
import weakref
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


class FactorHolder(Protocol):
    """A linear solver that keeps LU factors for a session (``LinearSolver``)."""

    def drop_factors(self) -> None:
        """Forget the kept factors."""
        ...


#: How :func:`newton` may reuse LU factors: "auto" (chord steps where a factorisation is
#: costly, see :data:`CHORD_MIN_FACTOR_TIME`), "never" (exact Newton), "always" (chord steps
#: whatever the costs; for tests and benchmarks).
CHORD_MODES = ("auto", "never", "always")
#: "auto" takes chord steps only once a numeric factorisation has taken at least this long
#: [s]: below it (PSGP, GasLib-4197, lattices to ~50,000 junctions: 1–70 ms) a factorisation
#: costs about as much as the assembly of a step, reuse cannot pay, and the iteration stays
#: exact Newton (the same steps and results whatever the clock says).
CHORD_MIN_FACTOR_TIME = 0.1
#: ... and at least this many times a triangular solve with its factors (256,000-junction
#: lattice: 525 ms vs 22 ms; 1,000,000: 4.3 s vs 0.33 s).
CHORD_MIN_COST_RATIO = 10.0
#: A chord step solves the new Newton system by GMRES preconditioned with the old factors
#: until its residual is this fraction of the right-hand side's (inexact Newton forcing
#: term: the step then reduces ‖F‖ about as much as an exact one, ~0.2 in the tail) ...
CHORD_FORCING = 1e-2
#: ... or for at most this many iterations (one triangular solve and one product each).
CHORD_KRYLOV = 4
#: Chord steps that did not pay (discarded, or followed at once by a refactorisation) after
#: which a solve takes exact Newton steps only: on meshed networks the reduced matrix holds
#: the conductances ∝ 1/|q| of pipes whose flow is near zero, which change by orders of
#: magnitude from one iterate to the next, so old factors can be far from the new matrix.
CHORD_STRIKES = 2
#: The rule assumes a fresh Newton step reduces the residual at least this much (ratio of
#: norms), whatever the last one did: a damped step far from the solution says little about
#: the next (in the tail of meshed networks exact Newton gains a factor 3–7 a step).
NEWTON_RATIO_CAP = 0.5
#: A fresh Newton step that gained more than this is taken as this (keeps log finite).
NEWTON_RATIO_FLOOR = 1e-12


@dataclass
class ChordSession:
    """What :func:`newton` and a :class:`LinearSolver` share during one Newton solve.

    :func:`newton` opens one per solve (in a context variable, so the callers in between,
    e.g. :meth:`linepack.steady.system.SteadySystem.newton_direction`, need not pass it on);
    a solver asked for a direction while it is open keeps its LU factors and times them.

    Attributes
    ----------
    reuse : bool
        Set by :func:`newton`: solve the next system with the kept factors.
    chord : bool or None
        Set by the solver: whether its last solve used kept factors (None: no
        :class:`LinearSolver` was asked).
    factor_time, solve_time : float
        Wall time of the last numeric factorisation and of a triangular solve with it [s].
    krylov_iterations : int
        GMRES iterations of the chord steps so far.
    strikes : int
        Chord steps that did not pay (see :data:`CHORD_STRIKES`).
    """

    reuse: bool = False
    chord: bool | None = None
    factor_time: float = 0.0
    solve_time: float = 0.0
    krylov_iterations: int = 0
    strikes: int = 0
    _holders: list[weakref.ref[FactorHolder]] = field(default_factory=list)

    def hold(self, solver: FactorHolder) -> None:
        """Remember a solver that keeps factors for this session (released at its end)."""
        if not any(h() is solver for h in self._holders):
            self._holders.append(weakref.ref(solver))

    def release(self) -> None:
        """Let every solver of the session drop its factors (their memory goes back)."""
        for h in self._holders:
            solver = h()
            if solver is not None:
                solver.drop_factors()
        self._holders.clear()


#: The chord session of the solve in progress (set by the Newton driver for one solve).
CHORD_SESSION: ContextVar[ChordSession | None] = ContextVar("linepack_chord", default=None)


def stale_gmres(
    matrix: sp.csc_matrix,
    lu: spla.SuperLU,
    rhs: FloatArray,
    rtol: float,
    max_iter: int,
) -> tuple[FloatArray, int]:
    """Solve ``matrix @ z = rhs`` by GMRES, right-preconditioned with the factors ``lu``.

    The start is ``lu.solve(rhs)`` (the plain chord step); each iteration costs one
    triangular solve and one product with ``matrix``. With factors of a nearby matrix (an
    earlier Newton step's) the few pipes whose derivatives changed much (flows that changed
    sign) are all that is left to resolve, which takes a few iterations.

    Parameters
    ----------
    matrix : csc_matrix
        The system (n × n).
    lu : SuperLU
        Factors of an approximation of ``matrix``.
    rhs : ndarray
        Right-hand side.
    rtol : float
        Stop when ‖rhs − matrix z‖ ≤ rtol ‖rhs‖ (2-norm).
    max_iter : int
        Most iterations (no restart).

    Returns
    -------
    tuple
        The solution ``z`` (the best in the Krylov space after the last iteration) and the
        number of iterations.
    """
    z0 = np.asarray(lu.solve(rhs), dtype=np.float64)
    r = rhs - matrix @ z0
    beta = float(np.linalg.norm(r))
    goal = rtol * float(np.linalg.norm(rhs))
    if beta <= goal or max_iter < 1:
        return z0, 0
    basis = [r / beta]
    pre: list[FloatArray] = []
    h = np.zeros((max_iter + 1, max_iter))
    y: FloatArray = np.zeros(0)
    its = 0
    for j in range(max_iter):
        its = j + 1
        zj = np.asarray(lu.solve(basis[j]), dtype=np.float64)
        pre.append(zj)
        w = matrix @ zj
        for i in range(j + 1):  # modified Gram-Schmidt
            h[i, j] = float(w @ basis[i])
            w -= h[i, j] * basis[i]
        h[j + 1, j] = float(np.linalg.norm(w))
        e1 = np.zeros(j + 2)
        e1[0] = beta
        y = np.asarray(np.linalg.lstsq(h[: j + 2, : j + 1], e1, rcond=None)[0], np.float64)
        res = float(np.linalg.norm(h[: j + 2, : j + 1] @ y - e1))
        if res <= goal or h[j + 1, j] <= 1e-300:
            break
        basis.append(w / h[j + 1, j])
    z = z0.copy()
    for yi, zi in zip(y, pre, strict=True):
        z += yi * zi
    return z, its


def refactorise(ratio: float, newton_ratio: float, cost: float, newton_cost: float) -> bool:
    """Whether the next step should refactorise rather than take another chord step.

    Chord steps that each cost ``cost`` and reduce the residual norm by ``ratio`` need
    ``cost / −ln(ratio)`` of time per e-fold of reduction; fresh Newton steps
    ``newton_cost / −ln(newton_ratio)``. The cheaper per e-fold wins (so the expected time to
    converge is the smaller one).

    Parameters
    ----------
    ratio : float
        ‖F‖ after / before the last chord step.
    newton_ratio : float
        The same for a Newton step (the last one, at most :data:`NEWTON_RATIO_CAP`).
    cost, newton_cost : float
        Time of a chord step and of a Newton step (any unit, the same for both).

    Returns
    -------
    bool
    """
    if not ratio < 1.0:
        return True
    return cost * -math.log(newton_ratio) > newton_cost * -math.log(ratio)


def worth_chord(session: ChordSession, mode: str) -> bool:
    """Whether factors are kept and (in "auto") costly enough that reusing them may pay;
    ``mode`` is ``NewtonOptions.chord``."""
    if session.factor_time <= 0.0:
        return False  # the directions do not come from a LinearSolver in this session
    if session.strikes >= CHORD_STRIKES:
        return False
    if mode == "always":
        return True
    return (
        session.factor_time >= CHORD_MIN_FACTOR_TIME
        and session.factor_time >= CHORD_MIN_COST_RATIO * session.solve_time
    )
