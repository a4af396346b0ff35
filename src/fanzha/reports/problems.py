"""存在问题 and 下一步工作, derived from the data: each problem names its facts and brings
exactly one action. Thresholds are the field's rules of thumb, named here."""

from __future__ import annotations

from dataclasses import dataclass

from fanzha.reports import phrasing as say
from fanzha.reports.data import ReportData
from fanzha.stats.ratings import Colour

# A sub-area this far (in share points) below its parent's App install rate lags behind.
APP_LAG = 0.05
# A leaf area (no sub-areas) below this install rate is a problem of its own.
APP_TARGET = 0.5
# Below this share of deadlines met, SLA misses are a problem.
SLA_TARGET = 0.95
# A fraud type is rising when it has at least this many cases and grew by this share.
RISING_MIN_CASES = 3
RISING_SHARE = 0.2
LISTED = 3  # areas or types named per problem


@dataclass(frozen=True)
class Problem:
    code: str
    title: str
    detail: str
    action_title: str
    action: str


def derive(data: ReportData) -> list[Problem]:
    out: list[Problem] = []
    for rule in (_low_app, _sla, _rising_types, _defrauded_after_warning, _repeat_victims, _red_areas,
                 _missing_sources):
        problem = rule(data)
        if problem is not None:
            out.append(problem)
    return out


def _low_app(data: ReportData) -> Problem | None:
    own = data.value("app_install_rate")
    if own is None:
        return None
    if data.children:
        rates = [(a, r) for a in data.children if (r := data.child_values[a.code].get("app_install_rate")) is not None]
        lagging = sorted(((a, r) for a, r in rates if r < own - APP_LAG), key=lambda t: t[1])[:LISTED]
        if not lagging:
            return None
        names = "、".join(f"{a.name}（{say.pct(r)}）" for a, r in lagging)
        return Problem(
            "low_app", "国家反诈App覆盖不均衡",
            f"辖区反诈App装机率为{say.pct(own)}，{names}等{data.child_level_zh}明显低于平均水平，"
            "老年人等重点人群装机、注册仍有缺口。",
            "补齐反诈App覆盖短板",
            f"组织{'、'.join(a.name for a, _ in lagging)}等地网格员结合入户走访开展装机注册，"
            "对老年人逐户帮装帮注，推动装机率向平均水平看齐。")
    if own >= APP_TARGET:
        return None
    return Problem("low_app", "国家反诈App装机率偏低",
                   f"辖区反诈App装机率仅为{say.pct(own)}，注册率为{say.pct(data.value('app_register_rate'))}。",
                   "提升反诈App装机注册率",
                   "结合网格走访和宣防活动现场帮装帮注，优先覆盖老年人、学生等重点人群。")


def _sla(data: ReportData) -> Problem | None:
    rate, missed = data.value("sla_rate"), data.value("sla_missed")
    if rate is None or not missed or rate >= SLA_TARGET:
        return None
    escalated = data.value("warnings_escalated")
    tail = f"，因超时升级的预警{say.count(escalated)}条" if escalated else ""
    return Problem(
        "sla", "预警处置时效有待提高",
        f"本期处置时限节点中超时{say.count(missed)}个，时限达标率为{say.pct(rate)}{tail}，"
        f"响应时长中位数为{say.minutes(data.value('response_minutes_median'))}，部分指令未能在规定时限内闭环。",
        "压实预警处置时限",
        "落实带班领导督导和超时逐级升级，对超时指令逐条复盘，高风险指令坚持先电话、后上门、限时见面。")


def _rising_types(data: ReportData) -> Problem | None:
    rising = [t for t in data.type_changes
              if t.now >= RISING_MIN_CASES and (t.base == 0 or (t.now - t.base) / t.base >= RISING_SHARE)]
    rising = sorted(rising, key=lambda t: t.base - t.now)[:LISTED]
    if not rising:
        return None
    parts = "；".join(f"{t.label}{say.count(t.now)}起，{say.change(t.now, t.base, data.type_base_label)}"
                     for t in rising)
    return Problem(
        "rising_types", "部分诈骗类型发案上升",
        f"{parts}，新手法更新快，群众识别难度加大。",
        "开展针对性宣防",
        f"围绕{'、'.join(t.label for t in rising)}等类型梳理典型案例，向易受骗人群精准推送预警提示，"
        "在银行网点和重点场所加强劝阻提醒。")


def _defrauded_after_warning(data: ReportData) -> Problem | None:
    defrauded = data.value("warnings_defrauded")
    if not defrauded:
        return None
    return Problem(
        "defrauded_after_warning", "预警后仍有群众被骗",
        f"本期预警后仍被骗{say.count(defrauded)}人，预警后被骗率为{say.pct(data.value('defrauded_after_warning_rate'))}，"
        "劝阻工作存在“劝而未止”的情况。",
        "提高劝阻成功率",
        "对劝阻后仍有转账风险的对象实行电话、上门、见面多轮劝阻，并联动银行网点落实暂缓转账和止付。")


def _repeat_victims(data: ReportData) -> Problem | None:
    if not data.repeat_victims:
        return None
    return Problem(
        "repeat_victims", "存在重复被骗人员",
        f"本期有{say.count(data.repeat_victims)}名群众累计被骗两次及以上，二次被骗风险突出。",
        "加强重复被骗人员关爱回访",
        "将重复被骗人员列为重点关注对象，落实民警、网格员包联回访，防范“追赃挽损”类二次诈骗。")


def _red_areas(data: ReportData) -> Problem | None:
    red = [r for r in data.ranking if r.rating.colour is Colour.RED]
    if not red:
        return None
    names = "、".join(r.area.name for r in red[:LISTED + 2])
    who = f"{names}等{len(red)}个{data.child_level_zh}" if len(red) > 1 else names
    return Problem(
        "red_areas", "部分地区发案偏高",
        f"{who}评为红色等级，万人发案率明显高于平均水平。",
        "对红色地区挂牌督导",
        f"对{names}实行挂牌督导，逐月通报发案和处置情况，连续两月仍为红色的约谈属地负责人。")


def _missing_sources(data: ReportData) -> Problem | None:
    missing = data.missing_sources_zh
    if not missing:
        return None
    return Problem(
        "missing_sources", "部分业务数据尚未接入",
        f"{'、'.join(missing)}在本期无数据，相关指标无法统计，本报告中标注为“无数据”。",
        "推进数据接入",
        f"推动{'、'.join(missing)}数据按日接入平台，确保统计口径完整。")
