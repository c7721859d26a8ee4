"""Shared test helpers: small networks built in code."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def methane():  # type: ignore[no-untyped-def]
    """Pure methane."""
    from linepack.gas.composition import Gas

    return Gas.from_mapping({"methane": 1.0})
