"""The audit trail is append-only and hash-chained; tampering is detected."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import text

from fanzha.audit import service as audit
from fanzha.core.db import Database
from fanzha.core.rbac import Principal

ACTOR = Principal.system("tester")


def write_records(database: Database, n: int) -> None:
    with database.session() as s:
        for i in range(n):
            audit.record(s, actor=ACTOR, action="test.act", object_type="thing", object_id=i, detail={"i": i})


def verify(database: Database) -> audit.VerifyResult:
    with database.session() as s:
        return audit.verify(s)


def test_an_untouched_chain_verifies(database: Database) -> None:
    write_records(database, 5)
    result = verify(database)
    assert result.ok and result.checked == 5


def test_an_edited_record_is_detected(database: Database) -> None:
    write_records(database, 5)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE audit_record SET actor='someone_else' WHERE seq=3"))
    result = verify(database)
    assert not result.ok and any("#3" in p and "altered" in p for p in result.problems)


def test_a_deleted_record_in_the_middle_is_detected(database: Database) -> None:
    write_records(database, 5)
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_record WHERE seq=2"))
    assert not verify(database).ok


def test_deleting_the_newest_records_is_detected(database: Database) -> None:
    write_records(database, 5)
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_record WHERE seq>=4"))
    result = verify(database)
    assert not result.ok and any("truncated" in p for p in result.problems)


def test_records_rolled_back_with_their_transaction_leave_no_gap(database: Database) -> None:
    write_records(database, 2)
    try:
        with database.session() as s:
            audit.record(s, actor=ACTOR, action="doomed", object_type="thing", object_id=9)
            raise RuntimeError("business failure")
    except RuntimeError:
        pass
    write_records(database, 1)
    assert verify(database).ok


def test_cli_audit_verify_fails_on_a_tampered_database(database: Database) -> None:
    write_records(database, 3)
    env = {**os.environ, "FANZHA_DATABASE_URL": database.engine.url.render_as_string(hide_password=False)}
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar()
        env["PGOPTIONS"] = f"-csearch_path={schema}"
    env["FANZHA_DATABASE_URL"] = env["FANZHA_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    ok = subprocess.run([sys.executable, "-m", "fanzha", "audit", "verify"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE audit_record SET detail='{}' WHERE seq=2"))
    bad = subprocess.run([sys.executable, "-m", "fanzha", "audit", "verify"], env=env, capture_output=True, text=True)
    assert bad.returncode == 3
    assert "审计链校验失败" in bad.stderr and "#2" in bad.stderr
