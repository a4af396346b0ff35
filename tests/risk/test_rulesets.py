"""Rule versions: a draft is validated, backtested against known fraud, then published and used."""

from __future__ import annotations

import pytest

from fanzha.core.clock import FrozenClock
from fanzha.core.db import Database
from fanzha.risk.rulesets import default_source
from tests.factories import World, make_world
from tests.risk.builders import transfer

RULES = "/api/v1/risk/rulesets"


@pytest.fixture
def world(database: Database, frozen_clock: FrozenClock) -> World:
    return make_world(database)


def test_draft_backtest_publish_then_decisions_use_the_new_version(world: World, frozen_clock: FrozenClock) -> None:
    teller, admin = world.client("teller"), world.client("admin")
    ids = []
    for amount, fraud in ((30_000, False), (40_000, False), (1_500_000, True)):
        out = teller.post("/api/v1/risk/transactions", json=transfer(frozen_clock.now(), amount_fen=amount)).json()
        teller.post(f"/api/v1/risk/transactions/{out['id']}/resolve",
                    json={"action": "cancelled" if fraud else "released", "is_fraud": fraud})
        ids.append(out["id"])
    broken = admin.post(RULES, json={"title": "坏规则", "source": "rules: [{code: X, when: 'amount_fen >', "
                                                                     "score: 10, reason: 甲}]"})
    assert broken.status_code == 422 and "表达式不完整" in broken.json()["error"]["message_zh"]
    source = default_source() + """  - code: R99
    name: 首次大额即暂缓
    when: first_to_payee and amount_fen >= 1000000
    score: 30
    reason: 首次往来单笔超过 1 万元
"""
    draft = admin.post(RULES, json={"title": "首次大额暂缓", "source": source}).json()
    assert draft["status"] == "draft" and draft["version"] == 1
    assert admin.post(f"{RULES}/{draft['id']}/publish").status_code == 422  # not backtested yet
    tested = admin.post(f"{RULES}/{draft['id']}/backtest").json()["backtest"]
    assert (tested["transactions"], tested["labeled"], tested["fraud"]) == (3, 3, 1)
    assert tested["recall"] == 1.0 and tested["precision"] == 1.0
    # The live rules (with the model score) already send the fraud to verify; the draft holds it.
    assert tested["baseline"]["recall"] == 1.0
    assert (tested["baseline"]["decisions"]["hold"], tested["decisions"]["hold"]) == (0, 1)
    r99 = next(r for r in tested["rules"] if r["code"] == "R99")
    assert (r99["hits"], r99["fraud_hits"]) == (1, 1)
    published = admin.post(f"{RULES}/{draft['id']}/publish").json()
    assert published["status"] == "published"
    out = teller.post("/api/v1/risk/transactions", json=transfer(frozen_clock.now(), amount_fen=1_500_000)).json()
    assert out["ruleset"] == "v1" and out["decision"] == "hold" and "首次往来单笔超过 1 万元" in out["reasons"]
    assert teller.post(RULES, json={"title": "x", "source": source}).status_code == 403
