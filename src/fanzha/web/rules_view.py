"""Warning grading and dispatch rules (DESIGN §5): the rules in force, shown as tables in Chinese,
and a check of a edited draft with every problem named in Chinese. Bank risk rules have their own
editor with versions, back-test and publish in risk/views.py (/risk/rules)."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError

from fanzha.core.deps import CurrentUser
from fanzha.core.rbac import Permission
from fanzha.warning.dispatch import DispatchRules
from fanzha.warning.grading import GradingRules
from fanzha.web.pages import page

router = APIRouter(include_in_schema=False)

KINDS: dict[str, tuple[str, str, type[BaseModel]]] = {
    "grading": ("预警分级规则", "rules/grading.yaml", GradingRules),
    "dispatch": ("派发阶梯与时限", "rules/dispatch.yaml", DispatchRules),
}
# Names of rule-file keys as an officer reads them.
KEY_NAMES = {
    "rules": "分级规则", "raises": "提级规则", "default": "默认等级", "level": "等级", "reason": "理由", "when": "条件",
    "id": "编号", "tiers": "层级", "ladder": "派发阶梯", "deadlines": "时限", "step": "环节", "minutes": "分钟数",
    "tier": "层级", "channel": "处置方式", "label": "说明", "effort_minutes": "工作量（分钟）", "levels": "等级",
    "within_minutes": "接触时间（分钟内）", "any_of": "任一标志", "all_of": "全部标志", "sources": "来源",
    "min_signals": "最少接触次数", "tags_any": "人群标签", "min_age": "最低年龄", "code": "编码", "name": "名称",
}


def _where(loc: tuple[Any, ...]) -> str:
    parts = []
    for p in loc:
        parts.append(f"第 {p + 1} 条" if isinstance(p, int) else KEY_NAMES.get(str(p), str(p)))
    return " → ".join(parts) or "文件"


def _problem(err: dict[str, Any]) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "missing":
        what = "缺少此项"
    elif kind == "extra_forbidden":
        what = "不认识的项（拼写错误？）"
    elif kind in ("enum", "literal_error"):
        what = f"取值须为 {ctx.get('expected', '允许的值')}"
    elif kind in ("greater_than", "greater_than_equal"):
        what = f"须大于{'等于' if kind.endswith('equal') else ''} {ctx.get('gt', ctx.get('ge'))}"
    elif kind in ("float_parsing", "int_parsing"):
        what = "须为数字"
    elif kind in ("list_type", "too_short"):
        what = "须为非空列表"
    elif kind == "value_error":
        what = f"取值无效：{ctx.get('error', err.get('msg'))}"
    else:
        what = f"取值无效（{err.get('msg')}）"
    return f"{_where(tuple(err.get('loc', ())))}：{what}"


def check_draft(kind: str, text: str) -> tuple[list[str], BaseModel | None]:
    """Chinese problems of a draft rules file, or the parsed rules when there are none."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "文件"
        return [f"{where}：YAML 格式错误（缩进或冒号不对？）"], None
    if not isinstance(data, dict):
        return ["文件须为键值结构（以 rules: / tiers: 等开头）"], None
    try:
        return [], KINDS[kind][2].model_validate(data)
    except ValidationError as exc:
        return [_problem(dict(e)) for e in exc.errors()], None


def _source(kind: str) -> str:
    return resources.files("fanzha.warning").joinpath(KINDS[kind][1]).read_text("utf-8")


def _render(request: Request, user: CurrentUser, kind: str, draft: str, problems: list[str] | None,
            parsed: BaseModel | None, status_code: int = 200) -> HTMLResponse:
    active = KINDS[kind][2].model_validate(yaml.safe_load(_source(kind)))
    return page(request, user, "admin/rules.html", {
        "kind": kind, "kinds": {k: v[0] for k, v in KINDS.items()}, "active": active, "draft": draft,
        "problems": problems, "parsed": parsed}, status_code)


@router.get("/admin/rules", response_class=HTMLResponse)
def rules_page(request: Request, user: CurrentUser, kind: str = "grading") -> HTMLResponse:
    user.require(Permission.RULES_WRITE)
    kind = kind if kind in KINDS else "grading"
    return _render(request, user, kind, _source(kind), None, None)


@router.post("/admin/rules/check", response_class=HTMLResponse)
def rules_check(request: Request, user: CurrentUser, kind: Annotated[str, Form()] = "grading",
                draft: Annotated[str, Form()] = "") -> HTMLResponse:
    user.require(Permission.RULES_WRITE)
    kind = kind if kind in KINDS else "grading"
    problems, parsed = check_draft(kind, draft) if draft.strip() else (["请粘贴规则文件内容"], None)
    return _render(request, user, kind, draft, problems, parsed, 422 if problems else 200)
