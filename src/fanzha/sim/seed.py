"""Writes a simulated county into the database: areas, residents and demo staff."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.core import clock
from fanzha.core.pii import PIIKind, get_keyring, mask
from fanzha.core.rbac import Principal, Role
from fanzha.people.models import Person, age_band_of
from fanzha.sim.county import County
from fanzha.users import service as users
from fanzha.users.schemas import UserCreate

DEMO_PASSWORD = "Fanzha@2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: Role
    area_code: str


def demo_logins(county: County) -> list[DemoLogin]:
    town1, town2 = county.towns[0], county.towns[1]
    grid1 = next(g for g in county.grids if g.code.startswith(town1.code))
    bank = county.banks[0]
    root = county.areas[0].code
    return [
        DemoLogin("admin", "系统管理员", Role.ADMIN, root),
        DemoLogin("analyst", "县反诈中心研判员", Role.CENTER_ANALYST, root),
        DemoLogin("leader", "县局带班领导", Role.LEADER, root),
        DemoLogin("auditor", "审计员", Role.AUDITOR, root),
        DemoLogin("officer", f"{town1.name}派出所民警", Role.STATION_OFFICER, town1.code),
        DemoLogin("officer2", f"{town2.name}派出所民警", Role.STATION_OFFICER, town2.code),
        DemoLogin("grid", f"{grid1.name}网格员", Role.GRID_WORKER, grid1.code),
        DemoLogin("teller", f"{bank.name}柜员", Role.BANK_STAFF, bank.code),
    ]


def seed_county(session: Session, county: County, *, with_users: bool = True, batch: int = 5000) -> list[DemoLogin]:
    system = Principal.system("simulator")
    areas.import_rows(session, [
        {"code": a.code, "name": a.name, "level": a.level, "parent_code": a.parent_code,
         "population": a.population} for a in county.areas
    ])
    paths = {a.code: a.path for a in areas.list_areas(session, scope=system.scope)}
    keyring = get_keyring()
    now = clock.now()
    rows = []
    for r in county.residents:
        rows.append({
            "name_enc": r.name, "name_masked": mask(PIIKind.NAME, r.name),
            "phone_enc": r.phone, "phone_masked": mask(PIIKind.PHONE, r.phone),
            "phone_hash": keyring.blind_index(PIIKind.PHONE, r.phone),
            "id_number_enc": r.id_number, "id_number_masked": mask(PIIKind.ID_NUMBER, r.id_number),
            "id_number_hash": keyring.blind_index(PIIKind.ID_NUMBER, r.id_number),
            "address_enc": r.address, "gender": r.gender, "age": r.age, "age_band": age_band_of(r.age).value,
            "occupation": r.occupation, "tags": r.tags, "area_code": r.grid_code, "area_path": paths[r.grid_code],
            "app_installed": r.app_installed, "app_registered": r.app_registered,
            "external_ref": r.external_ref, "created_at": now,
        })
        if len(rows) >= batch:
            session.execute(insert(Person), rows)
            rows = []
    if rows:
        session.execute(insert(Person), rows)
    logins = demo_logins(county) if with_users else []
    for login in logins:
        users.create(session, actor=system, data=UserCreate(
            username=login.username, display_name=login.display_name, role=login.role,
            area_code=login.area_code, password=DEMO_PASSWORD, on_duty=login.role == Role.LEADER))
    return logins
