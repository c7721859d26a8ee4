"""Typed errors of the gas layer, the graph helpers and the PARDISO backend.

Each error is a CaseError or SolverError subclass whose fields say what value, which key or
model, and what was expected; out-of-range property evaluations warn once with the value used.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from linepack.errors import (
    CaseError,
    EosError,
    PardisoError,
    PropertyRangeError,
    PropertyRangeWarning,
    SolverError,
    TopologyError,
)
from linepack.gas import eos
from linepack.gas.composition import Gas
from linepack.network.topology import component_labels, islands
from linepack.steady import pardiso

METHANE = Gas.from_mapping({"methane": 1.0})


def test_error_kinds() -> None:
    assert issubclass(PropertyRangeError, SolverError)
    assert issubclass(PardisoError, SolverError)
    assert issubclass(EosError, CaseError)
    assert issubclass(TopologyError, CaseError)


def test_node_index_outside_the_graph_is_a_topology_error() -> None:
    with pytest.raises(TopologyError, match=r"to_idx holds a node index outside 0\.\.2") as err:
        islands(3, [0, 1], [1, 5])
    assert (err.value.key, err.value.value) == ("to_idx", 5)
    with pytest.raises(TopologyError, match="2 entries but to_idx has 1") as err:
        component_labels(3, [0, 1], [1])
    assert (err.value.key, err.value.value) == ("to_idx", 1)


def test_aga8_without_a_density_names_the_state() -> None:
    with pytest.raises(PropertyRangeError, match="did not converge at p = -1 Pa") as err:
        eos.gerg2008_z(METHANE, -1.0, 288.15)
    e = err.value
    assert (e.model, e.quantity, e.value, e.state) == ("gerg2008", "pressure", -1.0, (-1.0, 288.15))


def test_unknown_aga8_model_is_an_eos_error() -> None:
    with pytest.raises(EosError, match="unknown AGA8 model") as err:
        eos.direct_properties("peng-robinson", METHANE, 5e6, 288.15)  # type: ignore[arg-type]
    assert (err.value.key, err.value.value) == ("eos", "peng-robinson")


def test_outside_the_range_of_validity_warns_once_with_the_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(eos, "_WARNED", set())
    with pytest.warns(PropertyRangeWarning, match=r"gerg2008: temperature 750 .*60-700 K"):
        z_hot = eos.gerg2008_z(METHANE, 5e6, 750.0)
    # the value is still computed (a warning, not a fallback): gas near ideal at 750 K
    assert 1.0 < float(z_hot) < 1.05  # Z of methane at 50 bar, 750 K is about 1.02
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a second evaluation out of range stays silent
        eos.gerg2008_z(METHANE, 5e6, 760.0)
    with pytest.warns(PropertyRangeWarning, match=r"detail: pressure 3e\+08 .*up to 2\.8e\+08"):
        eos.detail_z(METHANE, 300e6, 300.0)


def test_inside_the_range_of_validity_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eos, "_WARNED", set())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # the ends of the ranges (methane is a gas there; below ~190 K it may not be)
        eos.direct_properties("gerg2008", METHANE, [1e5, 70e6], [700.0, 700.0])
        eos.direct_properties("detail", METHANE, [1e5, 280e6], [673.15, 673.15])


@pytest.mark.skipif(not pardiso.available(), reason="oneMKL PARDISO not installed")
def test_a_pardiso_error_code_is_typed_and_hands_over_to_superlu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    solver = pardiso.PardisoSolver()

    def failing(*args: Any) -> None:
        err = args[-1]._obj  # the ctypes.c_int32 behind byref(err)
        err.value = -4

    monkeypatch.setattr(solver, "_fn", failing)
    one = np.ones(1)
    structure = (np.array([0, 1], dtype=np.int32), np.array([0], dtype=np.int32))
    monkeypatch.setattr(solver, "_structure", structure)
    monkeypatch.setattr(solver, "_n", 1, raising=False)
    with pytest.raises(PardisoError, match="phase 22: error -4") as exc:
        solver._call(22, one, one, one.copy())
    assert (exc.value.phase, exc.value.code) == (22, -4)
    # in a solve the error makes SuperLU take over, and the reason says why
    monkeypatch.setattr(solver, "_structure", None)
    a = sp.csc_matrix(np.array([[4.0, 1.0], [1.0, 3.0]]))
    b = np.array([1.0, 2.0])
    x = solver.solve(a, b)
    # SuperLU's answer of a well-conditioned 2x2 system: exact to round-off
    np.testing.assert_allclose(a @ x, b, rtol=1e-14)
    assert solver.fallback_reason is not None
    assert "PARDISO phase 11: error -4" in solver.fallback_reason
