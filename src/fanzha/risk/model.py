"""The optional trained score: a logistic regression over the online features.

The artifact (`rules/model.json`, a few KB) holds the inputs, their standardisation and the
weights; scoring is a dot product and a sigmoid in plain Python (no numpy, no scikit-learn in
the hot path, ~10 µs). `fanzha risk train --seeds 5,6,7` regenerates it deterministically from
the simulator's bank stream (Newton's method, L2, classes weighted equally).

The bias is shifted so that the operating point chosen on the training streams ("the rules'
verify threshold OR the model" flags ≤ 1.9% of normal transfers) is probability 0.5: the packaged
rule R16 `model_score >= 0.5` stays right after retraining. `model_score` is therefore not a
calibrated fraud probability, it is "how far past the operating point".

Caveat: trained on the simulator, tested on other seeds of the same simulator — it learns the
simulator's habits as much as fraud's. A bank must retrain and backtest on its own history.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).parent / "rules" / "model.json"
TRAIN_FLAG_BUDGET = 0.019  # share of normal training transfers the union may send to verify
REASON_LIMIT = 3
REASONS_FROM = 0.2  # model_reasons is filled from this score up
L2 = 1.0

# (name, transform) of each input; "log" = log1p of a money amount in 分.
INPUTS: tuple[tuple[str, str], ...] = (
    ("night", "num"), ("payer_elderly", "num"), ("payer_vulnerable", "num"), ("new_customer", "num"),
    ("payer_first_seen", "num"), ("count_1h", "num"), ("count_24h", "num"), ("count_7d", "num"),
    ("first_to_payee", "num"), ("payee_on_risk_list", "num"), ("payee_payers_24h", "num"), ("on_call", "num"),
    ("any_remote", "num"), ("new_device", "num"), ("near_limit", "num"), ("near_limit_count_24h", "num"),
    ("payee_flagged_7d", "num"), ("payer_flagged_24h", "num"), ("payee_relation_days", "num"),
    ("to_payee_count_7d", "num"), ("payer_history_7d", "num"),
    ("amount_fen", "log"), ("amount_1h_fen", "log"), ("amount_24h_fen", "log"), ("amount_7d_fen", "log"),
    ("to_payee_amount_7d_fen", "log"), ("payee_inflow_24h_fen", "log"),
    ("amount_ratio", "ratio"), ("amount_ratio", "missing"),
)  # fmt: skip


def _yuan(v: Any) -> str:
    return f"{(v or 0) / 100:,.0f}元"


# Chinese wording of an input that pushed the score up: (when above average, when below average).
# None: that direction is not a reason worth showing to a teller.
# Inputs explained together: `payer_vulnerable` includes `payer_elderly` (in the simulator they are
# equal), so the fit gives them large opposite weights; only their sum means anything.
_EXPLAINED_WITH = {"payer_elderly": "payer_vulnerable"}
_WORDS: dict[tuple[str, str], tuple[str | None, str | None]] = {
    ("night", "num"): ("夜间转账", None),
    ("payer_vulnerable", "num"): ("老年或易受骗客户", None),
    ("new_customer", "num"): ("新开户客户", None),
    ("payer_first_seen", "num"): ("客户首次交易", None),
    ("count_1h", "num"): ("1小时内第{v}笔转账", None),
    ("count_24h", "num"): ("24小时内第{v}笔转账", None),
    ("count_7d", "num"): ("7日内第{v}笔转账", "近期转账很少"),
    ("first_to_payee", "num"): ("首次向该收款人转账", None),
    ("payee_on_risk_list", "num"): ("收款账户在涉诈名单", None),
    ("payee_payers_24h", "num"): ("收款账户24小时内{v}人转入", None),
    ("on_call", "num"): ("边通话边转账", None),
    ("any_remote", "num"): ("屏幕共享/远程控制中", None),
    ("new_device", "num"): ("新设备", None),
    ("near_limit", "num"): ("金额贴近限额", None),
    ("near_limit_count_24h", "num"): ("24小时内{v}笔贴近限额", None),
    ("payee_flagged_7d", "num"): ("收款账户7日内已被预警{v}次", None),
    ("payer_flagged_24h", "num"): ("客户24小时内已有转账被预警", None),
    ("payee_relation_days", "num"): (None, "与该收款人往来仅{v}天"),
    ("to_payee_count_7d", "num"): ("7日内已向该收款人转账{v}笔", None),
    ("payer_history_7d", "num"): ("近7日转账{v}笔", "近7日无其他转账"),
    ("amount_fen", "log"): ("金额{y}", None),
    ("amount_1h_fen", "log"): ("1小时内累计{y}", None),
    ("amount_24h_fen", "log"): ("24小时内累计{y}", None),
    ("amount_7d_fen", "log"): ("7日内累计{y}", None),
    ("to_payee_amount_7d_fen", "log"): ("7日内向该收款人累计{y}", None),
    ("payee_inflow_24h_fen", "log"): ("收款账户24小时流入{y}", None),
    ("amount_ratio", "ratio"): ("金额为近7日平均的{v}倍", None),
    ("amount_ratio", "missing"): ("近7日无可比转账", None),
}


def _value(features: Mapping[str, Any], name: str, how: str) -> float:
    v = features.get(name)
    if how == "missing":
        return 1.0 if v is None else 0.0
    if v is None:
        return 0.0
    if how == "num":
        return float(v)
    return math.log1p(max(float(v), 0.0))  # "log" and "ratio"


def vector(features: Mapping[str, Any]) -> list[float]:
    return [_value(features, name, how) for name, how in INPUTS]


@dataclass(frozen=True, slots=True)
class LogisticModel:
    """z = bias + Σ weight·(x − mean)/scale; score = sigmoid(z), rounded to 3 decimals."""

    inputs: tuple[tuple[str, str], ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    meta: dict[str, Any] = field(default_factory=dict)
    _terms: tuple[tuple[Callable[[Mapping[str, Any]], float], float, float], ...] = field(init=False, repr=False)

    _merged: tuple[tuple[int, int], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        index = {name: i for i, (name, _) in enumerate(self.inputs)}
        object.__setattr__(self, "_merged", tuple((index[a], index[b]) for a, b in _EXPLAINED_WITH.items()
                                                  if a in index and b in index))
        object.__setattr__(self, "_terms", tuple(
            (_getter(n, h), w / s, mu)
            for (n, h), w, s, mu in zip(self.inputs, self.weights, self.scale, self.mean, strict=True)))

    def assess(self, features: Mapping[str, Any]) -> tuple[float, str]:
        """The score and, in Chinese, the inputs that pushed it up most (for the reason; only
        from REASONS_FROM up, the rest of the time nobody reads it)."""
        contrib = [slope * (get(features) - mu) for get, slope, mu in self._terms]
        z = self.bias + sum(contrib)
        score = round(1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0, 3)
        if score < REASONS_FROM:
            return score, ""
        for i, j in self._merged:
            contrib[j] += contrib[i]
            contrib[i] = 0.0
        parts = [(c, i) for i, c in enumerate(contrib) if c > 0.1]
        parts.sort(reverse=True)
        words: list[str] = []
        for _, i in parts:
            name, how = self.inputs[i]
            above = self.mean[i] < _value(features, name, how)
            text = _WORDS.get((name, how), (None, None))[0 if above else 1]
            v = features.get(name)
            if name == "payee_relation_days" and features.get("first_to_payee"):
                text = "首次向该收款人转账"
            elif how == "log" and name != "amount_fen" and (v or 0) <= (features.get("amount_fen") or 0):
                text = None  # a running total that is just this transfer says nothing new
            if text:
                text = text.format(v=v, y=_yuan(v))
                if text not in words:
                    words.append(text)
            if len(words) == REASON_LIMIT:
                break
        return score, "、".join(words) or "多项特征组合"

    def score(self, features: Mapping[str, Any]) -> float:
        return self.assess(features)[0]

    def to_json(self) -> str:
        doc = {"kind": "logistic", "inputs": [list(x) for x in self.inputs],
               "mean": [round(x, 6) for x in self.mean], "scale": [round(x, 6) for x in self.scale],
               "weights": [round(x, 6) for x in self.weights], "bias": round(self.bias, 6), "meta": self.meta}
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LogisticModel:
        doc = json.loads(text)
        if doc.get("kind") != "logistic":
            raise ValueError("not a logistic model artifact")
        inputs = tuple((str(n), str(h)) for n, h in doc["inputs"])
        sizes = {len(inputs), len(doc["mean"]), len(doc["scale"]), len(doc["weights"])}
        if len(sizes) != 1 or any(h not in ("num", "log", "ratio", "missing") for _, h in inputs):
            raise ValueError("model artifact is inconsistent")
        return cls(inputs, tuple(map(float, doc["mean"])), tuple(map(float, doc["scale"])),
                   tuple(map(float, doc["weights"])), float(doc["bias"]), dict(doc.get("meta") or {}))


def _getter(name: str, how: str) -> Callable[[Mapping[str, Any]], float]:
    if how == "num":
        return lambda f: float(f.get(name) or 0)
    if how == "missing":
        return lambda f: 1.0 if f.get(name) is None else 0.0
    return lambda f: math.log1p(max(float(f.get(name) or 0), 0.0))


@lru_cache(maxsize=1)
def packaged_model() -> LogisticModel | None:
    """The model shipped in the package, or None if the artifact is absent."""
    if not MODEL_FILE.exists():
        return None
    return LogisticModel.from_json(MODEL_FILE.read_text(encoding="utf-8"))


# --- training (offline; numpy only here) -------------------------------------------------------

SIM_START = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class Example:
    features: dict[str, Any]
    rules_score: int
    is_fraud: bool


def simulated_examples(seed: int, *, residents: int = 20_000, days: int = 21) -> list[Example]:
    """The simulator's bank stream for one seed, scored by the rules alone (no model), after the
    warm-up: the features the model sees online, the rules' score, the ground truth."""
    from fanzha.risk.engine import Scorer
    from fanzha.risk.features import HashedAccountSet, VelocityState
    from fanzha.risk.simulate import WARMUP_DAYS, known_fraud_accounts, stream
    from fanzha.sim.county import build_county
    from fanzha.sim.runner import SimContext

    county = build_county(seed, residents=residents)
    ctx = SimContext(seed=seed, county=county, start=date(2026, 1, 1), days=days)
    scorer = Scorer(state=VelocityState(risk_list=HashedAccountSet(known_fraud_accounts(ctx.rings, seed=seed))),
                    model=None)
    out: list[Example] = []
    for s in stream(county, ctx.attempts, seed=seed, start=SIM_START, days=days, warmup_days=WARMUP_DAYS):
        f, verdict = scorer.decide(s.transfer)
        if s.transfer.at >= SIM_START:
            out.append(Example(f, verdict.score, s.is_fraud))
    return out


def fit(examples: Sequence[Example], *, verify_at: int, budget: float = TRAIN_FLAG_BUDGET,
        meta: dict[str, Any] | None = None) -> LogisticModel:
    """Logistic regression by Newton's method (deterministic), then the operating point: the
    lowest probability at which "rules ≥ verify_at OR model" flags at most `budget` of the normal
    training transfers, moved to 0.5 by shifting the bias."""
    import numpy as np

    x = np.array([vector(e.features) for e in examples], dtype=float)
    y = np.array([e.is_fraud for e in examples], dtype=bool)
    rules = np.array([e.rules_score for e in examples]) >= verify_at
    if y.all() or not y.any():
        raise ValueError("training needs both fraud and normal transfers")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    sample_w = np.where(y, len(y) / (2 * y.sum()), len(y) / (2 * (~y).sum()))
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], L2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        grad = z.T @ (sample_w * (p - y)) + penalty * beta
        hess = (z * (sample_w * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    logit = z @ beta
    normal, fraud = ~y, y
    # Candidate cut points: the logits of normal transfers the rules do not already flag.
    candidates = np.sort(logit[normal & ~rules])[::-1]
    rules_normal = int((rules & normal).sum())
    allowed = int(budget * normal.sum()) - rules_normal
    if allowed <= 0:
        raise ValueError("the rules alone already exceed the budget")
    cut = float(candidates[min(allowed, len(candidates) - 1)])
    cut = float(np.nextafter(cut, np.inf))  # strictly above the (allowed+1)-th normal logit
    flagged = rules | (logit >= cut)
    info = {"trained_on": meta or {}, "verify_at": verify_at, "budget": budget,
            "train_recall": round(float(flagged[fraud].mean()), 4),
            "train_normal_flagged": round(float(flagged[normal].mean()), 4),
            "train_rows": len(y), "train_fraud": int(y.sum())}
    return LogisticModel(INPUTS, tuple(mean.tolist()), tuple(scale.tolist()), tuple(beta[1:].tolist()),
                         float(beta[0] - cut), info)


def train(seeds: Sequence[int], *, residents: int = 20_000, days: int = 21, verify_at: int | None = None,
          progress: Callable[[str], None] | None = None) -> LogisticModel:
    from fanzha.risk.engine import default_ruleset

    examples: list[Example] = []
    for seed in seeds:
        examples.extend(simulated_examples(seed, residents=residents, days=days))
        if progress:
            progress(f"seed {seed}: {len(examples):,} transfers so far")
    verify = verify_at if verify_at is not None else default_ruleset().thresholds["verify"]
    return fit(examples, verify_at=verify,
               meta={"simulator_seeds": list(seeds), "residents": residents, "days": days})
