"""`fanzha detect` on stdin and the HTTP routes."""

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fanzha.detect.api import public_router, router
from fanzha.detect.cli import app


def test_cli_reads_json_lines_and_plain_lines() -> None:
    stdin = (
        json.dumps({"id": "m1", "text": "兼职刷单，日结佣金，先垫付后返还"}, ensure_ascii=False)
        + "\n晚上吃火锅还是烤肉？\n{broken json\n"
    ).encode() + b"\xff\xfe bad bytes\n"
    result = CliRunner().invoke(app, [], input=stdin)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["m1", "2", "3", "4"]
    assert rows[0]["is_fraud"] and rows[0]["type_code"] == "F01"
    assert not rows[1]["is_fraud"]
    for r in rows:
        assert {
            "id",
            "is_fraud",
            "probability",
            "type_code",
            "type_name",
            "cues",
            "entities",
            "channel",
            "truncated",
            "flags",
        } <= r.keys()
    assert "invalid_utf8" in rows[3]["flags"]


def _client() -> TestClient:
    web = FastAPI()
    web.include_router(router)
    web.include_router(public_router)
    return TestClient(web)


def test_api_detects_one_text_and_a_batch() -> None:
    client = _client()
    one = client.post("/api/v1/detect", json={"text": "我是公安局的，你涉嫌洗钱，把钱转到安全账户"})
    assert one.status_code == 200 and one.json()["verdicts"][0]["type_code"] == "F05"
    batch = client.post("/api/v1/detect", json={"texts": ["你好", "刷单日结"], "ids": ["a", "b"]})
    assert [v["id"] for v in batch.json()["verdicts"]] == ["a", "b"]


def test_api_rejects_malformed_requests() -> None:
    client = _client()
    assert client.post("/api/v1/detect", json={}).status_code == 422
    assert client.post("/api/v1/detect", json={"texts": ["x"] * 1001}).status_code == 422
    assert client.post("/api/v1/detect", json={"text": "a", "texts": ["b"]}).status_code == 422


def test_self_check_accepts_message_number_link_and_account() -> None:
    client = _client()
    for value, kind in [
        ("您的医保卡已冻结，请点击 yibao-jd.top 解冻", "text"),
        ("13812345678", "phone"),
        ("http://www.icbc-vip.top/login", "url"),
        ("6222021234567890123", "account"),
    ]:
        r = client.post("/api/v1/detect/self-check", json={"value": value})
        assert r.status_code == 200
        body = r.json()
        assert body["kind"] == kind and body["risk"] in ("高", "中", "低") and body["advice"]
    lookalike = client.post("/api/v1/detect/self-check", json={"value": "http://www.icbc-vip.top/login"}).json()
    assert lookalike["risk"] == "高"
