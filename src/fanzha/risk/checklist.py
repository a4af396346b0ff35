"""The counter checklist: questions a teller asks before a risky transfer leaves.

Questions and the weight of each answer live in `rules/checklist.yaml` (configurable per
bank). Answers become rule executions — a red-flag answer (someone on the phone told you to
transfer, a "safe account", promised returns, keep it secret) adds points and a reason —
and the decision is evaluated again with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from fanzha.risk.scoring import RuleExecution

CHECKLIST_FILE = Path(__file__).parent / "rules" / "checklist.yaml"


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    points: int
    red_flag: bool
    reason: str | None


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    text: str
    options: tuple[Option, ...]

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True, slots=True)
class Assessment:
    executions: list[RuleExecution]
    points: int
    red_flags: int


class ChecklistError(ValueError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def parse_questions(doc: Any) -> tuple[Question, ...]:
    questions = []
    for q in doc["questions"]:
        options = tuple(Option(str(o["value"]), str(o["label"]), int(o.get("points", 0)), bool(o.get("red_flag")),
                               o.get("reason")) for o in q["options"])
        questions.append(Question(str(q["code"]), str(q["text"]), options))
    return tuple(questions)


@lru_cache(maxsize=1)
def default_questions() -> tuple[Question, ...]:
    return parse_questions(yaml.safe_load(CHECKLIST_FILE.read_text(encoding="utf-8")))


def assess(answers: dict[str, str], questions: tuple[Question, ...] | None = None) -> Assessment:
    """Every question must be answered with one of its options; otherwise nothing is assessed."""
    questions = questions or default_questions()
    problems: dict[str, str] = {}
    known = {q.code for q in questions}
    for code in answers:
        if code not in known:
            problems[code] = "没有这个问询项"
    executions: list[RuleExecution] = []
    points = red = 0
    for q in questions:
        value = answers.get(q.code)
        if value is None or value == "":
            problems[q.code] = "请选择答案"
            continue
        option = q.option(value)
        if option is None:
            problems[q.code] = "答案不在可选范围内"
            continue
        points += option.points
        red += option.red_flag
        reason = f"柜面问询「{q.text}」答：{option.label}" + (f"（{option.reason}）" if option.reason else "")
        executions.append(RuleExecution(f"CL.{q.code}", q.text, option.points != 0, option.points,
                                        reason if option.points else None))
    if problems:
        raise ChecklistError(problems)
    return Assessment(executions, points, red)
