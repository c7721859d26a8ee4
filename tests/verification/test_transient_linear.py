"""The transient's fixed-pattern linear solver against dense LU, on each of its paths.

:class:`~linepack.transient.linear.ReducedSolver` picks LAPACK's tridiagonal or band LU after a
reverse Cuthill–McKee ordering when the band is narrow, else SuperLU with a reused ordering.
Each path must solve what ``numpy.linalg.solve`` solves (entries in any order, duplicates
summed), solve again with kept factors, and report a singular matrix.
"""

from __future__ import annotations

import numpy as np
import pytest

from linepack.errors import LinearSolveError, SingularMatrixError
from linepack.steady.system import Pattern
from linepack.transient.linear import MAX_BAND, ReducedSolver


def path(n: int) -> tuple[np.ndarray, np.ndarray]:
    """A pipeline's pattern, numbered out of order (interior nodes last)."""
    order = np.random.default_rng(0).permutation(n)
    i = np.arange(n - 1)
    rows = np.concatenate([np.arange(n), i, i + 1])
    cols = np.concatenate([np.arange(n), i + 1, i])
    return order[rows], order[cols]


def ladder(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two parallel lines with rungs (a meshed network of small band)."""
    half = n // 2
    edges = [(k, k + 1) for k in range(half - 1)]
    edges += [(half + k, half + k + 1) for k in range(half - 1)]
    edges += [(k, half + k) for k in range(0, half, 5)]
    a, b = np.asarray(edges).T
    return np.concatenate([np.arange(n), a, b]), np.concatenate([np.arange(n), b, a])


def random_graph(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Long-range connections: a band far wider than MAX_BAND."""
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, n, 4 * n), rng.integers(0, n, 4 * n)
    keep = a != b
    a, b = a[keep], b[keep]
    return np.concatenate([np.arange(n), a, b]), np.concatenate([np.arange(n), b, a])


def matrix(rows: np.ndarray, cols: np.ndarray, n: int, seed: int) -> tuple[Pattern, np.ndarray]:
    """Entry values (with a duplicated first entry) of a non-symmetric, non-dominant matrix."""
    rng = np.random.default_rng(seed)
    rows, cols = np.r_[rows, rows[:1]], np.r_[cols, cols[:1]]
    values = rng.uniform(-1.0, 1.0, rows.size)
    values[:n] += rng.choice([-1.0, 1.0], n) * 1.5  # keeps it regular, not dominant
    return Pattern.build(rows.astype(np.int64), cols.astype(np.int64), n), values


@pytest.mark.parametrize(
    ("build", "kind"),
    [(path, "banded"), (ladder, "banded"), (random_graph, "sparse")],
)
def test_solves_as_dense_lu(build, kind: str) -> None:  # type: ignore[no-untyped-def]
    n = 300
    rows, cols = build(n)
    pattern, values = matrix(rows, cols, n, seed=2)
    solver = ReducedSolver(pattern)
    assert solver.kind == kind
    if build is path:
        assert solver.bandwidth == (1, 1)
    elif kind == "banded":
        assert sum(solver.bandwidth) <= MAX_BAND
    rng = np.random.default_rng(3)
    for seed in (4, 5):  # the second factorisation reuses the ordering
        values = matrix(rows, cols, n, seed)[1]
        dense = np.zeros((n, n))
        np.add.at(dense, (pattern.rows, pattern.cols), values)
        b = rng.normal(size=n)
        want = np.linalg.solve(dense, b)
        # both are LU with partial pivoting of a matrix of condition ~1e3: 1e-10 of the
        # solution's size is round-off times the condition with a wide margin
        tol = 1e-10 * np.abs(want).max()
        assert np.max(np.abs(solver.solve(values, b) - want)) < tol
        b2 = rng.normal(size=n)  # again with the kept factors
        assert np.max(np.abs(solver.resolve(b2) - np.linalg.solve(dense, b2))) < tol


@pytest.mark.parametrize("build", [path, ladder, random_graph])
def test_a_singular_matrix_is_reported(build) -> None:  # type: ignore[no-untyped-def]
    n = 120
    rows, cols = build(n)
    pattern, values = matrix(rows, cols, n, seed=6)
    solver = ReducedSolver(pattern)
    solver.solve(values, np.ones(n))  # regular: fixes the ordering
    values = values.copy()
    values[(pattern.rows == 7) | (pattern.cols == 7)] = 0.0  # unknown 7 appears nowhere
    # the band LU raises SingularMatrixError, SuperLU its own RuntimeError
    singular = SingularMatrixError if solver.kind == "banded" else RuntimeError
    with pytest.raises(singular, match="singular"):
        solver.solve(values, np.ones(n))
    with pytest.raises(LinearSolveError, match="no factorisation"):
        solver.resolve(np.ones(n))
