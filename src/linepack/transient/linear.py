"""Linear solves of the reduced time-step system with a fixed sparsity pattern.

Every Newton iteration of a transient solves a system with the same pattern (the steady
solver's reduced one: node pressures and non-pipe flows, the segment flows eliminated). The
symbolic work is done once:

* **banded** — a reverse Cuthill–McKee ordering of the symmetrised pattern, computed once,
  makes a pipeline (a path of segments) tridiagonal and keeps the band of a lightly meshed
  network narrow. When the band is narrow (:data:`MAX_BAND`), each solve scatters the entries
  straight into LAPACK band storage through a precomputed index and calls ``dgtsv``
  (tridiagonal) or ``dgbsv`` (banded), both LU with partial pivoting: O(n·b²) work and
  almost no Python overhead.
* **sparse** — otherwise SuperLU, with the minimum-degree column ordering of the first
  factorisation reused (as :class:`linepack.steady.newton.LinearSolver` does), the column
  permutation of the CSC storage precomputed.

Both raise on a singular matrix (:class:`~linepack.errors.SingularMatrixError` from the band
LU, SuperLU's ``RuntimeError``), which the Newton driver reports.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray
from scipy.linalg import lapack
from scipy.sparse.csgraph import reverse_cuthill_mckee

from linepack.errors import LinearSolveError, SingularMatrixError
from linepack.steady.newton import LU_PANEL, LU_RELAX, PIVOT
from linepack.steady.system import Pattern

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Largest sum of the lower and upper bandwidths solved in band storage. The band LU costs
#: about n·kl·(kl+ku) flops; at this width it is still cheaper than SuperLU for the network
#: sizes of a transient (measured on GasLib-582: 740 unknowns, band 24 + 24, 0.3 ms against
#: 1 ms per factorisation).
MAX_BAND = 64


class ReducedSolver:
    """Solves ``A y = b`` for matrices with one fixed pattern, given entry values.

    :meth:`factor` keeps the last LU factors, so :meth:`resolve` can solve again with the same
    matrix (a chord step) at the cost of the triangular solves.

    Parameters
    ----------
    pattern : Pattern
        Row and column of every entry (duplicates are summed), and their CSC layout.
    max_band : int
        Use band storage when the lower plus upper bandwidth after reordering is at most this.

    Attributes
    ----------
    kind : str
        ``"banded"`` or ``"sparse"``.
    bandwidth : tuple of int
        Lower and upper bandwidth after the reverse Cuthill–McKee ordering.
    factorisations : int
        Number of factorisations so far.
    """

    def __init__(self, pattern: Pattern, max_band: int = MAX_BAND) -> None:
        self.pattern = pattern
        self.factorisations = 0
        n = pattern.n
        sym = sp.csr_matrix(
            (
                np.ones(2 * pattern.rows.size),
                (np.r_[pattern.rows, pattern.cols], np.r_[pattern.cols, pattern.rows]),
            ),
            shape=(n, n),
        )
        perm = np.asarray(reverse_cuthill_mckee(sym, symmetric_mode=True), dtype=np.int64)
        pos = np.empty(n, dtype=np.int64)
        pos[perm] = np.arange(n)
        i, j = pos[pattern.rows], pos[pattern.cols]
        kl = int(max(0, (i - j).max(initial=0)))
        ku = int(max(0, (j - i).max(initial=0)))
        self.bandwidth = (kl, ku)
        self.kind = "banded" if kl + ku <= max_band else "sparse"
        self._perm = perm
        self._tridiagonal = kl <= 1 and ku <= 1 and n > 1
        self._backend = "lapack-tridiagonal" if self._tridiagonal else "lapack-band"
        if self._tridiagonal:  # dgtsv: A[i, j] at row 1 + i − j of a (3, n) row-major array
            self._rows_ab = 3
            self._band_index = (1 + i - j) * n + j
        else:  # dgbsv: (2 kl + ku + 1, n), A[i, j] at row kl + ku + i − j, column-major
            self._rows_ab = 2 * kl + ku + 1
            self._band_index = (kl + ku + i - j) + self._rows_ab * j
        self._cols: IntArray | None = None
        self._gather: IntArray | None = None
        self._csc: tuple[IntArray, IntArray] | None = None
        self._factors: tuple[Any, ...] | None = None

    def solve(self, values: FloatArray, rhs: FloatArray) -> FloatArray:
        """Factorise the matrix whose entries (in pattern order) are ``values``; solve.

        Raises
        ------
        SingularMatrixError or RuntimeError
            If the matrix is singular (band LU, SuperLU).
        """
        self.factor(values)
        return self.resolve(rhs)

    def factor(self, values: FloatArray) -> None:
        """LU-factorise the matrix with entries ``values``, kept for :meth:`resolve`.

        Raises
        ------
        SingularMatrixError or RuntimeError
            If the matrix is singular (band LU, SuperLU; then no factorisation is kept).
        """
        self._factors = None
        self.factorisations += 1
        if self.kind == "banded":
            self._factors = self._band_factor(values)
        else:
            self._factors = self._sparse_factor(values)

    def resolve(self, rhs: FloatArray) -> FloatArray:
        """Solve with the last factorisation (:meth:`factor`).

        Raises
        ------
        LinearSolveError
            If there is none.
        """
        f = self._factors
        if f is None:
            raise LinearSolveError("no factorisation to solve with", backend=self.kind)
        if self.kind == "banded":
            b = rhs[self._perm]
            if self._tridiagonal:
                z, info = lapack.dgttrs(*f, b, overwrite_b=1)
            else:
                kl, ku = self.bandwidth
                z, info = lapack.dgbtrs(f[0], kl, ku, b, f[1], overwrite_b=1)
            if info != 0:  # pragma: no cover - an argument error is a programming error
                raise LinearSolveError(
                    f"LAPACK band solve: illegal argument {-info}", backend=self._backend
                )
            y = np.empty(self.pattern.n)
            y[self._perm] = z
            return y
        lu, cols = f
        z = np.asarray(lu.solve(rhs), dtype=np.float64)
        if cols is None:
            return z
        y = np.empty_like(z)
        y[cols] = z
        return y

    def _band_factor(self, values: FloatArray) -> tuple[Any, ...]:
        n = self.pattern.n
        kl, ku = self.bandwidth
        ab = np.bincount(self._band_index, weights=values, minlength=self._rows_ab * n)
        if self._tridiagonal:
            ab = ab.reshape(3, n)
            dl, d, du, du2, ipiv, info = lapack.dgttrf(ab[2, :-1], ab[1], ab[0, 1:], 1, 1, 1)
            factors: tuple[Any, ...] = (dl, d, du, du2, ipiv)
        else:
            ab = ab.reshape(n, self._rows_ab).T  # column-major (Fortran) view: no copy
            lu, ipiv, info = lapack.dgbtrf(ab, kl, ku, overwrite_ab=1)
            factors = (lu, ipiv)
        if info > 0:
            raise SingularMatrixError(
                f"singular matrix (zero pivot at position {info})",
                backend=self._backend,
                position=int(info),
            )
        if info < 0:  # pragma: no cover - an argument error is a programming error
            raise LinearSolveError(
                f"LAPACK band factorisation: illegal argument {-info}", backend=self._backend
            )
        return factors

    def _sparse_factor(self, values: FloatArray) -> tuple[Any, IntArray | None]:
        pat = self.pattern
        data = np.asarray(np.bincount(pat.slot, weights=values, minlength=pat.nnz), np.float64)
        if self._cols is None or self._gather is None or self._csc is None:
            a = sp.csc_matrix((data, pat.indices, pat.indptr), shape=(pat.n, pat.n))
            lu = spla.splu(
                a,
                permc_spec="MMD_AT_PLUS_A",
                diag_pivot_thresh=PIVOT,
                relax=LU_RELAX,
                panel_size=LU_PANEL,
            )
            self._prepare(np.argsort(np.asarray(lu.perm_c, dtype=np.int64)))
            return lu, None
        indices, indptr = self._csc
        a = sp.csc_matrix((data[self._gather], indices, indptr), shape=(pat.n, pat.n))
        lu = spla.splu(
            a, permc_spec="NATURAL", diag_pivot_thresh=PIVOT, relax=LU_RELAX, panel_size=LU_PANEL
        )
        return lu, self._cols

    def _prepare(self, cols: IntArray) -> None:
        """CSC layout of A[:, cols] and where its entries come from in A's data."""
        pat = self.pattern
        counts = np.diff(pat.indptr)[cols]
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        gather = np.concatenate([np.arange(pat.indptr[c], pat.indptr[c + 1]) for c in cols]).astype(
            np.int64
        )
        self._cols, self._gather = cols, gather
        self._csc = (pat.indices[gather].astype(np.int64), indptr)
