"""Schedules and events in TOML case files (and CSV files): reading, units, and typed errors.

Each error test breaks one thing in a small case and checks the error class and that the
message names the file, the element, the key, the value and what was expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linepack.errors import CaseError, UnitError
from linepack.io.case_toml import load_case, read_case
from linepack.io.load import load
from linepack.io.schedule_toml import load_scenario, load_schedule, read_schedule
from linepack.network.model import Network
from linepack.transient import Schedule

FILE = "sched.toml"
BAR = 1e5
ATM = 101_325.0

NETWORK = """
[settings]
atmosphere = "1 bar"

[gas]
composition = { methane = 0.9, ethane = 0.1 }

[[node]]
name = "a"
[[node]]
name = "b"
[[node]]
name = "c"
[[node]]
name = "d"
[[node]]
name = "e"

[[pipe]]
name = "ab"
from = "a"
to = "b"
length = "20 km"
inner_diameter = "500 mm"

[[pipe]]
name = "de"
from = "d"
to = "e"
length = "10 km"
inner_diameter = "400 mm"

[[compressor]]
name = "k"
from = "b"
to = "c"
setpoint = "70 barg"

[[compressor]]
name = "spare"
from = "b"
to = "c"
mode = "off"

[[regulator]]
name = "r"
from = "c"
to = "d"
setpoint = "50 barg"

[[valve]]
name = "v"
from = "e"
to = "a"
open = false

[[supply]]
name = "s"
node = "a"
pressure = "60 barg"

[[supply]]
name = "i"
node = "d"
flow = "2 kg/s"

[[demand]]
name = "x"
node = "e"
flow = "100 MMSCFD"
"""


def load_case_text() -> Network:
    return read_case(NETWORK, FILE)


def net_and(text: str) -> tuple[Network, str]:
    full = NETWORK + text
    return read_case(full, FILE), full


def schedule_of(text: str, base: Path | None = None) -> Schedule:
    net, full = net_and(text)
    return read_schedule(full, net, FILE, base)


def error_of(text: str, kind: type[CaseError] = CaseError, base: Path | None = None) -> CaseError:
    net, full = net_and(text)
    with pytest.raises(kind) as info:
        read_schedule(full, net, FILE, base)
    return info.value


def names_all(err: CaseError, *parts: str) -> None:
    text = str(err)
    for part in parts:
        assert part in text, f"{part!r} not in message: {text}"


# -- reading ----------------------------------------------------------------------------------
def test_the_network_reads_with_the_transient_sections() -> None:
    net, _ = net_and('[simulation]\nduration = "1 h"\n[[event]]\nwhatever = 1\n')
    assert [s.name for s in net.supplies] == ["s", "i"]


def test_inline_series_and_units() -> None:
    s = schedule_of(
        """
[[schedule]]
target = "demand"
name = "x"
quantity = "flow"
times = ["0 h", "90 min", "02:00", "3 h"]
values = ["100 MMSCFD", "150 MMSCFD", "50 kg/s", "5 t/h"]

[[schedule]]
target = "supply"
name = "s"
kind = "step"
times = ["0 s", "1 h"]
values = ["60 barg", "5.5 MPa"]

[[schedule]]
target = "compressor"
name = "k"
quantity = "setpoint"
times = ["0 h", "1 d"]
values = ["70 barg", "72 barg"]

[[schedule]]
target = "compressor"
name = "k"
quantity = "on"
times = ["0 h", "4 h", "5 h"]
values = [true, "off", 1]

[[schedule]]
target = "valve"
name = "v"
times = ["0 h", "1 h"]
values = ["closed", "open"]

[[schedule]]
target = "regulator"
name = "r"
times = ["0 h", "1 h"]
values = ["50 barg", "45 barg"]
"""
    )
    net = load_case_text()
    mmscfd = net.demands[0].flow / 100.0  # the case reader's conversion of 1 MMSCFD
    x = s.series[("demand", "x", "flow")]
    assert x.kind == "linear"
    assert x.times == (0.0, 5400.0, 7200.0, 10800.0)
    assert x.values == pytest.approx([100 * mmscfd, 150 * mmscfd, 50.0, 5000 / 3600], rel=1e-12)
    # a supply or demand without quantity: the one the case fixes (pressure for s)
    sp = s.series[("supply", "s", "pressure")]
    assert (sp.kind, sp.values) == ("step", (60 * BAR + 1e5, 55 * BAR))  # atmosphere = 1 bar
    assert s.series[("compressor", "k", "setpoint")].times == (0.0, 86400.0)
    on = s.series[("compressor", "k", "on")]
    assert (on.kind, on.values) == ("step", (1.0, 0.0, 1.0))  # switches default to steps
    assert s.series[("valve", "v", "open")].values == (0.0, 1.0)
    assert s.series[("regulator", "r", "setpoint")].values == (51 * BAR, 46 * BAR)


def test_events() -> None:
    s = schedule_of(
        """
[[event]]
name = "trip"
target = "supply"
element = "s"
quantity = "flow"
at = "2 h"
fraction = 0.2

[[event]]
target = "demand"
element = "x"
at = "01:30"
value = "120 MMSCFD"

[[event]]
name = "station trip"
target = "compressor"
element = "k"
at = "3 h"
value = false

[[event]]
target = "regulator"
element = "r"
at = "4 h"
fraction = "90 %"
"""
    )
    trip, dem, station, reg = s.events
    assert (trip.time, trip.kind, trip.name, trip.quantity) == (7200.0, "supply", "s", "flow")
    assert (trip.fraction, trip.value, trip.label) == (0.2, None, "trip")
    mmscfd = load_case_text().demands[0].flow / 100.0
    assert (dem.time, dem.quantity) == (5400.0, "flow")  # the quantity the case fixes
    assert dem.value == pytest.approx(120 * mmscfd, rel=1e-12)
    assert (station.quantity, station.value, station.label) == ("on", 0.0, "station trip")
    assert (reg.quantity, reg.fraction) == ("setpoint", pytest.approx(0.9))


def test_series_from_csv_with_units_in_the_header(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text(
        "# Kasur-like offtake\ntime [h],flow [MMSCFD],other [kg/s]\n0,100,1\n1.5,150,2\n\n3,80,3\n"
    )
    (tmp_path / "data" / "sw.csv").write_text("time,open\n00:00,closed\n01:00,1\n")
    text = """
[[schedule]]
target = "demand"
name = "x"
file = "data/x.csv"
column = "flow"

[[schedule]]
target = "valve"
name = "v"
file = "data/sw.csv"
"""
    net, full = net_and(text)
    case = tmp_path / "case.toml"
    case.write_text(full)
    s = load_schedule(case, load_case(case))  # the CSV path is relative to the case file
    mmscfd = net.demands[0].flow / 100.0
    x = s.series[("demand", "x", "flow")]
    assert x.times == (0.0, 5400.0, 10800.0)
    assert x.values == pytest.approx([100 * mmscfd, 150 * mmscfd, 80 * mmscfd], rel=1e-12)
    v = s.series[("valve", "v", "open")]
    assert (v.times, v.values, v.kind) == ((0.0, 3600.0), (0.0, 1.0), "step")


def test_bundled_scenarios() -> None:
    trip = load_scenario("psgp-56in-fsru-trip")
    (event,) = trip.schedule.events
    assert (event.kind, event.name, event.quantity) == ("supply", "port-qasim-lng", "flow")
    assert (event.time, event.fraction, event.label) == (7200.0, 0.2, "FSRU trip")
    assert (trip.settings.duration, trip.settings.dt) == (36 * 3600.0, 60.0)
    swing = load_scenario("psgp-56in-daily-swing")
    series = swing.schedule.series[("demand", "kasur-sngpl", "flow")]
    q0 = swing.network.demands[0].flow  # 1,200 MMSCFD in kg/s
    assert series.times[-1] == 48 * 3600.0
    assert series.value_at(0.0) == pytest.approx(q0, rel=1e-12)  # starts at the daily mean
    assert min(series.values) == pytest.approx(0.75 * q0, rel=1e-12)
    assert max(series.values) == pytest.approx(1.25 * q0, rel=1e-12)
    # the daily factors average 1.00 (trapezoidal rule over the first day)
    day = [k for k, t in enumerate(series.times) if t <= 86400.0]
    area = sum(
        (series.times[k + 1] - series.times[k]) * (series.values[k] + series.values[k + 1]) / 2
        for k in day[:-1]
    )
    assert area / 86400.0 == pytest.approx(q0, rel=1e-3)  # values rounded to whole MMSCFD
    # the networks are phase 1's: the steady solve of the start state is unchanged
    assert load("psgp-56in-fsru-trip").pipes == load("psgp-56in-phase1").pipes
    # a case without a schedule gives an empty one
    plain = load_scenario("psgp-56in-phase1")
    assert plain.schedule.series == {}
    assert plain.schedule.events == []


# -- errors -----------------------------------------------------------------------------------
SCHED = """
[[schedule]]
target = "demand"
name = "x"
quantity = "flow"
times = ["0 h", "1 h"]
values = ["100 MMSCFD", "120 MMSCFD"]
"""

EVENT = """
[[event]]
name = "cut"
target = "supply"
element = "s"
quantity = "flow"
at = "2 h"
fraction = 0.2
"""


def swap(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("text", "element", "key", "value", "expected"),
    [
        (SCHED + "nmae = 1", "schedule #1", "nmae", "1", "one of: target"),
        (swap(SCHED, 'target = "demand"', 'target = "pump"'), "schedule #1", "target", "pump", ""),
        (swap(SCHED, 'name = "x"', 'name = "xx"'), "schedule #1", "name", "xx", "demand"),
        (swap(SCHED, 'quantity = "flow"', 'quantity = "open"'), "demand 'x'", "quantity", "", ""),
        (SCHED + 'kind = "cubic"', "demand 'x'", "kind", "cubic", "'linear' or 'step'"),
        (swap(SCHED, '"0 h", "1 h"', '"0 h"'), "demand 'x'", "values", "", "one value per time"),
        (swap(SCHED, '"0 h", "1 h"', '"2 h", "1 h"'), "demand 'x'", "times[1]", "", "in order"),
        (swap(SCHED, 'times = ["0 h", "1 h"]', ""), "demand 'x'", "times", None, "list of times"),
        (SCHED + 'column = "q"', "demand 'x'", "column", "q", "file"),
        (EVENT + 'value = "1 kg/s"', "event 'cut'", "value", "", "exactly one of"),
        (swap(EVENT, "fraction = 0.2", ""), "event 'cut'", "fraction", None, "exactly one of"),
        (swap(EVENT, "fraction = 0.2", "fraction = -0.2"), "event 'cut'", "fraction", "-0.2", ">="),
        (swap(EVENT, 'element = "s"', 'element = "t"'), "event 'cut'", "element", "t", "supply"),
        (swap(EVENT, 'at = "2 h"', 'at = "-2 h"'), "event 'cut'", "at", "-2 h", ">= 0"),
        (swap(EVENT, 'at = "2 h"', 'at = "2:xx"'), "event 'cut'", "at", "2:xx", "'02:00'"),
        (
            swap(swap(EVENT, '"supply"', '"valve"'), '"s"\nquantity = "flow"', '"v"'),
            "event 'cut'",
            "fraction",
            "0.2",
            "value = false",
        ),
        (
            swap(SCHED, 'target = "demand"\nname = "x"\nquantity = "flow"', 'target = "compressor"')
            + 'name = "k"',
            "compressor 'k'",
            "quantity",
            None,
            "'setpoint' or 'on'",
        ),
        (
            swap(SCHED, 'target = "demand"\nname = "x"\nquantity = "flow"', 'target = "compressor"')
            + 'name = "spare"\nquantity = "setpoint"',
            "compressor 'spare'",
            "quantity",
            "setpoint",
            "'on'",
        ),
        (
            swap(SCHED, 'target = "demand"\nname = "x"\nquantity = "flow"', 'target = "valve"')
            + 'name = "v"\nkind = "linear"',
            "valve 'v'",
            "kind",
            "linear",
            "'step'",
        ),
        (
            swap(
                swap(SCHED, 'target = "demand"\nname = "x"\nquantity = "flow"', 'target = "valve"'),
                '"100 MMSCFD", "120 MMSCFD"',
                '"shut", "open"',
            )
            + 'name = "v"',
            "valve 'v'",
            "values[0]",
            "shut",
            "'open'/'closed'",
        ),
        (
            swap(SCHED, '"100 MMSCFD", "120 MMSCFD"', '"60 barg", "-1 bar"').replace(
                'quantity = "flow"', 'quantity = "pressure"'
            ),
            "demand 'x'",
            "values[1]",
            "-1 bar",
            "> 0",
        ),
        (SCHED + SCHED, "schedule #2", "name", "x", "one [[schedule]] per element"),
        ('[simulation]\nduration = "0 h"', "[simulation]", "duration", "0 h", "> 0"),
        ('[simulation]\nlength = "1 h"', "[simulation]", "length", "1 h", "duration"),
        ('[schedule]\ntarget = "demand"', "[[schedule]]", None, "", "[[schedule]]"),
    ],
)
def test_case_errors(
    text: str, element: str, key: str | None, value: str | None, expected: str
) -> None:
    err = error_of(text)
    assert type(err) is CaseError
    assert err.file == FILE
    names_all(err, FILE, element, expected)
    if key is not None:
        assert err.key == key
    if value:
        names_all(err, value)
    if value is None:
        assert err.value is None


@pytest.mark.parametrize(
    ("old", "new", "key", "value", "expected"),
    [
        ('"0 h", "1 h"', '0, "1 h"', "times[0]", "0", "a unit is required"),
        ('"0 h", "1 h"', '"0 h", "1 km"', "times[1]", "1 km", "wrong dimension"),
        ('"100 MMSCFD", "120 MMSCFD"', '"100 MMSCFD", "120 bar"', "values[1]", "120 bar", "flow"),
        (
            '"100 MMSCFD", "120 MMSCFD"',
            '"100 MMSCFD", "12 widgets/day"',
            "values[1]",
            "12 widgets/day",
            "unknown unit",
        ),
    ],
)
def test_unit_errors(old: str, new: str, key: str, value: str, expected: str) -> None:
    err = error_of(swap(SCHED, old, new), UnitError)
    assert err.file == FILE
    assert err.key == key
    names_all(err, "schedule #1 (demand 'x')", value, expected)


def test_csv_errors(tmp_path: Path) -> None:
    text = SCHED.replace('times = ["0 h", "1 h"]\nvalues = ["100 MMSCFD", "120 MMSCFD"]', "")
    # a missing file
    err = error_of(text + 'file = "nope.csv"', base=tmp_path)
    assert (err.file, err.key, err.value) == (FILE, "file", "nope.csv")
    names_all(err, "demand 'x'", "cannot read")
    # a bad cell: the CSV file, its row and column are named
    (tmp_path / "q.csv").write_text("time [h],flow [MMSCFD]\n0,100\n1,lots\n")
    err = error_of(text + 'file = "q.csv"', UnitError, base=tmp_path)
    assert err.file == str(tmp_path / "q.csv")
    assert (err.element, err.key) == ("row 3", "flow")
    names_all(err, "lots")
    # a number without a unit anywhere
    (tmp_path / "n.csv").write_text("time [h],flow\n0,100\n")
    err = error_of(text + 'file = "n.csv"', UnitError, base=tmp_path)
    assert (err.element, err.key) == ("row 2", "flow")
    names_all(err, "flow [unit]")
    # decreasing times in the file
    (tmp_path / "d.csv").write_text("time [min],flow [kg/s]\n10,1\n5,2\n")
    err = error_of(text + 'file = "d.csv"', base=tmp_path)
    names_all(err, FILE, "demand 'x'", "must not decrease")
    # several value columns and none chosen; a column that is not there
    (tmp_path / "w.csv").write_text("time [h],a [kg/s],b [kg/s]\n0,1,2\n")
    err = error_of(text + 'file = "w.csv"', base=tmp_path)
    assert err.key == "column"
    names_all(err, "one of: a, b")
    err = error_of(text + 'file = "w.csv"\ncolumn = "c"', base=tmp_path)
    names_all(err, "no such column", "one of: a, b")
    # a file with only a header; both file and times
    (tmp_path / "h.csv").write_text("time [h],flow [kg/s]\n")
    err = error_of(text + 'file = "h.csv"', base=tmp_path)
    assert err.file == str(tmp_path / "h.csv")
    names_all(err, "no data")
    err = error_of(SCHED + 'file = "q.csv"', base=tmp_path)
    names_all(err, "either 'file' or 'times'")


def test_invalid_toml_and_unreadable_file(tmp_path: Path) -> None:
    net = load_case_text()
    with pytest.raises(CaseError, match="line 1") as info:
        read_schedule("[[schedule]\n", net, FILE)
    assert info.value.file == FILE
    with pytest.raises(CaseError, match="cannot read case file"):
        load_schedule(tmp_path / "missing.toml", net)
