"""Warning grading and dispatch rules (DESIGN §5): the rules in force shown as tables in Chinese,
an edited version checked (every problem named in Chinese, the text kept) and published, the
version history with who and when, and roll back to an earlier version. The versions live in
warning/rulestore.py; bank risk rules have their own editor with back-test in risk/views.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from fanzha.core.deps import CurrentUser, SessionDep
from fanzha.core.errors import FanzhaError
from fanzha.core.rbac import Permission
from fanzha.warning import rulestore
from fanzha.web.pages import page

router = APIRouter(include_in_schema=False)


def check_draft(kind: str, text: str) -> tuple[list[str], BaseModel | None]:
    """Chinese problems of a draft rules file, or the parsed rules when there are none."""
    return rulestore.check(kind, text)


def _kind(kind: str) -> str:
    return kind if kind in rulestore.KINDS else "grading"


def _render(request: Request, user: CurrentUser, session: SessionDep, kind: str, *, draft: str | None = None,
            note: str = "", problems: list[str] | None = None, parsed: BaseModel | None = None,
            error: str | None = None, published: int = 0, status_code: int = 200) -> HTMLResponse:
    live = rulestore.live_version(session, kind)
    active = rulestore.grading_rules(session) if kind == "grading" else rulestore.dispatch_rules(session)
    return page(request, user, "admin/rules.html", {
        "kind": kind, "kinds": {k: v.name_zh for k, v in rulestore.KINDS.items()}, "active": active, "live": live,
        "packaged_file": rulestore.KINDS[kind].file,
        "versions": rulestore.list_versions(session, actor=user, kind=kind),
        "draft": rulestore.active_source(session, kind) if draft is None else draft, "note": note,
        "problems": problems, "parsed": parsed, "error": error, "published": published}, status_code)


@router.get("/admin/rules", response_class=HTMLResponse)
def rules_page(request: Request, user: CurrentUser, session: SessionDep, kind: str = "grading",
               published: int = 0) -> HTMLResponse:
    user.require(Permission.RULES_WRITE)
    return _render(request, user, session, _kind(kind), published=published)


@router.post("/admin/rules/check", response_class=HTMLResponse)
def rules_check(request: Request, user: CurrentUser, session: SessionDep, kind: Annotated[str, Form()] = "grading",
                draft: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "") -> HTMLResponse:
    user.require(Permission.RULES_WRITE)
    kind = _kind(kind)
    problems, parsed = check_draft(kind, draft)
    return _render(request, user, session, kind, draft=draft, note=note, problems=problems, parsed=parsed,
                   status_code=422 if problems else 200)


@router.post("/admin/rules/publish", response_class=HTMLResponse)
def rules_publish(request: Request, user: CurrentUser, session: SessionDep,
                  kind: Annotated[str, Form()] = "grading", draft: Annotated[str, Form()] = "",
                  note: Annotated[str, Form()] = "") -> Response:
    """Publish the edited text as the next version; on any problem nothing is saved and the page
    comes back with the problems listed above the text the admin typed."""
    user.require(Permission.RULES_WRITE)
    kind = _kind(kind)
    try:
        row = rulestore.publish(session, actor=user, kind=kind, source=draft, note=note)
    except FanzhaError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        session.rollback()
        source = exc.fields.get("source")
        problems = list(source.get("problems", [])) if isinstance(source, dict) else []
        return _render(request, user, session, kind, draft=draft, note=note, problems=problems or [exc.message_zh],
                       status_code=422)
    return RedirectResponse(f"/admin/rules?kind={kind}&published={row.version}#versions", status_code=303)


@router.post("/admin/rules/{version_id}/rollback", response_class=HTMLResponse)
def rules_rollback(request: Request, version_id: int, user: CurrentUser, session: SessionDep,
                   kind: Annotated[str, Form()] = "grading") -> Response:
    user.require(Permission.RULES_WRITE)
    kind = _kind(kind)
    try:
        row = rulestore.rollback(session, actor=user, kind=kind, version_id=version_id)
    except FanzhaError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        session.rollback()
        return _render(request, user, session, kind, error=exc.message_zh, status_code=exc.status_code)
    return RedirectResponse(f"/admin/rules?kind={kind}&published={row.version}#versions", status_code=303)


@router.post("/admin/rules/reset", response_class=HTMLResponse)
def rules_reset(user: CurrentUser, session: SessionDep, kind: Annotated[str, Form()] = "grading") -> Response:
    user.require(Permission.RULES_WRITE)
    kind = _kind(kind)
    row = rulestore.reset_to_packaged(session, actor=user, kind=kind)
    return RedirectResponse(f"/admin/rules?kind={kind}&published={row.version}#versions", status_code=303)
