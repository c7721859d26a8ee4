"""Caloric properties of the gas: enthalpy, entropy, heat capacity, Joule-Thomson coefficient.

The contract (:class:`Caloric`) that the thermal solvers read. Implementations and
:func:`make_caloric` follow in this module.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


class Caloric(Protocol):
    """Specific enthalpy and entropy of one gas as functions of pressure and temperature.

    All values per unit mass, SI: h [J/kg], s [J/(kg K)], cp [J/(kg K)], dh/dp [J/(kg Pa)]
    (so the Joule-Thomson coefficient is ``-dh_dp / cp`` [K/Pa]). The reference state is the
    implementation's (differences are what matter); it is the same for ``h`` and ``s`` of one
    object. Methods broadcast ``p`` and ``T``.
    """

    @property
    def name(self) -> str:
        """Model name."""
        ...

    def h(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Specific enthalpy [J/kg]."""
        ...

    def s(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Specific entropy [J/(kg K)]."""
        ...

    def cp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """Isobaric heat capacity ``(dh/dT)_p`` [J/(kg K)]."""
        ...

    def dh_dp(self, p: npt.ArrayLike, T: npt.ArrayLike) -> FloatArray:
        """``(dh/dp)_T`` [J/(kg Pa)]."""
        ...

    def temperature_ph(
        self, p: npt.ArrayLike, h: npt.ArrayLike, T0: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Temperature [K] at which ``h(p, T) = h`` (``T0``: a starting guess)."""
        ...

    def temperature_ps(
        self, p: npt.ArrayLike, s: npt.ArrayLike, T0: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Temperature [K] at which ``s(p, T) = s`` (``T0``: a starting guess)."""
        ...
