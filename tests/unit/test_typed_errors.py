"""Input and argument errors that were bare ValueErrors are typed and carry their fields
(element, key, value, expected), so the CLI prints them as input errors (exit 2) and a program
can react to the fields."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from linepack.errors import CaseError, OptionsError
from linepack.io.load import load
from linepack.network.compile import compile_network
from linepack.network.model import CompressorMode
from linepack.steady.march import march
from linepack.studies.layout import hold_limits
from linepack.units import parse


def test_unknown_quantity_kind_names_the_argument() -> None:
    with pytest.raises(OptionsError, match="unknown quantity kind") as err:
        parse("3 m", "lenght")
    assert (err.value.key, err.value.value) == ("kind", "lenght")
    assert "length" in str(err.value.expected)


def test_march_rejects_a_reference_pressure_table_of_the_wrong_shape() -> None:
    cn = compile_network(load("psgp-56in-phase1"))
    with pytest.raises(OptionsError, match="wrong shape") as err:
        march(cn, np.array([[50e5]]))
    assert (err.value.element, err.value.key, err.value.value) == ("march", "p_ref", (1, 1))


def test_hold_limits_names_the_station_not_in_outlet_pressure_mode() -> None:
    net = load("psgp-56in-phase2")
    net.compressors[0] = dataclasses.replace(
        net.compressors[0], mode=CompressorMode.RATIO, setpoint=1.3
    )
    with pytest.raises(CaseError, match="outlet-pressure mode") as err:
        hold_limits(compile_network(net))
    assert (err.value.element, err.value.key, err.value.value) == (
        "compressor 'CS-A'",
        "mode",
        "ratio",
    )
