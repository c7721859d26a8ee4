"""linepack against pandapipes, side by side in one run, with the same physics in both.

Run from the repository root (pandapipes is in the ``bench`` extra)::

    python benchmarks/bench_pandapipes.py            # a few minutes on 2 cores
    python benchmarks/bench_pandapipes.py --quick    # 30 x 30 lattice, fewer repeats

Cases
-----
(a) pipe
    One 1,100 km pipe, inner diameter 1.3792 m (56"), roughness 0.02 mm, from 85 barg to a sink
    drawing the mass flow of 1,200 MMSCFD of methane; 110 sections of 10 km in both tools
    (pandapipes ``sections=110``, linepack ``segment_length = 10 km``).
(b) lattice
    A 100 x 100 square lattice of junctions (19,800 pipes, 1-5 km, diameters 0.2-0.5 m,
    roughness 0.05 mm, all drawn with a fixed seed), four 70 barg sources at the quarter points
    and 2,000 sinks (a fifth of the junctions) drawing 1,600 kg/s in all; one section per pipe
    in both tools (linepack's segment length is the longest pipe).

Same physics
------------
Everything is taken from pandapipes' own fluid library (``call_lib("methane")``) and given to
linepack:

* friction: Swamee-Jain, which both define as λ = 0.25 / log10(k/(3.7 D) + 5.74 / Re^0.9)²
  with Re = |ṁ| D / (μ A) (checked at start-up, :func:`check_swamee_jain`). pandapipes applies
  it at every Re; below Re = 2320 linepack bridges to the laminar 64/Re instead, so linepack is
  given pandapipes' law there (:func:`pandapipes_friction`; ``--linepack-laminar`` keeps
  linepack's own). It only matters in pipes that carry almost no flow. Their "colebrook"
  (k/(3.71 D) against k/(3.7 D)) and "nikuradse" (pandapipes adds 64/Re, and uses 1.14 against
  1.138) differ; ``--mismatches`` shows by how much.
* compressibility: pandapipes' gas Z is linear in the *absolute* pressure in bar,
  Z = offset + slope p (methane: 1 - 0.0022 p), evaluated at the same mean pressure
  2/3 (p1³ - p2³)/(p1² - p2²) that linepack uses. No linepack EOS is that law, so
  :class:`LinearZ` implements it and replaces the EOS of the compiled network.
* gas constant: pandapipes' pipe law uses ρ = ρ_N T_N p / (p_N T Z) with its normal density
  ρ_N at T_N = 273.15 K and p_N = 1.01325 bar, i.e. R_s = p_N / (ρ_N T_N) ≈ 524.0 J/(kg K)
  (its table is the density at 1 bar, so this is 1.1 % above R/M = 518.4 J/(kg K)); linepack's
  ``gas_constant`` is set to that value.
* viscosity: pandapipes' table at the gas temperature (288.15 K), constant in linepack.
* temperature 288.15 K everywhere, no heat exchange; all junctions at height 0 (the two tools
  write gravity differently and use g = 9.81 against 9.80665 m/s²); atmosphere 1.01325 bar.

Newton tolerances: linepack's default (scaled residual < 1e-11); pandapipes
``tol_p = tol_m = tol_res = --pp-tol`` (default 1e-8 bar, kg/s) with up to 100 iterations, so
both converge far below the 1e-4 agreement asked for.

Timing: "setup" builds the model (linepack: ``Network`` + ``compile_network``; pandapipes: the
net tables); "first solve" is the first solve in this process (pandapipes' includes numba's
compilation); "warm solve" is the median of ``--repeats`` solves after that (linepack:
``solve(compiled)``; pandapipes: ``pipeflow(net)``, which rebuilds its internal arrays and
writes its result tables on every call - that is its API), as wall time and as CPU time of this
process; the CPU time is the figure to trust when other work shares the cores. OpenBLAS is
limited to one thread (``--blas-threads``): both tools factorise with SuperLU, which gains
nothing from a second OpenBLAS thread here, and that thread's busy-waiting doubles linepack's CPU
time and slows it down when another process holds the other core.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import logging
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from _common import Timing, blas, environment, load_average, markdown_table, ms, repeat, timed

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

T_GAS = 288.15  # [K]
MMSCFD = 1.2e9  # scf/day of case (a)
FT3 = 0.3048**3  # [m³]
SEED = 20240601


# --------------------------------------------------------------------------- physics


@dataclass(frozen=True)
class LinearZ:
    """pandapipes' gas compressibility, Z = offset + slope·p with p absolute [Pa].

    Follows :class:`linepack.gas.eos.EquationOfState`.

    Parameters
    ----------
    slope : float
        dZ/dp [1/Pa] (pandapipes gives it per bar).
    offset : float
        Z at zero absolute pressure [-].
    """

    slope: float
    offset: float
    name: str = "pandapipes-linear"

    def z(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Compressibility factor [-]."""
        pa, _ = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(T, dtype=float))
        return self.offset + self.slope * pa

    def dz_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """dZ/dp [1/Pa]."""
        pa, _ = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(T, dtype=float))
        return np.full(pa.shape, self.slope)

    def dz_dT(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """dZ/dT [1/K] (zero: the law has no temperature)."""
        pa, _ = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(T, dtype=float))
        return np.zeros(pa.shape)


@dataclass(frozen=True)
class Physics:
    """The gas and models shared by both tools, read from a pandapipes fluid (SI)."""

    temperature: float  # [K]
    viscosity: float  # [Pa s]
    normal_density: float  # [kg/m³] at pandapipes' T_N
    gas_constant: float  # [J/(kg K)] = p_N / (ρ_N T_N)
    molar_gas_constant: float  # [J/(kg K)] = R / M, for comparison only
    z_slope: float  # [1/Pa]
    z_offset: float  # [-]
    atmosphere: float  # [Pa], pandapipes' ambient pressure at height 0
    friction: str = "swamee-jain"

    @classmethod
    def from_pandapipes(cls, fluid: Any, temperature: float) -> Physics:
        """Take every constant from the pandapipes fluid ``fluid`` at ``temperature``."""
        from pandapipes.component_models.component_toolbox import p_correction_height_air
        from pandapipes.constants import NORMAL_PRESSURE, NORMAL_TEMPERATURE, P_CONVERSION

        comp = fluid.all_properties["compressibility"]
        slope_bar, offset = float(comp.slope), float(comp.offset)
        der = float(np.ravel(fluid.get_der_compressibility())[0])
        if not math.isclose(der, slope_bar, rel_tol=1e-12):
            raise RuntimeError(f"pandapipes' dZ/dp {der} is not the slope {slope_bar} of its Z")
        rho_n = float(np.ravel(fluid.get_density(NORMAL_TEMPERATURE))[0])
        molar_mass = float(np.ravel(fluid.get_molar_mass())[0]) / 1000.0
        return cls(
            temperature=temperature,
            viscosity=float(np.ravel(fluid.get_viscosity(temperature))[0]),
            normal_density=rho_n,
            gas_constant=NORMAL_PRESSURE * P_CONVERSION / (rho_n * NORMAL_TEMPERATURE),
            molar_gas_constant=8.314462618 / molar_mass,
            z_slope=slope_bar / P_CONVERSION,
            z_offset=offset,
            atmosphere=float(p_correction_height_air(np.zeros(1))[0]) * P_CONVERSION,
        )

    def eos(self) -> LinearZ:
        """The linear Z law for linepack."""
        return LinearZ(self.z_slope, self.z_offset)


def swamee_jain_everywhere(re: FloatArray, rel_roughness: FloatArray) -> tuple[FloatArray, ...]:
    """pandapipes' Swamee-Jain, applied at every Re: λ and dλ/dRe.

    λ = 0.25 / log10(u)², u = ε/3.7 + 5.74 Re^-0.9 (ε = k/D), the formula of
    ``pandapipes.pf.derivative_calculation.calc_lambda`` for ``friction_model="swamee-jain"``.
    """
    u = rel_roughness / 3.7 + 5.74 * re**-0.9
    lg = np.log10(u)
    du = -0.9 * 5.74 * re**-1.9
    # lg * lg * lg, not lg**3: numpy's power of a negative base takes a slow scalar path
    # (1.7 ms against 6 µs for 20,000 values on this machine)
    return 0.25 / lg**2, -0.5 * du / (u * math.log(10.0) * (lg * lg * lg))


def check_swamee_jain() -> float:
    """Largest relative difference between linepack's Swamee-Jain and pandapipes' for Re ≥ 2320.

    Raises
    ------
    RuntimeError
        If they differ by more than 1e-12: the laws would not be the same.
    """
    from linepack.gas.friction import friction_factor

    re, eps = np.meshgrid(np.geomspace(2320.0, 1e9, 200), np.geomspace(1e-7, 1e-2, 20))
    ours, _ = swamee_jain_everywhere(re, eps)
    theirs, _ = friction_factor("swamee-jain", re, eps)
    worst = float(np.max(np.abs(ours / theirs - 1.0)))
    if worst > 1e-12:
        raise RuntimeError(f"linepack's Swamee-Jain differs from pandapipes' by {worst:.2e}")
    return worst


@contextlib.contextmanager
def pandapipes_friction(enabled: bool = True) -> Iterator[None]:
    """Give linepack pandapipes' Swamee-Jain (no laminar regime) while inside.

    The two tools write Swamee-Jain the same way above Re 2320 (:func:`check_swamee_jain`);
    below it linepack bridges to the laminar 64/Re while pandapipes keeps the formula. That
    matters only in pipes that carry almost no flow, but it is a different law there, so
    linepack's ``friction_factor`` (where its modules look it up) is swapped for one that
    returns :func:`swamee_jain_everywhere` for "swamee-jain", and put back on exit.
    """
    from linepack.gas import friction

    original = friction.friction_factor

    def patched(
        law: str,
        re: npt.ArrayLike,
        rel_roughness: npt.ArrayLike,
        *,
        value: npt.ArrayLike | None = None,
        diameter: npt.ArrayLike | None = None,
    ) -> tuple[FloatArray, ...]:
        if law.strip().lower() != "swamee-jain":
            return original(law, re, rel_roughness, value=value, diameter=diameter)
        r, e = np.broadcast_arrays(
            np.asarray(re, dtype=float), np.asarray(rel_roughness, dtype=float)
        )
        return swamee_jain_everywhere(r, e)

    users = [
        m
        for name, m in list(sys.modules.items())
        if name.startswith("linepack") and getattr(m, "friction_factor", None) is original
    ]
    if enabled:
        for m in users:
            m.friction_factor = patched  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for m in users:
            m.friction_factor = original  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """A network given to both tools (SI; pressures gauge)."""

    name: str
    n_junctions: int
    pipe_from: IntArray
    pipe_to: IntArray
    length: FloatArray  # [m]
    diameter: FloatArray  # [m]
    roughness: float  # [m]
    sections: int  # per pipe, the same in both tools
    source_nodes: IntArray
    source_pressure: float  # [Pa gauge]
    sink_nodes: IntArray
    sink_flow: FloatArray  # [kg/s]

    @property
    def n_pipes(self) -> int:
        """Number of pipes."""
        return len(self.length)

    @property
    def segment_length(self) -> float:
        """linepack's segment length giving ``sections`` segments in every pipe [m]."""
        return float(np.max(self.length)) / self.sections


def methane_mass_flow(mmscfd: float) -> float:
    """Mass flow [kg/s] of ``mmscfd`` scf/day of methane (60 °F, 14.696 psia, GERG-2008)."""
    from linepack.gas.composition import SCF, Gas

    return mmscfd * FT3 * Gas.from_mapping({"methane": 1.0}).density(SCF) / 86400.0


def pipe_case(sections: int = 110) -> Case:
    """(a) 1,100 km, 56" (ID 1.3792 m) from 85 barg to a 1,200 MMSCFD sink."""
    return Case(
        name=f"(a) pipe 1,100 km, {sections} sections",
        n_junctions=2,
        pipe_from=np.array([0]),
        pipe_to=np.array([1]),
        length=np.array([1_100_000.0]),
        diameter=np.array([1.3792]),
        roughness=2e-5,
        sections=sections,
        source_nodes=np.array([0]),
        source_pressure=85e5,
        sink_nodes=np.array([1]),
        sink_flow=np.array([methane_mass_flow(MMSCFD)]),
    )


def lattice_case(
    n: int = 100,
    seed: int = SEED,
    demand: float = 1600.0,
    sources: npt.NDArray[np.int64] | None = None,
    name: str | None = None,
) -> Case:
    """(b) an n x n lattice, four 70 barg sources, sinks at a fifth of the junctions.

    The total demand [kg/s] is shared by the sinks in random proportions. Most of the pressure
    drop is in the pipes next to the sources, so the same demand suits any n: the lowest
    pressure is about 44 barg at n = 100 and 56 barg at n = 30. ``sources`` (junction indices)
    replaces the four default sources.
    """
    rng = np.random.default_rng(seed)
    idx = np.arange(n * n).reshape(n, n)
    fr = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    to = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    if sources is None:
        q, h = n // 4, 3 * n // 4
        sources = np.array([idx[q, q], idx[q, h], idx[h, q], idx[h, h]])
    others = np.setdiff1d(np.arange(n * n), sources)
    sinks = np.sort(rng.choice(others, size=n * n // 5, replace=False))
    weight = rng.uniform(0.2, 1.0, sinks.size)
    return Case(
        name=name or f"(b) lattice {n}x{n}",
        n_junctions=n * n,
        pipe_from=fr,
        pipe_to=to,
        length=rng.uniform(1000.0, 5000.0, fr.size),
        diameter=rng.choice(np.array([0.2, 0.3, 0.4, 0.5]), fr.size),
        roughness=5e-5,
        sections=1,
        source_nodes=sources,
        source_pressure=70e5,
        sink_nodes=sinks,
        sink_flow=demand * weight / weight.sum(),
    )


# --------------------------------------------------------------------------- linepack


def build_linepack(case: Case, phys: Physics, eos: Any = None) -> Any:
    """Build and compile the linepack network, with the linear Z law (or ``eos``)."""
    from linepack.gas.composition import Gas
    from linepack.network.compile import compile_network
    from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply

    names = [f"j{i}" for i in range(case.n_junctions)]
    settings = Settings(
        gas_temperature=phys.temperature,
        eos="ideal",
        friction=phys.friction,
        viscosity=phys.viscosity,
        gas_constant=phys.gas_constant,
        segment_length=case.segment_length,
        atmosphere=phys.atmosphere,
    )
    net = Network(
        name=case.name,
        gas=Gas.from_mapping({"methane": 1.0}),
        settings=settings,
        nodes=[Node(x) for x in names],
        pipes=[
            Pipe(f"p{i}", names[a], names[b], float(length), float(d), case.roughness)
            for i, (a, b, length, d) in enumerate(
                zip(case.pipe_from, case.pipe_to, case.length, case.diameter, strict=True)
            )
        ],
        supplies=[
            Supply(f"s{i}", names[j], pressure=case.source_pressure + phys.atmosphere)
            for i, j in enumerate(case.source_nodes)
        ],
        demands=[
            Demand(f"d{i}", names[j], flow=float(f))
            for i, (j, f) in enumerate(zip(case.sink_nodes, case.sink_flow, strict=True))
        ],
    )
    compiled = compile_network(net)
    if len(compiled.segments.length) != case.n_pipes * case.sections:
        raise RuntimeError("linepack split the pipes differently from pandapipes' sections")
    return dataclasses.replace(compiled, eos=eos if eos is not None else phys.eos())


def linepack_results(sol: Any, case: Case) -> tuple[FloatArray, FloatArray]:
    """Absolute pressures [Pa] (junctions, then section nodes pipe by pipe) and pipe inflows."""
    seg = sol.compiled.segments
    first = np.searchsorted(seg.pipe, np.arange(case.n_pipes))
    return np.asarray(sol.pressure, dtype=float), np.asarray(sol.flow[first], dtype=float)


# --------------------------------------------------------------------------- pandapipes


def build_pandapipes(case: Case, phys: Physics, fluid: Any) -> Any:
    """Build the pandapipes net (pressures in barg, lengths in km, diameters in mm)."""
    import pandapipes as pp

    p_src = case.source_pressure / 1e5
    net = pp.create_empty_network(name=case.name, fluid=fluid)
    pp.create_junctions(net, case.n_junctions, pn_bar=p_src, tfluid_k=phys.temperature)
    pp.create_pipes_from_parameters(
        net,
        case.pipe_from,
        case.pipe_to,
        length_km=case.length / 1000.0,
        inner_diameter_mm=case.diameter * 1000.0,
        k_mm=case.roughness * 1000.0,
        sections=case.sections,
    )
    pp.create_ext_grids(net, case.source_nodes, p_bar=p_src, t_k=phys.temperature)
    pp.create_sinks(net, case.sink_nodes, mdot_kg_per_s=case.sink_flow)
    return net


def pandapipes_results(net: Any, case: Case, phys: Physics) -> tuple[FloatArray, FloatArray]:
    """Absolute pressures [Pa] in linepack's node order and pipe inflows [kg/s]."""
    from pandapipes.component_models import Pipe

    p = net.res_junction["p_bar"].to_numpy(dtype=float) * 1e5 + phys.atmosphere
    if case.sections > 1:
        internal = Pipe.get_internal_results(net, np.arange(case.n_pipes))["PINIT"][:, 1]
        p = np.concatenate([p, np.asarray(internal, dtype=float) * 1e5 + phys.atmosphere])
    return p, net.res_pipe["mdot_from_kg_per_s"].to_numpy(dtype=float)


def pipeflow_options(tol: float, friction: str, use_numba: bool) -> dict[str, Any]:
    """Options of ``pandapipes.pipeflow`` used here."""
    return {
        "mode": "hydraulics",
        "friction_model": friction,
        "tol_p": tol,
        "tol_m": tol,
        "tol_res": tol,
        "max_iter_hyd": 100,
        "use_numba": use_numba,
    }


# --------------------------------------------------------------------------- comparison


@dataclass
class Row:
    """One tool on one case."""

    case: str
    tool: str
    setup: float
    first: float
    warm: Timing
    iterations: int
    ratio: str = ""
    dp: str = ""
    dq: str = ""


def compare(p_a: FloatArray, q_a: FloatArray, p_b: FloatArray, q_b: FloatArray) -> tuple[str, str]:
    """Largest relative pressure difference and largest flow difference over the largest flow."""
    dp = float(np.max(np.abs(p_a - p_b) / p_b))
    dq = float(np.max(np.abs(q_a - q_b)) / np.max(np.abs(q_b)))
    return f"{dp:.1e}", f"{dq:.1e}"


def run_case(
    case: Case,
    phys: Physics,
    fluid: Any,
    repeats: int,
    pp_tol: float,
    use_numba: bool,
    laminar: bool,
) -> tuple[list[Row], list[str]]:
    """Time both tools on ``case`` and compare their solutions."""
    import pandapipes as pp

    from linepack.errors import ConvergenceError
    from linepack.steady.newton import NewtonOptions
    from linepack.steady.solve import SteadyOptions, solve

    notes: list[str] = []
    # pandapipes
    t_setup_pp, net = timed(lambda: build_pandapipes(case, phys, fluid))
    opts = pipeflow_options(pp_tol, phys.friction, use_numba)
    t_first_pp, _ = timed(lambda: pp.pipeflow(net, **opts))
    warm_pp, _ = repeat(lambda: pp.pipeflow(net, **opts), repeats, warmup=0)
    it_pp = int(net._internal_results["iterations_hydraulics"])
    p_pp, q_pp = pandapipes_results(net, case, phys)

    rows = [
        Row(case.name, "pandapipes", t_setup_pp, t_first_pp, warm_pp, it_pp),
    ]
    t_setup_lp, cn = timed(lambda: build_linepack(case, phys))
    variants = [
        ("linepack", SteadyOptions()),
        ("linepack, line_search=False", SteadyOptions(newton=NewtonOptions(line_search=False))),
    ]
    with pandapipes_friction(not laminar):
        for label, options in variants:
            run = functools.partial(solve, cn, options)
            try:
                t_first, sol = timed(run)
                warm, sol = repeat(run, repeats, warmup=0)
            except ConvergenceError as exc:
                norms = exc.report.residual_norms if exc.report else []
                notes.append(f"{case.name}, {label}: {exc} (last residuals {norms[-3:]})")
                continue
            p_lp, q_lp = linepack_results(sol, case)
            dp, dq = compare(p_pp, q_pp, p_lp, q_lp)
            rows.append(
                Row(
                    case.name,
                    label,
                    t_setup_lp,
                    t_first,
                    warm,
                    sol.report.iterations,
                    ratio=f"{warm_pp.median / warm.median:.2f} / "
                    f"{warm_pp.cpu_median / warm.cpu_median:.2f}",
                    dp=dp,
                    dq=dq,
                )
            )
            if label == "linepack":
                seg = sol.compiled.segments
                q = np.abs(sol.flow[: len(seg.length)])
                re = q * seg.diameter / (seg.area * seg.viscosity)
                lo = p_lp[: case.n_junctions] - phys.atmosphere
                notes.append(
                    f"{case.name}: {case.n_junctions} junctions, {case.n_pipes} pipes, "
                    f"{len(seg.length)} segments, {cn.n_nodes + cn.n_edges} linepack unknowns; "
                    f"demand {case.sink_flow.sum():.1f} kg/s; pressures "
                    f"{lo.min() / 1e5:.2f}-{lo.max() / 1e5:.2f} barg; "
                    f"segments below Re 2320: {int(np.sum(re < 2320))}"
                )
    return rows, notes


def mismatches(phys: Physics, fluid: Any, use_numba: bool) -> list[list[str]]:
    """Case (a) with one setting changed at a time: how far the tools then disagree."""
    import pandapipes as pp

    from linepack.steady.solve import solve

    case = pipe_case()
    net = build_pandapipes(case, phys, fluid)
    out: list[list[str]] = []

    def pandapipes_solution(friction: str) -> tuple[FloatArray, FloatArray]:
        pp.pipeflow(net, **pipeflow_options(1e-8, friction, use_numba))
        return pandapipes_results(net, case, phys)

    ref = pandapipes_solution("swamee-jain")
    gauge_z = LinearZ(phys.z_slope, phys.z_offset - phys.z_slope * phys.atmosphere)
    trials: list[tuple[str, Physics, Any, str]] = [
        ("none (the setup above)", phys, None, "swamee-jain"),
        (
            f"gas constant R/M = {phys.molar_gas_constant:.1f} instead of p_N/(ρ_N T_N) = "
            f"{phys.gas_constant:.1f} J/(kg K)",
            dataclasses.replace(phys, gas_constant=phys.molar_gas_constant),
            None,
            "swamee-jain",
        ),
        ("Z of the gauge instead of the absolute pressure", phys, gauge_z, "swamee-jain"),
        (
            "linepack's ideal gas (Z = 1)",
            phys,
            LinearZ(0.0, 1.0),
            "swamee-jain",
        ),
        (
            "viscosity 1.1e-5 instead of the table's "
            f"{phys.viscosity:.4g} Pa s (Swamee-Jain depends on Re)",
            dataclasses.replace(phys, viscosity=1.1e-5),
            None,
            "swamee-jain",
        ),
        ('"colebrook" in both (k/3.7 D against k/3.71 D)', phys, None, "colebrook"),
        ('"nikuradse" in both (+64/Re, 1.14 against 1.138)', phys, None, "nikuradse"),
    ]
    for label, ph, eos, law in trials:
        p_pp, q_pp = ref if law == "swamee-jain" else pandapipes_solution(law)
        cn = build_linepack(case, dataclasses.replace(ph, friction=law), eos)
        with pandapipes_friction():
            sol = solve(cn)
        p_lp, q_lp = linepack_results(sol, case)
        dp, _ = compare(p_pp, q_pp, p_lp, q_lp)
        delivery = (p_lp[1] - p_pp[1]) / 1e5
        out.append([label, dp, f"{delivery:+.4f} bar"])
    return out


def main(argv: list[str] | None = None) -> None:
    """Run both cases and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quick", action="store_true", help="30 x 30 lattice, 3 repeats")
    ap.add_argument("--lattice", type=int, default=None, help="lattice side n (default 100)")
    ap.add_argument("--sections", type=int, default=110, help="sections of pipe (a)")
    ap.add_argument("--repeats", type=int, default=None, help="warm solves timed (default 5)")
    ap.add_argument("--pp-tol", type=float, default=1e-8, help="pandapipes tol_p/tol_m/tol_res")
    ap.add_argument("--no-numba", action="store_true", help="pandapipes without numba")
    ap.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="OpenBLAS threads (default 1: neither solver gains from more; 0 leaves them)",
    )
    ap.add_argument(
        "--linepack-laminar",
        action="store_true",
        help="keep linepack's own laminar regime below Re 2320 instead of pandapipes' law",
    )
    ap.add_argument(
        "--mismatches", action="store_true", help="also show what each physics mismatch costs"
    )
    args = ap.parse_args(argv)
    n = args.lattice or (30 if args.quick else 100)
    repeats = args.repeats or (3 if args.quick else 5)

    try:
        import pandapipes as pp
    except ImportError:
        raise SystemExit("pandapipes is not installed: pip install -e '.[bench]'") from None
    from pandapipes.pf.pipeflow_setup import numba_installed

    logging.getLogger("pandapipes").setLevel(logging.ERROR)
    use_numba = numba_installed and not args.no_numba
    fluid = pp.call_lib("methane")
    phys = Physics.from_pandapipes(fluid, T_GAS)
    sj = check_swamee_jain()

    print(markdown_table(["", "value"], environment(["pandapipes", "pandapower", "numba"])))
    import scipy.sparse.linalg  # noqa: F401  (loads scipy's OpenBLAS before it is limited)

    print(f"\nBLAS: {blas(args.blas_threads or None)}")
    print(f"pandapipes numba: {'on' if use_numba else 'off'}; load average {load_average()}")
    print(
        f"physics: Swamee-Jain (linepack's and pandapipes' agree to {sj:.0e} for Re >= 2320; "
        f"{'linepack keeps its laminar regime' if args.linepack_laminar else 'pandapipes form'})"
        f"; Z = {phys.z_offset:g} {phys.z_slope * 1e5:+g}·p[bar abs]; "
        f"R_s = {phys.gas_constant:.3f} J/(kg K) (ρ_N = {phys.normal_density:.5f} kg/m³ at "
        f"273.15 K); μ = {phys.viscosity:.5g} Pa s; T = {phys.temperature} K; "
        f"atmosphere {phys.atmosphere:.0f} Pa\n"
    )

    rows: list[Row] = []
    notes: list[str] = []
    for case in (pipe_case(args.sections), lattice_case(n)):
        r, nt = run_case(case, phys, fluid, repeats, args.pp_tol, use_numba, args.linepack_laminar)
        rows += r
        notes += nt
    print(
        markdown_table(
            [
                "case",
                "tool",
                "setup",
                "first solve",
                f"warm solve, median of {repeats}: wall / CPU",
                "Newton its",
                "pandapipes / linepack: wall / CPU",
                "max rel Δp",
                "max Δṁ / max ṁ",
            ],
            [
                [
                    r.case,
                    r.tool,
                    ms(r.setup),
                    ms(r.first),
                    f"{ms(r.warm.median)} / {ms(r.warm.cpu_median)}",
                    str(r.iterations),
                    r.ratio,
                    r.dp,
                    r.dq,
                ]
                for r in rows
            ],
        )
    )
    print()
    for note in notes:
        print(f"- {note}")
    print(f"- load average after the runs: {load_average()}")
    if args.mismatches:
        print("\nCase (a) with one setting changed (pandapipes as above, 1e-8 tolerances):\n")
        print(
            markdown_table(
                ["changed in linepack (or in both)", "max rel Δp", "sink: linepack − pandapipes"],
                mismatches(phys, fluid, use_numba),
            )
        )


if __name__ == "__main__":
    main()
