"""The rule language: YAML rule sets whose conditions are small boolean expressions.

Conditions are parsed by a hand-written recursive-descent parser into closures over the
feature dict, never `eval`: only feature names, numbers, strings, true/false, comparisons,
`and`/`or`/`not`, `in [...]` and parentheses exist. An unknown feature name is a parse error,
so a typo in a draft rule is caught before it is published.

    rules:
      - code: R01
        name: 收款账户在涉诈名单
        when: payee_on_risk_list
        score: 100
        reason: 收款账户在涉诈账户名单中
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

Value = int | float | str | bool
Features = Mapping[str, Any]
Predicate = Callable[[Features], bool]
Getter = Callable[[Features], Any]

DECISIONS = ("allow", "verify", "hold", "block")

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<num>-?\d+(?:\.\d+)?)
     |(?P<str>"[^"]*"|'[^']*')
     |(?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
     |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""", re.VERBOSE)
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b), "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b), "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b), ">=": lambda a, b: bool(a >= b),
}


class RuleSyntaxError(ValueError):
    """A rule set that cannot be used; `problems` lists each one in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise RuleSyntaxError([f"无法识别的字符「{text[pos:pos + 8]}」（位置 {pos}）"])
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "name" and value in _KEYWORDS:
            kind = "kw"
        out.append((kind, value))
        pos = m.end()
    return out


class _Parser:
    """expr := or ; or := and ('or' and)* ; and := not ('and' not)* ; not := 'not' not | cmp ;
    cmp := atom (op atom | 'in' list)? ; atom := name | number | string | bool | '(' expr ')'"""

    def __init__(self, text: str, names: frozenset[str]) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.names = names

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise RuleSyntaxError(["表达式不完整"])
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        tok = self.take()
        if tok[1] != value:
            raise RuleSyntaxError([f"此处应为「{value}」，实际为「{tok[1]}」"])

    def parse(self) -> Predicate:
        node = self.or_()
        if self.peek() is not None:
            raise RuleSyntaxError([f"多余的内容「{self.peek()[1]}」"])  # type: ignore[index]
        return lambda f: bool(node(f))

    def or_(self) -> Getter:
        left = self.and_()
        while self.peek() == ("kw", "or"):
            self.take()
            left = _either(left, self.and_())
        return left

    def and_(self) -> Getter:
        left = self.not_()
        while self.peek() == ("kw", "and"):
            self.take()
            left = _both(left, self.not_())
        return left

    def not_(self) -> Getter:
        if self.peek() == ("kw", "not"):
            self.take()
            inner = self.not_()
            return lambda f: not inner(f)
        return self.cmp()

    def cmp(self) -> Getter:
        left = self.atom()
        tok = self.peek()
        if tok is not None and tok[0] == "op" and tok[1] in _COMPARE:
            self.take()
            right, op = self.atom(), _COMPARE[tok[1]]
            return lambda f: _safe(op, left(f), right(f))
        if tok == ("kw", "in"):
            self.take()
            options = frozenset(self.literal_list())
            return lambda f: left(f) in options
        return left

    def literal_list(self) -> list[Value]:
        self.expect("[")
        items: list[Value] = []
        while True:
            kind, value = self.take()
            if kind == "str":
                items.append(value[1:-1])
            elif kind == "num":
                items.append(float(value) if "." in value else int(value))
            else:
                raise RuleSyntaxError([f"列表中只能是数字或字符串，实际为「{value}」"])
            sep = self.take()[1]
            if sep == "]":
                return items
            if sep != ",":
                raise RuleSyntaxError([f"列表项之间应为逗号，实际为「{sep}」"])

    def atom(self) -> Getter:
        kind, value = self.take()
        if kind == "num":
            number: Value = float(value) if "." in value else int(value)
            return lambda f: number
        if kind == "str":
            text = value[1:-1]
            return lambda f: text
        if kind == "kw" and value in ("true", "false"):
            flag = value == "true"
            return lambda f: flag
        if kind == "name":
            if value not in self.names:
                raise RuleSyntaxError([f"未知特征「{value}」"])
            return lambda f: f.get(value)
        if value == "(":
            inner = self.or_()
            self.expect(")")
            return inner
        raise RuleSyntaxError([f"此处不应出现「{value}」"])


def _either(a: Getter, b: Getter) -> Getter:
    return lambda f: bool(a(f)) or bool(b(f))


def _both(a: Getter, b: Getter) -> Getter:
    return lambda f: bool(a(f)) and bool(b(f))


def _safe(op: Callable[[Any, Any], bool], a: Any, b: Any) -> bool:
    """A missing feature (None) never matches a comparison instead of raising mid-decision."""
    if a is None or b is None:
        return False
    try:
        return op(a, b)
    except TypeError:
        return False


def compile_condition(text: str, names: frozenset[str]) -> Predicate:
    return _Parser(text, names).parse()


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def render_reason(template: str, features: Features) -> str:
    """Fill {feature} placeholders; money features ending in _fen are shown in 元."""
    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        value = features.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and name.endswith("_fen"):
            return f"{value / 100:,.0f}元"
        return m.group(0) if value is None else str(value)
    return _PLACEHOLDER.sub(fill, template)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    condition_text: str
    condition: Predicate
    score: int
    reason: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules plus score thresholds: score ≥ block → block, ≥ hold → hold, ≥ verify → verify."""

    rules: tuple[Rule, ...]
    thresholds: dict[str, int]
    source: str
    label: str = "default"

    def decision_for(self, score: int) -> str:
        for decision in ("block", "hold", "verify"):
            if score >= self.thresholds[decision]:
                return decision
        return "allow"


def parse_ruleset(text: str, names: frozenset[str], *, label: str = "draft") -> RuleSet:
    """Validate and compile a YAML rule set; every problem is reported at once."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleSyntaxError([f"YAML 格式错误：{exc}"]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list) or not doc["rules"]:
        raise RuleSyntaxError(["规则集须包含非空的 rules 列表"])
    problems: list[str] = []
    thresholds = doc.get("thresholds") or {}
    if not isinstance(thresholds, dict) or not all(isinstance(thresholds.get(k), int) for k in DECISIONS[1:]):
        problems.append("thresholds 须给出 verify、hold、block 三个整数阈值")
        thresholds = {"verify": 0, "hold": 0, "block": 0}
    elif not thresholds["verify"] < thresholds["hold"] < thresholds["block"]:
        problems.append("阈值须满足 verify < hold < block")
    rules: list[Rule] = []
    seen: set[str] = set()
    for n, raw in enumerate(doc["rules"], 1):
        if not isinstance(raw, dict):
            problems.append(f"第 {n} 条规则格式错误")
            continue
        code = str(raw.get("code") or f"#{n}")
        where = f"规则 {code}"
        if code in seen:
            problems.append(f"{where}：编号重复")
        seen.add(code)
        when, score, reason = raw.get("when"), raw.get("score"), raw.get("reason")
        if not isinstance(when, str) or not when.strip():
            problems.append(f"{where}：缺少条件 when")
            continue
        if not isinstance(score, int) or isinstance(score, bool) or not -100 <= score <= 200:
            problems.append(f"{where}：score 须为 -100 到 200 之间的整数")
            continue
        if not isinstance(reason, str) or not reason.strip():
            problems.append(f"{where}：缺少中文理由 reason")
            continue
        try:
            predicate = compile_condition(when, names)
        except RuleSyntaxError as exc:
            problems.extend(f"{where}：{p}" for p in exc.problems)
            continue
        rules.append(Rule(code, str(raw.get("name") or code), when.strip(), predicate, score, reason.strip()))
    if problems:
        raise RuleSyntaxError(problems)
    return RuleSet(tuple(rules), {k: int(thresholds[k]) for k in DECISIONS[1:]}, text, label)
