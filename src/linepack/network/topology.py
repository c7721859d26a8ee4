"""Small pure helpers on the graph of a network (integer node indices, no names).

Examples
--------
>>> [c.tolist() for c in islands(5, [0, 1, 3], [1, 2, 4])]
[[0, 1, 2], [3, 4]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from linepack.errors import TopologyError

IntArray = NDArray[np.int64]


def _as_index(values: Sequence[int] | NDArray[np.integer], n_nodes: int, what: str) -> IntArray:
    arr = np.asarray(values, dtype=np.int64).reshape(-1)
    if arr.size and (arr.min() < 0 or arr.max() >= n_nodes):
        bad = int(arr[(arr < 0) | (arr >= n_nodes)][0])
        raise TopologyError(
            f"{what} holds a node index outside 0..{n_nodes - 1}",
            key=what,
            value=bad,
            expected=f"node indices in 0..{n_nodes - 1}",
        )
    return arr


def component_labels(
    n_nodes: int,
    from_idx: Sequence[int] | NDArray[np.integer],
    to_idx: Sequence[int] | NDArray[np.integer],
) -> tuple[int, IntArray]:
    """Label the connected components of an undirected graph.

    Parameters
    ----------
    n_nodes : int
        Number of nodes; nodes are ``0 .. n_nodes - 1``.
    from_idx, to_idx : array_like of int
        End nodes of each edge (same length). Direction is ignored.

    Returns
    -------
    n_components : int
        Number of connected components (an isolated node is one).
    labels : ndarray of int
        Component label of each node, ``0 .. n_components - 1``.

    Raises
    ------
    TopologyError
        If the index arrays differ in length or hold an index outside the node range.
    """
    f = _as_index(from_idx, n_nodes, "from_idx")
    t = _as_index(to_idx, n_nodes, "to_idx")
    if f.shape != t.shape:
        raise TopologyError(
            f"from_idx has {f.size} entries but to_idx has {t.size}",
            key="to_idx",
            value=t.size,
            expected=f"{f.size} entries, one per edge as in from_idx",
        )
    if n_nodes == 0:
        return 0, np.zeros(0, dtype=np.int64)
    adjacency = coo_matrix((np.ones(f.size), (f, t)), shape=(n_nodes, n_nodes))
    n_comp, labels = connected_components(adjacency, directed=False)
    return int(n_comp), np.asarray(labels, dtype=np.int64)


def islands(
    n_nodes: int,
    from_idx: Sequence[int] | NDArray[np.integer],
    to_idx: Sequence[int] | NDArray[np.integer],
) -> list[IntArray]:
    """Split a graph into its islands (connected components).

    Parameters
    ----------
    n_nodes : int
        Number of nodes.
    from_idx, to_idx : array_like of int
        End nodes of each edge that connects (leave out closed valves and the like).

    Returns
    -------
    list of ndarray
        Sorted node indices of each island; islands ordered by their smallest node index.
    """
    n_comp, labels = component_labels(n_nodes, from_idx, to_idx)
    groups = [np.flatnonzero(labels == k).astype(np.int64) for k in range(n_comp)]
    return sorted(groups, key=lambda g: int(g[0]))
