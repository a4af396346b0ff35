"""How a detection verdict is shown to a resident: a risk level in words, the suspicious words
marked in their own text, and what to do. Pure: takes a verdict, returns plain data."""

from __future__ import annotations

from dataclasses import dataclass

from fanzha.detect.schemas import Cue, EntityKind, SelfCheckResult, Verdict
from fanzha.detect.selfcheck import low_risk_reasons
from fanzha.web.fraud_tips import BY_CODE, HOTLINE, FraudTip

# Probability bands shown to the public; a resident needs a word, not a number.
HIGH_AT = 0.8
MEDIUM_AT = 0.5

ENTITY_NAMES_ZH = {
    EntityKind.MOBILE: "手机号", EntityKind.LANDLINE: "固定电话", EntityKind.SERVICE_NUMBER: "服务号码",
    EntityKind.URL: "网址", EntityKind.BANK_CARD: "银行卡号", EntityKind.ID_NUMBER: "身份证号",
    EntityKind.QQ: "QQ号", EntityKind.WECHAT: "微信号", EntityKind.AMOUNT: "金额",
    EntityKind.VERIFICATION_CODE: "验证码", EntityKind.APP: "App", EntityKind.REMOTE_CONTROL: "远程控制/屏幕共享",
}  # fmt: skip


@dataclass(frozen=True)
class Segment:
    text: str
    reason: str | None = None  # set when this stretch of the message is a fraud cue


@dataclass(frozen=True)
class CheckView:
    risk: str  # 高 / 中 / 低
    headline: str
    type_name: str | None
    reasons: list[str]
    segments: list[Segment]
    entities: list[tuple[str, str, str | None]]  # (kind in Chinese, value as typed, note)
    advice: list[str]
    tip: FraudTip | None


def risk_of(verdict: Verdict) -> str:
    if verdict.is_fraud and verdict.probability >= HIGH_AT:
        return "高"
    if verdict.is_fraud or verdict.probability >= MEDIUM_AT or any(e.risk_listed for e in verdict.entities):
        return "中"
    return "低"


def highlight(text: str, cues: list[Cue]) -> list[Segment]:
    """Split the resident's text into plain stretches and cue stretches (first cue wins on overlap)."""
    out: list[Segment] = []
    at = 0
    for cue in sorted(cues, key=lambda c: (c.start, -c.end)):
        start, end = max(cue.start, at), min(cue.end, len(text))
        if start >= end:
            continue
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], cue.reason))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


# A resident reads the top reasons; a long tail of weak cues hides the ones that matter.
MAX_REASONS = 6


def shown_cues(verdict: Verdict) -> list[Cue]:
    """Cues worth showing: a fragment inside a link ("tt" of "http") explains nothing to a resident."""
    urls = [(e.start, e.end) for e in verdict.entities if e.kind == EntityKind.URL]
    return [c for c in verdict.cues
            if not any(s <= c.start and c.end <= e and (c.start, c.end) != (s, e) for s, e in urls)]


def _reasons(verdict: Verdict) -> list[str]:
    reasons: list[str] = []
    for cue in shown_cues(verdict)[:MAX_REASONS]:
        line = f"“{cue.phrase}”：{cue.reason}"
        if line not in reasons:
            reasons.append(line)
    for e in verdict.entities:
        if e.risk_listed:
            reasons.append(f"{ENTITY_NAMES_ZH.get(EntityKind(e.kind), e.kind)} {e.text} 已被列入涉诈名单")
        if e.kind == EntityKind.REMOTE_CONTROL:
            reasons.append("提到屏幕共享或远程控制：诈骗分子常借此看到你的验证码和银行信息")
    return reasons


def _headline_and_advice(risk: str, type_name: str | None) -> tuple[str, list[str]]:
    if risk == "高":
        headline = f"高度疑似诈骗{f'（{type_name}）' if type_name else ''}，请不要转账、不要点击链接"
        advice = ["立即停止与对方联系，不要转账、不要透露验证码", "已经转账的，马上拨打 110 报警并联系开户银行止付",
                  f"拿不准时拨打反诈专线 {HOTLINE} 咨询"]
    elif risk == "中":
        headline = "存在诈骗风险，请先核实再行动"
        advice = ["通过官方电话或当面向对方本人核实", f"涉及转账汇款的，先拨打 {HOTLINE} 咨询"]
    else:
        headline = "暂未发现明显诈骗特征"
        advice = ["未发现风险不代表一定安全：凡是让你转账、交费、提供验证码的，都要多核实",
                  f"拿不准时拨打反诈专线 {HOTLINE} 咨询"]
    return headline, advice


def present(text: str, verdict: Verdict, risk: str | None = None) -> CheckView:
    """A checked message: `risk` is the self-check's level when given, else derived from the verdict."""
    risk = risk or risk_of(verdict)
    tip = BY_CODE.get(verdict.type_code or "")
    headline, advice = _headline_and_advice(risk, verdict.type_name)
    entities = [(ENTITY_NAMES_ZH.get(EntityKind(e.kind), str(e.kind)), e.text, e.note) for e in verdict.entities
                if e.kind != EntityKind.AMOUNT]
    reasons = _reasons(verdict) if risk != "低" else low_risk_reasons(verdict)
    return CheckView(risk=risk, headline=headline, type_name=verdict.type_name if risk != "低" else None,
                     reasons=reasons, segments=highlight(text, shown_cues(verdict)), entities=entities,
                     advice=advice, tip=tip if risk != "低" else None)


def present_lookup(value: str, result: SelfCheckResult) -> CheckView:
    """A checked number, link or account: the answer is the risk-list and look-alike findings."""
    headline, advice = _headline_and_advice(result.risk, None)
    return CheckView(risk=result.risk, headline=headline, type_name=None, reasons=result.reasons,
                     segments=[Segment(value)], entities=[], advice=advice, tip=None)
