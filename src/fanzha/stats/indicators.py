"""Every indicator, defined once: what it counts, from which source, and which way is better.

`docs/indicators.md` documents the same list; `tests/stats/test_indicators.py` keeps the two
in step. Money is in 分 (fen); rates are fractions (0.125 = 12.5%) unless `scale` says
otherwise (万人发案率 is per 10,000 residents).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_

from fanzha.core import clock
from fanzha.detect.labels import TYPE_NAMES
from fanzha.stats.sources import Facts


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Unit(StrEnum):
    COUNT = "起"
    ITEMS = "条"
    PEOPLE = "人"
    TIMES = "次"
    FEN = "元"  # stored in 分, shown in 元/万元
    RATE = "%"
    PER_10K = "起/万人"
    MINUTES = "分钟"


Agg = Callable[[Facts], ColumnElement[Any]]


def count() -> Agg:
    return lambda f: func.count()


def count_where(cond: Callable[[Facts], Any]) -> Agg:
    """Rows where `cond` holds (a boolean SQL expression or boolean column)."""
    return lambda f: func.coalesce(func.sum(case((cond(f), 1), else_=0)), 0)


def total(column: str) -> Agg:
    return lambda f: func.coalesce(func.sum(f.col(column)), 0)


@dataclass(frozen=True)
class Measure:
    """An SQL aggregate over a source's rows in the node's subtree and the period."""

    code: str
    name_zh: str
    unit: Unit
    source: str
    agg: Agg
    doc: str
    better: Better | None = None


@dataclass(frozen=True)
class Median:
    """The median of a per-row column, from a histogram counted in SQL (see engine._median)."""

    code: str
    name_zh: str
    unit: Unit
    source: str
    column: str
    doc: str
    divide_by: float = 1.0
    better: Better | None = None
    bin: float = 6.0  # histogram bin in the column's unit: 6 s = the 0.1 minute the figure shows


@dataclass(frozen=True)
class Ratio:
    """`num / den × scale` of two other indicators; 无数据 when either is, or den is 0."""

    code: str
    name_zh: str
    unit: Unit
    num: str
    den: str
    doc: str
    scale: float = 1.0
    better: Better | None = None


@dataclass(frozen=True)
class Breakdown:
    """Counts of a source's rows by one dimension (type, channel, age band…)."""

    code: str
    name_zh: str
    source: str
    dimension: str
    doc: str
    labels: dict[str, str] | None = None
    weight: str | None = None  # sum this column instead of counting rows


Indicator = Measure | Median | Ratio

POPULATION = "population"  # the node's 常住人口 from the jurisdiction tree, not a source


def _deadline_missed(f: Facts) -> ColumnElement[bool]:
    """Fired (escalated) by the SLA timer, or past due and still open (the timer has not run yet)."""
    return or_(f.col("fired_at").is_not(None), and_(f.col("met_at").is_(None), f.col("due_at") < clock.now()))


def _deadline_met(f: Facts) -> ColumnElement[bool]:
    return and_(f.col("met_at").is_not(None), f.col("fired_at").is_(None))


INDICATORS: list[Indicator] = [
    # Cases (cases domain)
    Measure("cases", "发案数", Unit.COUNT, "cases", count(),
            "辖区内受理的电信网络诈骗案件数（按报案时间）。", Better.LOWER),
    Measure("loss_fen", "案件损失金额", Unit.FEN, "cases", total("loss_fen"),
            "案件登记的被骗金额合计。", Better.LOWER),
    Measure("cases_solved", "破案数", Unit.COUNT, "cases", count_where(lambda f: f.col("solved")),
            "状态为破案的案件数。", Better.HIGHER),
    Measure("recovered_fen", "追赃挽损金额", Unit.FEN, "cases", total("recovered_fen"),
            "案件登记的已追回金额合计。", Better.HIGHER),
    Ratio("cases_per_10k", "万人发案率", Unit.PER_10K, "cases", POPULATION,
          "发案数 ÷ 常住人口 × 10000。", 10_000, Better.LOWER),
    Ratio("loss_per_case_fen", "案均损失", Unit.FEN, "loss_fen", "cases",
          "案件损失金额 ÷ 发案数。", 1, Better.LOWER),
    # Warnings (warning domain)
    Measure("warnings", "预警指令数", Unit.ITEMS, "warnings", count(),
            "接收的预警指令数（按接收时间，合并后的指令计一条）。"),
    Measure("warnings_high", "高风险预警", Unit.ITEMS, "warnings", count_where(lambda f: f.col("level") == "高"),
            "等级为“高”的预警指令数。"),
    Measure("warnings_closed", "已办结预警", Unit.ITEMS, "warnings",
            count_where(lambda f: f.col("closed_at").is_not(None)), "已关闭（办结）的预警指令数。", Better.HIGHER),
    Measure("warnings_dissuaded", "成功劝阻", Unit.PEOPLE, "warnings",
            count_where(lambda f: f.col("outcome") == "已劝阻"), "劝阻结果为“已劝阻”的预警指令数。", Better.HIGHER),
    Measure("warnings_defrauded", "预警后被骗", Unit.PEOPLE, "warnings",
            count_where(lambda f: f.col("outcome") == "已被骗"), "劝阻结果为“已被骗”的预警指令数。", Better.LOWER),
    Measure("warnings_with_outcome", "有劝阻结果的预警", Unit.ITEMS, "warnings",
            count_where(lambda f: f.col("outcome").is_not(None)), "已记录劝阻结果的预警指令数。"),
    Measure("warnings_visited", "上门劝阻", Unit.TIMES, "warnings",
            count_where(lambda f: f.col("visited_at").is_not(None)), "有上门劝阻记录的预警指令数。"),
    Measure("warnings_escalated", "超时升级预警", Unit.ITEMS, "warnings",
            count_where(lambda f: f.col("escalations") > 0), "因超时被升级过的预警指令数。", Better.LOWER),
    Measure("loss_averted_fen", "挽损金额", Unit.FEN, "warnings", total("loss_averted_fen"),
            "预警处置记录的避免损失金额合计。", Better.HIGHER),
    Ratio("closure_rate", "预警办结率", Unit.RATE, "warnings_closed", "warnings",
          "已办结预警 ÷ 预警指令数。", 1, Better.HIGHER),
    Ratio("dissuasion_rate", "劝阻成功率", Unit.RATE, "warnings_dissuaded", "warnings_with_outcome",
          "成功劝阻 ÷ 有劝阻结果的预警。", 1, Better.HIGHER),
    Ratio("defrauded_after_warning_rate", "预警后被骗率", Unit.RATE, "warnings_defrauded", "warnings_with_outcome",
          "预警后被骗 ÷ 有劝阻结果的预警：被预警的人里最终仍被骗的比例。", 1, Better.LOWER),
    Median("response_minutes_median", "响应时长中位数", Unit.MINUTES, "warnings", "response_seconds",
           "从接收预警到首次电话（无电话时为上门）的时长中位数。", 60.0, Better.LOWER),
    Measure("sla_due", "到期处置节点", Unit.ITEMS, "sla",
            count_where(lambda f: or_(_deadline_met(f), _deadline_missed(f))),
            "已有结果的处置时限节点数（按时完成或超时），按到期时间归期。"),
    Measure("sla_missed", "超时处置节点", Unit.ITEMS, "sla", count_where(_deadline_missed),
            "超时节点数：时限到期未完成、已被升级（fired），或已过时限仍未完成。", Better.LOWER),
    Measure("sla_met", "按时处置节点", Unit.ITEMS, "sla", count_where(_deadline_met),
            "在时限内完成（未被升级）的节点数。", Better.HIGHER),
    Ratio("sla_rate", "时限达标率", Unit.RATE, "sla_met", "sla_due",
          "按时处置节点 ÷ 到期处置节点。", 1, Better.HIGHER),
    # Money (risk domain)
    Measure("freezes", "止付冻结笔数", Unit.ITEMS, "freezes", count(), "提交的止付/冻结请求数。", Better.HIGHER),
    Measure("frozen_fen", "止付冻结金额", Unit.FEN, "freezes", total("amount_frozen_fen"),
            "止付/冻结结果记录的到账冻结金额合计。", Better.HIGHER),
    Measure("transactions_stopped", "拦截可疑交易", Unit.ITEMS, "transactions",
            count_where(lambda f: f.col("stopped")),
            "决策为暂缓/拦截，或柜面劝阻后取消、暂缓、拒绝办理的转账笔数（按付款人住址归属辖区）。", Better.HIGHER),
    Measure("transactions_stopped_fen", "拦截交易金额", Unit.FEN, "transactions",
            lambda f: func.coalesce(func.sum(case((f.col("stopped"), f.col("amount_fen")), else_=0)), 0),
            "被暂缓、拦截或劝阻取消的转账金额合计。", Better.HIGHER),
    # Prevention (outreach domain, people snapshot)
    Measure("campaigns", "宣防活动场次", Unit.TIMES, "campaigns", count(), "开展的宣防活动场次。", Better.HIGHER),
    Measure("campaign_reach", "宣防覆盖人次", Unit.PEOPLE, "campaigns", total("reach_people"),
            "宣防活动登记的现场覆盖人数合计。", Better.HIGHER),
    Measure("visits", "入户走访", Unit.TIMES, "visits", count(), "登记的入户走访次数。", Better.HIGHER),
    Measure("app_installs_on_visit", "走访中装机", Unit.PEOPLE, "visits",
            count_where(lambda f: f.col("app_installed_on_visit")), "走访时当场安装国家反诈App的人数。", Better.HIGHER),
    Measure("residents", "登记人员", Unit.PEOPLE, "people", count(), "人员信息中登记的居民数（当前快照）。"),
    Measure("app_installed", "反诈App装机人数", Unit.PEOPLE, "people",
            count_where(lambda f: f.col("app_installed")), "已安装国家反诈App的登记人员数（当前快照）。"),
    Measure("app_registered", "反诈App注册人数", Unit.PEOPLE, "people",
            count_where(lambda f: f.col("app_registered")), "已注册国家反诈App的登记人员数（当前快照）。"),
    Ratio("app_install_rate", "反诈App装机率", Unit.RATE, "app_installed", "residents",
          "装机人数 ÷ 登记人员（当前快照，不随统计周期回溯）。", 1, Better.HIGHER),
    Ratio("app_register_rate", "反诈App注册率", Unit.RATE, "app_registered", "residents",
          "注册人数 ÷ 登记人员（当前快照）。", 1, Better.HIGHER),
]

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}

LEVEL_NAMES = {"高": "高", "中": "中", "低": "低"}
WARNING_SOURCE_NAMES = {
    "telecom": "涉诈号码通联", "bank": "资金预警", "app": "国家反诈App/URL命中", "sms_gateway": "短信网关",
    "citizen_report": "群众举报", "detect": "智能识别命中", "manual": "人工录入",
}
FRAUD_TYPE_NAMES: dict[str, str] = {str(k): v for k, v in TYPE_NAMES.items()}

BREAKDOWNS: list[Breakdown] = [
    Breakdown("cases_by_type", "案件类型构成", "cases", "type_code", "按诈骗类型（DESIGN §3 编码）统计的发案数。",
              FRAUD_TYPE_NAMES),
    Breakdown("loss_by_type", "各类型损失金额", "cases", "type_code", "按诈骗类型统计的损失金额（分）。",
              FRAUD_TYPE_NAMES, weight="loss_fen"),
    Breakdown("cases_by_channel", "案件渠道构成", "cases", "channel", "按接触渠道统计的发案数。"),
    Breakdown("cases_by_age_band", "受害人年龄段", "cases", "age_band", "按受害人年龄段统计的发案数。"),
    Breakdown("cases_by_occupation", "受害人职业", "cases", "occupation", "按受害人职业统计的发案数。"),
    Breakdown("warnings_by_source", "预警来源构成", "warnings", "source", "按来源统计的预警指令数。",
              WARNING_SOURCE_NAMES),
    Breakdown("warnings_by_level", "预警等级构成", "warnings", "level", "按等级统计的预警指令数。", LEVEL_NAMES),
    Breakdown("warnings_by_type", "预警类型构成", "warnings", "type_code", "按诈骗类型统计的预警指令数。",
              FRAUD_TYPE_NAMES),
    Breakdown("campaigns_by_kind", "宣防活动形式", "campaigns", "kind", "按形式统计的宣防活动场次。"),
]

BREAKDOWN_BY_CODE = {b.code: b for b in BREAKDOWNS}


def sources_of(indicator: Indicator) -> set[str]:
    """The sources an indicator needs, following ratios down to their measures."""
    if isinstance(indicator, Ratio):
        out: set[str] = set()
        for part in (indicator.num, indicator.den):
            if part != POPULATION:
                out |= sources_of(BY_CODE[part])
        return out
    return {indicator.source}
