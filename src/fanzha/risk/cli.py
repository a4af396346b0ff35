"""`fanzha risk score`: JSON lines in, one decision per line out (in-memory velocity state).
`fanzha risk train`: regenerate the packaged model from the simulator (see risk/model.py).

Each input line is a transfer as accepted by POST /api/v1/risk/transactions. Lines are scored
in input order with one velocity state, so feed them in time order; a repeated id is answered
from the first decision. A bad line gets an `error` object and the stream goes on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from fanzha.core.pii import PIIKind, blind_index
from fanzha.risk.engine import Scorer, compile_rules, default_ruleset
from fanzha.risk.features import HashedAccountSet, Transfer, VelocityState
from fanzha.risk.model import MODEL_FILE, LogisticModel, packaged_model
from fanzha.risk.schemas import TransactionIn, clean_account
from fanzha.risk.scoring import Verdict
from fanzha.risk.service import device_hash

app = typer.Typer(help="银行转账风险评分 / bank transfer risk", no_args_is_help=True)


def _transfer(data: TransactionIn) -> Transfer:
    return Transfer(id=data.id, at=data.occurred_at, amount_fen=data.amount_fen,
                    payer=blind_index(PIIKind.BANK_CARD, data.payer.account),
                    payee=blind_index(PIIKind.BANK_CARD, data.payee_account), channel=data.channel.value,
                    device=device_hash(data.device_id) if data.device_id else None, payer_age=data.payer.age,
                    payer_tags=tuple(data.payer.tags), new_customer=data.payer.new_customer, on_call=data.on_call,
                    screen_sharing=data.screen_sharing, remote_control=data.remote_control)


def _out(tx_id: str, verdict: Verdict, explain: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": tx_id, "decision": verdict.decision, "decision_zh": verdict.decision_zh,
                           "score": verdict.score, "reasons": verdict.reasons, "ruleset": verdict.ruleset}
    if explain:
        out["executions"] = [e.to_dict() for e in verdict.executions]
    return out


def _error(tx_id: object, zh: str, en: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": tx_id, "error": {"code": "invalid", "message_zh": zh, "message_en": en, "fields": fields or {}}}


@app.command("score")
def score(
    rules: Annotated[Path | None, typer.Option(help="规则集 YAML（默认内置规则）")] = None,
    risk_list: Annotated[Path | None, typer.Option(help="涉诈账户清单，每行一个卡号")] = None,
    explain: Annotated[bool, typer.Option(help="输出每条规则的执行情况")] = False,
    model: Annotated[Path | None, typer.Option(help="模型文件 JSON（默认内置模型）")] = None,
    no_model: Annotated[bool, typer.Option("--no-model", help="只用规则，不用模型评分")] = False,
) -> None:
    """从标准输入逐行读取转账（JSON），逐行输出决定 / score JSON lines from stdin."""
    ruleset = compile_rules(rules.read_text(encoding="utf-8"), label=rules.name) if rules else default_ruleset()
    scorer_model = None if no_model else (LogisticModel.from_json(model.read_text(encoding="utf-8")) if model
                                          else packaged_model())
    listed = HashedAccountSet()
    if risk_list:
        for line in risk_list.read_text(encoding="utf-8").splitlines():
            if line.strip():
                listed.add(blind_index(PIIKind.BANK_CARD, clean_account(line.strip())))
    scorer = Scorer(ruleset, VelocityState(risk_list=listed), model=scorer_model)
    decided: dict[str, Verdict] = {}
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            data = TransactionIn.model_validate(raw)
        except json.JSONDecodeError:
            result = _error(None, f"第 {n} 行不是合法的 JSON", f"line {n} is not valid JSON")
        except ValidationError as exc:
            fields = {".".join(map(str, e["loc"])): e["msg"] for e in exc.errors()}
            result = _error(raw.get("id") if isinstance(raw, dict) else None, f"第 {n} 行字段有误：{'、'.join(fields)}",
                            f"line {n} invalid: {', '.join(fields)}", fields)
        else:
            verdict = decided.get(data.id)
            if verdict is None:
                _, verdict = scorer.decide(_transfer(data))
                decided[data.id] = verdict
            result = _out(data.id, verdict, explain)
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise typer.BadParameter("种子须为逗号分隔的整数 / seeds must be comma-separated integers") from None
    if not seeds:
        raise typer.BadParameter("至少一个种子 / at least one seed")
    return seeds


@app.command("train")
def train(
    seeds: Annotated[str, typer.Option(help="模拟器种子，逗号分隔（2、3、4 留作检验）")] = "5,6,7",
    residents: Annotated[int, typer.Option(help="模拟县人口")] = 20_000,
    days: Annotated[int, typer.Option(help="模拟天数（另加 14 天预热）")] = 21,
    out: Annotated[Path, typer.Option(help="模型文件输出路径")] = MODEL_FILE,
) -> None:
    """用模拟银行流水训练模型评分（确定性） / train the model score on the simulator's bank stream."""
    from fanzha.risk import model as risk_model

    trained = risk_model.train(_seeds(seeds), residents=residents, days=days,
                               progress=lambda msg: typer.echo(msg, err=True))
    out.write_text(trained.to_json(), encoding="utf-8")
    meta = trained.meta
    typer.echo(f"已写入 {out}：{meta['train_rows']:,} 笔（诈骗 {meta['train_fraud']:,}），"
               f"训练集上 规则≥{meta['verify_at']} 或模型：召回 {meta['train_recall']:.3f}，"
               f"正常转账被送核实 {meta['train_normal_flagged']:.2%}")
