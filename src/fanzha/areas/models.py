"""The jurisdiction tree: county 县/区 → town/street 镇街 → village/community 村社 → grid 网格,
with bank branches hanging off the county."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base


class AreaLevel(StrEnum):
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"
    GRID = "grid"
    BANK = "bank"


LEVEL_NAMES_ZH = {
    AreaLevel.CITY: "市",
    AreaLevel.COUNTY: "县/区",
    AreaLevel.TOWN: "镇街",
    AreaLevel.VILLAGE: "村社",
    AreaLevel.GRID: "网格",
    AreaLevel.BANK: "银行网点",
}

# Which level may sit under which: a grid never holds a town, a bank hangs off a county.
ALLOWED_CHILDREN: dict[AreaLevel, set[AreaLevel]] = {
    AreaLevel.CITY: {AreaLevel.COUNTY, AreaLevel.BANK},
    AreaLevel.COUNTY: {AreaLevel.TOWN, AreaLevel.BANK},
    AreaLevel.TOWN: {AreaLevel.VILLAGE, AreaLevel.BANK},
    AreaLevel.VILLAGE: {AreaLevel.GRID},
    AreaLevel.GRID: set(),
    AreaLevel.BANK: set(),
}


class Area(Base):
    __tablename__ = "area"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[AreaLevel] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("area.code"), index=True)
    # Materialized path "/county/town/village/" so a subtree is one prefix match.
    path: Mapped[str] = mapped_column(String(512), unique=True, index=True)
    population: Mapped[int] = mapped_column(Integer, default=0)
