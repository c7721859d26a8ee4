"""Mode changes of the steady control loop, with typed reasons.

The control loop (:mod:`linepack.steady.solve`), the structural fixes
(:mod:`linepack.steady.zones`) and the operating policy (:mod:`linepack.steady.policy`) record
each change of a station's or regulator's mode as a :class:`ModeChange`: the element, the kind
of change and a line for display. Code branches on ``element`` and ``kind``; ``text`` is for
people (the convergence report, ``summary.json``, error messages).

What each station holds after the changes is typed too: :attr:`linepack.steady.system.Modes.limit`
keeps one :class:`Held` per station, a :class:`Hold` (its own set-point or the named reason
for its mode) and, for a follower, the element it follows. Code branches on :class:`Hold`;
:attr:`Held.label` is the line shown in results (``limit`` of a solution's dataset) and
written to a transient state file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from linepack.errors import CaseError


class ChangeKind(StrEnum):
    """Why a mode changed."""

    #: A station switched to hold a limit (ratio, outlet, suction or power).
    LIMIT = "limit"
    #: A station left its limit for its own outlet set-point.
    RELEASED = "released"
    #: A station whose flow would reverse was shut.
    REVERSE = "reverse"
    #: A station bypassed: its inlet is above its outlet set-point.
    BYPASS = "bypass"
    #: A regulator made active, opened or closed by its pressures or flow.
    REGULATOR = "regulator"
    #: Competing pressure set-points: a later anchor follows the first (bypassed, opened, shut).
    FOLLOWER = "follower"
    #: Zero-resistance links join an element's inlet and outlet: bypassed or opened.
    SHORTED = "shorted"
    #: Pipes join an element's inlet and outlet in a zone nothing else holds: bypassed/opened.
    LOOPED = "looped"
    #: A zone without pressure level gets one (a station holds its suction, a regulator opens).
    FLOATING = "floating"
    #: A zero-resistance link closing a loop of such links is held at zero flow.
    IDLE = "idle"
    #: All stations bypassed and regulators opened (the set-points admit no solution).
    PASSIVE = "passive"
    #: The operating policy moved a set-point or started, bypassed or activated an element.
    POLICY = "policy"
    #: A policy step that left no solution, undone.
    UNDONE = "undone"
    #: A transient's schedule switched an element (a station on or off, a valve open or shut).
    SCHEDULE = "schedule"


@dataclass(frozen=True)
class ModeChange:
    """One change of the control loop.

    Attributes
    ----------
    element : str or None
        The element changed, e.g. ``"compressor 'k'"`` (None for a change of all of them).
    kind : ChangeKind
        Why.
    text : str
        The change in words, e.g. ``"compressor 'k': max_ratio (ratio 1.25 > 1.2)"``.
    """

    element: str | None
    kind: ChangeKind
    text: str

    def __str__(self) -> str:
        return self.text


class Hold(Enum):
    """What a compressor station holds: its own set-point or why it is in another mode.

    Each value is the label shown for it (see :attr:`Held.label`).
    """

    #: Its own control mode and set-point (the case's or the schedule's).
    SET_POINT = ""
    #: The limit checks switched it to hold a limit (:func:`linepack.steady.solve.update_modes`).
    MAX_RATIO = "max_ratio"
    MAX_OUTLET_PRESSURE = "max_outlet_pressure"
    MIN_SUCTION_PRESSURE = "min_suction_pressure"
    MAX_POWER = "max_power"
    #: The ratio that keeps the station outlet at its ``max_discharge_temperature``.
    MAX_DISCHARGE_TEMPERATURE = "max_discharge_temperature"
    #: Shut: its flow would reverse.
    REVERSE = "reverse flow blocked"
    #: Bypassed: its inlet is above its outlet.
    BYPASS = "bypass (inlet above outlet set-point)"
    #: The operating policy set its mode (bypassed, or holding its suction).
    POLICY = "policy"
    #: Bypassed with every other station: the case's set-points admit no solution.
    PASSIVE = "policy: passive start"
    #: Bypassed or shut: another element holds the pressure it would set.
    FOLLOWER = "follower"
    #: Bypassed: zero-resistance links join its inlet and outlet.
    SHORTED = "shorted"
    #: Off by a transient's schedule.
    SCHEDULE_OFF = "schedule: off"

    @property
    def label(self) -> str:
        """The hold in words ("" for its own set-point)."""
        return str(self.value)


#: The holds the limit checks of :func:`linepack.steady.solve.update_modes` switch to: a station
#: held by one returns to its set-point once the limit no longer binds.
LIMIT_HOLDS = frozenset(
    {
        Hold.MAX_RATIO,
        Hold.MAX_OUTLET_PRESSURE,
        Hold.MIN_SUCTION_PRESSURE,
        Hold.MAX_POWER,
        Hold.MAX_DISCHARGE_TEMPERATURE,
        Hold.REVERSE,
        Hold.BYPASS,
    }
)
_FOLLOWS = "follower: pressure held by "


@dataclass(frozen=True)
class Held:
    """What one compressor station holds.

    Attributes
    ----------
    hold : Hold
        Its own set-point or the reason for its mode.
    leader : str or None
        For :attr:`Hold.FOLLOWER`: the element whose pressure it follows, e.g.
        ``"node 'a'"``; None otherwise.

    Examples
    --------
    >>> Held(Hold.MAX_RATIO).label
    'max_ratio'
    >>> Held(Hold.FOLLOWER, "node 'a'").label
    "follower: pressure held by node 'a'"
    >>> Held.from_label("follower: pressure held by node 'a'") == Held(Hold.FOLLOWER, "node 'a'")
    True
    """

    hold: Hold
    leader: str | None = None

    @property
    def label(self) -> str:
        """The hold in words ("" for its own set-point)."""
        if self.hold is Hold.FOLLOWER:
            return f"{_FOLLOWS}{self.leader}"
        return self.hold.label

    def __str__(self) -> str:
        return self.label

    @classmethod
    def from_label(cls, text: str) -> Held:
        """The hold a :attr:`label` names (reading a saved state).

        Raises
        ------
        CaseError
            If ``text`` is no label of a hold.
        """
        if text.startswith(_FOLLOWS):
            return cls(Hold.FOLLOWER, text.removeprefix(_FOLLOWS))
        try:
            return cls(Hold(text))
        except ValueError:
            raise CaseError(
                "not the label of a station's hold",
                key="limit",
                value=text,
                expected=", ".join(repr(h.value) for h in Hold),
            ) from None


#: A station on its own set-point.
OWN = Held(Hold.SET_POINT)
