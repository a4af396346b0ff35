"""Shared fixtures of the detection tests."""

from __future__ import annotations

import pytest

from fanzha.detect.engine import Detector
from fanzha.detect.normalize import normalize


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def compose_state(detector: Detector, text: str) -> int:
    """The hook/ask/frame state `compose.py` gives a text (what its pair rule and caps read)."""
    return detector.model.compose_state([f for _, f in detector.model.hits(normalize(text).text)])


def assert_batch_paths_equal_per_text(detector: Detector, texts: list[str]) -> None:
    """`detect_batch` (full verdicts) and `score_batch` give exactly what per-text `detect` gives."""
    batch = detector.detect_batch(texts)
    single = [detector.detect(t) for t in texts]
    assert [v.model_dump() for v in batch] == [v.model_dump() for v in single]
    scores = detector.score_batch(texts)
    assert scores.probability == [v.probability for v in single]
    assert scores.is_fraud == [v.is_fraud for v in single]
    assert scores.type_code == [v.type_code for v in single]
