"""Transient (time-dependent) simulation: isothermal Euler equations on the network.

Entry point :func:`linepack.transient.simulate.simulate`; boundary conditions over time in
:mod:`linepack.network.schedule`; equations in :mod:`linepack.transient.system`; time schemes
in :mod:`linepack.transient.integrate`.
"""

from linepack.network.schedule import Event, Schedule, Series, parse_time
from linepack.transient.integrate import TransientOptions
from linepack.transient.results import TransientResult
from linepack.transient.simulate import initial_state, simulate
from linepack.transient.state import TransientState

__all__ = [
    "Event",
    "Schedule",
    "Series",
    "TransientOptions",
    "TransientResult",
    "TransientState",
    "initial_state",
    "parse_time",
    "simulate",
]
