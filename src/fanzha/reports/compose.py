"""Writes the 工作总结 / 月报 from gathered facts: 工作成效 (key numbers with 同比),
主要做法 (一是…二是… from recorded activities), 存在问题 (derived from the data) and
下一步工作 (one action per problem), then the annex tables and charts.

Every figure is formatted by `phrasing` from a value in `ReportData`; a figure whose
source has no data reads "无数据", and the report says which sources were missing.
"""

from __future__ import annotations

from fanzha.core.clock import local
from fanzha.reports import phrasing as say
from fanzha.reports.charts import chart_blocks
from fanzha.reports.data import ReportData, ReportKind
from fanzha.reports.document import Block, Document, Heading, Meta, Para, Table, Title
from fanzha.reports.problems import Problem, derive
from fanzha.stats.engine import Slice
from fanzha.stats.ratings import COLOUR_CSS


def issuer(data: ReportData) -> str:
    if data.area.level == "county":
        return f"{data.area.name}公安局反诈中心"
    if data.area.level == "town":
        return f"{data.area.name}派出所"
    return data.area.name


def title(data: ReportData) -> str:
    if data.kind is ReportKind.ANNUAL:
        return f"{data.area.name}{data.period.start.year}年度反电信网络诈骗工作总结"
    return f"{data.area.name}{data.period.label_zh}反电信网络诈骗工作情况"


def compose(data: ReportData) -> Document:
    problems = derive(data)
    today = local(data.generated_at)
    issued = say.date_zh(today.year, today.month, today.day)
    blocks: list[Block] = [Title(title(data)), Meta(f"{issuer(data)}　{issued}")]
    blocks.append(Para(_opening(data)))
    if not data.has_any_data:
        blocks.append(Para(f"{data.period.label_zh}平台中案件、预警、止付、宣防等业务数据均无记录（无数据），"
                           "本报告不作统计分析，待数据接入后重新生成。"))
    charts = {c.key: c for c in chart_blocks(data)}
    blocks += _results(data)
    blocks += [charts[k] for k in ("trend", "types") if k in charts]
    blocks += _practices(data)
    blocks += _problems(problems)
    blocks += _next_steps(problems)
    blocks += _annex(data)
    blocks += [charts[k] for k in ("ranking", "colours") if k in charts]
    return Document(title(data), blocks)


def _scope_word(data: ReportData) -> str:
    return {"county": "全县", "town": "全镇（街道）", "village": "全村（社区）"}.get(str(data.area.level), "辖区")


def _opening(data: ReportData) -> str:
    when = data.period.label_zh
    if data.kind is ReportKind.ANNUAL:
        return (f"{when}，{data.area.name}坚持预防为先、打防并举，依托反诈预警劝阻平台对预警指令实行分级研判、"
                "限时处置、闭环管理，推动止付冻结和宣传防范协同发力。现将全年工作情况总结如下。")
    return f"现将{when}{_scope_word(data)}反电信网络诈骗工作情况通报如下。"


def _changes(data: ReportData, code: str, *, points: bool = False) -> str:
    """"，同比…" for annual reports, "，环比…，同比…" for monthly ones; nothing where the base
    period has no data (the section says once that no comparison is possible)."""
    f = data.figures[code]
    phrase = say.change_points if points else say.change
    parts = [] if data.kind is ReportKind.ANNUAL or f.previous is None else [phrase(f.value, f.previous, "环比")]
    if f.year_ago is not None:
        parts.append(phrase(f.value, f.year_ago, "同比"))
    return "".join(f"，{p}" for p in parts)


def _no_base_note(data: ReportData, code: str) -> str:
    f = data.figures[code]
    if f.value is None or f.year_ago is not None:
        return ""
    return "上年同期平台无记录，不作同比。"


def _top(slices: list[Slice] | None, n: int, unit: str) -> str:
    if not slices:
        return ""
    top = [s for s in slices if s.value > 0][:n]
    return "、".join(f"{s.label}{say.count(s.value)}{unit}" for s in top)


def _results(data: ReportData) -> list[Block]:
    v = data.value
    out: list[Block] = [Heading(1, "一、工作成效")]
    scope = _scope_word(data)
    if v("cases") is None:
        out.append(Para("本期案件数据无数据，发案数、损失金额、万人发案率无法统计。", "（一）发案形势。"))
    else:
        text = (f"{data.period.label_zh}{scope}共接报电信网络诈骗案件{say.count(v('cases'))}起"
                f"{_changes(data, 'cases')}；"
                f"群众损失{say.money(v('loss_fen'))}{_changes(data, 'loss_fen')}；"
                f"万人发案率{say.per_10k(v('cases_per_10k'))}起/万人，案均损失{say.money(v('loss_per_case_fen'))}。")
        text += _no_base_note(data, "cases")
        top = _top(data.type_mix, 3, "起")
        if top:
            text += f"从类型看，发案较多的是{top}。"
        ages = [s for s in data.age_bands or [] if s.value > 0 and s.key][:2]
        if ages:
            text += "从受害人年龄看，" + "、".join(f"{s.label}岁年龄段{say.count(s.value)}起" for s in ages) + "。"
        out.append(Para(text, "（一）发案形势。"))
    if v("warnings") is None:
        out.append(Para("本期预警指令数据无数据，预警劝阻成效无法统计。", "（二）预警劝阻。"))
    else:
        text = (f"接收预警指令{say.count(v('warnings'))}条{_changes(data, 'warnings')}，"
                f"其中高风险{say.count(v('warnings_high'))}条；"
                f"办结{say.count(v('warnings_closed'))}条，办结率{say.pct(v('closure_rate'))}；"
                f"成功劝阻{say.count(v('warnings_dissuaded'))}人，劝阻成功率{say.pct(v('dissuasion_rate'))}，"
                f"挽损{say.money(v('loss_averted_fen'))}{_changes(data, 'loss_averted_fen')}；"
                f"预警后被骗率{say.pct(v('defrauded_after_warning_rate'))}。"
                f"预警响应时长中位数{say.minutes(v('response_minutes_median'))}，"
                f"处置时限达标率{say.pct(v('sla_rate'))}。")
        text += _no_base_note(data, "warnings")
        sources = _top(data.warning_sources, 3, "条")
        if sources:
            text += f"从预警来源看，{sources}。"
        out.append(Para(text, "（二）预警劝阻。"))
    if v("freezes") is None and v("transactions_stopped") is None:
        out.append(Para("止付冻结和可疑交易拦截数据本期无数据。", "（三）资金止付。"))
    else:  # each half on its own: a source with no data says so, never "无数据笔"
        freezes = (f"止付冻结{say.count(v('freezes'))}笔，冻结金额{say.money(v('frozen_fen'))}"
                   if v("freezes") is not None else "止付冻结本期无数据")
        stopped = (f"银行网点暂缓、拦截可疑转账{say.count(v('transactions_stopped'))}笔，"
                   f"涉及金额{say.money(v('transactions_stopped_fen'))}"
                   if v("transactions_stopped") is not None else "银行网点拦截可疑转账本期无数据")
        out.append(Para(f"{freezes}；{stopped}。", "（三）资金止付。"))
    parts = []
    if v("campaigns") is not None:
        parts.append(f"开展宣防活动{say.count(v('campaigns'))}场次{_changes(data, 'campaigns')}，"
                     f"现场覆盖{say.count(v('campaign_reach'))}人次")
    if v("visits") is not None:
        parts.append(f"入户走访{say.count(v('visits'))}次，走访中当场安装国家反诈App{say.count(v('app_installs_on_visit'))}人")
    if v("app_install_rate") is not None:
        parts.append(f"截至报告生成时，辖区登记人员{say.count(v('residents'))}人，"
                     f"反诈App装机率{say.pct(v('app_install_rate'))}，注册率{say.pct(v('app_register_rate'))}")
    out.append(Para("；".join(parts) + "。" if parts else "宣防活动、入户走访和反诈App数据本期无数据。",
                    "（四）宣传防范。"))
    return out


def _practices(data: ReportData) -> list[Block]:
    v = data.value
    items: list[str] = []
    if v("warnings"):
        items.append(f"坚持分级研判，预警指令快接快办。高风险指令优先处置，本期接收预警指令{say.count(v('warnings'))}条，"
                     f"其中高风险{say.count(v('warnings_high'))}条，办结{say.count(v('warnings_closed'))}条，"
                     f"成功劝阻{say.count(v('warnings_dissuaded'))}人。")
    if v("warnings_visited") or v("visits"):
        parts = []
        if v("warnings_visited"):
            parts.append(f"对电话劝阻无效或无法联系的对象上门劝阻{say.count(v('warnings_visited'))}次")
        if v("visits"):
            installed = v("app_installs_on_visit")
            installs = f"，走访中当场装机{say.count(installed)}人" if installed else ""
            parts.append(f"网格员入户走访{say.count(v('visits'))}次{installs}")
        items.append("坚持电话与上门相结合，劝阻工作落到人头。" + "，".join(parts) + "。")
    if v("freezes") or v("transactions_stopped"):
        parts = []
        if v("freezes"):
            parts.append(f"发起止付冻结{say.count(v('freezes'))}笔、冻结{say.money(v('frozen_fen'))}")
        if v("transactions_stopped"):
            parts.append(f"银行网点暂缓、拦截可疑转账{say.count(v('transactions_stopped'))}笔")
        items.append("坚持快速止付，守住群众资金。" + "，".join(parts) + "。")
    if v("campaigns"):
        kinds = _top(data.campaign_kinds, 3, "场")
        items.append(f"坚持全民反诈，宣防活动多点开花。开展宣防活动{say.count(v('campaigns'))}场次，"
                     f"覆盖{say.count(v('campaign_reach'))}人次" + (f"，其中{kinds}" if kinds else "") + "。")
    if v("cases_solved"):
        items.append(f"坚持打防并举，依法打击震慑。破获电信网络诈骗案件{say.count(v('cases_solved'))}起，"
                     f"追回损失{say.money(v('recovered_fen'))}。")
    out: list[Block] = [Heading(1, "二、主要做法")]
    if not items:
        out.append(Para("本期平台未记录到预警处置、走访、止付、宣防或打击等工作活动（无数据）。"))
    for i, text in enumerate(items, start=1):
        out.append(Para(text, f"{say.ordinal(i)}是"))
    return out


def _problems(problems: list[Problem]) -> list[Block]:
    out: list[Block] = [Heading(1, "三、存在问题")]
    if not problems:
        out.append(Para("从平台数据看，本期各项指标未发现突出问题。"))
    for i, p in enumerate(problems, start=1):
        out.append(Para(p.detail, f"（{say.ordinal(i)}）{p.title}。"))
    return out


def _next_steps(problems: list[Problem]) -> list[Block]:
    out: list[Block] = [Heading(1, "四、下一步工作")]
    if not problems:
        out.append(Para("保持预警劝阻、止付冻结和宣传防范工作力度，持续巩固现有成效。", "（一）巩固工作成效。"))
    for i, p in enumerate(problems, start=1):
        out.append(Para(p.action, f"（{say.ordinal(i)}）{p.action_title}。"))
    return out


def _annex(data: ReportData) -> list[Block]:
    out: list[Block] = [Heading(1, "附表")]
    if data.ranking:
        rows: list[list[str]] = []
        colours: list[str | None] = []
        for r in data.ranking:
            vals = r.values
            rows.append([say.count(r.score.rank) if r.score.rank else "—", r.area.name,
                         f"{r.score.score:.1f}" if r.score.score is not None else say.NO_DATA,
                         say.count(vals.get("cases")), say.per_10k(vals.get("cases_per_10k")),
                         say.pct(vals.get("app_install_rate")), r.rating.colour.value])
            colours.append(COLOUR_CSS[r.rating.colour])
        out.append(Table(f"附表1　各{data.child_level_zh}反诈指数排名及红黄蓝评级",
                         ["排名", data.child_level_zh, "反诈指数", "发案数", "万人发案率", "App装机率", "评级"],
                         rows, colours))
    f = data.figures
    rows = []
    from fanzha.stats.indicators import BY_CODE

    for code in ("cases", "loss_fen", "cases_per_10k", "warnings", "closure_rate", "dissuasion_rate",
                 "loss_averted_fen", "defrauded_after_warning_rate", "sla_rate", "freezes", "frozen_fen",
                 "campaigns", "visits", "app_install_rate"):
        ind = BY_CODE[code]
        fmt = _formatter(code)
        if data.kind is ReportKind.ANNUAL:  # the year before is both 上期 and 上年同期
            rows.append([ind.name_zh, fmt(f[code].value), fmt(f[code].year_ago)])
        else:
            rows.append([ind.name_zh, fmt(f[code].value), fmt(f[code].previous), fmt(f[code].year_ago)])
    headers = ["指标", "本期", "上年"] if data.kind is ReportKind.ANNUAL else ["指标", "本期", "上月", "上年同月"]
    out.append(Table(f"附表{2 if data.ranking else 1}　主要指标一览", headers, rows))
    return out


def _formatter(code: str):  # type: ignore[no-untyped-def]
    from fanzha.stats.indicators import BY_CODE, Unit

    unit = BY_CODE[code].unit
    if unit is Unit.FEN:
        return say.money
    if unit is Unit.RATE:
        return say.pct
    if unit is Unit.PER_10K:
        return say.per_10k
    if unit is Unit.MINUTES:
        return say.minutes
    return say.count
