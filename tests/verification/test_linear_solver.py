"""The steady solver's linear algebra: reused orderings, direct scatter, cached segment rows,
and the optional PARDISO (oneMKL) backend and how a backend is chosen.

The ``test`` extra installs oneMKL, so the PARDISO tests run in CI; without it they are skipped
(and say so) while the choice of backend is still tested.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from linepack.errors import OptionsError
from linepack.gas import friction
from linepack.network.compile import compile_network
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Settings,
    ShortPipe,
    Supply,
)
from linepack.steady import kernels, pardiso
from linepack.steady import system as sy
from linepack.steady.newton import LinearSolver, NewtonOptions
from linepack.steady.pardiso import PardisoSolver, linear_solver
from linepack.steady.solve import SteadyOptions, solve


def meshed(methane) -> Network:  # type: ignore[no-untyped-def]
    """A 3 x 3 lattice of pipes behind a compressor and a regulator, with a short pipe.

    The compressor's and regulator's rows have no diagonal entry in their modes here, so the
    factorisation must pivot off the diagonal for them.
    """
    grid = [f"n{i}{j}" for i in range(3) for j in range(3)]
    pipes = []
    for i in range(3):
        for j in range(3):
            if j < 2:
                pipes.append(
                    Pipe(f"h{i}{j}", f"n{i}{j}", f"n{i}{j + 1}", 20e3 + 3e3 * i, 0.5, 2e-5)
                )
            if i < 2:
                pipes.append(
                    Pipe(f"v{i}{j}", f"n{i}{j}", f"n{i + 1}{j}", 25e3 - 2e3 * j, 0.6, 2e-5)
                )
    return Network(
        name="meshed",
        gas=methane,
        settings=Settings(eos="papay", friction="colebrook", segment_length=10e3),
        nodes=[Node(n) for n in ["src", "suc", "dis", "out", *grid]],
        pipes=[Pipe("feed", "src", "suc", 40e3, 0.8, 2e-5), *pipes],
        compressors=[
            Compressor("k", "suc", "dis", mode=CompressorMode.OUTLET_PRESSURE, setpoint=75e5)
        ],
        regulators=[Regulator("r", "dis", "out", setpoint=70e5)],
        short_pipes=[ShortPipe("s", "out", "n00")],
        supplies=[Supply("in", "src", pressure=60e5)],
        demands=[Demand("d1", "n22", flow=60.0), Demand("d2", "n12", flow=25.0)],
    )


def state(system: sy.SteadySystem, seed: int) -> np.ndarray:
    """Pressures 40-75 bar and flows of either sign (compressor forward), at random."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(40e5, 75e5, system.n_nodes)
    q = rng.uniform(20.0, 120.0, system.n_edges) * rng.choice([-1, 1], system.n_edges)
    q[system.off["compressor"]] = abs(q[system.off["compressor"]])
    return np.concatenate([p, q])


def full_step(system: sy.SteadySystem, x: np.ndarray, modes: sy.Modes) -> np.ndarray:
    f, jac = system.evaluate(x, modes, True)
    assert jac is not None
    return np.asarray(spla.spsolve(jac.tocsc(), -f))


def _exact_steps(methane, solver: LinearSolver | PardisoSolver) -> None:  # type: ignore[no-untyped-def]
    """Four Newton steps of the meshed network by ``solver`` against a dense solve each."""
    cn = compile_network(meshed(methane))
    system = sy.SteadySystem(cn)
    modes = sy.Modes.initial(cn)
    for seed in range(4):
        x = state(system, seed)
        step = system.newton_direction(x, modes, solver)
        full = full_step(system, x, modes)
        # both solve the same linear system exactly; 1e-8 of the step's size allows for the
        # conditioning of the scaled Jacobian (~1e6) times round-off
        assert np.max(np.abs(step - full)) < 1e-8 * np.abs(full).max()
    assert solver.factorisations == 4


def test_reused_ordering_gives_the_exact_newton_step(methane) -> None:  # type: ignore[no-untyped-def]
    """One solver for several steps: the first orders, the others factorise P A Pᵀ."""
    solver = LinearSolver()
    _exact_steps(methane, solver)
    assert solver.cols is not None


def test_a_new_solver_adopts_the_ordering_of_the_pattern(methane) -> None:  # type: ignore[no-untyped-def]
    cn = compile_network(meshed(methane))
    system = sy.SteadySystem(cn)
    modes = sy.Modes.initial(cn)
    first = LinearSolver()
    system.newton_direction(state(system, 0), modes, first)
    second = LinearSolver()
    x = state(system, 1)
    step = system.newton_direction(x, modes, second)
    assert second.cols is first.cols  # the symbolic step was not repeated
    full = full_step(system, x, modes)
    # exact solutions of one linear system: round-off times the conditioning, as above
    assert np.max(np.abs(step - full)) < 1e-8 * np.abs(full).max()


def test_solving_a_matrix_of_another_structure(methane) -> None:  # type: ignore[no-untyped-def]
    """``solve`` with a matrix whose structure differs from the ordered one is still exact."""
    rng = np.random.default_rng(3)
    n = 40

    def matrix(density: float) -> sp.csc_matrix:
        a = sp.random(n, n, density=density, random_state=rng, format="csc")
        a = a + sp.diags(rng.uniform(5.0, 10.0, n))
        a = sp.lil_matrix(a)
        a[7, 7] = 0.0  # rows 7 and 8 must pivot off the diagonal
        a[7, 8] = a[8, 7] = 9.0
        return sp.csc_matrix(a)

    solver = LinearSolver()
    for a in (matrix(0.05), matrix(0.05), matrix(0.1)):
        b = rng.normal(size=n)
        x = solver.solve(a, b)
        # 40 x 40 systems (condition numbers below 1e3): LU solutions agree with dense ones to
        # ~1e-13 relative; 1e-10 leaves room and still catches a misplaced entry
        np.testing.assert_allclose(x, np.linalg.solve(a.toarray(), b), rtol=1e-10, atol=0)


def test_cached_segment_rows_follow_a_swapped_friction_law(methane, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The segment rows are kept per iterate, but not across a change of friction law."""
    cn = compile_network(meshed(methane))
    system = sy.SteadySystem(cn)
    modes = sy.Modes.initial(cn)
    x = state(system, 0)
    before = system.residual(x, modes)

    def doubled(law, re, eps, *, value=None, diameter=None):  # type: ignore[no-untyped-def]
        lam, dlam = friction.friction_factor(law, re, eps, value=value, diameter=diameter)
        return 2.0 * lam, 2.0 * dlam

    monkeypatch.setattr(kernels, "friction_factor", doubled)
    after = system.residual(x, modes)
    fresh = sy.SteadySystem(cn).residual(x, modes)
    np.testing.assert_array_equal(after, fresh)  # same arithmetic, so equal to the last bit
    seg = slice(cn.n_nodes, cn.n_nodes + len(cn.segments.length))
    assert np.all(after[seg] != before[seg])


@pytest.mark.parametrize("q", [-35.0, 1e-4, 80.0])
def test_level_segment_shortcut_is_the_general_formula(q: float) -> None:
    """Segments without elevation take a shortcut; it must give the general branch's numbers."""
    n = 3
    args = {
        "z": np.full(n, 0.88),
        "dz_dpm": np.full(n, -2e-8),
        "dpm_dp1": np.full(n, 0.52),
        "dpm_dp2": np.full(n, 0.48),
        "lam": np.full(n, 0.011),
        "dlam_dre": np.full(n, -3e-10),
        "length": np.full(n, 10e3),
        "diameter": np.full(n, 0.9),
        "area": np.full(n, np.pi * 0.45**2),
        "efficiency": np.full(n, 0.95),
        "temperature": np.full(n, 288.15),
        "viscosity": np.full(n, 1.1e-5),
        "gas_constant": 518.3,
    }
    p1, p2, flow = np.full(n, 70e5), np.full(n, 66e5), np.full(n, q)
    level = kernels.pipe_segment(p1, p2, flow, dh=np.zeros(n), **args)
    mixed = kernels.pipe_segment(p1, p2, flow, dh=np.array([0.0, 0.0, 25.0]), **args)
    for a, b in zip(level, mixed, strict=True):
        # the level entries of the general branch compute with e^0 = 1, G(0) = 1 and s = 0:
        # the same operations on the same numbers, so equal to the last bit
        np.testing.assert_array_equal(a[:2], b[:2])
    assert mixed[0][2] != level[0][2]  # and the inclined one is not level


@pytest.mark.parametrize(("setting", "expected"), [(None, "False"), ("0", "False"), ("1", "True")])
def test_heap_setting_is_opt_in(setting: str | None, expected: str) -> None:
    """The C allocator is left alone unless ``LINEPACK_KEEP_HEAP=1`` (a fresh process each)."""
    import os
    import platform
    import subprocess
    import sys

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is glibc's")
    code = "from linepack.steady.newton import keep_heap; print(keep_heap())"
    env = {k: v for k, v in os.environ.items() if k != "LINEPACK_KEEP_HEAP"}
    if setting is not None:
        env["LINEPACK_KEEP_HEAP"] = setting
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == expected


# --------------------------------------------------------------------------- PARDISO

needs_mkl = pytest.mark.skipif(not pardiso.available(), reason="oneMKL (extra 'pardiso') absent")


def random_system(rng: np.random.Generator, n: int, density: float) -> sp.csc_matrix:
    """A nonsymmetric sparse matrix with two rows that must pivot off the diagonal."""
    a = sp.random(n, n, density=density, random_state=rng, format="csc")
    a = sp.lil_matrix(a + sp.diags(rng.uniform(5.0, 10.0, n)))
    a[7, 7] = 0.0
    a[7, 8] = a[8, 7] = 9.0
    return sp.csc_matrix(a)


@needs_mkl
def test_pardiso_solves_as_a_dense_solver_does() -> None:
    """New values on one structure are refactorised numerically; a new structure re-analysed."""
    rng = np.random.default_rng(5)
    solver = PardisoSolver()
    first = random_system(rng, 60, 0.05)
    same_structure = sp.csc_matrix((rng.uniform(-1, 1, first.nnz), first.indices, first.indptr))
    same_structure = same_structure + sp.diags(np.full(60, 20.0))
    for a in (first, same_structure, random_system(rng, 60, 0.1)):
        b = rng.normal(size=60)
        x = solver.solve(a, b)
        # 60 x 60 systems with condition numbers below 1e3: LU solutions agree with dense ones
        # to ~1e-13 relative; 1e-10 still catches a misplaced entry or a transposed solve
        np.testing.assert_allclose(x, np.linalg.solve(a.toarray(), b), rtol=1e-10, atol=1e-12)
    assert solver.factorisations == 3
    assert solver.fallback_reason is None


@needs_mkl
def test_pardiso_newton_steps_are_the_exact_ones(methane) -> None:  # type: ignore[no-untyped-def]
    """The reduced Newton system (compressor and regulator rows without diagonal entries)."""
    solver = PardisoSolver()
    _exact_steps(methane, solver)
    assert solver.fallback_reason is None


@needs_mkl
def test_a_singular_system_falls_back_to_superlu_which_says_so() -> None:
    """PARDISO perturbs a zero pivot instead of failing: the backward-error check catches it."""
    a = sp.csc_matrix(np.array([[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [0.0, 0.0, 3.0]]))
    solver = PardisoSolver()
    with pytest.raises(RuntimeError, match=r"(?i)singular"):
        solver.solve(a, np.array([1.0, 0.0, 1.0]))
    assert solver.fallback_reason is not None
    assert "perturbed 1 pivot" in solver.fallback_reason


@needs_mkl
def test_an_empty_column_never_reaches_pardiso() -> None:
    """PARDISO may crash on an empty row or column: SuperLU gets the matrix and refuses it."""
    a = sp.csc_matrix(np.array([[2.0, 0.0, 1.0], [1.0, 0.0, 3.0], [0.0, 0.0, 4.0]]))
    solver = PardisoSolver()
    with pytest.raises(RuntimeError, match=r"(?i)singular"):
        solver.solve(a, np.ones(3))
    assert solver.fallback_reason is not None
    assert "empty row or column" in solver.fallback_reason


@needs_mkl
def test_pardiso_and_superlu_reach_the_same_steady_state(methane) -> None:  # type: ignore[no-untyped-def]
    net = meshed(methane)
    ref = solve(net, SteadyOptions(linear_solver="superlu"))
    got = solve(net, SteadyOptions(linear_solver="pardiso"))
    # both stop at scaled residual 1e-10, so pressures agree to ~1e-10 relative; 1e-8 is the
    # bound the steady tests use for one solution reached two ways
    np.testing.assert_allclose(got.pressure, ref.pressure, rtol=1e-8)
    np.testing.assert_allclose(got.flow, ref.flow, rtol=1e-8, atol=1e-6)


def test_auto_takes_superlu_below_the_size_threshold() -> None:
    small = linear_solver("auto", pardiso.PARDISO_MIN_UNKNOWNS - 1)
    assert isinstance(small, LinearSolver)
    assert isinstance(linear_solver("superlu", 10**7), LinearSolver)
    # chord steps need SuperLU's kept factors, whatever the size
    assert isinstance(linear_solver("auto", 10**7, chord="auto"), LinearSolver)


@needs_mkl
def test_auto_takes_pardiso_for_large_systems_where_installed() -> None:
    assert isinstance(linear_solver("auto", pardiso.PARDISO_MIN_UNKNOWNS), PardisoSolver)


def test_asking_for_pardiso_without_mkl_names_the_extra(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pardiso, "_LIB", None)
    with pytest.raises(OptionsError, match=r"linepack\[pardiso\]") as err:
        linear_solver("pardiso", 10)
    assert (err.value.key, err.value.value) == ("linear_solver", "pardiso")
    assert isinstance(linear_solver("auto", 10**7), LinearSolver)


@needs_mkl
def test_pardiso_takes_no_chord_steps() -> None:
    with pytest.raises(OptionsError, match="chord") as err:
        linear_solver("pardiso", 10, chord="always")
    assert (err.value.key, err.value.value) == ("chord", "always")


def test_an_unknown_linear_solver_is_refused() -> None:
    with pytest.raises(OptionsError, match=r"key 'linear_solver'.*'umfpack'") as err:
        SteadyOptions(linear_solver="umfpack", newton=NewtonOptions())
    assert (err.value.key, err.value.value) == ("linear_solver", "umfpack")
