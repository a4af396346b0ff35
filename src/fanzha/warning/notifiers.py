"""Notifiers behind one interface: in-app, webhook, SMS gateway, robot call, email.

Every delivery, whatever the channel, leaves a row in `warning_notification` (the in-app
inbox is that table), so a supervisor can see who was told what and whether it arrived.
The SMS and robot-call adapters here log instead of calling a carrier: a county plugs its
gateway in by implementing `Notifier`.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

import httpx
import structlog
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session

from fanzha.core import clock
from fanzha.core.pii import scrub
from fanzha.core.rbac import Principal
from fanzha.warning.models import Notification, WarningInstruction

log = structlog.get_logger("fanzha.warning.notify")


class NotifySettings(BaseSettings):
    """FANZHA_WARNING_WEBHOOK_URL, FANZHA_WARNING_SMTP_HOST, … — all optional."""

    model_config = SettingsConfigDict(env_prefix="FANZHA_WARNING_", extra="ignore")

    webhook_url: str | None = None
    webhook_timeout_s: float = 3.0
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "fanzha@localhost"
    mail_to: str | None = None


@dataclass(frozen=True)
class Notice:
    title: str
    body: str
    warning_id: int | None = None
    user_id: int | None = None
    recipient: str | None = None


@dataclass(frozen=True)
class Delivery:
    ok: bool
    error: str | None = None


class Notifier(Protocol):
    channel: str

    def send(self, notice: Notice) -> Delivery: ...


class InAppNotifier:
    """The inbox row itself is the delivery."""

    channel = "in_app"

    def send(self, notice: Notice) -> Delivery:
        return Delivery(ok=notice.user_id is not None, error=None if notice.user_id else "no user")


class WebhookNotifier:
    channel = "webhook"

    def __init__(self, url: str, *, timeout_s: float = 3.0) -> None:
        self.url, self.timeout_s = url, timeout_s

    def send(self, notice: Notice) -> Delivery:
        try:
            resp = httpx.post(self.url, json={"title": notice.title, "body": notice.body,
                                              "warning_id": notice.warning_id}, timeout=self.timeout_s)
        except httpx.HTTPError as exc:
            return Delivery(ok=False, error=f"{exc.__class__.__name__}: {exc}"[:255])
        return Delivery(ok=resp.is_success, error=None if resp.is_success else f"HTTP {resp.status_code}")


class EmailNotifier:
    channel = "email"

    def __init__(self, host: str, port: int, *, sender: str) -> None:
        self.host, self.port, self.sender = host, port, sender

    def send(self, notice: Notice) -> Delivery:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, notice.recipient or "", notice.title
        msg.set_content(notice.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=5) as smtp:
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            return Delivery(ok=False, error=f"{exc.__class__.__name__}: {exc}"[:255])
        return Delivery(ok=True)


class LoggingSmsGateway:
    """Stands in for the carrier's SMS gateway: logs the (masked) message."""

    channel = "sms"

    def send(self, notice: Notice) -> Delivery:
        log.info("sms_sent", to=scrub(notice.recipient or ""), title=notice.title, warning_id=notice.warning_id)
        return Delivery(ok=True)


class LoggingRobotCall:
    """Stands in for the robot outbound-call platform (机器人外呼)."""

    channel = "robot_call"

    def send(self, notice: Notice) -> Delivery:
        log.info("robot_call_placed", to=scrub(notice.recipient or ""), warning_id=notice.warning_id)
        return Delivery(ok=True)


def deliver(session: Session, notifier: Notifier, notice: Notice) -> Notification:
    """Send through one notifier and log the delivery; a failed send is recorded, never raised."""
    result = notifier.send(notice)
    row = Notification(warning_id=notice.warning_id, user_id=notice.user_id, channel=notifier.channel,
                       recipient=scrub(notice.recipient) if notice.recipient else None, title=notice.title,
                       body=scrub(notice.body), delivered=result.ok, error=result.error, created_at=clock.now())
    session.add(row)
    if not result.ok:
        log.warning("notification_failed", channel=notifier.channel, warning_id=notice.warning_id, error=result.error)
    return row


def external_notifiers(settings: NotifySettings | None = None) -> list[Notifier]:
    s = settings or NotifySettings()
    out: list[Notifier] = []
    if s.webhook_url:
        out.append(WebhookNotifier(s.webhook_url, timeout_s=s.webhook_timeout_s))
    if s.smtp_host and s.mail_to:
        out.append(EmailNotifier(s.smtp_host, s.smtp_port, sender=s.mail_from))
    return out


def on_duty_supervisors(session: Session, *, area_path: str) -> list[tuple[int, str]]:
    """(user id, display name) of active on-duty users whose jurisdiction covers the area."""
    from fanzha.users import service as users

    return [(u.id, u.display_name) for u in users.list_users(session, actor=Principal.system("warning"))
            if u.on_duty and u.is_active and area_path.startswith(u.area_path)]


def notify_supervisors(session: Session, warning: WarningInstruction, *, title: str, body: str,
                       settings: NotifySettings | None = None) -> list[Notification]:
    out = []
    inbox = InAppNotifier()
    for user_id, _name in on_duty_supervisors(session, area_path=warning.area_path):
        out.append(deliver(session, inbox, Notice(title=title, body=body, warning_id=warning.id, user_id=user_id)))
    s = settings or NotifySettings()
    for notifier in external_notifiers(s):
        out.append(deliver(session, notifier, Notice(title=title, body=body, warning_id=warning.id,
                                                     recipient=s.mail_to if notifier.channel == "email" else None)))
    return out


def robot_call_batch(session: Session, *, warning_ids: list[int], now: datetime) -> None:
    """The automatic first touch of 低 instructions, one log line and one insert per batch."""
    if not warning_ids:
        return
    caller = LoggingRobotCall()
    log.info("robot_call_batch", count=len(warning_ids), first=warning_ids[0])
    from fanzha.warning.bulk import insert_rows

    insert_rows(session, Notification, [
        {"warning_id": wid, "user_id": None, "channel": caller.channel, "recipient": None,
         "title": "反诈提醒外呼", "body": "您可能正在遭遇电信网络诈骗，请勿转账，如有疑问请拨打 96110。",
         "delivered": True, "error": None, "created_at": now, "read_at": None} for wid in warning_ids])
