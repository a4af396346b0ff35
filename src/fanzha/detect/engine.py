"""The detector: text -> Verdict. Pure (no I/O beyond loading the model once), no web dependency."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property

import numpy as np
import numpy.typing as npt

from fanzha.detect import compose
from fanzha.detect.entities import (
    PRIVATE_CONTACT_KINDS,
    contact_obfuscated,
    extract_entities,
    link_obfuscated,
    texts_with_hidden_contact_marks,
    texts_with_url_marks,
    url_spans,
    urls,
)
from fanzha.detect.explain import (
    MIN_CUE_WEIGHT,
    composition_cue,
    cues_for,
    guess_channel,
    has_cue,
    rule_cue,
    span_cue,
)
from fanzha.detect.labels import type_name
from fanzha.detect.lookalike import check_host, host_of, is_suspicious_tld
from fanzha.detect.model import LinearModel
from fanzha.detect.normalize import Normalized, has_cjk, normalize, normalize_many, normalized_texts
from fanzha.detect.risklist import RiskList
from fanzha.detect.scan import IntArray, Presence
from fanzha.detect.schemas import MAX_TEXT_CHARS, Cue, Entity, EntityKind, Flag, Verdict, built
from fanzha.detect.sender import OFFICIAL_SENDER_MOBILE_REASON, OFFICIAL_SENDER_MOBILE_WEIGHT, official_sender_mobile

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
LOOKALIKE_WEIGHT = 6.0
# Round six: a look-alike host of a protected brand floors the probability like a listed counterpart: a
# phishing SMS that copies a genuine notice's wording (退订回T, 尊敬的会员) carries guards worth more than
# the +6 (measured: a 淘宝 look-alike at p 0.03); genuine texts with a flagged host are ~0 on every corpus.
LOOKALIKE_FLOOR = RISK_LISTED_FLOOR
SUSPICIOUS_TLD_WEIGHT = 1.5  # .top/.xyz/.vip… links: cheap TLDs dominate 伪基站 phishing SMS
# Round nine: a link whose host is typed to slip past filters (b t 2 0 2 5 [.] c n, 点com, full-width):
# entities.link_obfuscated. As strong as a look-alike host, without its floor.
OBFUSCATED_LINK_WEIGHT = 6.0
OBFUSCATED_LINK_REASON = "链接被故意拆写或变形（空格、[.]、“点com”、全角字符、数字冒充字母如c0m），是规避拦截的钓鱼手法"
# Round fourteen: a private contact typed to slip past filters (entities.contact_obfuscated), once per text.
OBFUSCATED_CONTACT_WEIGHT = 4.0
OBFUSCATED_CONTACT_REASON = "联系方式被故意拆写或变形（圈码、全角、大写数字、逐字加空格或符号），是规避拦截的引流手法"


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


def _round4(p: npt.NDArray[np.float64]) -> list[float]:
    """``[round(x, 4) for x in p]`` for probabilities in [0, 1], bit for bit, at ~1/20 of the cost: the
    product ``x * 1e4`` is off by < 2e-12, so away from a tie its ``rint`` is the correctly rounded integer
    n, and ``n / 1e4`` (one IEEE division) is the double nearest to n·10⁻⁴, which is what ``round`` returns;
    the values within 1e-6 of a tie are rounded by ``round`` itself."""
    scaled = p * 10000.0
    n = np.rint(scaled)
    out = n / 10000.0
    for i in np.flatnonzero(np.abs(np.abs(scaled - n) - 0.5) < 1e-6).tolist():
        out[i] = round(float(p[i]), 4)
    rounded: list[float] = out.tolist()
    return rounded


@dataclass(frozen=True)
class Scores:
    """Verdicts without explanations (``Detector.score_batch``): per text, the same is_fraud,
    probability and type_code as ``Detector.detect`` gives, without cues, entities or flags."""

    is_fraud: list[bool]
    probability: list[float]
    type_code: list[str | None]


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

    @cached_property
    def _cue_features(self) -> npt.NDArray[np.bool_]:
        """Features that would be shown as a cue (the batch form of ``has_cue``)."""
        return np.asarray(self.model.binary_weights) >= MIN_CUE_WEIGHT

    @cached_property
    def _span_features(self) -> npt.NDArray[np.bool_]:
        """Features whose first occurrence a verdict may need: cues and composition phrases."""
        spans: npt.NDArray[np.bool_] = self._cue_features | (self.model.compose_states != 0)
        return spans

    def _compose_states(self, presence: Presence) -> IntArray:
        """Each text's packed composition state (compose.py): the OR of its features' bits."""
        offsets = presence.offsets()
        states = np.zeros(presence.n_texts, dtype=np.int64)
        nonempty = np.flatnonzero(offsets[1:] > offsets[:-1])
        if nonempty.size:
            bits = self.model.compose_states[presence.feature]
            states[nonempty] = np.bitwise_or.reduceat(bits, offsets[nonempty])
        return states

    def _raw(self, text: str | bytes) -> tuple[str, list[str], bool]:
        flags: list[str] = []
        s = _decode(text, flags)
        truncated = len(s) > self.max_chars
        if truncated:
            s = s[: self.max_chars]
            flags.append(Flag.TRUNCATED.value)
        _input_flags(s, flags)
        return s, flags, truncated

    @staticmethod
    def _normalized_flags(s: str, norm: Normalized, flags: list[str]) -> None:
        if s.strip() and not norm.text.strip():
            flags.append(Flag.EMOJI_ONLY.value)
        if norm.evasion:
            flags.append(Flag.EVASION.value)

    def _rules(self, entities: list[Entity], now: datetime | None, original: str) -> tuple[float, list[Cue], bool]:
        """Rule log-odds, rule cues, and whether a look-alike host was found (``LOOKALIKE_FLOOR``);
        ``original``: the text the entities were found in."""
        lowered = original.lower()
        boost = 0.0
        cues: list[Cue] = []
        lookalike = hidden_contact = False
        for i, e in enumerate(entities):
            if self.risk_list and (entry := self.risk_list.lookup_entity(e, now)) is not None:
                entities[i] = e = e.model_copy(update={"risk_listed": True})
                boost += RISK_LISTED_WEIGHT
                cues.append(rule_cue(e, RISK_LISTED_WEIGHT, f"命中涉诈名单（来源：{entry.source or '未注明'}）"))
            if e.kind in PRIVATE_CONTACT_KINDS and not hidden_contact and contact_obfuscated(e.text, original):
                hidden_contact = True
                boost += OBFUSCATED_CONTACT_WEIGHT
                cues.append(rule_cue(e, OBFUSCATED_CONTACT_WEIGHT, OBFUSCATED_CONTACT_REASON))
            if e.kind is not EntityKind.URL:
                continue
            host = host_of(e.value)
            if (hit := check_host(host)) is not None:
                entities[i] = e.model_copy(update={"note": hit.reason})
                boost += LOOKALIKE_WEIGHT
                lookalike = True
                cues.append(rule_cue(e, LOOKALIKE_WEIGHT, hit.reason))
            elif is_suspicious_tld(host):
                boost += SUSPICIOUS_TLD_WEIGHT
                cues.append(rule_cue(e, SUSPICIOUS_TLD_WEIGHT, "链接使用钓鱼短信常见的廉价域名后缀"))
            if e.value not in lowered and link_obfuscated(e.text):
                boost += OBFUSCATED_LINK_WEIGHT
                cues.append(rule_cue(e, OBFUSCATED_LINK_WEIGHT, OBFUSCATED_LINK_REASON))
        return boost, cues, lookalike

    @staticmethod
    def _rule_boost(text: str, original: str, links: bool, contacts: bool) -> tuple[float, bool] | None:
        """``_judge``'s rule boost and look-alike flag for a normalized text and its original when no risk
        list is loaded (links, hidden contacts and the official-sender rule count then), with the same
        additions; None when no rule fires. ``links``/``contacts``: the text passed the gate of that rule
        (the others cannot fire). A link also written plainly in the original is not hidden; only texts with
        another link are normalized again, to find its original characters."""
        boost: float | None = None
        lookalike = False
        norm: Normalized | None = None  # the original normalized again, at most once, when a rule needs spans
        if links:
            lowered = original.lower()
            found = urls(text)
            if any(url not in lowered for url in found):
                norm = normalize(original)
            spans = url_spans(norm) if norm is not None else []
            for k, url in enumerate(found):
                host = host_of(url)
                if check_host(host) is not None:
                    boost = (boost or 0.0) + LOOKALIKE_WEIGHT
                    lookalike = True
                elif is_suspicious_tld(host):
                    boost = (boost or 0.0) + SUSPICIOUS_TLD_WEIGHT
                if url not in lowered and link_obfuscated(spans[k][1]):
                    boost = (boost or 0.0) + OBFUSCATED_LINK_WEIGHT
        if contacts and any(
            e.kind in PRIVATE_CONTACT_KINDS and contact_obfuscated(e.text, original)
            for e in extract_entities(norm or normalize(original))
        ):
            boost = (boost or 0.0) + OBFUSCATED_CONTACT_WEIGHT
        if official_sender_mobile(text) is not None:
            boost = (boost or 0.0) + OFFICIAL_SENDER_MOBILE_WEIGHT
        return None if boost is None else (boost, lookalike)

    def _probability(
        self, binary_logit: float, boost: float, risk_listed: bool, evidence: bool, capped: bool = False
    ) -> float:
        """``capped``: a framing guard and no ask, or a narrative marker (compose.GUARDED_CAP), and no rule
        fired; ``risk_listed``: a listed counterpart or a look-alike host (the floor)."""
        p_fraud = self.model.fraud_probability(binary_logit, boost)
        if capped:
            p_fraud = min(p_fraud, compose.GUARDED_CAP)
        if risk_listed:
            p_fraud = max(p_fraud, RISK_LISTED_FLOOR)
        if not evidence:
            p_fraud = min(p_fraud, NO_EVIDENCE_CAP)
        return p_fraud

    def _judge(
        self, norm: Normalized, binary_logit: float, has_cue: bool, now: datetime | None, state: int
    ) -> tuple[list[Entity], list[Cue], float]:
        """Entities, rule cues and the fraud probability of one text (``has_cue``: some feature present
        would be shown as a cue; ``state``: its composition state, compose.py)."""
        entities = extract_entities(norm)
        boost, rule_cues, lookalike = self._rules(entities, now, norm.original) if entities else (0.0, [], False)
        if (span := official_sender_mobile(norm.text)) is not None:
            boost += OFFICIAL_SENDER_MOBILE_WEIGHT
            rule_cues.append(span_cue(norm, span, OFFICIAL_SENDER_MOBILE_WEIGHT, OFFICIAL_SENDER_MOBILE_REASON))
        floored = lookalike or any(e.risk_listed for e in entities)
        composed = compose.log_odds(state)
        evidence = has_cue or bool(rule_cues) or composed > 0
        capped = not rule_cues and compose.guarded(state)
        return entities, rule_cues, self._probability(binary_logit, boost + composed, floored, evidence, capped)

    def _verdict(
        self,
        norm: Normalized,
        flags: list[str],
        truncated: bool,
        judged: tuple[list[Entity], list[Cue], float],
        t_index: int,
        hits: list[tuple[int, int]],
        id_: str | None,
        state: int,
    ) -> Verdict:
        """``hits``: (end, feature) of the text's features, at least the first occurrence of each
        feature that can be a cue or is a composition phrase; ``state``: its composition state."""
        entities, rule_cues, p_fraud = judged
        is_fraud = p_fraud >= self.threshold
        # Cues are only shown from 0.2 on, so they are only built from there (most texts are far below).
        cues: list[Cue] = []
        if p_fraud >= CUES_SHOWN_FROM:
            composed = composition_cue(self.model, norm, hits, state)
            cues = rule_cues + ([composed] if composed is not None else []) + cues_for(self.model, norm, hits, t_index)
        code = self.model.classes[t_index] if is_fraud else None
        return built(
            Verdict,
            {"id": id_, "is_fraud": is_fraud, "probability": round(p_fraud, 4), "type_code": code,
             "type_name": type_name(code), "channel": guess_channel(norm, entities), "cues": cues,
             "entities": entities, "truncated": truncated, "flags": flags},
        )  # fmt: skip

    def detect(self, text: str | bytes, id: str | None = None, now: datetime | None = None) -> Verdict:
        s, flags, truncated = self._raw(text)
        norm = normalize(s)
        self._normalized_flags(s, norm, flags)
        hits = self.model.hits(norm.text)
        fids = [f for _, f in hits]
        row = self.model.feature_index.scores_one(fids)
        state = self.model.compose_state(fids)
        judged = self._judge(norm, float(row[0]), has_cue(self.model, hits), now, state)
        return self._verdict(norm, flags, truncated, judged, int(np.argmax(row[1:])), hits, id, state)

    def _types(self, presence: Presence, probabilities: list[float], from_p: float) -> dict[int, int]:
        """Best type index of the texts whose probability reaches ``from_p`` (the others need none)."""
        need = [i for i, p in enumerate(probabilities) if p >= from_p]
        if not need:
            return {}
        best = self.model.feature_index.best_types(presence, np.array(need, dtype=np.int64))
        return dict(zip(need, best.tolist(), strict=True))

    def detect_batch(
        self, texts: Sequence[str | bytes], ids: Sequence[str | None] | None = None, now: datetime | None = None
    ) -> list[Verdict]:
        """``[detect(t) for t in texts]`` (tests check equality), with normalization, feature scan and
        scoring done once for the whole batch (normalize_many, scan.FeatureIndex); entities and cues
        are still built text by text."""
        raw = [self._raw(t) for t in texts]
        if not raw:
            return []
        norms = normalize_many([s for s, _, _ in raw])
        for (s, flags, _), norm in zip(raw, norms, strict=True):
            self._normalized_flags(s, norm, flags)
        presence = self.model.feature_index.presence([n.text for n in norms])
        logits = self.model.feature_index.logits(presence).tolist()
        states = self._compose_states(presence)
        state_list = states.tolist()
        # The first occurrence of every feature that can be a cue or is a composition phrase, as (end,
        # feature), grouped by text.
        spans = self._span_features[presence.feature]
        offsets = np.zeros(len(raw) + 1, dtype=np.int64)
        np.cumsum(np.bincount(presence.text[spans], minlength=len(raw)), out=offsets[1:])
        span_hits = list(zip(presence.first_end[spans].tolist(), presence.feature[spans].tolist(), strict=True))
        bounds = offsets.tolist()
        has_cues = np.zeros(len(raw), dtype=bool)
        has_cues[presence.text[self._cue_features[presence.feature]]] = True
        judged = [
            self._judge(norm, z, h, now, st)
            for norm, z, h, st in zip(norms, logits, has_cues.tolist(), state_list, strict=True)
        ]
        types = self._types(presence, [j[2] for j in judged], min(self.threshold, CUES_SHOWN_FROM))
        ids = ids if ids is not None else [None] * len(raw)
        return [
            self._verdict(
                norm, flags, truncated, j, types.get(i, 0), span_hits[bounds[i] : bounds[i + 1]], id_, state_list[i]
            )
            for i, ((_, flags, truncated), norm, j, id_) in enumerate(zip(raw, norms, judged, ids, strict=True))
        ]

    def score_batch(self, texts: Sequence[str | bytes], now: datetime | None = None) -> Scores:
        """is_fraud, probability and type_code of every text, equal to ``detect``'s, without building
        cues, entities or flags (the batch path measured in bench/detect.py). With a risk list loaded,
        entities are extracted for every text, because any of them may be listed."""
        limit = self.max_chars  # a slice that keeps the whole str is the str itself: no copy
        strings = [(t.decode("utf-8", errors="replace") if isinstance(t, bytes) else t)[:limit] for t in texts]
        if not strings:
            return Scores([], [], [])
        norms = normalize_many(strings) if self.risk_list else None
        normalized = [n.text for n in norms] if norms is not None else normalized_texts(strings)
        presence = self.model.feature_index.presence(normalized)
        logits = self.model.feature_index.logits(presence)
        states = self._compose_states(presence)
        composed = compose.log_odds_many(states)
        has_cue = np.zeros(len(strings), dtype=bool)
        has_cue[presence.text[self._cue_features[presence.feature]]] = True
        if norms is not None:
            probabilities = np.array(
                [
                    self._judge(n, z, h, now, st)[2]
                    for n, z, h, st in zip(norms, logits.tolist(), has_cue.tolist(), states.tolist(), strict=True)
                ],
                dtype=np.float64,
            )
        else:  # only links can fire a rule: the common case is one array operation per step
            # The caps, as one factor each: no evidence (no cue, no firing pair) and a guard without an ask.
            cap = np.where(has_cue | (composed > 0), 1.0, NO_EVIDENCE_CAP)
            np.minimum(cap, np.where(compose.guarded_many(states), compose.GUARDED_CAP, 1.0), out=cap)
            probabilities = np.minimum(self.model.fraud_probabilities(logits, composed, self.threshold), cap)
            # Only links, hidden contacts and the official-sender rule can fire, each behind its own gate
            # (the sender rule's is the signature's "】").
            marked = set(texts_with_url_marks(normalized))
            hidden = set(texts_with_hidden_contact_marks(strings))
            signed = {i for i, t in enumerate(normalized) if "】" in t}
            for i in sorted(marked | hidden | signed):
                if (rule := self._rule_boost(normalized[i], strings[i], i in marked, i in hidden)) is not None:
                    z, c = float(logits[i]), float(composed[i])
                    probabilities[i] = self._probability(z, rule[0] + c, rule[1], True)
        fraud = probabilities >= self.threshold
        type_code: list[str | None] = [None] * len(strings)
        need = np.flatnonzero(fraud)
        if need.size:
            classes = self.model.classes
            best = self.model.feature_index.best_types(presence, need)
            for i, t in zip(need.tolist(), best.tolist(), strict=True):
                type_code[i] = classes[t]
        return Scores(fraud.tolist(), _round4(probabilities), type_code)
