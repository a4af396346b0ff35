"""Notifiers against real local servers: an HTTP endpoint and an SMTP listener."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy.orm import Session

from fanzha.warning import notifiers
from fanzha.warning.notifiers import Notice


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, object]]]]:
    received: list[dict[str, object]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204 if self.path == "/ok" else 500)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()
    server.server_close()


def test_webhook_delivers_json_and_logs_the_delivery(
        session: Session, webhook: tuple[str, list[dict[str, object]]]) -> None:
    url, received = webhook
    row = notifiers.deliver(session, notifiers.WebhookNotifier(url + "/ok"),
                            Notice(title="预警指令 #7（高）超时升级", body="请带班领导督办", warning_id=None))
    assert row.delivered and received == [{"title": "预警指令 #7（高）超时升级", "body": "请带班领导督办",
                                           "warning_id": None}]


def test_failed_webhook_is_recorded_not_raised(session: Session, webhook: tuple[str, list[dict[str, object]]]) -> None:
    url, _ = webhook
    row = notifiers.deliver(session, notifiers.WebhookNotifier(url + "/broken"), Notice(title="t", body="b"))
    assert not row.delivered and row.error == "HTTP 500"
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    down = notifiers.deliver(session, notifiers.WebhookNotifier(f"http://127.0.0.1:{port}", timeout_s=2),
                             Notice(title="t", body="b"))
    assert not down.delivered and down.error


def _smtp_server(messages: list[str]) -> tuple[int, threading.Thread]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        conn, _ = listener.accept()
        f = conn.makefile("rb")
        conn.sendall(b"220 test ESMTP\r\n")
        data, in_data = [], False
        while line := f.readline():
            text = line.decode().rstrip("\r\n")
            if in_data:
                if text == ".":
                    in_data = False
                    messages.append("\n".join(data))
                    conn.sendall(b"250 queued\r\n")
                else:
                    data.append(text)
                continue
            verb = text.split(" ")[0].upper()
            if verb == "DATA":
                in_data = True
                conn.sendall(b"354 go ahead\r\n")
            elif verb == "QUIT":
                conn.sendall(b"221 bye\r\n")
                break
            else:
                conn.sendall(b"250 ok\r\n")
        conn.close()
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener.getsockname()[1], thread


def test_email_goes_through_smtp(session: Session) -> None:
    messages: list[str] = []
    port, thread = _smtp_server(messages)
    row = notifiers.deliver(session, notifiers.EmailNotifier("127.0.0.1", port, sender="fanzha@county.gov"),
                            Notice(title="overdue", body="请督办预警指令 #9", recipient="duty@county.gov"))
    thread.join(5)
    assert row.delivered and "duty@county.gov" in messages[0]


def test_sms_and_robot_call_adapters_log_masked_numbers(session: Session) -> None:
    from tests import logcapture

    logcapture.remember("13912345678")
    for adapter in (notifiers.LoggingSmsGateway(), notifiers.LoggingRobotCall()):
        row = notifiers.deliver(session, adapter, Notice(title="反诈提醒", body="请勿转账", recipient="13912345678"))
        assert row.delivered and row.recipient == "139****5678"
