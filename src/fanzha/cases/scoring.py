"""串并案 scoring (pure): two cases are related when they share telling entities.

Each shared entity is independent evidence with a weight by kind (a mule account or a
scammer's phone says much more than both victims having 抖音 installed); the pair score is
noisy-or, 1 - Π(1 - w). Entities named by very many cases (hubs: a popular App, a platform's
official hotline) explain nothing and are left out. In batch the same sum of -log(1 - w) over
shared entities is one sparse product B·D·Bᵀ, so 100,000 cases link in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from fanzha.cases.entities import EntityKind, kind_name

# How much sharing one entity of this kind says about two cases being one gang's work.
KIND_WEIGHTS: dict[str, float] = {
    EntityKind.ACCOUNT: 0.9, EntityKind.DEVICE: 0.9, EntityKind.PHONE: 0.8, EntityKind.WECHAT: 0.8,
    EntityKind.QQ: 0.8, EntityKind.URL: 0.7, EntityKind.IP: 0.4, EntityKind.APP: 0.15,
}  # fmt: skip
INVALID_FACTOR = 0.5  # a malformed value may be a mis-typed digit: half the weight
LINK_THRESHOLD = 0.5  # one shared account or phone links; two weak clues do not
HUB_CASES = 200  # an entity named by more cases than this is a hub, not evidence


def entity_weight(kind: str, valid: bool) -> float:
    return KIND_WEIGHTS.get(kind, 0.3) * (1.0 if valid else INVALID_FACTOR)


def noisy_or(weights: Iterable[float]) -> float:
    keep = 1.0
    for w in weights:
        keep *= 1.0 - w
    return 1.0 - keep


@dataclass(frozen=True, slots=True)
class SharedEntity:
    entity_id: int
    kind: str
    masked: str
    valid: bool
    case_count: int  # how many cases name it (document frequency)

    @property
    def weight(self) -> float:
        return entity_weight(self.kind, self.valid)

    def explain(self) -> str:
        name = kind_name(self.kind)
        flag = "（格式存疑）" if not self.valid else ""
        return f"共用{name} {self.masked}{flag}，共 {self.case_count} 起案件涉及"


def explain(shared: Sequence[SharedEntity]) -> list[str]:
    """Chinese reasons, strongest evidence first."""
    return [s.explain() for s in sorted(shared, key=lambda s: (-s.weight, s.masked))]


@dataclass
class LinkResult:
    left: NDArray[np.int64]  # row index of the first case (left < right)
    right: NDArray[np.int64]
    score: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.left)


def incidence(case_idx: NDArray[np.int64], entity_idx: NDArray[np.int64], n_cases: int,
              n_entities: int) -> sparse.csr_matrix:
    """Binary cases × entities matrix (duplicates collapse)."""
    data = np.ones(len(case_idx), dtype=np.float64)
    m = sparse.csr_matrix((data, (case_idx, entity_idx)), shape=(n_cases, n_entities))
    m.data[:] = 1.0
    return m


def link_pairs(b: sparse.csr_matrix, entity_weights: NDArray[np.float64], *, threshold: float = LINK_THRESHOLD,
               hub_cases: int = HUB_CASES) -> LinkResult:
    """All case pairs whose noisy-or score over shared non-hub entities reaches the threshold."""
    df = np.asarray(b.sum(axis=0)).ravel()
    evidence = -np.log1p(-np.clip(entity_weights, 0.0, 0.999))
    evidence[(df < 2) | (df > hub_cases)] = 0.0  # unshared entities cannot link; hubs should not
    cols = np.flatnonzero(evidence)
    bb = b[:, cols].tocsr()
    weighted = bb.multiply(evidence[cols]).tocsr()
    s = sparse.triu(weighted @ bb.T, k=1).tocoo()
    cut = -math.log1p(-threshold)
    keep = s.data >= cut - 1e-12
    return LinkResult(left=s.row[keep].astype(np.int64), right=s.col[keep].astype(np.int64),
                      score=-np.expm1(-s.data[keep]))
