"""Jurisdiction tree use cases: look-ups, subtrees and the all-or-nothing import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.areas.models import ALLOWED_CHILDREN, LEVEL_NAMES_ZH, Area, AreaLevel
from fanzha.areas.schemas import AreaIn, ImportReport
from fanzha.core.errors import ImportRejected, Invalid, NotFound, RowError
from fanzha.core.scope import Scope


def get(session: Session, *, code: str, scope: Scope | None = None) -> Area:
    area = session.get(Area, code)
    if area is None or (scope is not None and not scope.contains(area.path)):
        raise NotFound("辖区", "Area", code)
    return area


def list_areas(
    session: Session, *, scope: Scope, level: AreaLevel | None = None, parent_code: str | None = None
) -> Sequence[Area]:
    stmt = select(Area).where(scope.clause(Area.path)).order_by(Area.path)
    if level is not None:
        stmt = stmt.where(Area.level == level)
    if parent_code is not None:
        stmt = stmt.where(Area.parent_code == parent_code)
    return session.scalars(stmt).all()


def names(session: Session, codes: Iterable[str | None]) -> dict[str, str]:
    """Display names of the given area codes, in one query (pages show names, not codes)."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return {str(code): str(name) for code, name in session.execute(
        select(Area.code, Area.name).where(Area.code.in_(wanted)))}


def subtree_codes(session: Session, *, code: str) -> list[str]:
    root = get(session, code=code)
    return list(session.scalars(select(Area.code).where(Area.path.startswith(root.path, autoescape=True))))


def ancestors(session: Session, *, code: str) -> list[Area]:
    """From the root down to (and including) the area itself."""
    area = get(session, code=code)
    codes = [c for c in area.path.strip("/").split("/") if c]
    rows = {a.code: a for a in session.scalars(select(Area).where(Area.code.in_(codes)))}
    return [rows[c] for c in codes]


def parse_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "name", "level"} - set(reader.fieldnames or [])
    if missing:
        raise ImportRejected(
            [RowError(1, ",".join(sorted(missing)), f"缺少表头：{'、'.join(sorted(missing))}",
                      f"missing header column(s): {', '.join(sorted(missing))}")]
        )
    return [dict(row) for row in reader]


def parse_yaml(text: str) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImportRejected([RowError(0, None, f"YAML 格式错误：{exc}", f"YAML syntax error: {exc}")]) from None
    if isinstance(data, dict):
        data = data.get("areas", [])
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ImportRejected([RowError(0, None, "YAML 须为辖区列表", "YAML must be a list of areas")])
    return data


def import_rows(session: Session, rows: Iterable[dict[str, Any]]) -> ImportReport:
    """Validate every row against the existing tree and each other; write all or nothing."""
    errors: list[RowError] = []
    parsed: list[tuple[int, AreaIn]] = []
    seen: dict[str, int] = {}
    # Header is line 1 in a CSV, so data row i is line i + 2.
    for i, raw in enumerate(rows):
        line = i + 2
        clean = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in raw.items() if k}
        if clean.get("parent_code") in ("", None):
            clean["parent_code"] = None
        if clean.get("population") in ("", None):
            clean.pop("population", None)
        try:
            item = AreaIn.model_validate(clean)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"])
                errors.append(RowError(line, field, f"字段 {field} 无效：{err['msg']}", f"{field}: {err['msg']}"))
            continue
        if item.code in seen:
            errors.append(RowError(line, "code", f"编码 {item.code} 与第 {seen[item.code]} 行重复",
                                   f"duplicate code {item.code} (also on line {seen[item.code]})"))
            continue
        seen[item.code] = line
        parsed.append((line, item))

    existing = {a.code: a for a in session.scalars(select(Area))}
    incoming = {item.code: item for _, item in parsed}
    levels = {c: a.level for c, a in existing.items()} | {c: i.level for c, i in incoming.items()}
    parents = {c: a.parent_code for c, a in existing.items()} | {c: i.parent_code for c, i in incoming.items()}

    for line, item in parsed:
        if item.parent_code is None:
            if item.level not in (AreaLevel.CITY, AreaLevel.COUNTY):
                errors.append(RowError(line, "parent_code", f"{LEVEL_NAMES_ZH[item.level]}必须有上级辖区",
                                       f"a {item.level} must have a parent"))
            continue
        if item.parent_code not in levels:
            errors.append(RowError(line, "parent_code", f"上级辖区 {item.parent_code} 不存在",
                                   f"unknown parent {item.parent_code}"))
            continue
        parent_level = AreaLevel(levels[item.parent_code])
        if item.level not in ALLOWED_CHILDREN[parent_level]:
            errors.append(RowError(
                line, "level",
                f"{LEVEL_NAMES_ZH[item.level]}不能挂在{LEVEL_NAMES_ZH[parent_level]}之下",
                f"a {item.level} cannot be under a {parent_level}"))
    for line, item in parsed:
        walk: str | None = item.code
        hops = 0
        while walk is not None and hops <= len(parents):
            walk = parents.get(walk)
            hops += 1
            if walk == item.code:
                errors.append(RowError(line, "parent_code", f"辖区 {item.code} 的上级关系形成环",
                                       f"area {item.code} is in a parent cycle"))
                break
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e["row"]))

    # Recompute every path from the merged parent map: an import may move a subtree.
    paths: dict[str, str] = {}

    def path_of(code: str) -> str:
        if code not in paths:
            parent: str | None = parents[code]
            paths[code] = (path_of(parent) if parent else "/") + code + "/"
        return paths[code]

    created = updated = 0
    for _, item in parsed:
        area = existing.get(item.code)
        if area is None:
            area = Area(code=item.code)
            existing[item.code] = area
            created += 1
        else:
            updated += 1
        area.name, area.level, area.parent_code = item.name, item.level, item.parent_code
        area.population = item.population
    for code, area in existing.items():
        area.path = path_of(code)
    session.add_all(existing.values())
    session.flush()
    return ImportReport(created=created, updated=updated)


def require_level(area: Area, *levels: AreaLevel) -> None:
    if area.level not in levels:
        raise Invalid(f"辖区 {area.name} 的级别不符合要求", f"area {area.code} has wrong level {area.level}")
