"""CSV imports: campaign records and App install/registration lists. Every row is checked
first; one bad row rejects the file and nothing is written (ImportRejected lists each row)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.areas.models import Area
from fanzha.audit import service as audit
from fanzha.core import cache, clock
from fanzha.core.errors import ImportRejected, RowError
from fanzha.core.pii import PIIKind, blind_index
from fanzha.core.rbac import Permission, Principal
from fanzha.outreach import service
from fanzha.outreach.models import Campaign
from fanzha.outreach.schemas import CampaignIn, ImportResult, fields_zh
from fanzha.people.models import Person

# Spreadsheets from towns come with Chinese headers; API clients send the field names.
CAMPAIGN_HEADERS = {
    "类型": "kind", "活动类型": "kind", "主题": "title", "活动主题": "title", "日期": "held_on", "活动日期": "held_on",
    "辖区编码": "area_code", "地点": "place", "对象": "target_groups", "宣传对象": "target_groups",
    "诈骗类型": "fraud_types", "覆盖人数": "reach_people", "浏览量": "reach_views", "物料": "materials",
    "经费": "cost_yuan", "经费(元)": "cost_yuan", "经费（元）": "cost_yuan", "编号": "external_ref",
}
APP_HEADERS = {"手机号": "phone", "已安装": "installed", "已注册": "registered"}
FIELD_ZH = {"kind": "类型", "title": "主题", "held_on": "日期", "area_code": "辖区编码", "place": "地点",
            "target_groups": "对象", "fraud_types": "诈骗类型", "reach_people": "覆盖人数", "reach_views": "浏览量",
            "materials": "物料", "cost_yuan": "经费", "external_ref": "编号", "phone": "手机号",
            "installed": "已安装", "registered": "已注册"}
LIST_SPLIT = re.compile(r"[、,，;；|/\s]+")
TRUE_WORDS = {"是", "1", "true", "yes", "y", "已安装", "已注册", "√"}
FALSE_WORDS = {"否", "0", "false", "no", "n", "", "未安装", "未注册", "×"}
MAX_ROWS = 50_000


def read_csv(text: str, headers: dict[str, str], required: set[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    names = [headers.get((h or "").strip(), (h or "").strip()) for h in reader.fieldnames or []]
    missing = required - set(names)
    if missing:
        zh = "、".join(FIELD_ZH.get(m, m) for m in sorted(missing))
        raise ImportRejected([RowError(1, ",".join(sorted(missing)), f"缺少表头：{zh}",
                                       f"missing header column(s): {', '.join(sorted(missing))}")])
    rows = [{name: (value or "").strip() for name, value in zip(names, raw.values(), strict=False)}
            for raw in reader]
    if len(rows) > MAX_ROWS:
        raise ImportRejected([RowError(0, None, f"单次最多导入 {MAX_ROWS:,} 行", f"at most {MAX_ROWS} rows")])
    return rows


def _campaign_fields(row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in row.items() if v != ""}
    for key in ("target_groups", "fraud_types"):
        if key in out:
            out[key] = [p for p in LIST_SPLIT.split(out[key]) if p]
    return out


def _row_errors(line: int, exc: ValidationError) -> list[RowError]:
    return [RowError(line, field, f"{FIELD_ZH.get(field, field)}：{message}", f"{field}: invalid")
            for field, message in fields_zh(exc).items()]


def import_campaigns(session: Session, *, actor: Principal, text: str) -> ImportResult:
    actor.require(Permission.OUTREACH_WRITE)
    rows = read_csv(text, CAMPAIGN_HEADERS, {"kind", "title", "held_on", "area_code"})
    paths = {a.code: a.path for a in session.scalars(select(Area).where(actor.scope.clause(Area.path)))}
    refs = [r["external_ref"] for r in rows if r.get("external_ref")]
    known_refs = set(session.scalars(select(Campaign.external_ref).where(Campaign.external_ref.in_(refs)))) \
        if refs else set()
    errors: list[RowError] = []
    parsed: list[CampaignIn] = []
    seen: dict[str, int] = {}
    latest = clock.now().date().toordinal() + service.MAX_DAYS_AHEAD
    for i, row in enumerate(rows):
        line = i + 2  # the header is line 1
        try:
            item = CampaignIn.model_validate(_campaign_fields(row))
        except ValidationError as exc:
            errors.extend(_row_errors(line, exc))
            continue
        if item.area_code not in paths:
            errors.append(RowError(line, "area_code", f"辖区编码：{item.area_code} 不存在或不在本辖区内",
                                   f"area {item.area_code} unknown or outside your jurisdiction"))
        if item.held_on.toordinal() > latest:
            errors.append(RowError(line, "held_on", "日期：不能晚于一周之后", "held_on: too far ahead"))
        if item.external_ref:
            if item.external_ref in known_refs:
                errors.append(RowError(line, "external_ref", f"编号：{item.external_ref} 已导入过",
                                       f"external_ref {item.external_ref} already imported"))
            elif item.external_ref in seen:
                errors.append(RowError(line, "external_ref", f"编号：与第 {seen[item.external_ref]} 行重复",
                                       f"duplicate of line {seen[item.external_ref]}"))
            seen[item.external_ref] = line
        parsed.append(item)
    if errors:
        raise ImportRejected(errors)
    session.add_all([service.build_campaign(item, area_path=paths[item.area_code], created_by=actor.username)
                     for item in parsed])
    session.flush()
    audit.record(session, actor=actor, action="outreach.campaign.import", object_type="campaign", object_id="*",
                 detail={"rows": len(parsed)})
    return ImportResult(kind="campaigns", rows=len(rows), created=len(parsed))


def _flag(value: str) -> bool | None:
    low = value.lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    return None


def import_app_list(session: Session, *, actor: Principal, text: str) -> ImportResult:
    """An install/registration list (from the App back office or a village's roster), matched by phone."""
    actor.require(Permission.OUTREACH_WRITE)
    actor.require(Permission.PERSON_WRITE)
    rows = read_csv(text, APP_HEADERS, {"phone", "installed"})
    errors: list[RowError] = []
    wanted: list[tuple[int, str, bool, bool]] = []
    for i, row in enumerate(rows):
        line = i + 2
        phone = re.sub(r"[\s-]", "", row.get("phone", ""))
        installed, registered = _flag(row.get("installed", "")), _flag(row.get("registered", ""))
        if not re.fullmatch(r"1[3-9]\d{9}", phone):
            errors.append(RowError(line, "phone", "手机号：格式不正确", "phone: invalid"))
            continue
        if installed is None or registered is None:
            errors.append(RowError(line, "installed" if installed is None else "registered",
                                   "已安装/已注册：须填 是 或 否", "installed/registered must be yes or no"))
            continue
        wanted.append((line, blind_index(PIIKind.PHONE, phone), installed or registered, registered))
    hashes = [h for _, h, _, _ in wanted]
    found = {p.phone_hash: p for p in session.scalars(
        select(Person).where(Person.phone_hash.in_(hashes), actor.scope.clause(Person.area_path)))} if hashes else {}
    for line, h, _, _ in wanted:
        if h not in found:
            errors.append(RowError(line, "phone", "手机号：辖区人员库中无此号码", "phone not in the resident register"))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e["row"]))
    updated = 0
    for _, h, installed, registered in wanted:
        person = found[h]
        if (person.app_installed, person.app_registered) != (installed, registered):
            person.app_installed, person.app_registered = installed, registered
            updated += 1
    session.flush()
    cache.clear()
    audit.record(session, actor=actor, action="outreach.app_list.import", object_type="person", object_id="*",
                 detail={"rows": len(rows), "updated": updated})
    return ImportResult(kind="app_list", rows=len(rows), created=0, updated=updated)
