"""Risk-list and citizen-tip I/O."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class ListKind(StrEnum):
    """What the 涉诈 lists hold (a subset of the graph's entity kinds)."""

    PHONE = "phone"
    URL = "url"
    ACCOUNT = "account"
    QQ = "qq"
    WECHAT = "wechat"


LIST_KIND_NAMES_ZH = {ListKind.PHONE: "涉诈号码", ListKind.URL: "涉诈网址", ListKind.ACCOUNT: "涉诈账户",
                      ListKind.QQ: "涉诈QQ", ListKind.WECHAT: "涉诈微信"}


class EntryIn(BaseModel):
    kind: ListKind
    value: str = Field(min_length=1, max_length=200)
    source: str = Field(default="人工录入", min_length=1, max_length=64)
    expires_at: datetime | None = None
    note: str | None = Field(default=None, max_length=200)


class EntryOut(BaseModel):
    id: int
    kind: str
    kind_name: str
    value_masked: str
    source: str
    note: str | None
    expires_at: datetime | None
    added_by: str
    added_at: datetime
    active: bool


class EntryPage(BaseModel):
    total: int
    items: list[EntryOut]


class ImportOut(BaseModel):
    added: int
    updated: int


class LookupItem(BaseModel):
    kind: ListKind
    value: str = Field(min_length=1, max_length=200)


class LookupIn(BaseModel):
    items: list[LookupItem] = Field(min_length=1, max_length=1000)


class LookupResult(BaseModel):
    kind: str
    value_masked: str
    valid: bool
    listed: bool
    entry: EntryOut | None = None


class LookupOut(BaseModel):
    results: list[LookupResult]


class TipIn(BaseModel):
    """A citizen's 举报: the number, link or account that tried to defraud them."""

    kind: ListKind
    value: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=1000)
    contact_phone: str | None = Field(default=None, max_length=20)


class TipReceipt(BaseModel):
    id: int
    status: str
    message: str


class TipOut(BaseModel):
    id: int
    kind: str
    kind_name: str
    value_masked: str
    valid: bool
    description: str
    contact_masked: str | None
    status: str
    submitted_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None
    already_listed: bool = False


class TipPage(BaseModel):
    total: int
    items: list[TipOut]


class TipDecision(BaseModel):
    note: str = Field(default="", max_length=500)
    ttl_days: int = Field(default=180, ge=1, le=3650, description="how long a confirmed entry stays listed")
