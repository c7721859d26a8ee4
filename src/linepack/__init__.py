"""linepack: steady and transient simulation of natural-gas transmission pipelines and networks.

The package is layered: an editable :class:`~linepack.network.model.Network` (units accepted at
input) is compiled into SI arrays (:mod:`linepack.network.compile`) that pure vectorised kernels
(:mod:`linepack.steady`) solve; results come back as labelled arrays (:mod:`linepack.results`).

The public API is this module: ``import linepack as lp`` gives

* :func:`load`: a case (a bundled name, a TOML case, a GasLib, morgen or GasSteadySim network);
* :func:`solve` with :class:`SteadyOptions` (and :class:`Control`, how stations are run): the
  steady state;
* :func:`simulate` with :class:`TransientOptions`, :class:`Schedule`, :class:`Series`: a
  transient under boundary conditions over time;
* :func:`capacity` (with an optional :class:`DesignBasis`): the largest throughput within every
  limit, and what binds;
* :func:`to_dataset`: labelled results (xarray) of a steady solution or a transient run;
* the errors to catch: :class:`CaseError` (bad input; the CLI exits with 2),
  :class:`SolverError` (no valid answer; exit 3) and their subclasses.

Every name is imported on first use (PEP 562), so ``import linepack`` stays cheap.

Examples
--------
>>> import linepack as lp
>>> sol = lp.solve(lp.load("psgp-56in-phase1"))
>>> ds = lp.to_dataset(sol)
>>> print(f"{ds['pressure_gauge'].sel(node='kasur').item() / 1e5:.2f} barg")
61.43 barg
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import xarray as xr

    from linepack.errors import (
        CaseError,
        ConvergenceError,
        InfeasibleError,
        LinepackError,
        SolverError,
        TopologyError,
        UnitError,
    )
    from linepack.io.load import bundled_cases, load
    from linepack.network.design import DesignBasis
    from linepack.network.model import Control, Network
    from linepack.network.schedule import Event, Schedule, Series
    from linepack.steady.solve import SteadyOptions, SteadySolution, solve
    from linepack.studies.capacity import CapacityResult
    from linepack.transient import TransientOptions, TransientResult, simulate

__version__ = "0.1.0"

#: Public name -> (module, attribute), imported on first access by :func:`__getattr__`.
_LAZY: dict[str, tuple[str, str]] = {
    "load": ("linepack.io.load", "load"),
    "bundled_cases": ("linepack.io.load", "bundled_cases"),
    "Network": ("linepack.network.model", "Network"),
    "Control": ("linepack.network.model", "Control"),
    "Thermal": ("linepack.network.model", "Thermal"),
    "DesignBasis": ("linepack.network.design", "DesignBasis"),
    "solve": ("linepack.steady.solve", "solve"),
    "SteadyOptions": ("linepack.steady.solve", "SteadyOptions"),
    "SteadySolution": ("linepack.steady.solve", "SteadySolution"),
    "simulate": ("linepack.transient", "simulate"),
    "TransientOptions": ("linepack.transient", "TransientOptions"),
    "TransientResult": ("linepack.transient", "TransientResult"),
    "Schedule": ("linepack.network.schedule", "Schedule"),
    "Series": ("linepack.network.schedule", "Series"),
    "Event": ("linepack.network.schedule", "Event"),
    "CapacityResult": ("linepack.studies.capacity", "CapacityResult"),
    "LinepackError": ("linepack.errors", "LinepackError"),
    "CaseError": ("linepack.errors", "CaseError"),
    "UnitError": ("linepack.errors", "UnitError"),
    "TopologyError": ("linepack.errors", "TopologyError"),
    "SolverError": ("linepack.errors", "SolverError"),
    "ConvergenceError": ("linepack.errors", "ConvergenceError"),
    "InfeasibleError": ("linepack.errors", "InfeasibleError"),
    "LowTemperatureWarning": ("linepack.errors", "LowTemperatureWarning"),
}

__all__ = [
    "CapacityResult",
    "CaseError",
    "Control",
    "ConvergenceError",
    "DesignBasis",
    "Event",
    "InfeasibleError",
    "LinepackError",
    "LowTemperatureWarning",
    "Network",
    "Schedule",
    "Series",
    "SolverError",
    "SteadyOptions",
    "SteadySolution",
    "Thermal",
    "TopologyError",
    "TransientOptions",
    "TransientResult",
    "UnitError",
    "__version__",
    "bundled_cases",
    "capacity",
    "load",
    "simulate",
    "solve",
    "to_dataset",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first access (PEP 562) and keep it in the module."""
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'linepack' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names and the module's own attributes."""
    return sorted(set(globals()) | set(__all__))


def capacity(
    network: Network,
    design: DesignBasis | None = None,
    *,
    inlet_pressure: float | None = None,
    min_delivery_pressure: float | None = None,
    max_velocity: float | None = None,
    supply_limit: bool = True,
) -> CapacityResult:
    """The largest throughput a network delivers within every limit, and what binds.

    The first answer of ``linepack capacity``
    (:func:`linepack.studies.capacity.max_throughput`), with the design basis read from the
    case when not given.

    Parameters
    ----------
    network : Network
        The case (stations as given; not changed).
    design : DesignBasis, optional
        Limits and defaults (default: the case's ``[design]`` table, read once by
        :func:`linepack.io.design_toml.read_design`; defaults where it is absent).
    inlet_pressure : float, optional
        Supply pressure [Pa abs] (default: the design basis'); at most the MAOP.
    min_delivery_pressure : float, optional
        Minimum delivery pressure [Pa abs] (default: the design basis').
    max_velocity : float, optional
        Maximum gas velocity [m/s] (default: the design basis').
    supply_limit : bool, optional
        Whether the supplies' ``flow_max`` limits the throughput.

    Returns
    -------
    CapacityResult
        The capacity [kg/s] (``max_throughput_mmscfd`` in MMSCFD), the binding limit and where,
        the margins of the others.

    Raises
    ------
    CaseError
        A design basis the network cannot supply (no MAOP, no minimum delivery pressure, ...).

    Examples
    --------
    >>> import linepack as lp
    >>> cap = lp.capacity(lp.load("psgp-56in-phase1"))
    >>> print(f"{cap.max_throughput_mmscfd:,.0f} MMSCFD; binding: {cap.binding_text()}")
    1,416 MMSCFD; binding: min_delivery_pressure at node 'kasur'
    """
    from linepack.studies.capacity import max_throughput

    if design is None:
        from linepack.io.design_toml import read_design

        design = read_design(network)
    return max_throughput(
        network,
        design=design,
        inlet_pressure=inlet_pressure,
        min_delivery_pressure=min_delivery_pressure,
        max_velocity=max_velocity,
        supply_limit=supply_limit,
    )


def to_dataset(result: SteadySolution | TransientResult) -> xr.Dataset:
    """Labelled results of a steady solution or a transient run, every variable with its units.

    A function here rather than a ``SteadySolution`` method: the steady solver sits below the
    results layer and imports no xarray, so the solution cannot build its own dataset.
    A :class:`TransientResult` has the method :meth:`~TransientResult.to_dataset`; this
    function calls it.

    Parameters
    ----------
    result : SteadySolution or TransientResult
        From :func:`solve` or :func:`simulate`.

    Returns
    -------
    xarray.Dataset
        Steady: dims ``node``, ``pipe``, ``compressor``, ``regulator``, ``point`` (see
        docs/results.md); pressures [Pa abs] (``pressure_gauge`` [Pa gauge]), flows [kg/s],
        power [W]. Transient: the same with a ``time`` dim [s].

    Raises
    ------
    TypeError
        ``result`` is neither kind.

    Examples
    --------
    >>> import linepack as lp
    >>> net = lp.load("psgp-56in-phase1")
    >>> ds = lp.to_dataset(lp.solve(net))
    >>> ds["pressure"].attrs["units"], ds.sizes["node"]
    ('Pa', 12)
    >>> run = lp.to_dataset(lp.simulate(net, hours=1, dt=600))
    >>> run["pressure"].dims, run.sizes["time"]
    (('time', 'node'), 7)
    """
    from linepack.steady.solve import SteadySolution

    if isinstance(result, SteadySolution):
        from linepack.results.steady import to_dataset as steady_dataset

        return steady_dataset(result)
    from linepack.transient.results import TransientResult

    if isinstance(result, TransientResult):
        return result.to_dataset()
    raise TypeError(
        f"to_dataset takes a SteadySolution or a TransientResult, not {type(result).__name__}"
    )
