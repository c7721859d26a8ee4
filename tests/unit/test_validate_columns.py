"""Validation checks whole columns first; every bad value must still get the element-wise error.

``validate`` runs the element-by-element checks only when its column checks find something (or
meet a value they do not handle). Each case below spoils one value of a valid network; the error
``validate`` raises must be the one the element-wise checks raise, word for word.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from linepack.errors import CaseError
from linepack.network import validate as va
from linepack.network.model import (
    Compressor,
    CompressorMode,
    Demand,
    Network,
    Node,
    Pipe,
    Regulator,
    Resistor,
    Settings,
    Supply,
    Valve,
)


def network(methane) -> Network:  # type: ignore[no-untyped-def]
    """A ring of 12 nodes with a compressor, a regulator, a valve and a resistor."""
    nodes = [Node(f"n{i}", elevation=float(i), p_min=20e5, p_max=90e5) for i in range(12)]
    pipes = [
        Pipe(f"p{i}", f"n{i}", f"n{i + 1}", 10e3 + 1e3 * i, 0.6, 2e-5, efficiency=0.95)
        for i in range(7)
    ]
    pipes.append(Pipe("p7", "n11", "n0", 12e3, 0.5, 3e-5, outer_diameter=0.52, wall_thickness=0.01))
    pipes.append(Pipe("p8", "n10", "n11", 9e3, 0.5, 3e-5, friction="hofer", temperature=290.0))
    return Network(
        name="ring",
        gas=methane,
        settings=Settings(),
        nodes=nodes,
        pipes=pipes,
        compressors=[Compressor("k", "n7", "n8", mode=CompressorMode.RATIO, setpoint=1.3)],
        regulators=[Regulator("r", "n8", "n9", setpoint=50e5)],
        valves=[Valve("v", "n9", "n10", open=True)],
        resistors=[Resistor("z", "n10", "n0", pressure_loss=0.2e5)],
        supplies=[Supply("s", "n0", pressure=70e5, flow_max=500.0)],
        demands=[Demand("d1", "n5", flow=40.0), Demand("d2", "n9", flow=np.float64(25.0))],
        route=["n0", "n5"],
        delivery="n5",
    )


def element_wise(net: Network) -> None:
    """The checks ``validate`` makes, element by element only."""
    va._check_settings(net)
    va._check_names(net)
    va._check_references(net)
    va._check_values(net)
    va._check_islands(net)


def spoil(kind: str, index: int, **changes: Any) -> Callable[[Network], None]:
    def apply(net: Network) -> None:
        items = getattr(net, kind)
        items[index] = dataclasses.replace(items[index], **changes)

    return apply


SPOILED: dict[str, Callable[[Network], None]] = {
    "negative length": spoil("pipes", 3, length=-1.0),
    "NaN length": spoil("pipes", 4, length=math.nan),
    "bool length": spoil("pipes", 2, length=True),
    "text length": spoil("pipes", 2, length="10 km"),
    "numpy int length": spoil("pipes", 1, length=np.int64(5000)),
    "zero diameter": spoil("pipes", 0, diameter=0.0),
    "negative roughness": spoil("pipes", 5, roughness=-1e-5),
    "infinite efficiency": spoil("pipes", 6, efficiency=math.inf),
    "wall too thick": spoil("pipes", 7, wall_thickness=0.3),
    "bore mismatch": spoil("pipes", 7, diameter=0.45),
    "unknown friction law": spoil("pipes", 8, friction="moody"),
    "negative maop": spoil("pipes", 1, maop=-5.0),
    "zero temperature": spoil("pipes", 1, temperature=0.0),
    "undefined node": spoil("pipes", 2, to_node="nowhere"),
    "self loop": spoil("pipes", 2, to_node="n2"),
    "blank pipe name": spoil("pipes", 4, name="  "),
    "duplicate link name": spoil("valves", 0, name="p3"),
    "duplicate node name": spoil("nodes", 6, name="n2"),
    "latitude 91": spoil("nodes", 3, lat=91.0),
    "NaN longitude": spoil("nodes", 3, lon=math.nan),
    "p_min above p_max": spoil("nodes", 4, p_min=95e5),
    "negative p_max": spoil("nodes", 4, p_max=-1.0),
    "infinite elevation": spoil("nodes", 9, elevation=math.inf),
    "supply with pressure and flow": spoil("supplies", 0, flow=5.0),
    "demand without flow": spoil("demands", 1, flow=None),
    "NaN demand": spoil("demands", 0, flow=math.nan),
    "negative flow_max": spoil("supplies", 0, flow_max=-1.0),
    "demand at an undefined node": spoil("demands", 0, node="n99"),
    "compressor ratio below 1": spoil("compressors", 0, setpoint=0.8),
    "regulator set-point zero": spoil("regulators", 0, setpoint=0.0),
    "valve open as text": spoil("valves", 0, open="yes"),
    "resistor with both forms": spoil("resistors", 0, drag_factor=2.0, diameter=0.4),
}


@pytest.mark.parametrize("what", list(SPOILED))
def test_every_spoiled_value_gets_the_element_wise_error(methane, what: str) -> None:  # type: ignore[no-untyped-def]
    net = network(methane)
    SPOILED[what](net)
    with pytest.raises(CaseError) as expected:
        element_wise(net)
    with pytest.raises(CaseError) as got:
        va.validate(net)
    assert str(got.value) == str(expected.value)


def test_a_valid_network_passes_both_ways(methane) -> None:  # type: ignore[no-untyped-def]
    net = network(methane)
    element_wise(net)
    va.validate(net)
    assert va._looks_valid(net)  # and the column checks alone found nothing


def test_route_through_an_undefined_node(methane) -> None:  # type: ignore[no-untyped-def]
    net = network(methane)
    net.route = ["n0", "n42"]
    with pytest.raises(CaseError) as expected:
        element_wise(net)
    with pytest.raises(CaseError) as got:
        va.validate(net)
    assert str(got.value) == str(expected.value)
