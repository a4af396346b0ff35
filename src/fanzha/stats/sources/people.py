"""Residents (people domain): a snapshot of who lives where and who has the 国家反诈App."""

from __future__ import annotations

from fanzha.people.models import Person
from fanzha.stats.sources import Facts


def residents() -> Facts:
    return Facts(
        name="people", name_zh="人员信息", table=Person.__table__, area_path=Person.area_path, at=None,
        columns={"app_installed": Person.app_installed, "app_registered": Person.app_registered,
                 "age_band": Person.age_band, "occupation": Person.occupation, "id": Person.id},
    )
