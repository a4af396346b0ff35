"""The detector: text -> Verdict. Pure (no I/O beyond loading the model once), no web dependency."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import cache

import numpy as np

from fanzha.detect.entities import extract_entities
from fanzha.detect.explain import cues_for, guess_channel, has_cue, rule_cue
from fanzha.detect.labels import type_name
from fanzha.detect.lookalike import check_host, host_of, is_suspicious_tld
from fanzha.detect.model import LinearModel
from fanzha.detect.normalize import Normalized, has_cjk, normalize
from fanzha.detect.risklist import RiskList
from fanzha.detect.schemas import MAX_TEXT_CHARS, Cue, Entity, EntityKind, Flag, Verdict, built

THRESHOLD = 0.5
# A verdict without any cue toward fraud is capped here: "fraud" must always be explainable.
NO_EVIDENCE_CAP = 0.1
# Verdicts below this probability carry no cues (nothing worth explaining).
CUES_SHOWN_FROM = 0.2
# Rule evidence the corpora cannot teach, added as log-odds against "not fraud".
RISK_LISTED_WEIGHT = 4.0
# A counterpart on a 涉诈 list is evidence on its own (field practice: contact with a listed number is
# a warning whatever the words), so the probability never drops below this floor.
RISK_LISTED_FLOOR = 0.9
LOOKALIKE_WEIGHT = 3.0
SUSPICIOUS_TLD_WEIGHT = 1.5  # .top/.xyz/.vip… links: cheap TLDs dominate 伪基站 phishing SMS


@cache
def default_model() -> LinearModel:
    return LinearModel.load()


# Control characters other than line breaks/tabs, and the replacement character of broken UTF-8.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


def _decode(text: str | bytes, flags: list[str]) -> str:
    if isinstance(text, bytes):
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError:
            flags.append(Flag.INVALID_UTF8.value)
            return text.decode("utf-8", errors="replace")
    return text


def _input_flags(text: str, flags: list[str]) -> None:
    if not text.strip():
        flags.append(Flag.EMPTY.value)
        return
    controls = len(_CONTROL_RE.findall(text)) if _CONTROL_RE.search(text) else 0
    if controls > max(2, len(text) // 10):
        flags.append(Flag.BINARY.value)
    if not has_cjk(text):
        flags.append(Flag.NO_CHINESE.value)


class Detector:
    def __init__(
        self,
        model: LinearModel | None = None,
        risk_list: RiskList | None = None,
        threshold: float = THRESHOLD,
        max_chars: int = MAX_TEXT_CHARS,
    ) -> None:
        self.model = model or default_model()
        self.risk_list = risk_list or RiskList()
        self.threshold = threshold
        self.max_chars = max_chars

    def _prepare(self, text: str | bytes) -> tuple[Normalized, list[str], bool]:
        flags: list[str] = []
        s = _decode(text, flags)
        truncated = len(s) > self.max_chars
        if truncated:
            s = s[: self.max_chars]
            flags.append(Flag.TRUNCATED.value)
        _input_flags(s, flags)
        norm = normalize(s)
        if s.strip() and not norm.text.strip():
            flags.append(Flag.EMOJI_ONLY.value)
        if norm.evasion:
            flags.append(Flag.EVASION.value)
        return norm, flags, truncated

    def _rules(self, entities: list[Entity], now: datetime | None) -> tuple[float, list[Cue]]:
        boost = 0.0
        cues: list[Cue] = []
        for i, e in enumerate(entities):
            if self.risk_list and (entry := self.risk_list.lookup_entity(e, now)) is not None:
                entities[i] = e = e.model_copy(update={"risk_listed": True})
                boost += RISK_LISTED_WEIGHT
                cues.append(rule_cue(e, RISK_LISTED_WEIGHT, f"命中涉诈名单（来源：{entry.source or '未注明'}）"))
            if e.kind is not EntityKind.URL:
                continue
            host = host_of(e.value)
            if (hit := check_host(host)) is not None:
                entities[i] = e.model_copy(update={"note": hit.reason})
                boost += LOOKALIKE_WEIGHT
                cues.append(rule_cue(e, LOOKALIKE_WEIGHT, hit.reason))
            elif is_suspicious_tld(host):
                boost += SUSPICIOUS_TLD_WEIGHT
                cues.append(rule_cue(e, SUSPICIOUS_TLD_WEIGHT, "链接使用钓鱼短信常见的廉价域名后缀"))
        return boost, cues

    def _verdict(
        self,
        norm: Normalized,
        flags: list[str],
        truncated: bool,
        binary_logit: float,
        t_index: int,
        hits: list[tuple[int, int]],
        id_: str | None,
        now: datetime | None,
    ) -> Verdict:
        entities = extract_entities(norm)
        boost, rule_cues = self._rules(entities, now) if entities else (0.0, [])
        p_fraud = self.model.fraud_probability(binary_logit, boost)
        if any(e.risk_listed for e in entities):
            p_fraud = max(p_fraud, RISK_LISTED_FLOOR)
        if not rule_cues and not has_cue(self.model, hits):
            p_fraud = min(p_fraud, NO_EVIDENCE_CAP)
        is_fraud = p_fraud >= self.threshold
        # Cues are only shown from 0.2 on, so they are only built from there (most texts are far below).
        cues = rule_cues + cues_for(self.model, norm, hits, t_index) if p_fraud >= CUES_SHOWN_FROM else []
        code = self.model.classes[t_index] if is_fraud else None
        return built(
            Verdict,
            {"id": id_, "is_fraud": is_fraud, "probability": round(p_fraud, 4), "type_code": code,
             "type_name": type_name(code), "channel": guess_channel(norm, entities), "cues": cues,
             "entities": entities, "truncated": truncated, "flags": flags},
        )  # fmt: skip

    def detect(self, text: str | bytes, id: str | None = None, now: datetime | None = None) -> Verdict:
        norm, flags, truncated = self._prepare(text)
        hits = self.model.hits(norm.text)
        scores = self.model.scores([f for _, f in hits])
        return self._verdict(norm, flags, truncated, float(scores[0]), self.model.best_type(scores), hits, id, now)

    def detect_batch(
        self, texts: Sequence[str | bytes], ids: Sequence[str | None] | None = None, now: datetime | None = None
    ) -> list[Verdict]:
        prepared = [self._prepare(t) for t in texts]
        if not prepared:
            return []
        scores, all_hits = self.model.scores_batch([p[0].text for p in prepared])
        logits = scores[:, 0].tolist()
        types = np.argmax(scores[:, 1:], axis=1).tolist()
        ids = ids if ids is not None else [None] * len(prepared)
        return [
            self._verdict(norm, flags, truncated, z, t, hits, id_, now)
            for (norm, flags, truncated), z, t, hits, id_ in zip(prepared, logits, types, all_hits, ids, strict=True)
        ]
