from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from fanzha.core.clock import local
from fanzha.core.rbac import ROLE_NAMES_ZH
from fanzha.web.countdown import countdown


def with_query(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters replaced: paging and sorting keep the filters."""
    params = dict(request.query_params)
    params.update({k: str(v) for k, v in changes.items() if v is not None})
    return "?" + urlencode(params)


templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["ROLE_NAMES_ZH"] = ROLE_NAMES_ZH
templates.env.filters["localtime"] = lambda v, fmt="%Y-%m-%d %H:%M": local(v).strftime(fmt) if v else ""
templates.env.globals["with_query"] = with_query
templates.env.globals["countdown"] = countdown
templates.env.tests["link"] = lambda v: type(v).__name__ == "Link"
templates.env.tests["due"] = lambda v: type(v).__name__ == "Due"
templates.env.filters["yuan"] = lambda fen: f"{(fen or 0) / 100:,.2f}"


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    ctx = {"request": request, "csrf_token": getattr(request.state, "csrf_token", "")}
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
