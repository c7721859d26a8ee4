"""Boundary conditions as functions of time: pure data and ``value_at(t)``.

A :class:`Schedule` maps *targets* ``(kind, name, quantity)`` to time series:

============  =====================  ===============================================
kind          quantity               meaning
============  =====================  ===============================================
supply        flow / pressure        inflow [kg/s] / pressure set-point [Pa abs]
demand        flow / pressure        outflow [kg/s] / pressure held [Pa abs]
compressor    setpoint / on          value in the station's own mode / 1 running, 0 off
regulator     setpoint               outlet pressure [Pa abs]
valve         open                   1 open, 0 closed
============  =====================  ===============================================

The kinds and their quantities are the element-kind table's
(:attr:`~linepack.network.kinds.ElementKind.scheduled`, :data:`QUANTITIES`).

A :class:`Series` is piecewise linear (``"linear"``, constant outside its first and last
breakpoint; a repeated time makes a jump) or piecewise constant (``"step"``, each value holds
from its time on). Both are right-continuous: at a jump the later value applies.

Named :class:`Event` s are steps on top of the series ("supply at port-qasim falls to 20 % at
02:00"): from its time on the target takes the event's value, or ``fraction`` times the case's
own (base) value. An event on a supply or demand whose quantity is not given acts on the
quantity the case fixes (its flow, or its pressure if it is pressure-set); it is resolved when
the schedule is bound to a network (:mod:`linepack.transient.boundary`).

Times are seconds from the start of the simulation; :func:`parse_time` also reads ``"02:00"``.
Schedules in case files (``[[schedule]]``, ``[[event]]``, CSV series) are read by
:mod:`linepack.io.schedule_toml`.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from linepack.errors import ScheduleError
from linepack.network.kinds import SCHEDULED

#: Quantities each target kind accepts (from the element-kind table).
QUANTITIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {section: kind.scheduled for section, kind in SCHEDULED.items()}
)

Key = tuple[str, str, str]


def parse_time(value: float | str) -> float:
    """Seconds from a number of seconds or a clock string ``"HH:MM"`` / ``"HH:MM:SS"``.

    Hours may exceed 24 (``"30:00"`` is 30 h after the start).

    Raises
    ------
    ScheduleError
        If the string is not a clock time, or the time is not finite.
    """
    if isinstance(value, int | float):
        t = float(value)
    else:
        parts = value.strip().split(":")
        ok = all(p.strip().replace(".", "", 1).isdigit() for p in parts)
        if len(parts) not in (2, 3) or not ok:
            raise ScheduleError(
                "cannot read this time",
                key="time",
                value=value,
                expected="seconds or a clock time 'HH:MM[:SS]'",
            )
        h, m, *s = (float(p) for p in parts)
        t = 3600.0 * h + 60.0 * m + (s[0] if s else 0.0)
    if not math.isfinite(t):
        raise ScheduleError(
            "a time must be finite", key="time", value=value, expected="a finite time [s]"
        )
    return t


@dataclass(frozen=True)
class Series:
    """A time series, piecewise linear or piecewise constant (steps).

    Attributes
    ----------
    times : tuple of float
        Breakpoints [s], non-decreasing (a repeated time makes a jump in a linear series).
    values : tuple of float
        Value at each breakpoint (SI).
    kind : str
        ``"linear"`` or ``"step"``.
    """

    times: tuple[float, ...]
    values: tuple[float, ...]
    kind: str = "linear"

    def __post_init__(self) -> None:
        if self.kind not in ("linear", "step"):
            raise ScheduleError(
                "unknown series kind",
                element="series",
                key="kind",
                value=self.kind,
                expected="'linear' or 'step'",
            )
        if len(self.times) != len(self.values) or not self.times:
            raise ScheduleError(
                "a series needs as many times as values, at least one",
                element="series",
                key="values",
                value=f"{len(self.times)} times, {len(self.values)} values",
                expected="as many values as times (at least one)",
            )
        if any(b < a for a, b in zip(self.times, self.times[1:], strict=False)):
            raise ScheduleError(
                "series times must not decrease",
                element="series",
                key="times",
                value=self.times,
                expected="times [s] in order (a repeated time makes a jump)",
            )
        if not all(math.isfinite(v) for v in (*self.times, *self.values)):
            raise ScheduleError(
                "series times and values must be finite",
                element="series",
                key="times" if not all(map(math.isfinite, self.times)) else "values",
                value=self.times if not all(map(math.isfinite, self.times)) else self.values,
                expected="finite numbers",
            )

    @classmethod
    def linear(cls, times: Sequence[float | str], values: Sequence[float]) -> Series:
        """Piecewise-linear series through ``(times[k], values[k])``."""
        return cls(tuple(parse_time(t) for t in times), tuple(float(v) for v in values))

    @classmethod
    def step(cls, times: Sequence[float | str], values: Sequence[float]) -> Series:
        """Piecewise-constant series: ``values[k]`` from ``times[k]`` on."""
        return cls(tuple(parse_time(t) for t in times), tuple(float(v) for v in values), "step")

    @classmethod
    def constant(cls, value: float) -> Series:
        """The same value at all times."""
        return cls((0.0,), (float(value),), "step")

    def value_at(self, t: float) -> float:
        """The value at time ``t`` [s] (right-continuous at jumps)."""
        k = bisect.bisect_right(self.times, t)  # first breakpoint after t
        if k == 0:
            return self.values[0]
        if self.kind == "step" or k == len(self.times):
            return self.values[k - 1]
        t0, t1 = self.times[k - 1], self.times[k]
        v0, v1 = self.values[k - 1], self.values[k]
        return v0 + (v1 - v0) * (t - t0) / (t1 - t0)

    def jumps(self) -> tuple[float, ...]:
        """Times where the value jumps."""
        if self.kind == "step":
            return tuple(
                t
                for t, a, b in zip(self.times[1:], self.values, self.values[1:], strict=False)
                if a != b
            )
        return tuple(
            t
            for k, t in enumerate(self.times[1:], 1)
            if t == self.times[k - 1] and self.values[k] != self.values[k - 1]
        )


@dataclass(frozen=True)
class Event:
    """A named step on one target from ``time`` on.

    Attributes
    ----------
    time : float
        [s] from the start.
    kind, name : str
        The target element (see :data:`QUANTITIES`).
    quantity : str or None
        Which of its quantities; None for a supply or demand: the one the case fixes.
    value : float or None
        New value (SI); or
    fraction : float or None
        New value as a fraction of the case's own value.
    label : str
        Readable description for reports.
    """

    time: float
    kind: str
    name: str
    quantity: str | None = None
    value: float | None = None
    fraction: float | None = None
    label: str = ""

    def new_value(self, base: float) -> float:
        """The value the target takes (``base`` is the case's own value)."""
        if self.value is not None:
            return self.value
        assert self.fraction is not None
        return self.fraction * base


def _check_target(kind: str, name: str, quantity: str | None) -> None:
    if kind not in QUANTITIES:
        raise ScheduleError(
            "unknown target kind",
            element=f"target '{name}'",
            key="kind",
            value=kind,
            expected=f"one of {', '.join(sorted(QUANTITIES))}",
        )
    if quantity is not None and quantity not in QUANTITIES[kind]:
        raise ScheduleError(
            f"unknown {kind} quantity",
            element=f"{kind} '{name}'",
            key="quantity",
            value=quantity,
            expected=f"one of {', '.join(QUANTITIES[kind])}",
        )


@dataclass
class Schedule:
    """Boundary conditions over time: series per target, and named events.

    Targets not in the schedule keep the case's values (those of the initial state).

    Examples
    --------
    >>> s = Schedule()
    >>> _ = s.set("demand", "kasur-sngpl", "flow", Series.linear([0, 3600], [400.0, 450.0]))
    >>> _ = s.event("supply", "port-qasim-lng", at="02:00", fraction=0.2)
    """

    series: dict[Key, Series] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def set(self, kind: str, name: str, quantity: str, series: Series) -> Schedule:
        """Give ``(kind, name, quantity)`` a time series; returns the schedule."""
        _check_target(kind, name, quantity)
        self.series[(kind, name, quantity)] = series
        return self

    def event(
        self,
        kind: str,
        name: str,
        *,
        at: float | str,
        to: float | None = None,
        fraction: float | None = None,
        quantity: str | None = None,
        label: str = "",
    ) -> Schedule:
        """Add a step on a target at ``at``: to the value ``to`` or ``fraction`` of the base.

        For a compressor without ``quantity``, ``to=0`` means a trip (``on``); for a valve,
        ``open``. Returns the schedule.
        """
        if (to is None) == (fraction is None):
            raise ScheduleError(
                "an event needs exactly one of 'to' and 'fraction'",
                element=f"event on {kind} '{name}'",
                key="fraction" if to is not None else "to",
                value={"to": to, "fraction": fraction},
                expected="exactly one of 'to' and 'fraction'",
            )
        if quantity is None and kind in SCHEDULED:
            quantity = SCHEDULED[kind].default_quantity
        _check_target(kind, name, quantity)
        t = parse_time(at)
        text = label or (
            f"{kind} '{name}' {quantity or 'flow/pressure'} "
            + (f"to {to:g}" if to is not None else f"to {100 * (fraction or 0):g} %")
            + f" at {t:g} s"
        )
        self.events.append(Event(t, kind, name, quantity, to, fraction, text))
        return self

    def resolve(self, quantity_of: Callable[[str, str], str]) -> Schedule:
        """A copy whose events all name a quantity (``quantity_of(kind, name)`` fills gaps)."""
        events = [
            e if e.quantity is not None else replace(e, quantity=quantity_of(e.kind, e.name))
            for e in self.events
        ]
        return Schedule(dict(self.series), events)

    def targets(self) -> frozenset[Key]:
        """All targets the schedule moves (events must be resolved)."""
        keys = {*self.series}
        for e in self.events:
            if e.quantity is None:
                raise ScheduleError(
                    "the event names no quantity: resolve the schedule first",
                    element=f"event {e.label!r}",
                    key="quantity",
                    expected="a schedule from Schedule.resolve",
                )
            keys.add((e.kind, e.name, e.quantity))
        return frozenset(keys)

    def value_at(self, key: Key, t: float, base: float) -> float:
        """Value of target ``key`` at time ``t`` [s]; ``base`` is the case's own value."""
        s = self.series.get(key)
        v = s.value_at(t) if s is not None else base
        for e in sorted(self.events, key=lambda e: e.time):
            if e.time <= t and (e.kind, e.name, e.quantity) == key:
                v = e.new_value(base)
        return v

    def jumps(self) -> tuple[float, ...]:
        """Times where some target jumps (steps and events), sorted."""
        times = {e.time for e in self.events}
        for s in self.series.values():
            times.update(s.jumps())
        return tuple(sorted(times))
