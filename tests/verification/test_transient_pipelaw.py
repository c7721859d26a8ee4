"""The transient's pipe law and table look-up against the steady kernels they rearrange.

:class:`~linepack.transient.pipelaw.SegmentLaw` evaluates the steady pipe law with per-segment
constants, a warm-started Colebrook iteration and lazily computed derivatives;
:class:`~linepack.transient.eosline.ZAtTemperature` evaluates the tabulated EOS at one
temperature. Both must give the steady system's numbers (``SteadySystem.segment_rows``,
``SteadySystem.z``) to round-off, for every friction law, flat and inclined segments, laminar
and reversed flows, and pressures outside the table.
"""

from __future__ import annotations

import numpy as np
import pytest

from linepack.network.compile import compile_network
from linepack.network.model import Demand, Network, Node, Pipe, Settings, Supply
from linepack.steady.system import SteadySystem
from linepack.transient.eosline import ZAtTemperature
from linepack.transient.pipelaw import SegmentLaw

LAWS = ("colebrook", "swamee-jain", "constant", "weymouth")


def pipes(methane, eos: str, laws: tuple[str, ...], dh: float) -> Network:  # type: ignore[no-untyped-def]
    nodes = [Node(f"n{k}", elevation=dh * k) for k in range(len(laws) + 1)]
    return Network(
        name="laws",
        gas=methane,
        settings=Settings(eos=eos, segment_length=4e3, viscosity=1.1e-5, friction_value=0.011),
        nodes=nodes,
        pipes=[
            Pipe(f"p{k}", f"n{k}", f"n{k + 1}", 10e3, 0.6 + 0.1 * k, friction=law)
            for k, law in enumerate(laws)
        ],
        supplies=[Supply("s", "n0", pressure=70e5)],
        demands=[Demand("d", f"n{len(laws)}", flow=50.0)],
    )


def random_point(cn, rng):  # type: ignore[no-untyped-def]
    n = len(cn.segments.length)
    p = rng.uniform(30e5, 80e5, cn.n_nodes)
    q = rng.uniform(-150.0, 150.0, n)
    q[0], q[1] = 1e-4, -3e-3  # laminar (Re below 2320) and reversed
    return p, q


@pytest.mark.parametrize("eos", ["ideal", "papay", "gerg2008"])
@pytest.mark.parametrize("laws", [("colebrook",) * 3, LAWS])
@pytest.mark.parametrize("dh", [0.0, 150.0])
def test_segment_law_equals_the_steady_kernel(methane, eos, laws, dh) -> None:  # type: ignore[no-untyped-def]
    cn = compile_network(pipes(methane, eos, laws, dh))
    steady = SteadySystem.of(cn)
    law = SegmentLaw(steady)
    rng = np.random.default_rng(7)
    s2 = steady.p_scale**2
    for _ in range(3):  # the Colebrook iteration starts from the previous call's roots
        p, q = random_point(cn, rng)
        mine = law(p, q)
        derivatives = mine.derivatives()
        ref = [v * s2 for v in steady.segment_rows(p, q)]
        p1, p2 = p[cn.segments.from_node], p[cn.segments.to_node]
        # r is a difference of terms of size p₁², p₂²: rearranged arithmetic and a Colebrook
        # root within 1e-16 differ by a few ulps of those, far below 1e-13 of them
        size = p1 * p1 + p2 * p2
        assert np.max(np.abs(mine.r - ref[0]) / size) < 1e-13
        # the derivatives: dr/dp ~ 2p, dr/dq ~ 2r/q; 1e-11 of each row's largest entry
        # allows for the rearranged derivative chain, far below any missing term
        for got, want in zip(derivatives, ref[1:], strict=True):
            scale = np.maximum(np.abs(want), 2.0 * np.maximum(p1, p2))
            assert np.max(np.abs(got - want) / scale) < 1e-11


def test_segment_law_gives_z_at_extra_pressures(methane) -> None:  # type: ignore[no-untyped-def]
    """One look-up for the segment means and the node pressures (the storage's Z)."""
    cn = compile_network(pipes(methane, "gerg2008", ("colebrook",) * 2, 0.0))
    steady = SteadySystem.of(cn)
    law = SegmentLaw(steady)
    assert law.shares_table
    p, q = random_point(cn, np.random.default_rng(3))
    out = law(p, q, p)
    assert out.z_extra is not None
    assert out.dz_extra is not None
    t = np.full(p.size, law.temperature)
    z, dz = steady.z(p, t)
    # the same cubic pieces evaluated the same way: equal to round-off (1e-14 relative)
    assert out.z_extra == pytest.approx(z, rel=1e-14)
    assert out.dz_extra() == pytest.approx(dz, rel=1e-12, abs=1e-30)
    assert out.r == pytest.approx(law(p, q).r, rel=1e-15)  # fusing changes nothing else


def test_table_line_equals_steady_z_inside_and_outside_the_range(methane) -> None:  # type: ignore[no-untyped-def]
    cn = compile_network(pipes(methane, "gerg2008", ("colebrook",), 0.0))
    steady = SteadySystem.of(cn)
    lo, hi = cn.eos_p_range
    p = np.concatenate([np.linspace(lo, hi, 501), [0.5 * lo, lo * (1 - 1e-12), 1.2 * hi]])
    t = np.full(p.size, cn.segments.temperature[0])
    line = ZAtTemperature(steady, t)
    assert line.fast
    z, dz = line(p)
    z_ref, dz_ref = steady.z(p, t)
    # the table's own cubic restricted to T (Tabulated._line): round-off apart (1e-14)
    assert z == pytest.approx(z_ref, rel=1e-14)
    assert dz == pytest.approx(dz_ref, rel=1e-12, abs=1e-30)
    assert np.all(dz[-3:] == 0.0)  # clipped outside the range, as the steady system does
    z_only = line.z(p)
    assert np.array_equal(z_only, z)  # same arithmetic
    z_lazy, slope = line.lazy(p)
    assert np.array_equal(z_lazy, z)
    assert np.array_equal(slope(), dz)


def test_closed_form_eos_uses_the_steady_path(methane) -> None:  # type: ignore[no-untyped-def]
    cn = compile_network(pipes(methane, "papay", ("colebrook",), 0.0))
    steady = SteadySystem.of(cn)
    p = np.linspace(10e5, 90e5, 50)
    t = np.full(p.size, 288.15)
    line = ZAtTemperature(steady, t)
    assert not line.fast
    z, dz = line(p)
    z_ref, dz_ref = steady.z(p, t)
    assert np.array_equal(z, z_ref)
    assert np.array_equal(dz, dz_ref)
