"""Outreach tables: campaigns (宣防活动) and door visits (入户走访) with the App done on the visit."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, UTCDateTime
from fanzha.core.scope import AreaScoped


class CampaignKind(StrEnum):
    LECTURE = "讲座"
    STALL = "摆摊"
    DOOR_VISIT = "入户走访"
    SHORT_VIDEO = "短视频"
    WECHAT_ACCOUNT = "公众号"
    SMS = "短信"
    CAMPUS = "校园"
    BANK_BRANCH = "银行网点"
    ENTERPRISE = "企业"


class TargetGroup(StrEnum):
    """Who a campaign speaks to; the vulnerability tags of DESIGN §2 plus broad resident groups."""

    ELDERLY = "老人"
    STUDENT = "学生"
    MOTHER = "宝妈"
    ACCOUNTANT = "财会"
    WORKER = "企业职工"
    SELF_EMPLOYED = "个体经营"
    FARMER = "农民"
    JOBLESS = "待业"
    GENERAL = "全体群众"


FRAUD_TYPES: dict[str, str] = {
    "F01": "刷单返利", "F02": "虚假投资理财", "F03": "虚假网络贷款", "F04": "冒充电商物流客服",
    "F05": "冒充公检法", "F06": "虚假征信", "F07": "虚假购物服务", "F08": "冒充领导熟人",
    "F09": "网络游戏产品虚假交易", "F10": "网络婚恋交友", "F11": "冒充银行/保险/医保", "F12": "中奖/补贴/退税",
    "F99": "其他",
}


class Campaign(AreaScoped, Base):
    __tablename__ = "outreach_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CampaignKind] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(120), default="")
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    fraud_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    reach_people: Mapped[int] = mapped_column(Integer, default=0)
    reach_views: Mapped[int] = mapped_column(Integer, default=0)
    materials: Mapped[str] = mapped_column(Text, default="")
    cost_fen: Mapped[int] = mapped_column(Integer, default=0)
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Visit(AreaScoped, Base):
    """One door visit to a resident; `app_*_on_visit` say the App was installed/registered there."""

    __tablename__ = "outreach_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("outreach_campaign.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    visitor: Mapped[str] = mapped_column(String(64))
    fraud_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    app_installed_on_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    app_registered_on_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
