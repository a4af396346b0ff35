"""Left navigation: one entry per page that exists, shown only to roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass

from fanzha.core.rbac import Permission, Principal


@dataclass(frozen=True)
class NavItem:
    title: str
    href: str
    permission: Permission | None = None
    group: str = "工作"


NAV: list[NavItem] = [
    NavItem("工作台", "/"),
    NavItem("预警指令", "/warnings", Permission.WARNING_READ, "预警劝阻"),
    NavItem("带班督导", "/warnings/supervise", Permission.WARNING_DISPATCH, "预警劝阻"),
    NavItem("人员信息", "/people", Permission.PERSON_READ, "基础数据"),
    NavItem("走访计划", "/outreach/plan", Permission.OUTREACH_WRITE, "宣防"),
    NavItem("宣防活动", "/outreach/campaigns", Permission.OUTREACH_READ, "宣防"),
    NavItem("App覆盖率", "/outreach/coverage", Permission.OUTREACH_READ, "宣防"),
    NavItem("精准宣防建议", "/outreach/targets", Permission.OUTREACH_READ, "宣防"),
    NavItem("宣防效果评估", "/outreach/effect", Permission.OUTREACH_READ, "宣防"),
    NavItem("数据大屏", "/stats/dashboard", Permission.STATS_READ, "统计分析"),
    NavItem("案件列表", "/cases", Permission.CASE_READ, "打击"),
    NavItem("录入报案", "/cases/new", Permission.CASE_WRITE, "打击"),
    NavItem("团伙研判", "/cases/gangs", Permission.CASE_READ, "打击"),
    NavItem("涉诈名单", "/risklists", Permission.RISKLIST_READ, "打击"),
    NavItem("举报审核", "/risklists/tips", Permission.TIP_REVIEW, "打击"),
    NavItem("柜面转账核查", "/risk/counter", Permission.RISK_SCORE, "资金拦截"),
    NavItem("转账评分记录", "/risk/transactions", Permission.RISK_SCORE, "资金拦截"),
    NavItem("止付/冻结", "/risk/freezes", Permission.FREEZE_READ, "资金拦截"),
    NavItem("风险规则", "/risk/rules", Permission.RISK_SCORE, "资金拦截"),
    NavItem("转账风险规则", "/risk/rules", Permission.RULES_WRITE, "系统管理"),
    NavItem("辖区管理", "/admin/areas", Permission.AREA_READ, "系统管理"),
    NavItem("用户管理", "/admin/users", Permission.USER_WRITE, "系统管理"),
    NavItem("预警规则", "/admin/rules", Permission.RULES_WRITE, "系统管理"),
    NavItem("审计日志", "/admin/audit", Permission.AUDIT_READ, "系统管理"),
    NavItem("反诈自查", "/check", Permission.DETECT_USE, "群众服务"),
    NavItem("防骗知识", "/tips", Permission.DETECT_USE, "群众服务"),
]

# Groups in the order of the work: act on warnings and money first, then investigate, prevent, measure.
GROUP_ORDER = ["工作", "预警劝阻", "资金拦截", "打击", "宣防", "统计分析", "基础数据", "群众服务", "系统管理"]


def visible(user: Principal) -> dict[str, list[NavItem]]:
    groups: dict[str, list[NavItem]] = {}
    seen: set[str] = set()
    for item in NAV:
        if item.href not in seen and (item.permission is None or user.can(item.permission)):
            seen.add(item.href)
            groups.setdefault(item.group, []).append(item)
    rank = {g: i for i, g in enumerate(GROUP_ORDER)}
    return dict(sorted(groups.items(), key=lambda kv: rank.get(kv[0], len(rank))))
