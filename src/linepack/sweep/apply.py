"""What a sweep parameter addresses in a case, and how one scenario's values are applied.

A parameter name is resolved once against the base case into a :class:`Target`: the section,
the elements, the model field, the unit kind its values are given in, the range check and how
cheaply a change can be applied (its *stage*):

``boundary``
    demand and supply flows and pressures (``throughput``, ``inlet_pressure``,
    ``demand.NAME.flow``, ``supply.NAME.pressure``...): only the compiled set-point and injection
    arrays change (:func:`~linepack.network.compile.patch_compiled`);
``segment``
    pipe roughness and efficiency: only the compiled segment arrays change;
``compressor``
    compressor set-points: only the compiled set-point array changes;
``structural``
    everything else (geometry, elevations, limits, settings...): the case is compiled again;
``passthrough``
    ``economics.KEY`` and ``design.KEY``: kept in the scenario row for later evaluators, not
    applied to the network.

:func:`apply_values` builds the modified :class:`~linepack.network.model.Network` (copies of the
changed elements only); :func:`~linepack.network.compile.patch_compiled` derives the compiled
network of a modified case from a compiled one whose structure it shares, producing the same
arrays as :func:`~linepack.network.compile.compile_network` would, without rebuilding the equation
of state (about 40 ms for a GERG-2008 table).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from linepack.errors import CaseError
from linepack.network.kinds import KIND, NUMERIC_KINDS, SETPOINT, SETTINGS_KEYS, Role
from linepack.network.model import CompressorMode, Network
from linepack.network.validate import check_value, check_wall

__all__ = ["SPECIAL", "UNSWEPT_SETTINGS", "Target", "apply_values", "resolve"]

#: Parameter names that are not ``SECTION.NAME.KEY`` paths.
SPECIAL = ("throughput", "inlet_pressure")
#: Sections whose keys are stored in the scenario row and not applied to the network.
PASSTHROUGH = ("economics", "design")
#: Numeric settings that cannot be swept: the two halves of ``Settings.pseudo_critical`` (one
#: field holding both; a sweep sets one field).
UNSWEPT_SETTINGS = ("pseudo_critical_pressure", "pseudo_critical_temperature")


@dataclass(frozen=True)
class Target:
    """What one sweep parameter changes.

    Attributes
    ----------
    name : str
        The parameter name as given (``"throughput"``, ``"pipe.*.roughness"``).
    section : str
        ``node``, ``pipe``, ... (an element section), ``settings``, ``economics`` or ``design``.
    elements : tuple of int
        Positions in the network's list of that section (empty for settings and passthrough).
    field : str
        Model field set (``diameter`` for ``inner_diameter``).
    kind : str
        Unit kind of the values (see :data:`linepack.network.kinds.NUMERIC_KINDS`), or
        ``generic`` (any quantity).
    check : str, optional
        Range check of :data:`linepack.network.validate.CHECKS` on each SI value.
    stage : str
        ``boundary``, ``segment``, ``compressor``, ``structural`` or ``passthrough``.
    scale : bool
        For ``throughput``: the value is the total of the elements' flows, shared in
        proportion to their flows in the base case.
    """

    name: str
    section: str
    elements: tuple[int, ...]
    field: str
    kind: str
    check: str | None
    stage: str
    scale: bool = False


def _param_error(name: str, message: str, expected: str, value: Any = None) -> CaseError:
    return CaseError(message, element=f"--param '{name}'", value=value, expected=expected)


def _close(name: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_economics_key(name: str, key: str) -> None:
    """An ``economics.KEY`` must name an input of the tariff (a field of ``Economics``)."""
    import dataclasses

    from linepack.network.economics import Economics

    keys = [f.name for f in dataclasses.fields(Economics) if f.name != "notes"]
    if key not in keys:
        raise _param_error(
            name,
            f"unknown economic input{_close(key, keys)}",
            "economics.KEY with KEY one of " + ", ".join(keys),
        )


def _throughput(name: str, net: Network) -> Target:
    if net.delivery is None:
        raise _param_error(
            name, "the case names no delivery node", "a case with [case] delivery = '...'"
        )
    idx = tuple(
        i for i, d in enumerate(net.demands) if d.node == net.delivery and d.flow is not None
    )
    if not idx:
        raise _param_error(
            name,
            f"no fixed-flow demand at the delivery node '{net.delivery}'",
            "a [[demand]] with a flow at the delivery node",
        )
    return Target(name, "demand", idx, "flow", "flow", None, "boundary", scale=True)


def _inlet_pressure(name: str, net: Network) -> Target:
    idx = tuple(i for i, s in enumerate(net.supplies) if s.pressure is not None)
    if len(idx) != 1:
        names = ", ".join(net.supplies[i].name for i in idx) or "none"
        raise _param_error(
            name,
            f"the case has {len(idx)} pressure-set supplies ({names})",
            "exactly one; name one with supply.NAME.pressure",
        )
    return Target(name, "supply", idx, "pressure", "pressure", "positive", "boundary")


def _settings(name: str, key: str, section: str) -> Target:
    specs = SETTINGS_KEYS
    if key not in specs:
        raise _param_error(
            name, f"unknown settings key{_close(key, list(specs))}", "one of: " + ", ".join(specs)
        )
    spec = specs[key]
    if spec.kind not in NUMERIC_KINDS or key in UNSWEPT_SETTINGS:
        sweepable = [
            k for k, s in specs.items() if s.kind in NUMERIC_KINDS and k not in UNSWEPT_SETTINGS
        ]
        raise _param_error(name, "this setting cannot be swept", "one of: " + ", ".join(sweepable))
    return Target(name, section, (), spec.field or key, spec.kind, spec.check, "structural")


def _elements(name: str, section: str, which: str, net: Network) -> tuple[int, ...]:
    items = KIND[section].elements(net)
    if which == "*":
        if not items:
            raise _param_error(name, f"the case has no {section}", f"a case with a [[{section}]]")
        return tuple(range(len(items)))
    names = [e.name for e in items]
    if which not in names:
        raise _param_error(
            name,
            f"no {section} called '{which}'{_close(which, names)}",
            f"'*' or one of: {', '.join(names)}",
        )
    return (names.index(which),)


def _stage(section: str, key: str) -> str:
    kind = KIND[section]
    if kind.role is Role.BOUNDARY and key in kind.setpoints:
        return "boundary"
    if section == "pipe" and key in ("roughness", "efficiency"):
        return "segment"
    if section == "compressor" and key == "setpoint":
        return "compressor"
    return "structural"


def _element_target(name: str, net: Network) -> Target:
    section, _, rest = name.partition(".")
    which, _, key = rest.rpartition(".")
    if not which or not key:
        raise _param_error(
            name, "incomplete parameter name", "SECTION.NAME.KEY, e.g. pipe.*.roughness"
        )
    kind_of_section = KIND[section]
    specs = kind_of_section.keys
    if key not in specs:
        raise _param_error(
            name, f"unknown {section} key{_close(key, list(specs))}", "one of: " + ", ".join(specs)
        )
    spec = specs[key]
    idx = _elements(name, section, which, net)
    kind, check = spec.kind, spec.check
    if section == "compressor" and key == "setpoint":
        setpoints = {SETPOINT.get(CompressorMode(net.compressors[i].mode)) for i in idx}
        if len(setpoints) != 1 or None in setpoints:
            modes = ", ".join(f"{net.compressors[i].name}: {net.compressors[i].mode}" for i in idx)
            raise _param_error(
                name,
                f"the set-points have no common kind ({modes})",
                "compressors in one control mode other than bypass/off",
            )
        spec = setpoints.pop() or spec
        kind, check = spec.kind, spec.check
    if kind not in NUMERIC_KINDS:
        raise _param_error(name, f"{section} key '{key}' is not a number", "a numeric key")
    field = spec.attribute(key)
    stage = _stage(section, key)
    if stage == "boundary":
        items = kind_of_section.elements(net)
        other = "flow" if field == "pressure" else "pressure"
        unset = [items[i].name for i in idx if getattr(items[i], field) is None]
        if unset:
            raise _param_error(
                name,
                f"{section} {', '.join(repr(n) for n in unset)} is {other}-set, not {field}-set",
                f"a {section} whose {field} is given in the case (sweep its {other} instead)",
            )
    return Target(name, section, idx, field, kind, check, stage)


def resolve(name: str, net: Network) -> Target:
    """Resolve a sweep parameter name against a case.

    Parameters
    ----------
    name : str
        ``throughput``, ``inlet_pressure``, ``settings.KEY``, ``economics.KEY``,
        ``design.KEY`` or ``SECTION.NAME.KEY`` (``NAME`` may be ``*``: all elements).
    net : Network
        The base case.

    Returns
    -------
    Target

    Raises
    ------
    CaseError
        Unknown name, section, element or key; a key that is not a number; a boundary key not
        set in the case (sweeping the pressure of a flow-set supply); no delivery node.
    """
    if name == "throughput":
        return _throughput(name, net)
    if name == "inlet_pressure":
        return _inlet_pressure(name, net)
    section, _, rest = name.partition(".")
    sections = [*SPECIAL, "settings", *PASSTHROUGH, *KIND]
    if section == "economics" and rest and "." not in rest:
        _check_economics_key(name, rest)
    if section in PASSTHROUGH and rest and "." not in rest:
        return Target(name, section, (), rest, "generic", None, "passthrough")
    if section == "settings" and rest:
        return _settings(name, rest, section)
    if section in KIND:
        return _element_target(name, net)
    raise _param_error(
        name,
        f"unknown parameter{_close(name, sections)}",
        "throughput, inlet_pressure, settings.KEY, economics.KEY, design.KEY or "
        "SECTION.NAME.KEY with SECTION one of " + ", ".join(KIND),
    )


def _label(section: str, element: Any) -> str:
    return f"{section} '{element.name}'"


def _set_elements(lists: dict[str, list[Any]], base: Network, t: Target, value: float) -> None:
    attr = KIND[t.section].field
    if attr not in lists:
        lists[attr] = list(getattr(base, attr))
    items = lists[attr]
    if t.scale and len(t.elements) > 1:
        flows = [getattr(base, attr)[i].flow for i in t.elements]
        total = sum(flows)
        shares = [f / total for f in flows] if total else [1.0 / len(flows)] * len(flows)
        values = [value * s for s in shares]
    else:
        values = [value] * len(t.elements)
    for i, v in zip(t.elements, values, strict=True):
        el = items[i]
        check_value(v, t.check or "finite", element=_label(t.section, el), key=t.name)
        changes: dict[str, Any] = {t.field: v}
        if t.section == "pipe" and t.field in ("outer_diameter", "wall_thickness"):
            outer = v if t.field == "outer_diameter" else el.outer_diameter
            wall = v if t.field == "wall_thickness" else el.wall_thickness
            if outer is not None and wall is not None:
                check_wall(outer, wall, _label("pipe", el), wall)
                changes["diameter"] = outer - 2 * wall
        items[i] = dataclasses.replace(el, **changes)


def apply_values(base: Network, targets: Sequence[Target], values: Mapping[str, float]) -> Network:
    """The base case with one scenario's values applied (the base is not changed).

    Parameters
    ----------
    base : Network
        The base case.
    targets : sequence of Target
        Resolved parameters, applied in order (a later one wins where two set the same field).
    values : mapping
        SI value of each parameter, by name.

    Returns
    -------
    Network
        A copy sharing the unchanged elements with ``base``.

    Raises
    ------
    CaseError
        A value outside its key's range (a negative roughness), naming element and key.
    """
    lists: dict[str, list[Any]] = {}
    settings = base.settings
    for t in targets:
        value = float(values[t.name])
        if t.stage == "passthrough":
            continue
        if t.section == "settings":
            check_value(value, t.check or "finite", element="[settings]", key=t.field)
            changed: dict[str, Any] = {t.field: value}
            settings = dataclasses.replace(settings, **changed)
            continue
        _set_elements(lists, base, t, value)
    fields: dict[str, Any] = {"settings": settings, **lists}
    return dataclasses.replace(base, **fields)
