"""Reading a warning rule file (grading.yaml, dispatch.yaml) into its pydantic model,
with every problem named in Chinese and English."""

from __future__ import annotations

from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from fanzha.core.errors import Invalid

M = TypeVar("M", bound=BaseModel)


def parse(text: str, model: type[M], *, origin: str, what_zh: str) -> M:
    try:
        return model.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise Invalid(f"{what_zh} {origin} 不是有效的 YAML：{exc}", f"{origin}: invalid YAML: {exc}") from None
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise Invalid(f"{what_zh} {origin} 有误：{'；'.join(problems)}", f"{origin} invalid: {'; '.join(problems)}",
                      fields={"problems": problems}) from None


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
    elif kind in ("less_than", "less_than_equal"):
        what = f"须小于{'等于' if kind.endswith('equal') else ''} {ctx.get('lt', ctx.get('le'))}"
    elif kind in ("float_parsing", "int_parsing"):
        what = "须为数字"
    elif kind in ("list_type", "too_short"):
        what = "须为非空列表"
    elif kind == "value_error":
        what = f"取值无效：{ctx.get('error', err.get('msg'))}"
    else:
        what = f"取值无效（{err.get('msg')}）"
    return f"{_where(tuple(err.get('loc', ())))}：{what}"


def problems(text: str, model: type[M]) -> tuple[list[str], M | None]:
    """Every problem of an edited rule file, in Chinese and located for an officer (line and column
    for YAML, the key path otherwise), or the parsed rules when there are none."""
    if not text.strip():
        return ["请粘贴规则文件内容"], None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "文件"
        return [f"{where}：YAML 格式错误（缩进或冒号不对？）"], None
    if not isinstance(data, dict):
        return ["文件须为键值结构（以 rules: / tiers: 等开头）"], None
    try:
        return [], model.model_validate(data)
    except ValidationError as exc:
        return [_problem(dict(e)) for e in exc.errors()], None
