"""linepack: steady and transient simulation of natural-gas transmission pipelines and networks.

The package is layered: an editable :class:`~linepack.network.model.Network` (units accepted at
input) is compiled into SI arrays (:mod:`linepack.network.compile`) that pure vectorised kernels
(:mod:`linepack.steady`) solve; results come back as labelled arrays (:mod:`linepack.results`).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
