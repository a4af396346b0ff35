"""宣防 (outreach domain): campaigns by the day they were held, door visits by the day of the visit."""

from __future__ import annotations

from fanzha.outreach.models import Campaign, Visit
from fanzha.stats.sources import Facts


def campaigns() -> Facts:
    return Facts(
        name="campaigns", name_zh="宣防活动", table=Campaign.__table__, area_path=Campaign.area_path,
        at=Campaign.held_on, at_is_date=True, watch=((Campaign, "held_on", 0),),
        columns={"kind": Campaign.kind, "reach_people": Campaign.reach_people, "reach_views": Campaign.reach_views},
    )


def visits() -> Facts:
    return Facts(
        name="visits", name_zh="入户走访", table=Visit.__table__, area_path=Visit.area_path,
        at=Visit.visited_on, at_is_date=True, watch=((Visit, "visited_on", 0),),
        columns={"app_installed_on_visit": Visit.app_installed_on_visit,
                 "app_registered_on_visit": Visit.app_registered_on_visit, "person_id": Visit.person_id},
    )
