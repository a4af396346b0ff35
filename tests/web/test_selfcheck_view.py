from __future__ import annotations

import pytest

from fanzha.detect.schemas import Cue, Entity, EntityKind, Verdict
from fanzha.web.selfcheck_view import highlight, present, risk_of


def _cue(start: int, end: int, text: str, reason: str = "r") -> Cue:
    return Cue(phrase=text[start:end], start=start, end=end, weight=1.0, reason=reason)


def test_highlight_marks_cue_spans_and_keeps_all_text() -> None:
    text = "请转入安全账户配合调查"
    segs = highlight(text, [_cue(3, 7, text, "安全账户"), _cue(7, 11, text, "话术"), _cue(4, 6, text)])
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.reason) for s in segs] == [("请转入", None), ("安全账户", "安全账户"), ("配合调查", "话术")]


@pytest.mark.parametrize(("is_fraud", "p", "listed", "risk"), [
    (True, 0.95, False, "高"),
    (True, 0.6, False, "中"),
    (False, 0.3, True, "中"),
    (False, 0.1, False, "低"),
])
def test_risk_words_follow_probability_and_risk_lists(is_fraud: bool, p: float, listed: bool, risk: str) -> None:
    entity = Entity(kind=EntityKind.MOBILE, value="1", text="1", start=0, end=1, valid=True, risk_listed=listed)
    assert risk_of(Verdict(is_fraud=is_fraud, probability=p, entities=[entity])) == risk


def test_fragments_inside_a_link_are_not_shown_as_reasons() -> None:
    text = "点 http://a.top 领取"
    url = Entity(kind=EntityKind.URL, value="http://a.top", text="http://a.top", start=2, end=14, valid=True)
    verdict = Verdict(is_fraud=True, probability=0.9, type_code="F12", type_name="中奖/补贴/退税", entities=[url],
                      cues=[_cue(2, 14, text, "廉价域名"), _cue(4, 6, text, "tt"), _cue(15, 17, text, "领取")])
    view = present(text, verdict)
    assert view.reasons == ["“http://a.top”：廉价域名", "“领取”：领取"]
    assert view.tip is not None and view.tip.code == "F12"


def test_a_low_result_names_words_to_watch_instead_of_reasons_for_suspicion() -> None:
    text = "补贴已发放到社保卡"
    verdict = Verdict(is_fraud=False, probability=0.25, cues=[_cue(0, 2, text, "中奖/补贴/退税话术")])
    view = present(text, verdict)
    assert view.risk == "低"
    assert view.reasons == [
        "未发现足以判定为诈骗的特征",
        "文中“补贴”等字眼常被诈骗利用，遇到转账、交费或索要验证码时请先核实",
    ]
