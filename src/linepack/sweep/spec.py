"""Parse ``--param NAME=SPEC`` options into a scenario table (SI floats, one row per scenario).

Spec syntax (values carry units as in case files; see ``docs/sweeps.md``):

* grid ``NAME=v1,v2,v3``: each value with a unit, or one unit after the list
  (``throughput=800,1000,1200 MMSCFD``); bare numbers for dimensionless keys;
* ``NAME=linspace(start, stop, n)``: n evenly spaced values, both ends included;
* ``NAME=range(start, stop, step)``: ``start``, ``start + step``, ... up to ``stop`` included when
  it falls on the grid (within 1e-9 of a step);
* distributions, sampled ``--samples N`` times with ``--seed S``: ``uniform(a, b)``,
  ``normal(mean, sd)``, ``triangular(low, mode, high)``, ``lognormal(median, sigma)`` (``sigma``
  of the logarithm, a bare number). A unit after the closing parenthesis applies to the bare
  numbers inside (``uniform(800, 1600) MMSCFD``).

Grid parameters form a Cartesian product (the first parameter varies slowest). If any
distribution is given, every grid point gets the same N samples (common random numbers: the
difference between two grid points is not blurred by sampling noise). The same parameters,
samples and seed give the same table, bit for bit; scenario ids are the row numbers.

Every value is turned into SI at once with the unit kind of its key (a gauge pressure with the
base case's atmosphere, a standard-volume flow with its gas density at the basis' reference
conditions, as the case reader does).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from linepack.errors import CaseError, UnitError
from linepack.gas.composition import NM3
from linepack.io.case_toml import parse_gas_constant
from linepack.network.kinds import UNIT
from linepack.network.model import Network
from linepack.network.validate import check_value
from linepack.sweep.apply import Target, resolve
from linepack.units import MMSCFD_PER_SCF_M3_S, mass_flow, parse, parse_flow

__all__ = [
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "DISTRIBUTIONS",
    "MAX_SCENARIOS",
    "Param",
    "Units",
    "human_columns",
    "parse_param",
    "parse_params",
    "scenario_table",
    "table_hash",
]

#: Seed of the random samples when none is given (recorded in ``sweep.json``).
DEFAULT_SEED = 20260101
#: Samples per grid point when a distribution is given without ``--samples``.
DEFAULT_SAMPLES = 100
#: Largest scenario table accepted.
MAX_SCENARIOS = 10_000_000
#: Distributions and their arguments.
DISTRIBUTIONS = {
    "uniform": ("a", "b"),
    "normal": ("mean", "sd"),
    "triangular": ("low", "mode", "high"),
    "lognormal": ("median", "sigma"),
}
#: Grid functions and their arguments.
GRIDS = {"linspace": ("start", "stop", "n"), "range": ("start", "stop", "step")}
#: SI unit of the table column for each unit kind (case-file key kinds from
#: :data:`linepack.network.kinds.UNIT`).
SI_UNITS = {
    **UNIT,  # the quantity kinds of case-file keys
    "dimensionless": "",
    "number": "",
    "time": "s",
    "velocity": "m/s",
    "money": "USD",
    "price_per_mass": "USD/kg",
    "price_per_power": "USD/W",
    "price_per_energy": "USD/J",
    "price_per_area": "USD/m**2",
}
#: Kinds tried, in order, for the values of ``economics.KEY`` and ``design.KEY``.
_GENERIC_KINDS = (
    "dimensionless",
    "flow",
    "pressure",
    "length",
    "temperature",
    "power",
    "time",
    "velocity",
    "money",
    "price_per_mass",
    "price_per_power",
    "price_per_energy",
    "price_per_area",
)
#: Example values of each kind, for error messages.
_EXAMPLES = {
    "flow": "'1200 MMSCFD'",
    "pressure": "'85 barg'",
    "pressure_difference": "'0.5 bar'",
    "length": "'0.02 mm'",
    "temperature": "'25 degC'",
    "power": "'20 MW'",
    "viscosity": "'1.1e-5 Pa*s'",
    "gas_constant": "'518.3 J/(kg*K)'",
}
_NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$")
_NUMBER_UNIT = re.compile(
    r"^\s*(?P<num>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(?P<unit>\S.*?)\s*$"
)
_CALL = re.compile(r"^\s*(?P<fn>[A-Za-z_]\w*)\s*\((?P<args>.*)\)\s*(?P<unit>[^()]*?)\s*$")
_NAME = re.compile(r"^[A-Za-z_*][\w.*\-]*$")


@dataclass(frozen=True)
class Units:
    """What turning a case's quantities into SI needs.

    Attributes
    ----------
    atmosphere : float
        Atmospheric pressure for gauge values [Pa].
    densities : dict
        Gas density [kg/m³] at the reference conditions of ``scf``, ``sm3`` and ``nm3``.
    """

    atmosphere: float
    densities: dict[str, float]

    @classmethod
    def of(cls, net: Network) -> Units:
        """The units context of a case (its atmosphere, its gas at its reference conditions)."""
        st = net.settings
        return cls(
            st.atmosphere,
            {
                "scf": float(net.gas.density(st.scf)),
                "sm3": float(net.gas.density(st.sm3)),
                "nm3": float(net.gas.density(NM3)),
            },
        )


@dataclass(frozen=True)
class Param:
    """One parsed ``--param``.

    Attributes
    ----------
    name : str
        Parameter name (the table column).
    text : str
        The spec as given, ``NAME=...``.
    target : Target
        What it changes in the case.
    kind : str
        Unit kind of the values (for ``economics``/``design``: the kind found in them).
    values : tuple of float, optional
        Grid values [SI]; None for a distribution.
    distribution : str, optional
        ``uniform``, ``normal``, ``triangular`` or ``lognormal``.
    args : tuple of float
        Distribution arguments [SI; ``sigma`` of ``lognormal`` is dimensionless].
    """

    name: str
    text: str
    target: Target
    kind: str
    values: tuple[float, ...] | None = None
    distribution: str | None = None
    args: tuple[float, ...] = ()

    @property
    def unit(self) -> str:
        """SI unit of the table column."""
        return SI_UNITS[self.kind]


def _error(name: str, message: str, expected: str, value: object = None) -> CaseError:
    return CaseError(message, element=f"--param '{name}'", value=value, expected=expected)


def _split_args(text: str) -> list[str]:
    """Split at commas outside parentheses."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return out


def _with_unit(items: list[str], unit: str) -> list[str]:
    return [f"{v} {unit}" if unit and _NUMBER.match(v) else v for v in items]


def _si(text: str, kind: str, units: Units, name: str) -> float:
    """One value in SI."""
    where = f"--param '{name}'"
    if kind in ("number", "dimensionless") and _NUMBER.match(text):
        return float(text)
    if kind == "number":
        raise _error(name, "not a number", "a bare number", text)
    if _NUMBER.match(text):
        example = _EXAMPLES.get(kind, "a quantity with a unit")
        raise _error(name, "a unit is required", f"a value with a unit such as {example}", text)
    if kind == "flow":
        return mass_flow(parse_flow(text, element=where), units.densities)
    if kind == "pressure":
        return parse(text, "pressure", element=where, atmosphere=units.atmosphere)
    if kind == "pressure_difference":
        return parse(text, "pressure", element=where, atmosphere=0.0)
    if kind == "gas_constant":  # no quantity kind of linepack.units: read as the case reader does
        return parse_gas_constant(text, where, name)
    return parse(text, kind, element=where)


def _si_difference(text: str, kind: str, units: Units, name: str) -> float:
    """A difference (a step, a standard deviation) in SI: ``f(x unit) - f(0 unit)``.

    So ``5 bar`` and ``5 barg`` are 5e5 Pa, ``2 degC`` is 2 K, as a difference should be.
    """
    if _NUMBER.match(text):
        return _si(text, kind, units, name)
    match = _NUMBER_UNIT.match(text)
    if match is None:
        return _si(text, kind, units, name)  # raises the reader's error
    return _si(text, kind, units, name) - _si(f"0 {match['unit']}", kind, units, name)


def _generic_kind(text: str, units: Units, name: str) -> str:
    """The first kind a value of ``economics``/``design`` parses as."""
    for kind in _GENERIC_KINDS:
        try:
            _si(text, kind, units, name)
        except UnitError:
            continue
        return kind
    raise _error(name, "cannot read this quantity", "a number or a quantity with a unit", text)


def _count(text: str, name: str, what: str) -> int:
    if not re.fullmatch(r"\s*\d+\s*", text) or int(text) < 1:
        raise _error(name, f"{what} must be a whole number >= 1", f"{what} such as 13", text)
    return int(text)


def _grid_values(fn: str, args: list[str], kind: str, units: Units, name: str) -> list[float]:
    if len(args) != 3:
        raise _error(
            name, f"{fn} takes 3 arguments, got {len(args)}", f"{fn}({', '.join(GRIDS[fn])})"
        )
    start, stop = _si(args[0], kind, units, name), _si(args[1], kind, units, name)
    if fn == "linspace":
        n = _count(args[2], name, "n")
        if n > MAX_SCENARIOS:
            raise _error(name, "too many values", f"n <= {MAX_SCENARIOS}", n)
        return [float(v) for v in np.linspace(start, stop, n)]
    step = _si_difference(args[2], kind, units, name)
    if not (math.isfinite(step) and step != 0 and (stop - start) / step >= 0):
        raise _error(
            name,
            "the step does not lead from start to stop",
            "a step of the sign of stop - start, not 0",
            args[2],
        )
    n = math.floor((stop - start) / step + 1e-9) + 1
    if n > MAX_SCENARIOS:
        raise _error(name, "too many values", f"at most {MAX_SCENARIOS}", n)
    return [float(v) for v in start + step * np.arange(n)]


def _distribution(
    fn: str, args: list[str], kind: str, units: Units, name: str
) -> tuple[float, ...]:
    names = DISTRIBUTIONS[fn]
    if len(args) != len(names):
        raise _error(
            name,
            f"{fn} takes {len(names)} arguments, got {len(args)}",
            f"{fn}({', '.join(names)})",
        )
    vals: tuple[float, ...]
    if fn == "normal":
        vals = (_si(args[0], kind, units, name), _si_difference(args[1], kind, units, name))
        ok, expected = vals[1] > 0, "sd > 0"
    elif fn == "lognormal":
        if not _NUMBER.match(args[1]):
            raise _error(name, "sigma is the spread of the logarithm", "a bare number", args[1])
        vals = (_si(args[0], kind, units, name), float(args[1]))
        ok, expected = vals[0] > 0 and vals[1] > 0, "median > 0 (SI, absolute) and sigma > 0"
    else:
        vals = tuple(_si(a, kind, units, name) for a in args)
        if fn == "uniform":
            ok, expected = vals[0] < vals[1], "a < b"
        else:
            ok, expected = (
                vals[0] <= vals[1] <= vals[2] and vals[0] < vals[2],
                "low <= mode <= high",
            )
    if not (ok and all(math.isfinite(v) for v in vals)):
        raise _error(name, f"bad {fn} arguments", expected, ", ".join(args))
    return vals


def split_param(text: str) -> tuple[str, str]:
    """Split ``NAME=SPEC`` (CaseError if there is no ``=`` or the name is malformed)."""
    name, sep, expr = text.partition("=")
    name = name.strip()
    if not sep or not expr.strip() or not _NAME.match(name):
        raise CaseError(
            "not a parameter spec",
            element="--param",
            value=text,
            expected="NAME=SPEC, e.g. throughput=800,1000,1200 MMSCFD",
        )
    return name, expr.strip()


def parse_param(text: str, net: Network, units: Units | None = None) -> Param:
    """Parse one ``--param`` against the base case.

    Parameters
    ----------
    text : str
        ``NAME=SPEC`` (see the module docstring).
    net : Network
        The base case (what the name addresses, the units context).
    units : Units, optional
        Defaults to ``Units.of(net)``.

    Returns
    -------
    Param

    Raises
    ------
    CaseError
        Naming the parameter: unknown name, bad syntax, wrong units, arguments out of order,
        grid values outside the key's range.
    """
    units = units or Units.of(net)
    name, expr = split_param(text)
    target = resolve(name, net)
    call = _CALL.match(expr)
    if call:
        fn = call["fn"]
        if fn not in DISTRIBUTIONS and fn not in GRIDS:
            known = ", ".join([*GRIDS, *DISTRIBUTIONS])
            raise _error(name, f"unknown function '{fn}'", f"a list or one of: {known}", expr)
        args = _split_args(call["args"])
        counted = {"linspace": 2, "lognormal": 1}.get(fn)
        items = _with_unit([a for i, a in enumerate(args) if i != counted], call["unit"])
        if counted is not None and counted < len(args):
            items.insert(counted, args[counted])
    else:
        fn = None
        items = _split_args(expr)
        last = _NUMBER_UNIT.match(items[-1])
        if last and not _NUMBER.match(items[-1]):
            items = _with_unit(items, last["unit"])
    if any(not a for a in items):
        raise _error(name, "empty value", "values separated by commas", expr)
    kind = target.kind
    if kind == "generic":
        kind = _generic_kind(items[0], units, name)
    if fn in DISTRIBUTIONS:
        args_si = _distribution(fn, items, kind, units, name)
        return Param(name, text, target, kind, distribution=fn, args=args_si)
    if fn in GRIDS:
        values = _grid_values(fn, items, kind, units, name)
    else:
        values = [_si(v, kind, units, name) for v in items]
    for v, shown in zip(values, items if fn is None else values, strict=True):
        try:
            check_value(v, target.check or "finite", element=name, key=name)
        except CaseError as err:
            raise _error(name, "value out of range", err.expected or "", shown) from None
    return Param(name, text, target, kind, values=tuple(values))


def parse_params(texts: Sequence[str], net: Network) -> list[Param]:
    """Parse all ``--param`` options (CaseError on a repeated name)."""
    units = Units.of(net)
    params = [parse_param(t, net, units) for t in texts]
    seen: set[str] = set()
    for p in params:
        if p.name in seen:
            raise _error(p.name, "given twice", "each parameter once")
        seen.add(p.name)
    return params


def _draw(p: Param, rng: np.random.Generator, n: int) -> np.ndarray:
    a = p.args
    if p.distribution == "uniform":
        return rng.uniform(a[0], a[1], n)
    if p.distribution == "normal":
        return rng.normal(a[0], a[1], n)
    if p.distribution == "triangular":
        return rng.triangular(a[0], a[1], a[2], n)
    return a[0] * np.exp(a[1] * rng.standard_normal(n))


def scenario_table(
    params: Sequence[Param], samples: int | None = None, seed: int | None = None
) -> pd.DataFrame:
    """The scenario table: column ``scenario`` (the row number) and one SI column per parameter.

    Parameters
    ----------
    params : sequence of Param
        Grid parameters form a Cartesian product (the first varies slowest); distributions
        are drawn ``samples`` times, in the order given, and the same samples repeat at every
        grid point.
    samples : int, optional
        Samples per grid point (default :data:`DEFAULT_SAMPLES` when a distribution is given).
    seed : int, optional
        Seed of :func:`numpy.random.default_rng` (default :data:`DEFAULT_SEED`).

    Returns
    -------
    pandas.DataFrame
        Rows ``grid point × sample``; ``attrs["units"]`` maps each column to its SI unit.

    Raises
    ------
    CaseError
        ``samples`` without a distribution, samples < 1, or more than :data:`MAX_SCENARIOS`.
    """
    grids = [p for p in params if p.values is not None]
    dists = [p for p in params if p.distribution is not None]
    if samples is not None and samples < 1:
        raise CaseError("must be >= 1", key="--samples", value=samples, expected="samples >= 1")
    if samples is not None and not dists:
        raise CaseError(
            "samples without a distribution",
            key="--samples",
            value=samples,
            expected="a --param with uniform(...), normal(...), triangular(...) or lognormal(...)",
        )
    n_samples = (samples or DEFAULT_SAMPLES) if dists else 1
    n_grid = math.prod(len(p.values or ()) for p in grids)
    if n_grid * n_samples > MAX_SCENARIOS:
        raise CaseError(
            "too many scenarios",
            element="--param",
            value=n_grid * n_samples,
            expected=f"at most {MAX_SCENARIOS}",
        )
    columns: dict[str, np.ndarray] = {}
    mesh = np.meshgrid(*[np.asarray(p.values, dtype=float) for p in grids], indexing="ij")
    for p, m in zip(grids, mesh, strict=True):
        columns[p.name] = np.repeat(m.ravel(), n_samples)
    rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
    for p in dists:
        columns[p.name] = np.tile(_draw(p, rng, n_samples), n_grid)
    n = n_grid * n_samples
    table = pd.DataFrame(
        {"scenario": np.arange(n, dtype=np.int64), **{p.name: columns[p.name] for p in params}}
    )
    table.attrs["units"] = {p.name: p.unit for p in params}
    return table


def table_hash(table: pd.DataFrame) -> str:
    """SHA-256 of a scenario table (column names, dtypes and values): resume checks it."""
    h = hashlib.sha256()
    h.update(str(len(table)).encode())
    for col in table.columns:
        arr = np.ascontiguousarray(table[col].to_numpy())
        h.update(f"|{col}|{arr.dtype.str}|".encode())
        h.update(arr.astype(arr.dtype.newbyteorder("<")).tobytes())
    return h.hexdigest()


def human_columns(table: pd.DataFrame, params: Sequence[Param], units: Units) -> pd.DataFrame:
    """Parameter columns in the units engineers read: ``NAME [MMSCFD]``, ``[barg]``, ``[degC]``...

    Flows become MMSCFD (scf at the case's reference conditions), pressures barg (the case's
    atmosphere), pressure differences bar, temperatures degC, powers MW, lengths below 1 cm mm
    and lengths of 1 km and more km; other values have no extra column.
    """
    out: dict[str, np.ndarray] = {}
    for p in params:
        v = table[p.name].to_numpy(dtype=float)
        if p.kind == "flow":
            out[f"{p.name} [MMSCFD]"] = v / units.densities["scf"] * MMSCFD_PER_SCF_M3_S
        elif p.kind == "pressure":
            out[f"{p.name} [barg]"] = (v - units.atmosphere) / 1e5
        elif p.kind == "pressure_difference":
            out[f"{p.name} [bar]"] = v / 1e5
        elif p.kind == "temperature":
            out[f"{p.name} [degC]"] = v - 273.15
        elif p.kind == "power":
            out[f"{p.name} [MW]"] = v / 1e6
        elif p.kind == "length" and v.size and np.nanmax(np.abs(v)) < 0.01:
            out[f"{p.name} [mm]"] = v * 1e3  # roughness, wall thickness
        elif p.kind == "length" and v.size and np.nanmin(np.abs(v)) >= 1000.0:
            out[f"{p.name} [km]"] = v / 1e3  # pipe lengths
    return pd.DataFrame(out, index=table.index)
