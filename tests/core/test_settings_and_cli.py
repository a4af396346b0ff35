"""Configuration mistakes stop start-up with one bilingual line; CLI basics."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, env: dict[str, str] | None = None,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fanzha", *args], env={**os.environ, **(env or {})},
                          capture_output=True, text=True, input=input, timeout=120)


@pytest.mark.parametrize(
    ("var", "value", "needle"),
    [
        ("FANZHA_DATABASE_URL", "mysql://x", "FANZHA_DATABASE_URL"),
        ("FANZHA_PORT", "70000", "FANZHA_PORT"),
        ("FANZHA_REDIS_URL", "http://localhost", "FANZHA_REDIS_URL"),
        ("FANZHA_LOG_LEVEL", "LOUD", "FANZHA_LOG_LEVEL"),
    ],
)
def test_a_bad_setting_gives_one_clear_line_not_a_traceback(var: str, value: str, needle: str) -> None:
    result = run_cli("users", "list", env={var: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("配置错误：") and needle in lines[0] and "Configuration error" in lines[0]


def test_cli_sets_up_a_database_imports_areas_and_adds_users(tmp_path: Path) -> None:
    env = {"FANZHA_DATA_DIR": str(tmp_path), "FANZHA_DATABASE_URL": ""}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    csv = tmp_path / "areas.csv"
    csv.write_text("code,name,level,parent_code\nC,测试县,county,\nT1,城关镇,town,C\n", encoding="utf-8")
    assert run_cli("areas", "import", str(csv), env=env).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,level,parent_code\nV1,东风村,village,NOPE\nV2,西风村,village,T1\n", encoding="utf-8")
    rejected = run_cli("areas", "import", str(bad), env=env)
    assert rejected.returncode == 1
    assert "第 2 行" in rejected.stderr and "上级辖区 NOPE 不存在" in rejected.stderr
    added = run_cli("users", "add", "zhang", "--role", "station_officer", "--area", "T1", "--name", "张警官",
                    "--password", "Str0ngPass!", env=env)
    assert added.returncode == 0, added.stderr
    weak = run_cli("users", "add", "li", "--role", "station_officer", "--area", "T1", "--password", "123", env=env)
    assert weak.returncode == 1 and "password" in weak.stderr
    listed = run_cli("users", "list", env=env)
    assert "zhang" in listed.stdout and "li\t" not in listed.stdout
    assert run_cli("users", "disable", "zhang", env=env).returncode == 0
    assert "停用" in run_cli("users", "list", env=env).stdout
    assert run_cli("audit", "verify", env=env).returncode == 0
