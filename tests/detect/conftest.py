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
