"""SLA countdowns as people read them: "剩 8 分钟", "超时 3 分钟". Pure; the page refreshes the text
every 30 seconds from the data-due attribute (static/app.js), the server renders the first value."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup, escape

from fanzha.core import clock

# Under this many minutes left the countdown turns amber: time to pick up the phone.
SOON_MINUTES = 10


def describe(due: datetime, now: datetime) -> tuple[str, str]:
    """(text, css state) for a deadline: state is "overdue", "soon" or ""."""
    seconds = int((clock.as_utc(due) - now).total_seconds())
    minutes = abs(seconds) // 60
    if minutes >= 48 * 60:
        span = f"{minutes // 1440} 天"
    elif minutes >= 60:
        span = f"{minutes // 60} 小时 {minutes % 60} 分" if minutes % 60 else f"{minutes // 60} 小时"
    else:
        span = f"{max(minutes, 1)} 分钟" if seconds else "0 分钟"
    if seconds < 0:
        return f"超时 {span}", "overdue"
    return f"剩 {span}", "soon" if seconds < SOON_MINUTES * 60 else ""


def countdown(due: datetime | None, now: datetime | None = None) -> Markup:
    if due is None:
        return Markup('<span class="muted">—</span>')
    text, state = describe(due, now or clock.now())
    iso = clock.as_utc(due).isoformat()
    return Markup(f'<span class="countdown {state}" data-due="{escape(iso)}">{escape(text)}</span>')
