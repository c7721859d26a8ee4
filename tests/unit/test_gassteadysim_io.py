"""Reading GasSteadySim case folders: conventions, units, and errors that name file and key."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from linepack.errors import CaseError
from linepack.io.gassteadysim import (
    INCH,
    MILE,
    PSI,
    load_gassteadysim,
    read_params,
)
from linepack.network.model import CompressorMode

EIGHT_NODE = Path(__file__).resolve().parents[1] / "data" / "gassteadysim" / "8-node"
GASLIB_24 = EIGHT_NODE.parent / "GasLib-24"

Doc = dict[str, Any]
Edit = Callable[[Doc, Doc, Doc], None]


def case(tmp_path: Path, edit: Edit | None = None, source: Path = EIGHT_NODE) -> Path:
    """Copy a case folder, let ``edit(network, bc, params)`` change it, return its folder."""
    folder = tmp_path / source.name
    folder.mkdir()
    docs = [json.loads((source / f"{n}.json").read_text()) for n in ("network", "bc", "params")]
    if edit is not None:
        edit(*docs)
    for name, doc in zip(("network", "bc", "params"), docs, strict=True):
        (folder / f"{name}.json").write_text(json.dumps(doc))
    return folder


def error(folder: Path, **kw: Any) -> CaseError:
    with pytest.raises(CaseError) as info:
        load_gassteadysim(folder, **kw)
    return info.value


# ------------------------------------------------------------------------------ malformed


def test_missing_pipe_key_names_file_element_and_key(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        del net["pipes"]["3"]["length"]

    err = error(case(tmp_path, edit))
    assert err.file is not None
    assert err.file.endswith("network.json")
    assert err.key == "length"
    assert err.element == "pipe 'p3'"
    assert "network.json" in str(err)
    assert "'length'" in str(err)


def test_unknown_compressor_control_type_names_bc_file_and_key(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        bc["boundary_compressor"]["2"]["control_type"] = 7

    err = error(case(tmp_path, edit))
    assert err.file is not None
    assert err.file.endswith("bc.json")
    assert err.key == "control_type"
    assert err.value == 7
    assert err.element == "compressor 'c2'"
    assert "bc.json" in str(err)
    assert "control_type" in str(err)


def test_missing_slack_pressure_table(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        del bc["boundary_pslack"]

    err = error(case(tmp_path, edit))
    assert err.file is not None
    assert err.file.endswith("bc.json")
    assert err.key == "boundary_pslack"


def test_missing_compressor_boundary(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        del bc["boundary_compressor"]["3"]

    err = error(case(tmp_path, edit))
    assert err.file is not None
    assert err.file.endswith("bc.json")
    assert err.key == "boundary_compressor"
    assert err.element == "compressor 'c3'"


def test_boundary_for_undefined_element(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        bc["boundary_compressor"]["9"] = {"control_type": 0, "value": 1.2}

    err = error(case(tmp_path, edit))
    assert err.key == "boundary_compressor"
    assert err.value == "9"


def test_missing_temperature_names_params_file(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        del params["params"]["Temperature (K):"]

    err = error(case(tmp_path, edit))
    assert err.file is not None
    assert err.file.endswith("params.json")
    assert err.key == "Temperature (K):"


def test_unknown_unit_system(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        params["params"]["units (SI = 0, standard = 1)"] = 2

    err = error(case(tmp_path, edit))
    assert err.file is not None
    assert err.file.endswith("params.json")
    assert err.key == "units (SI = 0, standard = 1)"
    assert err.value == 2


def test_undefined_node_in_pipe(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        net["pipes"]["1"]["fr_node"] = 99

    err = error(case(tmp_path, edit))
    assert err.key == "fr_node"
    assert err.value == 99
    assert err.element == "pipe 'p1'"


def test_unknown_element_kind_is_refused(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        net["regulators"] = {"1": {"id": 1, "fr_node": 1, "to_node": 2}}

    err = error(case(tmp_path, edit))
    assert err.key == "regulators"
    assert "regulators" in str(err)


def test_missing_bc_file(tmp_path: Path) -> None:
    folder = case(tmp_path)
    (folder / "bc.json").unlink()
    err = error(folder)
    assert err.file is not None
    assert err.file.endswith("bc.json")


def test_invalid_json_names_line(tmp_path: Path) -> None:
    folder = case(tmp_path)
    (folder / "network.json").write_text('{"nodes": {,}}')
    err = error(folder)
    assert err.file is not None
    assert err.file.endswith("network.json")
    assert "line 1" in str(err)


def test_unknown_eos() -> None:
    err = error(EIGHT_NODE, eos="gerg2008")
    assert err.key == "eos"


# ----------------------------------------------------------------------------- conventions


def test_withdrawal_sign_and_slack(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        bc["boundary_nonslack_flow"]["4"] = -20.0  # negative withdrawal = injection
        bc["boundary_nonslack_flow"]["2"] = 0.0

    net = load_gassteadysim(case(tmp_path, edit))
    assert [(s.node, s.pressure, s.flow) for s in net.supplies] == [
        ("n1", 3447378.645, None),
        ("n4", None, 20.0),
    ]
    assert sorted((d.node, d.flow) for d in net.demands) == [("n3", 150.0), ("n5", 124.9999828)]


def test_gas_constant_temperature_and_pipes() -> None:
    net = load_gassteadysim(EIGHT_NODE, eos="full_cnga")
    st = net.settings
    assert st.gas_constant == pytest.approx(8.314 / (0.02896 * 0.6), rel=1e-15)
    assert st.specific_gravity == 0.6
    assert st.gas_temperature == pytest.approx(288.706)
    assert st.eos == "cnga-full"
    assert net.gas.ideal_specific_gravity == pytest.approx(0.6, rel=1e-12)
    p4 = net.pipes[3]
    assert (p4.from_node, p4.to_node, p4.length, p4.diameter) == ("n2", "n4", 60000.0, 0.635)
    assert (p4.friction, p4.friction_value) == ("constant", 0.015)
    assert all(n.elevation == 0.0 for n in net.nodes)
    assert [c.mode for c in net.compressors] == [CompressorMode.RATIO] * 3
    assert net.compressors[0].setpoint == 1.257963995
    assert all(c.driver_efficiency is None and c.heat_rate is None for c in net.compressors)


def test_compressor_control_types(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        bc["boundary_compressor"]["2"] = {"control_type": 1, "value": 5.0e6}
        bc["boundary_compressor"]["3"] = {"control_type": 2, "value": 120.0}

    c = load_gassteadysim(case(tmp_path, edit)).compressors
    assert (c[1].mode, c[1].setpoint) == (CompressorMode.OUTLET_PRESSURE, 5.0e6)
    assert (c[2].mode, c[2].setpoint) == (CompressorMode.FLOW, 120.0)


def test_standard_units_convert_like_gassteadysim(tmp_path: Path) -> None:
    si_net = load_gassteadysim(EIGHT_NODE)
    g, t = 0.6, 288.70599999999996
    mmscfd = 101325.0 * 0.02896 * g / (t * 8.314) * 0.02832e6 / 86400.0

    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        params["params"]["units (SI = 0, standard = 1)"] = 1
        for p in net["pipes"].values():
            p["length"] /= MILE
            p["diameter"] /= INCH
        for n in net["nodes"].values():
            n["min_pressure"] /= PSI
            n["max_pressure"] /= PSI
        bc["boundary_pslack"] = {k: v / PSI for k, v in bc["boundary_pslack"].items()}
        flows = bc["boundary_nonslack_flow"]
        bc["boundary_nonslack_flow"] = {k: v / mmscfd for k, v in flows.items()}

    net = load_gassteadysim(case(tmp_path, edit))
    for a, b in zip(net.pipes, si_net.pipes, strict=True):
        assert a.length == pytest.approx(b.length, rel=1e-14)
        assert a.diameter == pytest.approx(b.diameter, rel=1e-14)
    assert net.supplies[0].pressure == pytest.approx(si_net.supplies[0].pressure, rel=1e-14)
    assert net.nodes[0].p_max == pytest.approx(6e6, rel=1e-14)
    for a, b in zip(net.demands, si_net.demands, strict=True):
        assert a.flow == pytest.approx(b.flow, rel=1e-14)


def test_params_defaults_to_si(tmp_path: Path) -> None:
    path = tmp_path / "params.json"
    path.write_text(
        json.dumps({"params": {"Temperature (K):": 280.0, "Gas specific gravity": 0.65}})
    )
    p = read_params(path)
    assert (p.temperature, p.specific_gravity, p.units) == (280.0, 0.65, 0)
    assert p.gas_constant == pytest.approx(8.314 / (0.02896 * 0.65))


def test_gaslib24_links(tmp_path: Path) -> None:
    net = load_gassteadysim(GASLIB_24)
    assert [s.name for s in net.short_pipes] == ["sp1", "cv1", "cv2"]  # cv: ratio 1 = open
    r = net.resistors[0]
    assert (r.name, r.drag_factor, r.diameter) == ("r1", pytest.approx(5.41), 0.9)
    passed = load_gassteadysim(GASLIB_24, resistors="pass-through")
    assert not passed.resistors
    assert "r1" in [s.name for s in passed.short_pipes]

    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        extra = {"control_valve_id": 3, "control_valve_name": "cv3", "from_node": 14, "to_node": 1}
        net["control_valves"]["3"] = extra  # parallel to cv1, listed off: a closed valve
        bc["boundary_control_valve"]["off"] = [3]
        bc["boundary_control_valve"]["1"] = {"control_type": 1, "value": 4.0e6}

    edited = load_gassteadysim(case(tmp_path, edit, GASLIB_24))
    assert [(v.name, v.open) for v in edited.valves] == [("cv3", False)]
    assert [(g.name, g.setpoint) for g in edited.regulators] == [("cv1", 4.0e6)]


def test_control_valve_ratio_other_than_one_is_refused(tmp_path: Path) -> None:
    def edit(net: Doc, bc: Doc, params: Doc) -> None:
        bc["boundary_control_valve"]["1"] = {"control_type": 0, "value": 0.8}

    err = error(case(tmp_path, edit, GASLIB_24))
    assert err.file is not None
    assert err.file.endswith("bc.json")
    assert err.key == "control_type"
    assert err.element == "control valve 'cv1'"


def test_coordinates_only_when_asked(tmp_path: Path) -> None:
    assert load_gassteadysim(EIGHT_NODE).nodes[2].lat is None
    n3 = load_gassteadysim(EIGHT_NODE, coordinates="lon-lat").nodes[2]
    assert (n3.lon, n3.lat) == (0.64, 0.5)
    assert math.isfinite(n3.lon)


def test_folder_or_file_path(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(EIGHT_NODE, folder)
    a = load_gassteadysim(folder)
    b = load_gassteadysim(folder / "network.json")
    assert a.source == b.source
    assert a.name == "copy"
    assert len(a.nodes) == 8
