"""串并案 scoring and gang clustering (pure)."""

from __future__ import annotations

import numpy as np
import pytest

from fanzha.cases.clustering import communities, pairwise_scores
from fanzha.cases.graph import build_adjacency
from fanzha.cases.scoring import LINK_THRESHOLD, SharedEntity, entity_weight, explain, link_pairs, noisy_or


@pytest.mark.parametrize(("shared", "linked"), [
    (["account"], True),
    (["phone"], True),
    (["wechat"], True),
    (["url"], True),
    (["ip"], False),
    (["app"], False),
    (["app", "app", "app"], False),
    (["ip", "app"], False),
    (["ip", "ip"], True),
    (["ip", "app", "app"], True),
])  # fmt: skip
def test_which_shared_evidence_links_two_cases(shared: list[str], linked: bool) -> None:
    assert (noisy_or(entity_weight(k, True) for k in shared) >= LINK_THRESHOLD) is linked


def test_a_malformed_shared_value_counts_half() -> None:
    assert entity_weight("account", False) == pytest.approx(entity_weight("account", True) / 2)


def test_explanations_name_the_strongest_evidence_first_in_chinese() -> None:
    reasons = explain([SharedEntity(1, "app", "抖音", True, 40),
                       SharedEntity(2, "account", "6222 **** **** 0015", True, 3)])
    assert reasons[0] == "共用银行账户 6222 **** **** 0015，共 3 起案件涉及"
    assert reasons[1].startswith("共用App 抖音")


def _links(rows: list[tuple[int, int]], weights: dict[int, float]):  # type: ignore[no-untyped-def]
    arr = np.array(rows, dtype=np.int64)
    w = np.array([weights[e] for e in range(max(weights) + 1)])
    adj = build_adjacency(arr[:, 0], arr[:, 1], weights_by_id=w)
    return adj, link_pairs(adj.matrix, adj.weights)


def test_batch_linking_matches_pairwise_noisy_or_and_skips_hubs() -> None:
    # cases 0,1 share account 10; 1,2 share only app 11; 3 shares two ips 12,13 with 4; app 14 is on every case.
    rows = [(0, 10), (1, 10), (1, 11), (2, 11), (3, 12), (3, 13), (4, 12), (4, 13)] + [(c, 14) for c in range(5)]
    adj, result = _links(rows, {10: 0.9, 11: 0.15, 12: 0.4, 13: 0.4, 14: 0.15} | {i: 0.0 for i in range(10)})
    pairs = {(int(adj.case_ids[a]), int(adj.case_ids[b])): s
             for a, b, s in zip(result.left, result.right, result.score, strict=True)}
    assert set(pairs) == {(0, 1), (3, 4)}
    assert pairs[(0, 1)] == pytest.approx(noisy_or([0.9, 0.15]))
    assert pairs[(3, 4)] == pytest.approx(noisy_or([0.4, 0.4, 0.15]))


def test_hub_entities_named_by_too_many_cases_link_nothing() -> None:
    rows = [(c, 0) for c in range(300)]
    _adj, result = _links(rows, {0: 0.9})
    assert len(result) == 0


def test_louvain_cuts_a_thin_bridge_between_two_gangs() -> None:
    # two cliques of 6 cases joined by one edge: components give one group, communities two.
    left, right = [], []
    for base in (0, 6):
        for i in range(6):
            for j in range(i + 1, 6):
                left.append(base + i)
                right.append(base + j)
    left.append(5)
    right.append(6)
    score = np.full(len(left), 0.9)
    truth = [0] * 6 + [1] * 6
    merged = communities(12, np.array(left), np.array(right), score, split=False)
    split = communities(12, np.array(left), np.array(right), score)
    assert len(set(merged.tolist())) == 1
    assert pairwise_scores(truth, split.tolist())["pairwise_precision"] == 1.0
    assert pairwise_scores(truth, split.tolist())["pairwise_recall"] == 1.0


@pytest.mark.parametrize(("truth", "predicted", "precision", "recall"), [
    ([1, 1, 2, 2], [1, 1, 2, 2], 1.0, 1.0),
    ([1, 1, 2, 2], [1, 1, 1, 1], 1 / 3, 1.0),
    ([1, 1, 1, 1], [1, 1, 2, 2], 1.0, 1 / 3),
    ([1, 2, 3, 4], [1, 2, 3, 4], 1.0, 1.0),
])  # fmt: skip
def test_pairwise_precision_and_recall(truth: list[int], predicted: list[int], precision: float,
                                       recall: float) -> None:
    s = pairwise_scores(truth, predicted)
    assert s["pairwise_precision"] == pytest.approx(precision, abs=1e-4)
    assert s["pairwise_recall"] == pytest.approx(recall, abs=1e-4)
