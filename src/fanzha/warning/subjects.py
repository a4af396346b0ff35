"""Locating the subject of a signal: the person, their grid, station and vulnerability.

Read in bulk for the ingest hot path (one query per batch instead of one
`people.service.find_by_phone` per row); the area tree is cached briefly in-process
because it changes a few times a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.areas.models import Area
from fanzha.people.models import Person


@dataclass(frozen=True)
class Subject:
    person_id: int
    phone_hash: str | None
    area_code: str
    area_path: str
    tags: frozenset[str]
    age: int | None
    app_installed: bool


@dataclass(frozen=True)
class AreaInfo:
    code: str
    name: str
    level: str
    path: str


_area_cache: dict[tuple[Any, ...], dict[str, AreaInfo]] = {}


def areas_index(session: Session) -> dict[str, AreaInfo]:
    """The whole tree, reloaded only when its signature (row count, paths) changes."""
    signature = tuple(session.execute(select(func.count(), func.max(Area.path), func.sum(func.length(Area.path)),
                                             func.max(Area.name))).one())
    key = (str(session.get_bind().engine.url), *signature)
    hit = _area_cache.get(key)
    if hit is not None:
        return hit
    rows = {code: AreaInfo(code, name, level, path)
            for code, name, level, path in session.execute(select(Area.code, Area.name, Area.level, Area.path))}
    if len(_area_cache) > 16:
        _area_cache.clear()
    _area_cache[key] = rows
    return rows


def forget_areas() -> None:
    _area_cache.clear()


def chain(index: dict[str, AreaInfo], code: str) -> list[tuple[str, str]]:
    """[(code, level)] from the root down to `code`."""
    area = index.get(code)
    if area is None:
        return []
    return [(c, index[c].level) for c in area.path.strip("/").split("/") if c in index]


def _subject(p: tuple[int, str | None, str, str, list[str] | None, int | None, bool]) -> Subject:
    return Subject(person_id=p[0], phone_hash=p[1], area_code=p[2], area_path=p[3], tags=frozenset(p[4] or ()),
                   age=p[5], app_installed=bool(p[6]))


_COLUMNS = (Person.id, Person.phone_hash, Person.area_code, Person.area_path, Person.tags, Person.age,
            Person.app_installed)


def load(session: Session, *, person_ids: set[int],
         phone_hashes: set[str]) -> tuple[dict[int, Subject], dict[str, Subject]]:
    by_id: dict[int, Subject] = {}
    by_phone: dict[str, Subject] = {}
    ids, hashes = sorted(person_ids), sorted(phone_hashes)
    for i in range(0, len(ids), 1000):
        for row in session.execute(select(*_COLUMNS).where(Person.id.in_(ids[i:i + 1000]))):
            s = _subject(tuple(row))  # type: ignore[arg-type]
            by_id[s.person_id] = s
    for i in range(0, len(hashes), 1000):
        for row in session.execute(select(*_COLUMNS).where(Person.phone_hash.in_(hashes[i:i + 1000]))):
            s = _subject(tuple(row))  # type: ignore[arg-type]
            if s.phone_hash:
                by_phone.setdefault(s.phone_hash, s)
    return by_id, by_phone
