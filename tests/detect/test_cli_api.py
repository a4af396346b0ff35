"""`fanzha detect` on stdin and the HTTP routes."""

import json

from typer.testing import CliRunner

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
