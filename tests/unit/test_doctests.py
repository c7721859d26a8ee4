"""The doctested examples of the public API run, and there are some.

The modules are found from ``linepack``'s public names, so a function that moves to another
module takes its examples with it.
"""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

import linepack as lp

#: Public functions: each has a doctested example.
FUNCTIONS = ("load", "solve", "simulate", "capacity", "to_dataset")
#: Other modules whose docstrings hold examples (units, gas properties, graph helpers).
OTHERS = (
    "linepack.units",
    "linepack.gas.components",
    "linepack.gas.composition",
    "linepack.gas.transport",
    "linepack.network.topology",
    "linepack.studies.run",
    "linepack.studies.capacity",
    "linepack.studies.design",
    "linepack.network.kinds",
    "linepack.network.thermal",
    "linepack.steady.solve",
    "linepack.transient.integrate",
)


def _modules() -> list[str]:
    names = {"linepack", *OTHERS, lp.Schedule.__module__}
    names |= {getattr(lp, f).__module__ for f in FUNCTIONS}
    return sorted(names)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_public_function_has_numpydoc_example(name: str) -> None:
    doc = inspect.getdoc(getattr(lp, name)) or ""
    for section in ("Parameters", "Returns", "Examples"):
        assert f"\n{section}\n" in doc, f"lp.{name} has no {section} section"
    assert ">>> " in doc


@pytest.mark.parametrize("module", _modules())
def test_doctests_pass(module: str) -> None:
    mod = importlib.import_module(module)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(mod, optionflags=flags, report=True, verbose=False)
    assert result.attempted > 0, f"{module} has no doctest"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {module}"
