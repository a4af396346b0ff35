"""The engine's fast paths give the same results as the slow, obvious ones."""

import numpy as np
import pytest

from fanzha.detect import compose
from fanzha.detect.engine import Detector
from fanzha.detect.labels import TYPE_CLASSES
from fanzha.detect.lexicon import lexicon_by_phrase, type_hints_by_phrase
from fanzha.detect.model import LinearModel
from fanzha.detect.schemas import Cue, Entity, EntityKind, Verdict, built

CUE = {"phrase": "刷单", "start": 2, "end": 4, "weight": 1.5, "type_code": "F01", "reason": "刷单返利话术"}
ENTITY = {"kind": EntityKind.QQ, "value": "28567399", "text": "28567399", "start": 5, "end": 13,
          "valid": True, "note": None, "risk_listed": False}  # fmt: skip


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Cue, CUE),
        (Entity, ENTITY),
        (Verdict, {"id": "a", "is_fraud": True, "probability": 0.9, "type_code": "F01", "type_name": "刷单返利",
                   "channel": "短信", "cues": [], "entities": [], "truncated": False, "flags": []}),
    ],
)  # fmt: skip
def test_built_equals_model_construct(model: type, values: dict) -> None:
    fast, slow = built(model, dict(values)), model.model_construct(**values)
    assert fast == slow
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_fields_set == slow.model_fields_set


def test_batch_and_single_detection_agree() -> None:
    detector = Detector()
    texts = [
        "兼职刷单，日结佣金，先垫付后返还，加微信abc123",
        "【美团】您的验证码是 736104，请在5分钟内完成验证。",
        "妈，我下周回家",
        "",
        "【工商银行】您的账户异常已冻结，请登录 www.icbc-vip.top 核验身份",
    ]
    batch = detector.detect_batch(texts)
    assert [v.model_dump() for v in batch] == [detector.detect(t).model_dump() for t in texts]


def test_batch_counts_a_repeated_feature_once() -> None:
    detector = Detector()
    once, thrice = detector.detect_batch(["刷单返利", "刷单返利刷单返利刷单返利"])
    assert once.probability == pytest.approx(thrice.probability, abs=1e-3)


def test_a_lexicon_phrase_added_after_training_is_a_feature_with_its_prior() -> None:
    model = LinearModel(
        features=["刷单"], weights=np.zeros((1, 1 + len(TYPE_CLASSES)), np.float32),
        bias=np.zeros(1 + len(TYPE_CLASSES), np.float32),
    )  # fmt: skip
    lexicon = lexicon_by_phrase()
    assert set(model.features) == set(lexicon) | set(type_hints_by_phrase()) | set(compose.phrases()) | {"刷单"}
    i = model.features.index("安全账户")
    assert model.effective_weights[i, 0] == pytest.approx(lexicon["安全账户"].weight)
