"""The TeleAntiFraud type experiment (`fanzha detect eval --experiments`) on a small corpus written here in
the corpus's own format: both models, both views, one macro-F1 line each."""

import json
import re
from pathlib import Path

from fanzha.detect.experiments import OPENING_NGRAM_RANGES, _ours_types, taf_types

OPENINGS = {
    "投资诈骗": "您好，我是财富管理公司的投资顾问，我们有个高收益理财项目",
    "彩票诈骗": "恭喜您，您的号码在我们的周年抽奖中获得一等奖",
    "绑架诈骗": "你儿子在我们手上，准备好赎金，不许报警",
    "邮件诈骗": "您好，我们给您的邮箱发了一封重要邮件，请点开附件",
    "客服诈骗": "您好，我是购物平台的售后客服，您的订单出现问题需要退款",
    "银行诈骗": "您好，这里是银行信用卡中心，您的信用卡额度可以提升",
    "钓鱼诈骗": "您好，请点击我们短信里的链接登录网站验证信息",
    "身份盗窃": "您好，您的身份信息被他人冒用开了账户，需要核实身份证号",
}


def write_corpus(root: Path, per_type: int = 12) -> None:
    folder = root / "teleantifraud-multiagent-text"
    folder.mkdir(parents=True)
    lines = []
    for kind, opening in OPENINGS.items():
        for i in range(per_type):
            left = [f"{opening}，编号{i}。", "请您配合我们操作一下。"]
            lines.append(json.dumps({"left": left, "right": ["啊？", "好的"], "fraud_type": kind}, ensure_ascii=False))
    (folder / "fraud_dialogues-test.jsonl").write_text("\n".join(lines), encoding="utf-8")


def test_the_type_experiment_reports_both_models_on_both_views(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    report = taf_types(tmp_path)
    scores = re.findall(r"^(ours|tfidf\+LR) \((whole dialogue|opening turn)\): macro-F1 8 original types ([0-9.]+)",
                        report, re.MULTILINE)  # fmt: skip
    assert {(model, view) for model, view, _ in scores} == {
        (m, v) for m in ("ours", "tfidf+LR") for v in ("whole dialogue", "opening turn")
    }
    assert all(float(f1) == 1.0 for _, _, f1 in scores)  # one distinct opening per type: every model gets it


def test_the_opening_turn_model_averages_several_ngram_ranges() -> None:
    texts = [f"{opening}，编号{i}" for opening in OPENINGS.values() for i in range(6)]
    labels = [kind for kind in OPENINGS for _ in range(6)]
    classes = sorted(OPENINGS)
    assert len(OPENING_NGRAM_RANGES) > 1
    pred = _ours_types(texts, labels, list(OPENINGS.values()), classes, 0.1, OPENING_NGRAM_RANGES)
    assert pred == list(OPENINGS)


def test_an_absent_corpus_is_skipped_with_a_message(tmp_path: Path) -> None:
    assert "absent" in taf_types(tmp_path)
