"""The public API: ``import linepack as lp`` is cheap and every public name resolves."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

import linepack as lp
from linepack.errors import CaseError, LinepackError, SolverError


@pytest.mark.parametrize("name", lp.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(lp, name) is not None
    assert name in dir(lp)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = lp.no_such_name


def test_public_names_are_the_library_objects() -> None:
    from linepack.io.load import load
    from linepack.steady.solve import SteadyOptions, solve
    from linepack.transient import Schedule, Series, TransientOptions, simulate

    assert lp.load is load
    assert lp.solve is solve
    assert lp.SteadyOptions is SteadyOptions
    assert lp.simulate is simulate
    assert lp.TransientOptions is TransientOptions
    assert lp.Schedule is Schedule
    assert lp.Series is Series
    assert issubclass(lp.CaseError, LinepackError)
    assert lp.CaseError is CaseError
    assert lp.SolverError is SolverError
    assert issubclass(lp.InfeasibleError, SolverError)


def test_capacity_reads_the_design_basis_only_when_not_given() -> None:
    from linepack.io.design_toml import read_design

    net = lp.load("psgp-56in-phase1")
    default = lp.capacity(net)
    # a design basis with a lower minimum delivery pressure must raise the capacity: the
    # argument is used, not re-read from the case (any change > the 1 MMSCFD search tolerance)
    design = read_design(net)
    lowered = dataclasses.replace(design, min_delivery_pressure=design.min_delivery_pressure - 5e5)
    lower = lp.capacity(net, lowered)
    assert lower.max_throughput_mmscfd > default.max_throughput_mmscfd + 1.0


def test_import_is_lazy() -> None:
    # `import linepack` loads no submodule and no numerical library: the names load on use
    code = (
        "import sys, linepack\n"
        "heavy = ('numpy', 'scipy', 'xarray', 'pandas', 'pint')\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m.startswith('linepack.') or m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_to_dataset_of_steady_and_transient() -> None:
    net = lp.load("psgp-56in-phase1")
    steady = lp.to_dataset(lp.solve(net))
    run = lp.to_dataset(lp.simulate(net, hours=0.5, dt=900))
    assert steady.sizes["node"] == run.sizes["node"] == len(net.nodes)
    assert run["pressure"].dims == ("time", "node")
    # the transient starts from the same steady state: same solver, same tolerance, so the
    # pressures agree to well within Newton's tolerance (rtol 1e-9 of ~60 bar)
    p0 = run["pressure"].isel(time=0)
    assert p0.values == pytest.approx(steady["pressure"].sel(node=p0["node"]).values, rel=1e-9)


def test_to_dataset_rejects_other_objects() -> None:
    with pytest.raises(TypeError, match="Network"):
        lp.to_dataset(lp.load("psgp-56in-phase1"))  # type: ignore[arg-type]
