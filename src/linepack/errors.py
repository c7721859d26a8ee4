"""Typed errors.

Every error linepack raises on purpose derives from :class:`LinepackError`. Each one carries the
place (file, element, key), the offending value and what was expected, so that the CLI can print
one readable line and a program can react to the fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


class LinepackError(Exception):
    """Base class of all errors linepack raises on purpose."""


@dataclass
class CaseError(LinepackError):
    """Bad input in a case file or a programmatic model.

    Parameters
    ----------
    message : str
        What is wrong, in words.
    file : str, optional
        The case file, if the input came from one.
    element : str, optional
        The element or section, e.g. ``"pipe 'P1'"`` or ``"[gas]"``.
    key : str, optional
        The key inside the element, e.g. ``"length"``.
    value : Any, optional
        The value that was given.
    expected : str, optional
        What was expected instead.
    """

    message: str
    file: str | None = None
    element: str | None = None
    key: str | None = None
    value: Any = None
    expected: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.element:
            where.append(self.element)
        if self.key:
            where.append(f"key '{self.key}'")
        head = ": ".join(where)
        text = f"{head}: {self.message}" if head else self.message
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text

    def located(self, file: str) -> CaseError:
        """Return a copy of this error that names ``file`` (if it names none yet)."""
        if self.file:
            return self
        return dataclasses.replace(self, file=file)


class UnitError(CaseError):
    """A quantity with an unknown unit or a unit of the wrong dimension."""


class TopologyError(CaseError):
    """A network that cannot be solved as given (islands without pressure reference, ...)."""


@dataclass
class SolverError(LinepackError):
    """A solve that did not produce a valid answer.

    Parameters
    ----------
    message : str
        Why the solve failed.
    element : str, optional
        The node or element where it failed, e.g. ``"node 'kasur'"``.
    bound : str, optional
        The bound that could not be held, e.g. ``"pressure > 0"``.
    amount : float, optional
        By how much the bound is passed, in SI units: Pa for a pressure bound, kg/s for a flow
        bound (the message may state it in bar). For the bound ``"pressure > 0"``: the
        pressure reached [Pa] (zero or below, or the last iterate's).
    report : Any, optional
        The convergence report at the time of failure.
    """

    message: str
    element: str | None = None
    bound: str | None = None
    amount: float | None = None
    report: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.element}: {self.message}" if self.element else self.message
        if self.bound:
            text += f" [bound: {self.bound}]"
        return text


class ConvergenceError(SolverError):
    """Newton's method did not reach the tolerance in the allowed iterations."""


class InfeasibleError(SolverError):
    """The operating point asked for cannot exist (pressure would fall to zero, a limit binds)."""


@dataclass(frozen=True)
class Where:
    """Where a value sits (file and element), for error messages."""

    file: str
    element: str | None = None

    def error(
        self, message: str, key: str | None = None, value: Any = None, expected: str | None = None
    ) -> CaseError:
        """Build a :class:`CaseError` located here."""
        return CaseError(
            message, file=self.file, element=self.element, key=key, value=value, expected=expected
        )

    def at(self, element: str) -> Where:
        """The same file, another element."""
        return Where(self.file, element)


@dataclass
class PropertyRangeError(SolverError):
    """A gas property or friction law asked for where it is not defined or not tabulated.

    For example a solve that drives a pressure outside a tabulated equation of state's range,
    a state where GERG-2008 or AGA8-DETAIL find no density, or a negative Reynolds number.

    Parameters
    ----------
    message, element, bound, amount, report
        As :class:`SolverError`.
    model : str
        The model, e.g. ``"gerg2008"``, ``"detail"``, ``"friction"``.
    quantity : str
        ``"pressure"`` [Pa abs], ``"temperature"`` [K] or ``"reynolds"`` [-].
    value : float, optional
        The value asked for (the one furthest outside the range), in the quantity's unit.
    low, high : float, optional
        The range covered, in the quantity's unit (None where open or unknown).
    state : (float, float), optional
        Pressure [Pa abs] and temperature [K] of the evaluation, where it was one state.
    """

    model: str = ""
    quantity: str = ""
    value: float | None = None
    low: float | None = None
    high: float | None = None
    state: tuple[float, float] | None = None


class EosError(CaseError):
    """An equation of state that cannot be built as asked.

    An unknown model, a table grid or range that is not increasing, or a table tolerance that
    cannot be met (e.g. a phase boundary inside the range). ``key`` names the argument
    (``"p_range"``, ``"T_grid"``, ...), ``value`` is what was given, ``expected`` what is needed.
    """


@dataclass
class PardisoError(SolverError):
    """oneMKL PARDISO returned an error code (the solver then hands over to SuperLU).

    Parameters
    ----------
    message, element, bound, amount, report
        As :class:`SolverError`.
    phase : int
        The PARDISO phase that failed (11 analysis, 22 factorisation, 33 solve).
    code : int
        PARDISO's error code (negative).
    """

    phase: int = 0
    code: int = 0


class PropertyRangeWarning(UserWarning):
    """A property evaluated outside its model's range of validity, or not evaluated and replaced
    by a stated value; the message names the value used (and the range, where known).

    Issued once per model and quantity.

    Parameters
    ----------
    message : str
        What was evaluated where, and the value used.
    quantity : str, optional
        The property or state variable, e.g. ``"kappa"``, ``"pressure"``.
    value : float, optional
        The value used [unit of the quantity].
    """

    def __init__(self, message: str, quantity: str = "", value: float | None = None) -> None:
        super().__init__(message)
        self.quantity = quantity
        self.value = value


class LowTemperatureWarning(UserWarning):
    """Gas colder than the case's ``min_gas_temperature`` (hydrate and freezing guard).

    Issued by a steady solve with the energy balance, one per solve, naming every pipe and
    regulator outlet where the gas falls below the limit (coldest first).

    Parameters
    ----------
    message : str
        The places, their temperatures and the limit.
    places : list of str, optional
        One line per place (also in ``summary.json`` as ``low_temperature``).
    """

    def __init__(self, message: str, places: list[str] | None = None) -> None:
        super().__init__(message)
        self.places = list(places or [])


class OptionsError(CaseError, ValueError):
    """An option or argument of a solve or run outside its allowed values.

    ``element`` names the options object or function, ``key`` the option, ``value`` what was
    given and ``expected`` what is allowed. It is also a :class:`ValueError`, as these
    errors were before they were typed.
    """


@dataclass
class LinearSolveError(SolverError):
    """A linear solve of a Newton step that could not be done.

    Parameters
    ----------
    message, element, bound, amount, report
        As :class:`SolverError`.
    backend : str
        The linear solver: ``"lapack-band"``, ``"lapack-tridiagonal"`` or ``"superlu"``.
    position : int or None
        Position of the zero pivot in the solver's ordering (1-based, as LAPACK counts), if
        known.
    """

    backend: str = ""
    position: int | None = None


class SingularMatrixError(LinearSolveError):
    """The matrix is singular (LU met a zero pivot); the Newton driver reports it as a
    :class:`ConvergenceError` ("singular Jacobian")."""


class ScheduleError(CaseError):
    """A boundary-condition schedule that cannot be built as asked.

    A time that is not seconds or a clock time, a series whose times decrease or whose
    lengths differ, an unknown target kind or quantity, an event with neither or both of
    ``to`` and ``fraction``. ``element`` names the series, event or target, ``key`` the
    argument (``"times"``, ``"kind"``, ``"quantity"``...), ``value`` what was given and
    ``expected`` what is allowed.
    """


class ReportError(CaseError):
    """A block of a report document that breaks the report's rules.

    A number without a unit, a table row with the wrong number of cells, a figure that is
    not a PNG or whose name cannot be a file name, two figures with one name. ``element``
    names the block (``"card 'delivery pressure'"``, ``"table 'Pipes'"``, ``"figure 'map'"``),
    ``key`` the field (``"unit"``, ``"rows"``, ``"name"``, ``"png"``).
    """


@dataclass
class MarchError(CaseError):
    """A network the tree march (:mod:`linepack.steady.march`) cannot solve.

    The march needs a tree of pipes, short pipes and compressors with one pressure-set node
    (see :func:`linepack.steady.march.can_march`); the general solver handles the others.

    Parameters
    ----------
    message, file, element, key, value, expected
        As :class:`CaseError`.
    reason : str
        The first reason found by ``can_march``, e.g. ``"not a tree: ..."``.
    """

    reason: str = ""
