"""Every router the app serves, in one list: a reader sees the whole surface here.

Each entry is "module:attribute"; domains add their line when they land.
"""

from __future__ import annotations

import importlib

from fastapi import APIRouter

API_ROUTERS = [
    "fanzha.users.api:auth_router",
    "fanzha.users.api:router",
    "fanzha.areas.api:router",
    "fanzha.people.api:router",
    "fanzha.audit.api:router",
    "fanzha.cases.api:router",
    "fanzha.cases.api:gang_router",
    "fanzha.risk.api:router",
    "fanzha.risklists.api:router",
    "fanzha.risklists.api:public_router",
    "fanzha.warning.api:router",
    "fanzha.outreach.api:router",
    "fanzha.stats.api:router",
    "fanzha.detect.api:router",
    "fanzha.detect.api:public_router",
]

PAGE_ROUTERS = [
    "fanzha.warning.views:router",
    "fanzha.web.pages:router",
    "fanzha.cases.views:router",
    "fanzha.risklists.views:router",
    "fanzha.stats.views:router",
    "fanzha.risk.views:router",
    "fanzha.outreach.views:router",
    "fanzha.web.citizen:router",
    "fanzha.web.admin:router",
    "fanzha.web.rules_view:router",
]


def load(spec: str) -> APIRouter:
    module, attr = spec.split(":")
    router = getattr(importlib.import_module(module), attr)
    assert isinstance(router, APIRouter), spec
    return router
