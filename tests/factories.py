"""Builders for test data. Each returns real rows written through the services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.core.db import Database
from fanzha.core.rbac import Principal, Role
from fanzha.people import service as people
from fanzha.people.models import Person
from fanzha.people.schemas import PersonCreate
from fanzha.sim.county import id_checksum
from fanzha.users import service as users
from fanzha.users.models import User
from fanzha.users.schemas import UserCreate
from tests import logcapture

SYSTEM = Principal.system("test")
PASSWORD = "Passw0rd!test"
_seq = itertools.count(1)

# A small county: C (county) → T1, T2 (towns) → V11, V21 (villages) → G111, G211 (grids); bank B1.
TREE = [
    ("C", "测试县", "county", None),
    ("T1", "城关镇", "town", "C"),
    ("T2", "河口镇", "town", "C"),
    ("V11", "东风村", "village", "T1"),
    ("V21", "柳树社区", "village", "T2"),
    ("G111", "东风村第1网格", "grid", "V11"),
    ("G211", "柳树社区第1网格", "grid", "V21"),
    ("B1", "农商银行营业部", "bank", "C"),
]


def make_tree(session: Session) -> None:
    areas.import_rows(session, [
        {"code": c, "name": n, "level": lv, "parent_code": p, "population": 10_000} for c, n, lv, p in TREE
    ])
    session.flush()


def make_user(session: Session, *, role: Role, area_code: str, username: str | None = None) -> User:
    user = users.create(session, actor=SYSTEM, data=UserCreate(
        username=username or f"{role.value}{next(_seq)}", display_name=f"测试{role.value}", role=role,
        area_code=area_code, password=PASSWORD))
    session.flush()
    return user


def phone_number(n: int | None = None) -> str:
    return f"139{(n if n is not None else next(_seq)) % 10**8:08d}"


def id_number(n: int | None = None) -> str:
    first17 = f"99010119{60 + (n or next(_seq)) % 40:02d}0101{(n or 0) % 1000:03d}"
    return first17 + id_checksum(first17)


def make_person(session: Session, *, area_code: str = "G111", **overrides: Any) -> Person:
    n = next(_seq)
    data: dict[str, Any] = {"name": "王秀英", "phone": phone_number(n), "id_number": id_number(n), "age": 67,
                            "gender": "女", "occupation": "退休", "tags": ["老人"], "area_code": area_code,
                            "address": f"测试县东风村{n}号"}
    data.update(overrides)
    logcapture.remember(data.get("phone"), data.get("id_number"), data.get("address"))
    person = people.create(session, actor=SYSTEM, data=PersonCreate(**data))
    session.flush()
    return person


_APP: list[Any] = []


def shared_app() -> Any:
    """One app for the whole test process: building it imports every router (slow)."""
    if not _APP:
        from fanzha.web.app import create_app

        _APP.append(create_app())
    return _APP[0]


@dataclass
class World:
    """The small county with one user per role, committed, ready for API tests."""

    database: Database
    users: dict[str, User]
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, who: str | None = None) -> TestClient:
        client = TestClient(shared_app(), raise_server_exceptions=False)
        if who is not None:
            if who not in self.tokens:
                self.tokens[who] = login_token(self.database, self.users[who].username)
            client.headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return client


# (key, role, area): "own" users sit in T1's subtree, "other" users in T2's.
WORLD_USERS = [
    ("admin", Role.ADMIN, "C"),
    ("analyst", Role.CENTER_ANALYST, "C"),
    ("leader", Role.LEADER, "C"),
    ("auditor", Role.AUDITOR, "C"),
    ("officer", Role.STATION_OFFICER, "T1"),
    ("officer_other", Role.STATION_OFFICER, "T2"),
    ("grid", Role.GRID_WORKER, "G111"),
    ("grid_other", Role.GRID_WORKER, "G211"),
    ("teller", Role.BANK_STAFF, "B1"),
    ("citizen", Role.CITIZEN, "C"),
]


def make_world(database: Database) -> World:
    with database.session() as session:
        make_tree(session)
        created = {key: make_user(session, role=role, area_code=area, username=key)
                   for key, role, area in WORLD_USERS}
    return World(database=database, users=created)


def login_token(database: Database, username: str) -> str:
    with database.session() as session:
        user = users.get_by_username(session, username=username)
        assert user is not None
        secret, _ = users.issue_token(session, user=user, kind="api")
    return secret
