"""The state of a transient at one time, and saving it for a restart.

A state holds what the next step needs: time, node pressures, edge flows and the operating
modes; for BDF2 also the state one step earlier (without it a restart begins with one backward
Euler step). Files are numpy ``.npz`` archives with the network's node and edge names, so a
state is only loaded into the network it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from linepack.errors import CaseError
from linepack.network.compile import CompiledNetwork
from linepack.steady import system as sy
from linepack.steady.changes import Held

FloatArray = NDArray[np.float64]

_MODE_FIELDS = ("compressor", "value", "regulator", "reg_value", "p_set", "idle")


@dataclass
class TransientState:
    """Everything the next time step needs.

    Attributes
    ----------
    t : float
        Time [s].
    pressure : ndarray
        Pressure of every node (interior segment nodes included) [Pa].
    flow : ndarray
        Mass flow of every edge [kg/s].
    modes : Modes
        Operating state of compressors, regulators and pressure set-points.
    previous : tuple of (float, ndarray, ndarray), optional
        Time, pressures and flows one step earlier (BDF2 history).
    inflow : ndarray, optional
        External inflow per node [kg/s] (supplies +, deliveries −): the base of fractions in
        events on switched quantities.
    temperature : ndarray, optional
        Temperature of every node [K] (``thermal = "energy"``).
    previous_temperature : ndarray, optional
        Node temperatures one step earlier [K] (BDF2 history, ``thermal = "energy"``).
    """

    t: float
    pressure: FloatArray
    flow: FloatArray
    modes: sy.Modes
    previous: tuple[float, FloatArray, FloatArray] | None = None
    inflow: FloatArray | None = None
    temperature: FloatArray | None = None
    previous_temperature: FloatArray | None = None

    def check(self, cn: CompiledNetwork) -> None:
        """Raise :class:`CaseError` unless the state's sizes fit ``cn``."""
        if self.pressure.shape != (cn.n_nodes,) or self.flow.shape != (cn.n_edges,):
            raise CaseError(
                "the saved state does not fit this network",
                key="state",
                value=f"{self.pressure.size} nodes, {self.flow.size} edges",
                expected=f"{cn.n_nodes} nodes and {cn.n_edges} edges",
            )

    def save(self, path: str | Path, cn: CompiledNetwork) -> None:
        """Write the state to an ``.npz`` file (names of nodes and edges included)."""
        m = self.modes
        extra: dict[str, object] = {}
        if self.previous is not None:
            extra = {
                "prev_t": self.previous[0],
                "prev_pressure": self.previous[1],
                "prev_flow": self.previous[2],
            }
        if self.inflow is not None:
            extra["inflow"] = self.inflow
        if self.temperature is not None:
            extra["temperature"] = self.temperature
        if self.previous_temperature is not None:
            extra["prev_temperature"] = self.previous_temperature
        np.savez(
            Path(path),
            t=self.t,
            pressure=self.pressure,
            flow=self.flow,
            node_names=np.asarray(cn.node_names, dtype=str),
            edge_names=np.asarray(cn.edge_names, dtype=str),
            limit=np.asarray(m.labels(), dtype=str),
            **{f"modes_{k}": getattr(m, k) for k in _MODE_FIELDS},
            **extra,  # type: ignore[arg-type]
        )

    @classmethod
    def load(cls, path: str | Path, cn: CompiledNetwork) -> TransientState:
        """Read a state written by :meth:`save` for the same network.

        Raises
        ------
        CaseError
            If the file cannot be read, is not a state file, or its node or edge names differ
            from the network's.
        """
        try:
            z = np.load(Path(path), allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise CaseError(
                f"cannot read the saved state ({exc})",
                file=str(path),
                expected="a state.npz written by linepack simulate",
            ) from None
        with z:
            if "node_names" not in z or "t" not in z:
                raise CaseError(
                    "not a linepack state file",
                    file=str(path),
                    expected="a state.npz written by linepack simulate",
                )
            if (
                tuple(z["node_names"].tolist()) != cn.node_names
                or tuple(z["edge_names"].tolist()) != cn.edge_names
            ):
                raise CaseError(
                    "the saved state belongs to another network (node or edge names differ)",
                    file=str(path),
                )
            modes = sy.Modes(
                compressor=z["modes_compressor"].astype(np.int64),
                value=z["modes_value"].astype(float),
                limit=[Held.from_label(str(s)) for s in z["limit"].tolist()],
                regulator=z["modes_regulator"].astype(np.int64),
                reg_value=z["modes_reg_value"].astype(float),
                p_set=z["modes_p_set"].astype(float),
                idle=z["modes_idle"].astype(bool),
            )
            prev = None
            if "prev_t" in z:
                prev = (float(z["prev_t"]), z["prev_pressure"].copy(), z["prev_flow"].copy())
            inflow = z["inflow"].copy() if "inflow" in z else None
            temp = z["temperature"].copy() if "temperature" in z else None
            prev_temp = z["prev_temperature"].copy() if "prev_temperature" in z else None
            state = cls(
                float(z["t"]),
                z["pressure"].copy(),
                z["flow"].copy(),
                modes,
                prev,
                inflow,
                temp,
                prev_temp,
            )
        state.check(cn)
        return state
