"""Mode changes of the steady control loop, with typed reasons.

The control loop (:mod:`linepack.steady.solve`), the structural fixes
(:mod:`linepack.steady.zones`) and the operating policy (:mod:`linepack.steady.policy`) record
each change of a station's or regulator's mode as a :class:`ModeChange`: the element, the kind
of change and a line for display. Code branches on ``element`` and ``kind``; ``text`` is for
people (the convergence report, ``summary.json``, error messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
