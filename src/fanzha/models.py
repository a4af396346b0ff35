"""Imports every domain's tables so `Base.metadata` is complete (Alembic, tests).
Domains add their line when they land."""

from fanzha.areas import models as areas_models
from fanzha.audit import models as audit_models
from fanzha.cases import models as cases_models  # noqa: F401
from fanzha.core import events as core_events
from fanzha.outreach import models as outreach_models  # noqa: F401
from fanzha.people import models as people_models
from fanzha.risk import models as risk_models  # noqa: F401
from fanzha.risklists import models as risklists_models  # noqa: F401
from fanzha.stats import models as stats_models  # noqa: F401
from fanzha.users import models as users_models
from fanzha.warning import models as warning_models  # noqa: F401

__all__ = ["areas_models", "audit_models", "core_events", "people_models", "users_models"]
