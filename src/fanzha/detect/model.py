"""Sparse linear model over a selected vocabulary of char n-grams and lexicon phrases.

All features are matched in one pass by an Aho-Corasick automaton over the normalized text; a text's
class logits are the bias plus the sum of the weight rows of the features present (binary presence).
The artifact is a compressed .npz: features, float16 weights (classes N, F01..F99), bias, temperature.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import ahocorasick
import numpy as np
import numpy.typing as npt

from fanzha.detect import compose
from fanzha.detect.labels import TYPE_CLASSES
from fanzha.detect.lexicon import LexCue, lexicon_by_phrase, type_hints_by_phrase
from fanzha.detect.scan import FeatureIndex

Array = npt.NDArray[np.float32]
DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[3] / "data" / "detect" / "model.npz"
# How much of the hand-written lexicon prior is added on top of the learned weights (see lexicon.py).
# Measured on the realistic set (docs/detect.md): 0 -> F1 0.63, 0.5 -> 0.80, 1.0 -> 0.87.
PRIOR_SCALE = 1.0

# Characters that make an n-gram style rather than content: pronouns, particles, politeness. N-grams
# made only of these say "LLM prose" more than "fraud" (measured: 您好/我们/的是 top the TF-IDF weights).
STYLE_CHARS = frozenset("我你您他她它们的了是吗呢啊吧呀哦嗯好这那在有个一就也都和很请要会不对么什么")


def _sigmoid(z: float) -> float:
    """The fraud probability of calibrated log-odds (``math.exp``: both paths give the same bits)."""
    return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


def is_content_ngram(gram: str) -> bool:
    return not all(ch in STYLE_CHARS for ch in gram)


@dataclass
class LinearModel:
    """Two heads over one feature set: column 0 is the binary fraud log-odds, columns 1.. the
    fraud-type scores (``classes``). Decoupling them keeps "is it fraud" from being a 1-vs-13 softmax
    race (measured: the joint softmax flagged 25% of hard negatives on the realistic set)."""

    features: list[str]
    weights: Array  # (len(features), 1 + len(classes))
    bias: Array  # (1 + len(classes),)
    classes: tuple[str, ...] = TYPE_CLASSES
    temperature: float = 1.0  # divides the binary log-odds (fitted on held-out data)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Every lexicon phrase is a feature, also one added after the model was trained: it gets a zero
        learned row, so its hand-written prior counts at once and `fanzha detect train` learns it later.
        The composition phrases (compose.py) are features the same way (zero rows unless learned)."""
        known = set(self.features)
        missing = sorted({p for p in [*lexicon_by_phrase(), *type_hints_by_phrase(), *compose.phrases()]
                          if p not in known})
        if missing and self.classes == TYPE_CLASSES:
            self.features = [*self.features, *missing]
            pad = np.zeros((len(missing), self.weights.shape[1]), dtype=self.weights.dtype)
            self.weights = np.vstack([self.weights, pad])

    @cached_property
    def automaton(self) -> Any:
        automaton = ahocorasick.Automaton()
        for i, gram in enumerate(self.features):
            automaton.add_word(gram, i)
        automaton.make_automaton()
        return automaton

    @cached_property
    def lexicon(self) -> dict[int, LexCue]:
        by_phrase = lexicon_by_phrase()
        return {i: by_phrase[f] for i, f in enumerate(self.features) if f in by_phrase}

    @cached_property
    def effective_weights(self) -> Array:
        """Learned weights plus the scaled lexicon prior (folded once, at load).

        Every cue adds to the binary column (guards subtract); a typed cue also adds to its type; a type
        hint (lexicon.TYPE_HINTS) adds to its type only."""
        w = self.weights.astype(np.float32).copy()
        if PRIOR_SCALE and self.classes == TYPE_CLASSES:
            index = {c: j + 1 for j, c in enumerate(self.classes)}
            for i, cue in self.lexicon.items():
                w[i, 0] += PRIOR_SCALE * cue.weight
                if cue.type_code is not None:
                    w[i, index[cue.type_code]] += PRIOR_SCALE * cue.weight
            hints = type_hints_by_phrase()
            for i, feature in enumerate(self.features):
                for hint in hints.get(feature, ()):
                    w[i, index[hint.type_code]] += PRIOR_SCALE * hint.weight
        return w

    @cached_property
    def binary_weights(self) -> list[float]:
        """Column 0 of the effective weights as plain floats (fast per-hit look-ups for cues)."""
        return [float(x) for x in self.effective_weights[:, 0]]

    @cached_property
    def compose_states(self) -> npt.NDArray[np.int64]:
        """Per feature, its packed composition bits (compose.py; 0 for most features). A text's state is
        the OR over its features; only models with the DESIGN classes use it."""
        table = compose.phrases() if self.classes == TYPE_CLASSES else {}
        return np.array([table.get(f, 0) for f in self.features], dtype=np.int64)

    @cached_property
    def compose_state_list(self) -> list[int]:
        """``compose_states`` as plain ints (per-text path)."""
        return [int(x) for x in self.compose_states]

    def compose_state(self, feature_ids: list[int]) -> int:
        """One text's packed composition state from its feature ids (repeats allowed)."""
        states = self.compose_state_list
        state = 0
        for f in feature_ids:
            state |= states[f]
        return state

    @cached_property
    def feature_index(self) -> FeatureIndex:
        """Integer-key index of the features for the batch path (scan.py), from the effective weights."""
        return FeatureIndex(self.features, self.effective_weights, self.bias)

    @cached_property
    def feature_lengths(self) -> list[int]:
        return [len(f) for f in self.features]

    def hits(self, text: str) -> list[tuple[int, int]]:
        """(end_index_inclusive, feature_index) for every feature occurrence."""
        return list(self.automaton.iter(text))

    def scores(self, feature_ids: list[int]) -> Array:
        """Row of [binary log-odds, type scores...] for one text."""
        if not feature_ids:
            return self.bias.copy()
        ids = np.fromiter(set(feature_ids), dtype=np.int64)
        row: Array = self.bias + self.effective_weights[ids].sum(axis=0)
        return row

    def scores_batch(self, texts: list[str]) -> tuple[Array, list[list[tuple[int, int]]]]:
        """Scores for many texts with one sparse product, plus each text's hits."""
        from scipy.sparse import csr_matrix

        scan = self.automaton.iter
        all_hits = [list(scan(text)) for text in texts]
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(h) for h in all_hits], out=indptr[1:])
        cols = np.array([f for hits in all_hits for _, f in hits], dtype=np.int64)
        x = csr_matrix((np.ones(len(cols), dtype=np.float32), cols, indptr), shape=(len(texts), len(self.features)))
        x.sum_duplicates()
        x.data[:] = 1.0  # binary presence: a feature seen twice counts once
        return np.asarray(x @ self.effective_weights) + self.bias, all_hits

    def fraud_probability(self, binary_logit: float, rule_log_odds: float = 0.0) -> float:
        """Calibrated probability; rule evidence is already in calibrated log-odds, so it is added
        after the temperature."""
        return _sigmoid(binary_logit / self.temperature + rule_log_odds)

    def fraud_probabilities(
        self, binary_logits: npt.NDArray[np.float64], rule_log_odds: npt.NDArray[np.float64], threshold: float
    ) -> npt.NDArray[np.float64]:
        """``fraud_probability`` of many texts, equal once rounded to 4 places and compared with ``threshold``:
        the division and the sum are the same IEEE operations in NumPy, but NumPy's exponential may differ
        from ``math.exp`` in the last bit, so a value within 1e-9 of the threshold or of a 4-place rounding
        tie is computed again with ``math.exp`` (round fourteen: a list of ``math.exp`` calls took ~5 ms of a
        ~110 ms ``Detector.score_batch`` on 20,000 texts)."""
        z = binary_logits / self.temperature + rule_log_odds
        with np.errstate(over="ignore"):
            p: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
        p[z <= -50] = 0.0
        scaled = p * 10000.0
        tie = np.abs(np.abs(scaled - np.rint(scaled)) - 0.5) < 1e-5
        for i in np.flatnonzero(tie | (np.abs(p - threshold) < 1e-9)).tolist():
            p[i] = _sigmoid(float(z[i]))
        return p

    def best_type(self, row: Array) -> int:
        """Index into ``classes`` of the highest type score."""
        return int(np.argmax(row[1:]))

    # --- persistence ----------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            features=np.frombuffer("\n".join(self.features).encode("utf-8"), dtype=np.uint8),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            classes=np.frombuffer("\n".join(self.classes).encode("utf-8"), dtype=np.uint8),
            temperature=np.array([self.temperature], dtype=np.float32),
            meta=np.frombuffer(json.dumps(self.meta, ensure_ascii=False, sort_keys=True).encode(), np.uint8),
        )
        path.write_bytes(buf.getvalue())

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL_PATH) -> LinearModel:
        with np.load(path) as z:
            return cls(
                features=bytes(z["features"]).decode("utf-8").split("\n"),
                weights=z["weights"].astype(np.float32),
                bias=z["bias"].astype(np.float32),
                classes=tuple(bytes(z["classes"]).decode("utf-8").split("\n")),
                temperature=float(z["temperature"][0]),
                meta=json.loads(bytes(z["meta"]).decode("utf-8")),
            )
