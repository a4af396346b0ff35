"""Gang (团伙) communities over linked cases, and how well they match ground truth (pure).

Connected components of the link graph are the first cut. A component can still glue two gangs
together through one mule account rented to both (卡农 sell to several gangs), so components
with more than a handful of cases are split by modularity (Louvain), which cuts such thin
bridges and leaves dense groups whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import networkx as nx
import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.metrics import adjusted_rand_score

SPLIT_FROM = 6  # components at least this large are checked for thin bridges
DENSE = 0.9  # a component this close to a clique has no thin bridge to cut: kept whole, no Louvain
RESOLUTION = 0.6  # below 1: prefer keeping a gang whole over splitting on a sparse inside


def communities(n: int, left: NDArray[np.int64], right: NDArray[np.int64], score: NDArray[np.float64],
                *, seed: int = 7, split: bool = True) -> NDArray[np.int64]:
    """A community label per node 0..n-1 (singletons get their own label); `split=False` stops at
    connected components (the baseline the split is measured against)."""
    adj = sparse.coo_matrix((score, (left, right)), shape=(n, n)).tocsr()
    n_comp, found = connected_components(adj, directed=False)
    labels: NDArray[np.int64] = np.asarray(found, dtype=np.int64)
    sizes = np.bincount(labels, minlength=n_comp)
    edges = np.bincount(labels[left], minlength=n_comp)
    density = edges / np.maximum(sizes * (sizes - 1) / 2, 1)
    big = np.flatnonzero((sizes >= SPLIT_FROM) & (density < DENSE))
    if len(big) == 0 or not split:
        return labels
    next_label = n_comp
    order = np.argsort(labels[left], kind="stable")
    edge_comp = labels[left][order]
    bounds = np.searchsorted(edge_comp, np.arange(n_comp + 1))
    for comp in big:
        idx = order[bounds[comp]:bounds[comp + 1]]
        g = nx.Graph()
        g.add_weighted_edges_from(zip(left[idx].tolist(), right[idx].tolist(), score[idx].tolist(), strict=True))
        parts = nx.community.louvain_communities(g, weight="weight", resolution=RESOLUTION, seed=seed)
        for part in parts[1:]:
            labels[list(part)] = next_label
            next_label += 1
    return labels


def _pairs(labels: Sequence[object]) -> int:
    return sum(c * (c - 1) // 2 for c in Counter(labels).values())


def pairwise_scores(truth: Sequence[int], predicted: Sequence[int]) -> dict[str, float]:
    """Pairwise precision/recall/F1 (pairs of cases put in one gang) and adjusted Rand index."""
    together_pred = _pairs(predicted)
    together_true = _pairs(truth)
    both = _pairs(list(zip(truth, predicted, strict=True)))
    precision = both / together_pred if together_pred else 1.0
    recall = both / together_true if together_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairwise_precision": round(precision, 4), "pairwise_recall": round(recall, 4),
            "pairwise_f1": round(f1, 4), "adjusted_rand_index": round(float(adjusted_rand_score(truth, predicted)), 4)}
