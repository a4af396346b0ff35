"""Alembic owns the schema: migrating an empty database yields exactly the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import fanzha.models  # noqa: F401
from fanzha.core import migrate
from fanzha.core.db import Base, Database, make_engine
from tests.conftest import PG_BASE_URL


def assert_matches_models(database: Database) -> None:
    migrate.upgrade(database.engine)
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrations_build_the_model_schema_on_sqlite(tmp_path: Path) -> None:
    assert_matches_models(Database(f"sqlite:///{tmp_path / 'm.db'}"))


def test_migrations_build_the_model_schema_on_postgresql() -> None:
    import uuid

    import pytest

    schema = f"mig_{uuid.uuid4().hex[:8]}"
    try:
        admin = make_engine(PG_BASE_URL, pool_size=1)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    db = Database(PG_BASE_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        assert_matches_models(db)
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
