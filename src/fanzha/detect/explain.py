"""Cues that explain a verdict, and the channel guess."""

from __future__ import annotations

import re

from fanzha.detect import compose
from fanzha.detect.labels import Channel, type_name
from fanzha.detect.model import LinearModel
from fanzha.detect.normalize import Normalized
from fanzha.detect.schemas import Cue, Entity, EntityKind, built

MAX_CUES = 8
MIN_CUE_WEIGHT = 0.25


def has_cue(model: LinearModel, hits: list[tuple[int, int]]) -> bool:
    """Whether any feature present would be shown as a cue (cheap: no spans, no sorting)."""
    w = model.binary_weights
    return any(w[f] >= MIN_CUE_WEIGHT for _, f in hits)


def cues_for(model: LinearModel, norm: Normalized, hits: list[tuple[int, int]], type_index: int) -> list[Cue]:
    """Features that pushed the binary fraud log-odds up, strongest first.

    Overlapping n-grams are folded: a span already explained by a stronger cue is not repeated.
    """
    w = model.binary_weights
    lengths = model.feature_lengths
    seen: set[int] = set()
    ranked: list[tuple[float, int, int, int]] = []  # (-weight, start, end, feature)
    for end, f in hits:
        contribution = w[f]
        if contribution >= MIN_CUE_WEIGHT and f not in seen:
            seen.add(f)
            ranked.append((-contribution, end - lengths[f] + 1, end + 1, f))
    ranked.sort()
    lexicon = model.lexicon
    code = model.classes[type_index]
    learned_reason = f"与“{type_name(code)}”诈骗相关的用语"
    covered = bytearray(len(norm.text) + 1)  # 1 = character already explained by a stronger cue
    cues: list[Cue] = []
    for neg_weight, start, end, f in ranked:
        if 1 in covered[start:end]:
            continue
        covered[start:end] = b"\x01" * (end - start)
        o_start, o_end = norm.to_original(start, end) if norm.maps else (start, end)
        lex = lexicon.get(f)
        reason = lex.reason if lex is not None else learned_reason
        cues.append(
            built(
                Cue,
                {
                    "phrase": norm.original[o_start:o_end],
                    "start": o_start,
                    "end": o_end,
                    "weight": round(-neg_weight, 3),
                    "type_code": lex.type_code if lex is not None else code,
                    "reason": reason,
                },
            )
        )
        if len(cues) == MAX_CUES:
            break
    return cues


def composition_cue(model: LinearModel, norm: Normalized, hits: list[tuple[int, int]], state: int) -> Cue | None:
    """The cue of a firing (hook, ask) pair (compose.py): the earliest phrase of the ask class in the text
    (longest on a tie), with the pair's log-odds and a reason naming both classes."""
    pair = compose.best_pair(state)
    if pair is None:
        return None
    ask_bit = 1 << (compose.ASK_SHIFT + pair.ask)
    states = model.compose_state_list
    lengths = model.feature_lengths
    best: tuple[int, int] | None = None  # (start, -end)
    for end, f in hits:
        if states[f] & ask_bit and (best is None or (end - lengths[f] + 1, -end) < best):
            best = (end - lengths[f] + 1, -end)
    if best is None:  # pragma: no cover - the state came from these hits
        return None
    return span_cue(norm, (best[0], 1 - best[1]), pair.weight, pair.reason)


def span_cue(norm: Normalized, span: tuple[int, int], weight: float, reason: str) -> Cue:
    """A rule cue on a span of the normalized text, shown on the original characters."""
    o_start, o_end = norm.to_original(*span) if norm.maps else span
    return built(
        Cue,
        {"phrase": norm.original[o_start:o_end], "start": o_start, "end": o_end, "weight": weight,
         "type_code": None, "reason": reason},
    )  # fmt: skip


def rule_cue(entity: Entity, weight: float, reason: str) -> Cue:
    return built(
        Cue,
        {"phrase": entity.text, "start": entity.start, "end": entity.end, "weight": weight, "type_code": None,
         "reason": reason},
    )  # fmt: skip


_SMS_RE = re.compile(r"^\s*[【\[][^】\]]{2,12}[】\]]|[】\]]\s*$|退订|回复td|回t")
_CALL_RE = re.compile(r"^(?:喂|您好，?我是|你好，?我是)|\n.*\n|(?:^|\n)\s*(?:[a-z]|客服|对方|我|骗子|来电)[:：]")
_IM_RE = re.compile(r"微信|qq|群|私聊|好友|朋友圈|加我|抖音|telegram|聊天")


def guess_channel(norm: Normalized, entities: list[Entity]) -> str:
    text = norm.text
    if _CALL_RE.search(text):
        return Channel.PHONE.value
    if _SMS_RE.search(text):
        return Channel.SMS.value
    kinds = {e.kind for e in entities}
    if EntityKind.URL in kinds and re.search(r"登录|登陆|认证|核验|填写|验证", text):
        return Channel.PHISHING_SITE.value
    if _IM_RE.search(text) or EntityKind.QQ in kinds or EntityKind.WECHAT in kinds:
        return Channel.IM.value
    if EntityKind.URL in kinds:
        return Channel.SMS.value
    if EntityKind.APP in kinds or "下载" in text:
        return Channel.APP.value
    return Channel.UNKNOWN.value
