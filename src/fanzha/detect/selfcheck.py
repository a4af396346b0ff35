"""Citizen self-check: a message, a phone number, a link or an account, answered in plain Chinese."""

from __future__ import annotations

import re

from fanzha.detect.checksums import luhn_valid
from fanzha.detect.engine import Detector
from fanzha.detect.lookalike import check_host, host_of, is_suspicious_tld
from fanzha.detect.normalize import normalize
from fanzha.detect.risklist import RiskKind
from fanzha.detect.schemas import SelfCheckKind, SelfCheckResult, Verdict

_PHONE_RE = re.compile(r"^\+?[\d\s\-()]{5,20}$")
# An ASCII host only: \w would also take Chinese characters, so a whole message holding a link (normalized
# without its spaces) was checked as one URL and its words were never read.
_URL_RE = re.compile(r"^(?:https?://)?[a-z0-9\-]+(?:\.[a-z0-9\-]+)+(?:[/:?#].*)?$", re.IGNORECASE | re.ASCII)
_ADVICE_HIGH = "高度疑似诈骗：不要转账、不要点链接、不要提供验证码；如已转账请立即拨打110或96110。"
_ADVICE_MID = "存在风险：请通过官方渠道核实对方身份，切勿向陌生账户转账。"
_ADVICE_LOW = "暂未发现明显风险，但仍请保持警惕，涉及转账务必核实。"


def guess_kind(value: str) -> SelfCheckKind:
    text = normalize(value.strip()).text
    if _PHONE_RE.match(text) and sum(c.isdigit() for c in text) <= 13:
        return SelfCheckKind.PHONE
    if _URL_RE.match(text) and " " not in text:
        return SelfCheckKind.URL
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) >= 14 and len(digits) == len(text.replace(" ", "").replace("-", "")):
        return SelfCheckKind.ACCOUNT
    return SelfCheckKind.TEXT


def low_risk_reasons(verdict: Verdict) -> list[str]:
    """What a resident reads under a 低 verdict: no scam structure was found, and the words worth a second look
    (a cue alone is no warning: listing cue reasons such as "诱导提供账户信息" under 低 read like one)."""
    reasons = ["未发现足以判定为诈骗的特征"]
    words = list(dict.fromkeys(c.phrase for c in verdict.cues if c.weight > 0))[:3]
    if words:
        quoted = "".join(f"“{w}”" for w in words)
        reasons.append(f"文中{quoted}等字眼常被诈骗利用，遇到转账、交费或索要验证码时请先核实")
    return reasons


def _grade(score: int) -> tuple[str, str]:
    if score >= 2:
        return "高", _ADVICE_HIGH
    if score == 1:
        return "中", _ADVICE_MID
    return "低", _ADVICE_LOW


def self_check(detector: Detector, value: str, kind: SelfCheckKind | None = None) -> SelfCheckResult:
    kind = kind or guess_kind(value)
    reasons: list[str] = []
    score = 0
    if kind is SelfCheckKind.TEXT:
        verdict = detector.detect(value)
        level = "高" if verdict.probability >= 0.8 else "中" if verdict.is_fraud else "低"
        advice = {"高": _ADVICE_HIGH, "中": _ADVICE_MID, "低": _ADVICE_LOW}[level]
        # Under 高/中 each cue reason once, in cue order; under 低 no cue reads as a warning.
        cue_reasons = list(dict.fromkeys(c.reason for c in verdict.cues))
        reasons = low_risk_reasons(verdict) if level == "低" else cue_reasons
        if verdict.type_name:
            reasons.insert(0, f"疑似“{verdict.type_name}”类诈骗")
        return SelfCheckResult(
            kind=kind, risk=level, is_fraud=verdict.is_fraud, reasons=reasons, verdict=verdict, advice=advice
        )
    risk_kind = {SelfCheckKind.PHONE: RiskKind.PHONE, SelfCheckKind.URL: RiskKind.URL}.get(kind)
    candidates = [risk_kind] if risk_kind else [RiskKind.ACCOUNT, RiskKind.QQ, RiskKind.WECHAT]
    for rk in candidates:
        if (entry := detector.risk_list.lookup(rk, value)) is not None:
            score += 2
            reasons.append(f"命中涉诈名单（来源：{entry.source or '未注明'}）")
            break
    if kind is SelfCheckKind.URL:
        host = host_of(normalize(value.strip()).text)  # hxxp, [.], 点com and c0m read as the link they hide
        if (hit := check_host(host)) is not None:
            score += 2
            reasons.append(hit.reason)
        elif is_suspicious_tld(host):
            score += 1
            reasons.append("链接使用钓鱼短信常见的廉价域名后缀")
    if kind is SelfCheckKind.ACCOUNT:
        digits = "".join(c for c in value if c.isdigit())
        if 16 <= len(digits) <= 19 and not luhn_valid(digits):
            reasons.append("该卡号未通过校验，可能抄写有误，请核对")
    risk, advice = _grade(score)
    if not reasons:
        reasons.append("未命中涉诈名单，也未发现仿冒特征")
    return SelfCheckResult(kind=kind, risk=risk, is_fraud=score >= 2, reasons=reasons, advice=advice)
