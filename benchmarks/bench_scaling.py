"""How linepack's steady solve scales with network size, side by side with pandapipes.

Run from the repository root in the benchmark venv (pandapipes 0.16, see docs/benchmarks.md)::

    benchmarks/.venv/bin/python benchmarks/bench_scaling.py              # ~5 min on 2 cores
    benchmarks/.venv/bin/python benchmarks/bench_scaling.py --quick      # ~1 min
    benchmarks/.venv/bin/python benchmarks/bench_scaling.py --million    # + 1M lattice, ~3 min
    python benchmarks/bench_scaling.py --skip-pandapipes                 # linepack only

Parts (``--parts``, all by default; ``million`` only with ``--million``)
--------------------------------------------------------------------------
lattice
    Square lattices of junctions (``--sizes``, junction counts rounded to squares; default
    1k, 4k, 10k, 16k, 50k, 64k and 256k): warm steady solve of both tools, Newton iterations,
    the ratio pandapipes / linepack and the largest relative pressure difference. pandapipes
    runs up to ``--pp-max-size`` junctions (default 60,000). The lattice is the one of
    ``bench_pandapipes.py`` (pipes of 1-5 km, 0.2-0.5 m, 0.05 mm, a fifth of the junctions
    sinks, 70 barg sources) with the sources on a grid every 50 junctions and 0.16 kg/s of
    demand per junction, so every source feeds about 2,500 junctions at every size: at 100 x 100
    it is exactly ``lattice_case(100)``.
gaslib
    GasLib-4197 as converted by morgen (``tests/data/morgen/GasLib4197.net``, 5,217 nodes):
    pipes with their lengths, diameters and roughnesses; short pipes, valves (open) and
    compressors (bypass) are linepack's own zero-loss links and, in pandapipes, pipes 0.1 m long
    (``--link-length``) of 1 m diameter: its zero-loss valves would leave the flows around the
    7 loops of links undetermined, and much shorter pipes stall its Newton. Sources: morgen's
    43 supply nodes at 60 barg; sinks: its 1,255 demand nodes, random weights summing to
    400 kg/s; heights set to 0 in both (see bench_pandapipes.py).
mesh
    Random meshed graphs (``--mesh-sizes``, default 1k, 2k, 4k, 8k, 16k junctions): a random
    recursive spanning tree (junction i joins a uniformly drawn junction < i) plus n/7 random
    chords, the lattice's pipe and sink statistics, one 70 barg source per 1,000 junctions
    (random) and 0.1 kg/s of demand per junction; both tools at every size.
growth
    Log-log least-squares exponents of the warm solve time against the junction count, per
    family and tool (from the lattice and mesh parts), and where linepack's time goes at the
    largest sizes (cProfile of one extra solve, with a clock around each ``splu`` call: SuperLU
    factorisations - all numeric, the fill-reducing ordering being kept from the earlier solves
    of the same network; in a fresh process the first one computes it -, triangular solves,
    friction law, and the rest: residual and Jacobian assembly, line search). With the
    ``pardiso`` extra installed, linepack's default ("auto") factorises systems of 100,000
    unknowns or more with oneMKL PARDISO: then the clock is around its analysis, numeric
    factorisation and solve phases; ``--linear-solver superlu`` keeps SuperLU everywhere.
million
    A 1000 x 1000 lattice (``--million-side``) in a fresh process that does nothing else:
    times of case generation, model build (Python objects), compile (of which validation) and
    solve, and the peak resident memory of that process (``ru_maxrss``). It does not import
    pandapipes; the physics constants are those pandapipes 0.16 gives (``FALLBACK_PHYSICS``).
startup
    ``import linepack`` (``-X importtime`` and wall clock, fresh processes), the import of the
    modules a solve needs, and ``linepack run`` end to end on the default PSGP case and on the
    GasLib-4197 case of part ``gaslib`` written as a TOML case. linepack uses no JIT: there is
    no warm-up beyond importing.

Same physics in both tools as in ``bench_pandapipes.py`` (whose helpers are used): Swamee-Jain in
pandapipes' form at every Re, Z = 1 - 0.0022 p[bar abs] (``LinearZ``), R_s = p_N/(ρ_N T_N),
pandapipes' viscosity, 288.15 K, no gravity, one section per pipe. linepack's timings include that
friction law, which costs what linepack's own Swamee-Jain does (same two powers of Re).

"Warm" is a solve of an already built network after one untimed warm-up solve: linepack
``solve(compiled)``, pandapipes ``pipeflow(net)`` again (which rebuilds its internal arrays and
result tables each call, and starts from its initial values each time, as linepack does). Median
of ``--repeats`` (default 3) wall times, CPU time of the process alongside. OpenBLAS is limited to
one thread (``--blas-threads``), as in ``bench_pandapipes.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import json
import logging
import math
import os
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from _common import Timing, blas, environment, load_average, markdown_table, ms, repeat, timed
from bench_pandapipes import (
    SEED,
    T_GAS,
    Case,
    FloatArray,
    Physics,
    build_pandapipes,
    check_swamee_jain,
    lattice_case,
    pandapipes_friction,
    pipeflow_options,
)

ROOT = Path(__file__).resolve().parent.parent
GASLIB = ROOT / "tests" / "data" / "morgen" / "GasLib4197.net"
GASLIB_SHARED = ROOT.parent / "shared" / "reference" / "morgen" / "GasLib4197.net"

LATTICE_SIZES = (1_000, 4_000, 10_000, 16_000, 50_000, 64_000, 256_000)
LATTICE_QUICK = (1_000, 4_000, 10_000)
MESH_SIZES = (1_000, 2_000, 4_000, 8_000, 16_000)
MESH_QUICK = (1_000, 2_000, 4_000)
SIDE_TABLE = (1_000, 10_000, 50_000)  # lattice sizes of the side-by-side table
SOURCE_SPACING = 50  # lattice junctions between sources along a side
LATTICE_DEMAND = 0.16  # [kg/s] per junction (1,600 kg/s at 100 x 100, as bench_pandapipes)
MESH_DEMAND = 0.1  # [kg/s] per junction
MESH_PER_SOURCE = 1_000  # junctions per source
GASLIB_PRESSURE = 60e5  # [Pa gauge]
GASLIB_DEMAND = 400.0  # [kg/s]
LINK_LENGTH, LINK_DIAMETER = 0.1, 1.0  # [m]
DP_GOAL = 1e-4
GOALS = {"exponent": 1.2, "million_s": 30.0, "million_gb": 8.0, "import_s": 1.0}

#: pandapipes 0.16 ``call_lib("methane")`` at 288.15 K (``Physics.from_pandapipes``), for runs
#: without pandapipes.
FALLBACK_PHYSICS = Physics(
    temperature=T_GAS,
    viscosity=1.0849e-05,
    normal_density=0.7078811050000001,
    gas_constant=524.0287173047809,
    molar_gas_constant=518.3580185785537,
    z_slope=-2.2e-08,
    z_offset=1.0,
    atmosphere=101325.0,
)


# --------------------------------------------------------------------------- cases


def grid_case(n: int, seed: int = SEED) -> Case:
    """An n x n lattice like ``bench_pandapipes.lattice_case`` with sources every 50 junctions.

    The same random draws in the same order as ``lattice_case``; sources on a k x k grid
    (k = max(2, round(n/50)), at (i + 1/2) n/k) and a total demand of 0.16 kg/s per junction,
    so ``grid_case(100)`` is ``lattice_case(100)`` and each source feeds ~2,500 junctions.
    """
    idx = np.arange(n * n).reshape(n, n)
    k = max(2, round(n / SOURCE_SPACING))
    at = ((np.arange(k) + 0.5) * n / k).astype(np.int64)
    return lattice_case(
        n,
        seed,
        demand=LATTICE_DEMAND * n * n,
        sources=idx[np.ix_(at, at)].ravel(),
        name=f"lattice {n}x{n}",
    )


def mesh_case(n: int, seed: int = SEED) -> Case:
    """A random recursive spanning tree on n junctions plus n // 7 random chords.

    Junction i (1 ≤ i < n) joins a junction drawn uniformly from 0..i-1; chords join random
    pairs not yet joined. Pipes and sinks as in the lattice; max(2, round(n / 1000)) random
    70 barg sources; 0.1 kg/s of demand per junction.
    """
    rng = np.random.default_rng(seed)
    child = np.arange(1, n, dtype=np.int64)
    parent = (rng.random(n - 1) * child).astype(np.int64)
    joined = set(zip(parent.tolist(), child.tolist(), strict=True))
    chords: list[tuple[int, int]] = []
    while len(chords) < n // 7:
        a, b = sorted(rng.integers(0, n, 2).tolist())
        if a != b and (a, b) not in joined:
            joined.add((a, b))
            chords.append((a, b))
    ch = np.array(chords, dtype=np.int64).reshape(-1, 2)
    fr = np.concatenate([parent, ch[:, 0]])
    to = np.concatenate([child, ch[:, 1]])
    sources = np.sort(rng.choice(n, size=max(2, round(n / MESH_PER_SOURCE)), replace=False))
    others = np.setdiff1d(np.arange(n), sources)
    sinks = np.sort(rng.choice(others, size=n // 5, replace=False))
    weight = rng.uniform(0.2, 1.0, sinks.size)
    return Case(
        name=f"mesh {n}",
        n_junctions=n,
        pipe_from=fr,
        pipe_to=to,
        length=rng.uniform(1000.0, 5000.0, fr.size),
        diameter=rng.choice(np.array([0.2, 0.3, 0.4, 0.5]), fr.size),
        roughness=5e-5,
        sections=1,
        source_nodes=sources,
        source_pressure=70e5,
        sink_nodes=sinks,
        sink_flow=MESH_DEMAND * n * weight / weight.sum(),
    )


def lattice_side(junctions: int) -> int:
    """Side of the square lattice nearest to ``junctions`` junctions."""
    return max(4, round(math.sqrt(junctions)))


# --------------------------------------------------------------------------- linepack


def linepack_settings(phys: Physics, segment_length: float) -> Any:
    """linepack settings with the matched physics (the EOS is replaced after compiling)."""
    from linepack.network.model import Settings

    return Settings(
        gas_temperature=phys.temperature,
        eos="ideal",
        friction=phys.friction,
        viscosity=phys.viscosity,
        gas_constant=phys.gas_constant,
        segment_length=segment_length,
        atmosphere=phys.atmosphere,
    )


def linepack_network(case: Case, phys: Physics) -> Any:
    """The editable linepack model of ``case`` (as ``bench_pandapipes.build_linepack``)."""
    from linepack.gas.composition import Gas
    from linepack.network.model import Demand, Network, Node, Pipe, Supply

    names = [f"j{i}" for i in range(case.n_junctions)]
    p_src = case.source_pressure + phys.atmosphere
    return Network(
        name=case.name,
        gas=Gas.from_mapping({"methane": 1.0}),
        settings=linepack_settings(phys, case.segment_length),
        nodes=[Node(x) for x in names],
        pipes=[
            Pipe(f"p{i}", names[a], names[b], length, d, case.roughness)
            for i, (a, b, length, d) in enumerate(
                zip(
                    case.pipe_from.tolist(),
                    case.pipe_to.tolist(),
                    case.length.tolist(),
                    case.diameter.tolist(),
                    strict=True,
                )
            )
        ],
        supplies=[
            Supply(f"s{i}", names[j], pressure=p_src)
            for i, j in enumerate(case.source_nodes.tolist())
        ],
        demands=[
            Demand(f"d{i}", names[j], flow=f)
            for i, (j, f) in enumerate(
                zip(case.sink_nodes.tolist(), case.sink_flow.tolist(), strict=True)
            )
        ],
    )


def linepack_compile(net: Any, phys: Physics) -> Any:
    """Compile ``net`` and give it pandapipes' linear Z law."""
    from linepack.network.compile import compile_network

    return dataclasses.replace(compile_network(net), eos=phys.eos())


#: Environment variable naming ``NewtonOptions.chord`` for the linepack solves ("auto",
#: "never", "always"; unset: the default). Set by ``--chord``; the 1M child inherits it.
CHORD_ENV = "LINEPACK_BENCH_CHORD"
#: Environment variable naming ``SteadyOptions.linear_solver`` ("auto", "superlu", "pardiso";
#: unset: the default, "auto"). Set by ``--linear-solver``; the 1M child inherits it.
LINEAR_ENV = "LINEPACK_BENCH_LINEAR"


def linepack_solve(cn: Any) -> Any:
    """One steady solve of a compiled network with pandapipes' friction law."""
    from linepack.steady.newton import NewtonOptions
    from linepack.steady.solve import SteadyOptions, solve

    chord = os.environ.get(CHORD_ENV)
    linear = os.environ.get(LINEAR_ENV, "auto")
    opts = SteadyOptions(newton=NewtonOptions(chord=chord or "never"), linear_solver=linear)
    with pandapipes_friction():
        return solve(cn, opts)


@dataclass(frozen=True)
class Breakdown:
    """Where one linepack solve spent its time [s] (cProfile, and a clock around ``splu``)."""

    total: float
    ordered: Sequence[float]  # each splu call that computes its fill-reducing ordering
    numeric: float  # splu calls on pre-ordered matrices (permc_spec="NATURAL")
    n_numeric: int
    triangular: float  # SuperLU triangular solves
    friction: float  # friction law evaluations
    matrix_n: int = 0  # order of the largest matrix factorised
    matrix_nnz: int = 0  # its non-zeros
    lu_nnz: int = 0  # entries SuperLU stores for its L + U (``SuperLU.nnz``)
    backend: str = "SuperLU"  # or "PARDISO" (then ordered = analyses, numeric = phase 22)

    @property
    def factorise(self) -> float:
        """All ``splu`` calls [s]."""
        return sum(self.ordered) + self.numeric

    @property
    def rest(self) -> float:
        """Residual and Jacobian assembly, line search, initial guess, limits [s]."""
        return self.total - self.factorise - self.triangular - self.friction

    def part(self, t: float) -> str:
        """``t`` and its share of the solve."""
        return f"{ms(t)} ({100 * t / self.total:.0f} %)"

    def splu_detail(self) -> str:
        """The factorisations: those with an ordering one by one, then the numeric ones."""
        per_n = self.numeric / max(self.n_numeric, 1)
        numeric = f"{self.n_numeric} × {ms(per_n)} numeric"
        if not self.ordered:  # the ordering of an earlier solve of the same network was reused
            return f"{self.backend}, {numeric} (ordering kept from the earlier solves)"
        if self.backend == "PARDISO":
            return f"{self.backend}, {ms(sum(self.ordered))} analysis (METIS), {numeric}"
        with_ordering = " + ".join(ms(t) for t in self.ordered)
        return f"{self.backend}, {with_ordering} with ordering, {numeric}"

    def fill(self) -> str:
        """Order and non-zeros of the matrix, entries of its factors."""
        return (
            f"{self.matrix_n:,}, {self.matrix_nnz:,} → {self.lu_nnz:,} "
            f"({self.lu_nnz / max(self.matrix_nnz, 1):.1f}×)"
        )

    def cells(self) -> list[str]:
        """Table cells: total, factorisation, triangular, friction, rest, fill."""
        return [
            ms(self.total),
            f"{self.part(self.factorise)}: {self.splu_detail()}",
            self.part(self.triangular),
            self.part(self.friction),
            self.part(self.rest),
            self.fill(),
        ]


def profiled(fn: Callable[[], Any]) -> tuple[Breakdown, Any]:
    """Run ``fn`` (a linepack solve) under cProfile and split its time.

    ``scipy.sparse.linalg.splu`` (which linepack looks up at each call) is wrapped meanwhile to
    time each factorisation and record the size and fill of the largest matrix factorised.
    """
    import scipy.sparse.linalg as spla

    splu = spla.splu
    calls: list[tuple[bool, float]] = []
    fill = [0, 0, 0]

    def recording(a: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        lu = splu(a, *args, **kwargs)
        calls.append((kwargs.get("permc_spec") == "NATURAL", time.perf_counter() - t0))
        if a.shape[0] >= fill[0]:
            fill[:] = [a.shape[0], a.nnz, lu.nnz]
        return lu

    from linepack.steady.pardiso import PardisoSolver

    call = PardisoSolver._call
    phases: list[tuple[int, float]] = []

    def pardiso_call(self: Any, phase: int, *args: Any) -> None:
        t0 = time.perf_counter()
        call(self, phase, *args)
        phases.append((phase, time.perf_counter() - t0))
        if phase == 11 and self._n >= fill[0]:
            fill[:] = [self._n, int(self._structure[1].size), self.nnz_factors]

    prof = cProfile.Profile()
    spla.splu = recording  # type: ignore[assignment]
    PardisoSolver._call = pardiso_call  # type: ignore[method-assign]
    try:
        t0 = time.perf_counter()
        prof.enable()
        out = fn()
        prof.disable()
        total = time.perf_counter() - t0
    finally:
        spla.splu = splu
        PardisoSolver._call = call  # type: ignore[method-assign]
    if phases:
        calls += [(ph == 22, t) for ph, t in phases if ph in (11, 22)]
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    tri = fric = 0.0
    for (_, _, func), (_, _, tottime, cumtime, _) in stats.items():
        if func == "<method 'solve' of 'SuperLU' objects>":
            tri += tottime
        elif func in ("swamee_jain_everywhere", "friction_factor"):
            fric = max(fric, cumtime)
    tri += sum(t for ph, t in phases if ph == 33)
    numeric = [t for natural, t in calls if natural]
    ordered = [t for natural, t in calls if not natural]
    backend = "PARDISO" if phases else "SuperLU"
    bd = Breakdown(total, tuple(ordered), sum(numeric), len(numeric), tri, fric, *fill, backend)
    return bd, out


# --------------------------------------------------------------------------- results


@dataclass
class ToolRun:
    """One tool on one case."""

    setup: float  # [s] build (+ compile for linepack)
    warm: Timing
    iterations: int
    build: float = math.nan  # [s] linepack model objects
    compile: float = math.nan  # [s] linepack compile_network


@dataclass
class CaseRun:
    """Both tools on one case."""

    family: str
    name: str
    junctions: int
    pipes: int
    lp: ToolRun | None = None
    pp: ToolRun | None = None
    dp: float = math.nan
    dq: float = math.nan
    notes: list[str] = field(default_factory=list)
    breakdown: Breakdown | None = None

    def ratio(self) -> str:
        """pandapipes / linepack, wall and CPU."""
        if self.lp is None or self.pp is None:
            return ""
        return (
            f"{self.pp.warm.median / self.lp.warm.median:.1f} / "
            f"{self.pp.warm.cpu_median / self.lp.warm.cpu_median:.1f}"
        )


def compare(
    p_lp: FloatArray, p_pp: FloatArray, q_lp: FloatArray, q_pp: FloatArray
) -> tuple[float, float]:
    """Largest relative pressure difference; largest flow difference over the largest flow."""
    dp = float(np.max(np.abs(p_lp - p_pp) / p_pp))
    dq = float(np.max(np.abs(q_lp - q_pp)) / np.max(np.abs(q_pp)))
    return dp, dq


class Pandapipes:
    """pandapipes' fluid, options and runner (imported only when asked for)."""

    def __init__(self, tol: float) -> None:
        import pandapipes as pp
        from pandapipes.pf.pipeflow_setup import numba_installed

        logging.getLogger("pandapipes").setLevel(logging.ERROR)
        self.pp = pp
        self.fluid = pp.call_lib("methane")
        self.phys = Physics.from_pandapipes(self.fluid, T_GAS)
        self.numba = bool(numba_installed)
        self.options = pipeflow_options(tol, self.phys.friction, self.numba)

    def run(self, net: Any, repeats: int) -> tuple[Timing, int]:
        """Warm ``pipeflow`` times (one warm-up call) and Newton iterations."""
        with np.errstate(all="ignore"):  # Swamee-Jain at zero flow in dead ends: 1/0 inside
            warm, _ = repeat(lambda: self.pp.pipeflow(net, **self.options), repeats, warmup=1)
        return warm, int(net._internal_results["iterations_hydraulics"])


def run_generated(
    family: str,
    case: Case,
    phys: Physics,
    pandapipes: Pandapipes | None,
    repeats: int,
    breakdown: bool,
) -> CaseRun:
    """Time linepack (and pandapipes) on a generated case and compare the pressures."""
    gc.collect()
    out = CaseRun(family, case.name, case.n_junctions, case.n_pipes)
    t_build, net = timed(lambda: linepack_network(case, phys))
    t_compile, cn = timed(lambda: linepack_compile(net, phys))
    warm, sol = repeat(lambda: linepack_solve(cn), repeats, warmup=1)
    out.lp = ToolRun(t_build + t_compile, warm, sol.report.iterations, t_build, t_compile)
    p_lp = np.asarray(sol.pressure[: case.n_junctions], dtype=float)
    q_lp = np.asarray(sol.flow[: case.n_pipes], dtype=float)
    lo = (p_lp.min() - phys.atmosphere) / 1e5
    out.notes.append(
        f"{case.n_pipes:,} pipes, {case.source_nodes.size} sources, "
        f"{case.sink_flow.sum():,.0f} kg/s; pressures {lo:.1f}-"
        f"{case.source_pressure / 1e5:.0f} barg"
    )
    if breakdown:
        out.breakdown, _ = profiled(lambda: linepack_solve(cn))
    if pandapipes is not None:
        t_pp, pnet = timed(lambda: build_pandapipes(case, phys, pandapipes.fluid))
        warm_pp, its = pandapipes.run(pnet, repeats)
        out.pp = ToolRun(t_pp, warm_pp, its)
        p_pp = pnet.res_junction["p_bar"].to_numpy(dtype=float) * 1e5 + phys.atmosphere
        q_pp = pnet.res_pipe["mdot_from_kg_per_s"].to_numpy(dtype=float)
        out.dp, out.dq = compare(p_lp, p_pp, q_lp, q_pp)
    return out


# --------------------------------------------------------------------------- GasLib-4197


def gaslib_path() -> Path:
    """GasLib4197.net from tests/data/morgen, else from ../shared/reference/morgen."""
    for p in (GASLIB, GASLIB_SHARED):
        if p.exists():
            return p
    raise SystemExit(f"GasLib4197.net is in neither {GASLIB} nor {GASLIB_SHARED}")


def gaslib_network(phys: Physics, seed: int = SEED) -> tuple[Any, list[Any]]:
    """GasLib-4197 from ``load_morgen`` with the matched physics, sources and sinks.

    Returns the linepack network and morgen's edge list (for pandapipes).
    """
    from linepack.gas.composition import Gas
    from linepack.io.morgen import load_morgen, read_edges
    from linepack.network.model import Demand, Supply

    path = gaslib_path()
    edges = read_edges(path)
    net = load_morgen(path)
    ports = net.extras["morgen"]
    rng = np.random.default_rng(seed)
    weight = rng.uniform(0.2, 1.0, len(ports["demand_nodes"]))
    flows = GASLIB_DEMAND * weight / weight.sum()
    longest = max(p.length for p in net.pipes)
    net = dataclasses.replace(
        net,
        name="GasLib-4197",
        gas=Gas.from_mapping({"methane": 1.0}),
        settings=linepack_settings(phys, longest),
        nodes=[dataclasses.replace(n, elevation=0.0) for n in net.nodes],
        supplies=[
            Supply(f"supply{n}", n, pressure=GASLIB_PRESSURE + phys.atmosphere)
            for n in ports["supply_nodes"]
        ],
        demands=[
            Demand(f"demand{n}", n, flow=float(q))
            for n, q in zip(ports["demand_nodes"], flows, strict=True)
        ],
    )
    return net, edges


def gaslib_pandapipes(
    net: Any, edges: list[Any], phys: Physics, fluid: Any, link_length: float = LINK_LENGTH
) -> tuple[Any, int]:
    """The same network in pandapipes: junctions in linepack's node order; links as 0.1 m pipes.

    Returns the net and the number of its pipes that stand for zero-loss links (the last ones).
    """
    import pandapipes as pp

    index = {n.name: i for i, n in enumerate(net.nodes)}
    pipes = [e for e in edges if e.kind == "P"]
    links = [e for e in edges if e.kind != "P"]
    ordered = pipes + links
    p_src = GASLIB_PRESSURE / 1e5
    pnet = pp.create_empty_network(name=net.name, fluid=fluid)
    pp.create_junctions(pnet, len(net.nodes), pn_bar=p_src, tfluid_k=phys.temperature)
    pp.create_pipes_from_parameters(
        pnet,
        np.array([index[e.from_node] for e in ordered]),
        np.array([index[e.to_node] for e in ordered]),
        length_km=np.array([e.length for e in pipes] + [link_length] * len(links)) / 1000.0,
        inner_diameter_mm=np.array([e.diameter for e in pipes] + [LINK_DIAMETER] * len(links))
        * 1000.0,
        k_mm=np.array([e.roughness for e in pipes] + [0.0] * len(links)) * 1000.0,
        sections=1,
    )
    pp.create_ext_grids(
        pnet, [index[s.node] for s in net.supplies], p_bar=p_src, t_k=phys.temperature
    )
    pp.create_sinks(
        pnet, [index[d.node] for d in net.demands], mdot_kg_per_s=[d.flow for d in net.demands]
    )
    return pnet, len(links)


def run_gaslib(
    phys: Physics, pandapipes: Pandapipes | None, repeats: int, link_length: float = LINK_LENGTH
) -> CaseRun:
    """GasLib-4197 in both tools."""
    gc.collect()
    t_build, (net, edges) = timed(lambda: gaslib_network(phys))
    t_compile, cn = timed(lambda: linepack_compile(net, phys))
    warm, sol = repeat(lambda: linepack_solve(cn), repeats, warmup=1)
    kinds = {k: sum(e.kind == k for e in edges) for k in "PSVC"}
    out = CaseRun("GasLib-4197", "GasLib-4197 (morgen)", len(net.nodes), kinds["P"])
    out.lp = ToolRun(t_build + t_compile, warm, sol.report.iterations, t_build, t_compile)
    n = len(net.nodes)
    p_lp = np.asarray(sol.pressure[:n], dtype=float)
    lo = (p_lp.min() - phys.atmosphere) / 1e5
    out.notes.append(
        f"{n:,} nodes; {kinds['P']:,} pipes, {kinds['S']:,} short pipes, {kinds['V']} valves "
        f"(open), {kinds['C']} compressors (bypass); {len(net.supplies)} sources at "
        f"{GASLIB_PRESSURE / 1e5:.0f} barg, {len(net.demands):,} sinks, {GASLIB_DEMAND:.0f} kg/s; "
        f"pressures {lo:.1f}-{GASLIB_PRESSURE / 1e5:.0f} barg; linepack: {cn.n_nodes:,} nodes, "
        f"{cn.n_edges:,} edges"
    )
    out.breakdown, _ = profiled(lambda: linepack_solve(cn))
    if pandapipes is not None:
        t_pp, (pnet, n_links) = timed(
            lambda: gaslib_pandapipes(net, edges, phys, pandapipes.fluid, link_length)
        )
        warm_pp, its = pandapipes.run(pnet, repeats)
        out.pp = ToolRun(t_pp, warm_pp, its)
        p_pp = pnet.res_junction["p_bar"].to_numpy(dtype=float) * 1e5 + phys.atmosphere
        res = pnet.res_pipe
        q_pp = res["mdot_from_kg_per_s"].to_numpy(dtype=float)[: kinds["P"]]
        q_lp = np.asarray(sol.flow[: kinds["P"]], dtype=float)
        out.dp, out.dq = compare(p_lp, p_pp, q_lp, q_pp)
        link_dp = np.abs(res["p_from_bar"].to_numpy() - res["p_to_bar"].to_numpy())[-n_links:]
        out.notes.append(
            f"pandapipes' {n_links:,} link pipes ({link_length:g} m, {LINK_DIAMETER:g} m) drop at "
            f"most {link_dp.max() * 1e5:.2g} Pa: flows around loops closed by links differ by "
            "what that drop drives"
        )
    return out


# --------------------------------------------------------------------------- 1M lattice


def million_child(side: int) -> None:
    """Build, compile and solve only the side x side lattice; print one JSON line."""
    import scipy.sparse.linalg  # noqa: F401  (load OpenBLAS before limiting it)

    from linepack.network.validate import validate

    blas(1)

    def rss() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9  # [GB]

    phys = FALLBACK_PHYSICS
    out: dict[str, Any] = {"rss_start": rss()}
    out["case"], case = timed(lambda: grid_case(side))
    out["build"], net = timed(lambda: linepack_network(case, phys))
    out["rss_build"] = rss()
    out["compile"], cn = timed(lambda: linepack_compile(net, phys))
    out["rss_compile"] = rss()
    c0 = time.process_time()
    bd, sol = profiled(lambda: linepack_solve(cn))
    out["solve_cpu"] = time.process_time() - c0
    out["rss_solve"] = rss()
    out["solve"] = dataclasses.asdict(bd)
    out["iterations"] = sol.report.iterations
    out["factorisations"] = sol.report.factorisations
    out["chord"] = os.environ.get(CHORD_ENV, "default")
    out["linear_solver"] = bd.backend
    out["junctions"], out["pipes"] = case.n_junctions, case.n_pipes
    out["sources"] = int(case.source_nodes.size)
    p = np.asarray(sol.pressure[: case.n_junctions])
    out["p_min_barg"] = float((p.min() - phys.atmosphere) / 1e5)
    del sol
    out["validate"], _ = timed(lambda: validate(net))
    out["rss_end"] = rss()
    print(json.dumps(out))


def run_million(side: int) -> dict[str, Any]:
    """Run :func:`million_child` in a fresh interpreter and return its figures."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--million-child", str(side)]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    out: dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    out["process_wall"] = time.perf_counter() - t0
    return out


def million_table(m: dict[str, Any]) -> str:
    """The 1M lattice figures as a Markdown table."""
    s = m["solve"]
    bd = Breakdown(**s)
    goal_t, goal_m = GOALS["million_s"], GOALS["million_gb"]

    def verdict(value: float, goal: float) -> str:
        return "met" if value < goal else f"missed by {value / goal:.1f}×"

    def share(t: float) -> str:
        return f"{100 * t / bd.total:.0f} % of the solve"

    rows = [
        ["case generation (numpy)", ms(m["case"]), f"{m['pipes']:,} pipes, {m['sources']} sources"],
        ["build: Python model objects", ms(m["build"]), f"peak RSS {m['rss_build']:.2f} GB"],
        [
            "compile_network",
            ms(m["compile"]),
            f"of which validation {ms(m['validate'])}; peak RSS {m['rss_compile']:.2f} GB",
        ],
        [
            "solve (cProfile on)",
            ms(bd.total),
            f"{m['iterations']} Newton its, {m.get('factorisations', '?')} factorisations "
            f"(chord: {m.get('chord', 'default')}); CPU {ms(m['solve_cpu'])}; "
            f"goal < {goal_t:g} s: "
            f"{verdict(bd.total, goal_t)}",
        ],
        [
            "  LU factorisation",
            ms(bd.factorise),
            f"{share(bd.factorise)}: {bd.splu_detail()}; matrix order, non-zeros → entries of "
            f"L+U: {bd.fill()}",
        ],
        ["  triangular solves", ms(bd.triangular), share(bd.triangular)],
        ["  friction law", ms(bd.friction), share(bd.friction)],
        ["  rest: assembly, line search, start", ms(bd.rest), share(bd.rest)],
        [
            "whole process (interpreter to exit)",
            ms(m["process_wall"]),
            f"includes validating once more to time it; peak RSS {m['rss_end']:.2f} GB; goal < "
            f"{goal_m:g} GB: {verdict(m['rss_end'], goal_m)}; lowest pressure "
            f"{m['p_min_barg']:.1f} barg",
        ],
    ]
    side = lattice_side(m["junctions"])
    return markdown_table([f"{side} x {side} lattice", "time", "detail"], rows)


# --------------------------------------------------------------------------- start-up


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def command_times(cmd: Sequence[str], runs: int) -> Timing:
    """Wall and CPU times of ``runs`` runs of ``cmd`` in a subprocess."""
    env = dict(os.environ, MPLBACKEND="Agg")
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        c0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run(list(cmd), check=True, capture_output=True, env=env, cwd=ROOT)
        wall.append(time.perf_counter() - t0)
        cpu.append(_children_cpu() - c0)
    return Timing(tuple(wall), tuple(cpu))


def importtime(module: str, runs: int) -> float:
    """Median cumulative ``-X importtime`` of ``module`` in fresh processes [s]."""
    out: list[float] = []
    for _ in range(runs):
        res = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        pat = re.compile(rf"^import time:\s+\d+ \|\s+(\d+) \|\s*{re.escape(module)}$")
        for line in res.stderr.splitlines():
            hit = pat.match(line.strip())
            if hit:
                out.append(int(hit.group(1)) / 1e6)
    return statistics.median(out) if out else math.nan


def linepack_command() -> list[str]:
    """The ``linepack`` console script next to this interpreter, or the CLI module."""
    exe = Path(sys.executable).with_name("linepack")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("linepack")
    return [found] if found else [sys.executable, "-m", "linepack.cli.main"]


def startup(runs: int, gaslib: Any | None) -> list[list[str]]:
    """Import and ``linepack run`` times, fresh processes."""
    py = sys.executable
    bare = command_times([py, "-c", "pass"], runs)
    imp = command_times([py, "-c", "import linepack"], runs)
    solve_mods = "import linepack.io.load, linepack.network.compile, linepack.steady.solve"
    imp_solve = command_times([py, "-c", solve_mods], runs)
    imp_cli = command_times([py, "-c", "import linepack.cli.main"], runs)
    x_lp = importtime("linepack", runs)
    x_solve = importtime("linepack.steady.solve", runs)
    goal = GOALS["import_s"]

    def row(what: str, t: Timing, detail: str) -> list[str]:
        return [what, f"median of {runs}", ms(t.median), ms(t.cpu_median), detail]

    rows = [
        row("`python -c pass`", bare, "interpreter start alone"),
        row(
            "`python -c 'import linepack'`",
            imp,
            f"`-X importtime` {ms(x_lp)} (the package only defines its version; wall clock "
            f"within the spread of the bare interpreter); goal < {goal:g} s: "
            f"{'met' if imp.median - bare.median < goal else 'NOT met'}",
        ),
        row(
            "import load + compile + solve modules",
            imp_solve,
            f"{ms(imp_solve.median - bare.median)} over the bare interpreter; "
            f"`-X importtime` of linepack.steady.solve {ms(x_solve)}",
        ),
        row(
            "import linepack.cli.main",
            imp_cli,
            f"{ms(imp_cli.median - bare.median)} over the bare interpreter",
        ),
    ]
    with tempfile.TemporaryDirectory(prefix="linepack-scaling-") as tmp:
        lp = linepack_command()
        t = command_times([*lp, "run", "--out", f"{tmp}/psgp"], runs)
        rows.append(row("`linepack run` (PSGP phase 1, with plot)", t, "115 nodes"))
        if gaslib is not None:
            from linepack.io.case_write import write_case
            from linepack.io.load import load
            from linepack.steady.solve import solve

            case = write_case(gaslib, Path(tmp) / "gaslib4197.toml")
            t = command_times([*lp, "run", str(case), "--out", f"{tmp}/g", "--no-plot"], runs)
            t_load, net = timed(lambda: load(str(case)))
            t_solve, _ = timed(lambda: solve(net))
            imports = imp_solve.median + imp_cli.median - bare.median
            rest = t.median - imports - t_load - t_solve
            rows.append(
                row(
                    "`linepack run gaslib4197.toml --no-plot`",
                    t,
                    "part gaslib as a TOML case (linepack's ideal gas): interpreter and imports "
                    f"~{ms(imports)}, reading the TOML {ms(t_load)} (in this process), compile + "
                    f"solve {ms(t_solve)}, the rest ~{ms(rest)}: result tables, CSV/JSON files "
                    "and the summary printed (the 25 lowest pressures of large networks)",
                )
            )
    return rows


# --------------------------------------------------------------------------- output


def fit_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """Slope of log(time) against log(size), least squares."""
    if len(sizes) < 2:
        return math.nan
    slope, _ = np.polyfit(np.log(np.asarray(sizes)), np.log(np.asarray(times)), 1)
    return float(slope)


def side_table(runs: Sequence[CaseRun], repeats: int) -> str:
    """Both tools on each case: build, warm solve, iterations, ratio, Δp."""
    rows: list[list[str]] = []
    for r in runs:
        for tool, t in (("pandapipes", r.pp), ("linepack", r.lp)):
            if t is None:
                continue
            lp = tool == "linepack"
            rows.append(
                [
                    r.name,
                    f"{r.junctions:,}",
                    tool,
                    ms(t.setup),
                    f"{ms(t.warm.median)} / {ms(t.warm.cpu_median)}",
                    str(t.iterations),
                    r.ratio() if lp else "",
                    f"{r.dp:.1e}" if lp and r.pp is not None else "",
                    f"{r.dq:.1e}" if lp and r.pp is not None else "",
                ]
            )
    return markdown_table(
        [
            "case",
            "junctions",
            "tool",
            "build",
            f"warm solve, median of {repeats}: wall / CPU",
            "Newton its",
            "pandapipes / linepack: wall / CPU",
            "max rel Δp",
            "max Δṁ / max ṁ",
        ],
        rows,
    )


def growth_table(runs: Sequence[CaseRun]) -> str:
    """Warm solve time per size for both tools, with time per Newton iteration."""
    rows = []
    for r in runs:
        lp, pp = r.lp, r.pp
        assert lp is not None
        rows.append(
            [
                r.name,
                f"{r.junctions:,}",
                f"{ms(lp.build)} / {ms(lp.compile)}",
                ms(lp.warm.median),
                str(lp.iterations),
                ms(lp.warm.median / max(lp.iterations, 1)),
                ms(pp.warm.median) if pp else "",
                str(pp.iterations) if pp else "",
                ms(pp.warm.median / max(pp.iterations, 1)) if pp else "",
                r.ratio(),
                f"{r.dp:.1e}" if pp else "",
            ]
        )
    return markdown_table(
        [
            "case",
            "junctions",
            "linepack build / compile",
            "linepack warm",
            "its",
            "per it",
            "pandapipes warm",
            "its",
            "per it",
            "pp / lp: wall / CPU",
            "max rel Δp",
        ],
        rows,
    )


def exponent_rows(family: str, runs: Sequence[CaseRun]) -> list[list[str]]:
    """Fitted exponents of warm time (and time per Newton step) for both tools."""
    out = []
    for tool in ("linepack", "pandapipes"):
        pts = [
            (r.junctions, t.warm.median, t.warm.median / max(t.iterations, 1))
            for r in runs
            if (t := (r.lp if tool == "linepack" else r.pp)) is not None
        ]
        if len(pts) < 2:
            continue
        n, w, per = zip(*pts, strict=True)
        e = fit_exponent(n, w)
        last = fit_exponent(n[-2:], w[-2:])
        goal = ""
        if tool == "linepack":
            ok = e <= GOALS["exponent"]
            goal = f"goal ≤ {GOALS['exponent']}: {'met' if ok else 'missed'}"
        out.append(
            [
                family,
                tool,
                f"{min(n):,}-{max(n):,} ({len(n)} sizes)",
                f"{e:.2f}",
                f"{fit_exponent(n, per):.2f}",
                f"{last:.2f}",
                goal,
            ]
        )
    return out


def breakdown_table(runs: Sequence[CaseRun]) -> str:
    """cProfile split of one linepack solve."""
    rows = [[r.name, f"{r.junctions:,}", *r.breakdown.cells()] for r in runs if r.breakdown]
    return markdown_table(
        [
            "case",
            "junctions",
            "solve (cProfile)",
            "LU factorisation (backend)",
            "triangular solves",
            "friction law",
            "rest (assembly, line search)",
            "largest matrix: order, non-zeros → L+U entries (fill)",
        ],
        rows,
    )


def parse_sizes(text: str) -> tuple[int, ...]:
    """``"1k,4k,16000"`` → (1000, 4000, 16000)."""
    out = []
    for item in text.split(","):
        item = item.strip().lower().replace("_", "")
        if not item:
            continue
        mult = {"k": 1_000, "m": 1_000_000}.get(item[-1], 1)
        out.append(int(float(item.rstrip("km")) * mult))
    return tuple(out)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    """Run the parts asked for and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quick", action="store_true", help="lattices to 10k, meshes to 4k")
    ap.add_argument("--sizes", type=parse_sizes, default=None, help="lattice junction counts")
    ap.add_argument("--mesh-sizes", type=parse_sizes, default=None, help="mesh junction counts")
    ap.add_argument("--max-size", type=int, default=None, help="skip cases with more junctions")
    ap.add_argument("--pp-max-size", type=int, default=60_000, help="largest pandapipes case")
    ap.add_argument("--skip-pandapipes", action="store_true", help="linepack only")
    ap.add_argument("--million", action="store_true", help="also the 1000 x 1000 lattice")
    ap.add_argument("--million-side", type=int, default=1000, help="side of that lattice")
    ap.add_argument("--parts", default="lattice,gaslib,mesh,million,startup", help="what to run")
    ap.add_argument("--repeats", type=int, default=3, help="warm solves timed (after 1 warm-up)")
    ap.add_argument("--startup-runs", type=int, default=None, help="fresh processes (default 5)")
    ap.add_argument("--pp-tol", type=float, default=1e-8, help="pandapipes tol_p/tol_m/tol_res")
    ap.add_argument("--blas-threads", type=int, default=1, help="OpenBLAS threads (0: leave)")
    ap.add_argument(
        "--link-length",
        type=float,
        default=LINK_LENGTH,
        help="GasLib-4197: length [m] of the pandapipes pipes standing for zero-loss links",
    )
    ap.add_argument(
        "--chord",
        choices=("auto", "never", "always"),
        default=None,
        help="NewtonOptions.chord of the linepack solves (default: the library's)",
    )
    ap.add_argument(
        "--linear-solver",
        choices=("auto", "superlu", "pardiso"),
        default=None,
        help="SteadyOptions.linear_solver of the linepack solves (default: 'auto')",
    )
    ap.add_argument("--million-child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.chord:
        os.environ[CHORD_ENV] = args.chord
    if args.linear_solver:
        os.environ[LINEAR_ENV] = args.linear_solver
    if args.million_child is not None:
        million_child(args.million_child)
        return
    parts = {p.strip() for p in args.parts.split(",")}
    limit = args.max_size or sys.maxsize
    lattice_sizes = args.sizes or (LATTICE_QUICK if args.quick else LATTICE_SIZES)
    mesh_sizes = args.mesh_sizes or (MESH_QUICK if args.quick else MESH_SIZES)
    runs_startup = args.startup_runs or (3 if args.quick else 5)

    pandapipes: Pandapipes | None = None
    if not args.skip_pandapipes and parts & {"lattice", "gaslib", "mesh"}:
        try:
            pandapipes = Pandapipes(args.pp_tol)
        except ImportError:
            raise SystemExit(
                "pandapipes is not installed: use benchmarks/.venv (docs/benchmarks.md) "
                "or --skip-pandapipes"
            ) from None
    phys = pandapipes.phys if pandapipes else FALLBACK_PHYSICS
    sj = check_swamee_jain()
    extra = ["pandapipes", "pandapower", "numba"] if pandapipes else []
    import scipy.sparse.linalg  # noqa: F401  (loads scipy's OpenBLAS before it is limited)

    print(markdown_table(["", "value"], environment(extra)))
    print(f"\nBLAS: {blas(args.blas_threads or None)}")
    numba = pandapipes.numba if pandapipes else "-"
    print(f"load average {load_average()}; pandapipes numba: {numba}")
    print(
        f"physics: Swamee-Jain in pandapipes' form (linepack's agrees to {sj:.0e} for Re >= 2320); "
        f"Z = {phys.z_offset:g} {phys.z_slope * 1e5:+g}·p[bar abs]; R_s = {phys.gas_constant:.3f} "
        f"J/(kg K); μ = {phys.viscosity:.5g} Pa s; T = {phys.temperature} K\n",
        flush=True,
    )

    def pp_for(n: int) -> Pandapipes | None:
        return pandapipes if n <= args.pp_max_size else None

    lattices: list[CaseRun] = []
    if "lattice" in parts:
        sides = sorted({lattice_side(s) for s in lattice_sizes if lattice_side(s) ** 2 <= limit})
        for i, side in enumerate(sides):
            case = grid_case(side)
            big = i >= len(sides) - 2
            lattices.append(
                run_generated("lattice", case, phys, pp_for(case.n_junctions), args.repeats, big)
            )
            print(f"  done {case.name} (load {load_average()})", file=sys.stderr, flush=True)
    gaslib: CaseRun | None = None
    gaslib_net: Any = None
    if "gaslib" in parts:
        gaslib = run_gaslib(phys, pandapipes, args.repeats, args.link_length)
    if "startup" in parts:
        gaslib_net = gaslib_network(FALLBACK_PHYSICS)[0]
    meshes: list[CaseRun] = []
    if "mesh" in parts:
        sizes = sorted(s for s in mesh_sizes if s <= limit)
        for i, n in enumerate(sizes):
            case = mesh_case(n)
            big = i == len(sizes) - 1
            meshes.append(run_generated("mesh", case, phys, pp_for(n), args.repeats, big))
            print(f"  done {case.name} (load {load_average()})", file=sys.stderr, flush=True)

    wanted = {lattice_side(s) for s in SIDE_TABLE}
    paired = [r for r in lattices if lattice_side(r.junctions) in wanted]
    paired += [gaslib] if gaslib else []
    if paired:
        print("### Side by side: lattices and GasLib-4197\n")
        print(side_table(paired, args.repeats))
        print()
        for r in paired:
            for note in r.notes:
                print(f"- {r.name}: {note}")
        print()
    if lattices or meshes:
        print("### Growth\n")
        print(growth_table([*lattices, *meshes]))
        print()
        for r in meshes:
            for note in r.notes:
                print(f"- {r.name}: {note}")
        print()
        rows = exponent_rows("lattice", lattices) + exponent_rows("mesh", meshes)
        headers = [
            "family",
            "tool",
            "junctions",
            "exponent of warm time",
            "of time per Newton step",
            "between the two largest",
            "",
        ]
        if rows:
            print(markdown_table(headers, rows))
            print()
        bd = [r for r in [*lattices, gaslib, *meshes] if r is not None and r.breakdown]
        if bd:
            print("Where linepack's solve time goes (one extra solve under cProfile):\n")
            print(breakdown_table(bd))
            print()
    if "million" in parts and args.million and args.million_side**2 <= limit:
        print(f"### {args.million_side} x {args.million_side} lattice, fresh process\n", flush=True)
        print(million_table(run_million(args.million_side)))
        print()
    if "startup" in parts:
        print("### Start-up (fresh processes)\n")
        hdr = ["what", "runs", "wall", "CPU", "detail"]
        print(markdown_table(hdr, startup(runs_startup, gaslib_net)))
        print()
    print(f"load average after the runs: {load_average()}")


if __name__ == "__main__":
    main()
