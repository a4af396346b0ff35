"""案件 (cases domain): fraud cases by the time they were reported, with the victim's profile.

Reports declined as not a fraud case (不予立案) are not cases and are left out everywhere.
"""

from __future__ import annotations

from fanzha.cases.models import Case, CaseStatus
from fanzha.people.models import Person
from fanzha.stats.sources import Facts

SOLVED = (CaseStatus.SOLVED.value, CaseStatus.PROSECUTED.value)


def cases() -> Facts:
    return Facts(
        name="cases", name_zh="案件",
        table=Case.__table__.outerjoin(Person.__table__, Case.victim_person_id == Person.id),
        area_path=Case.area_path, at=Case.reported_at, where=Case.status != CaseStatus.DECLINED.value,
        watch=((Case, "reported_at", 0),),
        columns={
            "loss_fen": Case.loss_fen, "recovered_fen": Case.recovered_fen, "type_code": Case.type_code,
            "channel": Case.channel, "status": Case.status, "solved": Case.status.in_(SOLVED),
            "victim_person_id": Case.victim_person_id, "age_band": Person.age_band, "occupation": Person.occupation,
        },
    )
