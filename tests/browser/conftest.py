"""One real server and one headless Chromium for the whole browser session.

The server is a subprocess (tests/browser/server.py) on a free 127.0.0.1 port with its own data
directory, seeded with a small simulated county; the tests drive it only through the browser and
the public HTTP API, like a user would. Chromium is Debian's /usr/bin/chromium (no download).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "Fanzha@2026"  # fanzha.sim.seed.DEMO_PASSWORD
LAUNCH_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--lang=zh-CN"]
START_TIMEOUT_S = 300  # seeding takes ~20 s on a quiet machine; shared CI machines are not quiet


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    log: Path

    def api(self, username: str) -> httpx.Client:
        """An API client logged in as a demo user (bearer token, no CSRF)."""
        r = httpx.post(f"{self.url}/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        r.raise_for_status()
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {r.json()['access_token']}"},
                            timeout=30)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    reuse = os.environ.get("FANZHA_TEST_BROWSER_URL")
    if reuse:  # a server already started with `python -m tests.browser.server` (faster edit-test loop)
        yield LiveServer(url=reuse.rstrip("/"), log=Path(os.devnull))
        return
    data_dir = Path(tempfile.mkdtemp(prefix="fanzha-browser-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FANZHA_")}
    env.update(FANZHA_DATA_DIR=str(data_dir), FANZHA_LOG_LEVEL="WARNING", FANZHA_PUBLIC_RATE_LIMIT_PER_MINUTE="1000")
    log = data_dir / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "tests.browser.server", "--port", str(port)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"browser test server exited ({proc.returncode}):\n{log.read_text()[-4000:]}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"browser test server did not start in {START_TIMEOUT_S}s:\n{log.read_text()[-4000:]}")
            time.sleep(0.3)
        yield LiveServer(url=url, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        # Kept for reading after a failure; the data directory itself goes.
        shutil.copy(log, ROOT / "var" / "browser-server.log")
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


class Screens:
    """Saves screenshots under var/screenshots/; the chosen few are copied into docs/screenshots/."""

    def __init__(self) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(self, page: Page, name: str, *, docs: bool = False, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        if docs:
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, DOCS_SCREENSHOTS / path.name)
        return path


@pytest.fixture(scope="session")
def screens() -> Screens:
    return Screens()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) per test, desktop size, Chinese locale, reduced motion (charts
    are drawn at once, so screenshots show them finished)."""
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 860},
                              locale="zh-CN", timezone_id="Asia/Shanghai", reduced_motion="reduce")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


DESKTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 860}}
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
                         "has_touch": True}
_logins: dict[str, Any] = {}


@pytest.fixture
def open_as(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """open_as("officer") -> a page already logged in as that demo user. Each role posts the login form
    once per session (over HTTP; test_login.py drives the form itself) and later tests reuse its
    session cookie: a password hash check costs ~0.3 s."""
    contexts: list[BrowserContext] = []

    def _open(username: str, device: dict[str, Any] | None = None) -> Page:
        if username not in _logins:
            r = httpx.post(f"{live_server.url}/login", data={"username": username, "password": PASSWORD},
                           timeout=60)
            assert r.status_code == 303, f"login as {username} failed: {r.status_code}"
            host = live_server.url.split("//")[1].split(":")[0]
            _logins[username] = {"cookies": [{"name": c.name, "value": c.value or "", "domain": host, "path": "/",
                                              "httpOnly": True, "secure": False, "sameSite": "Lax"}
                                             for c in r.cookies.jar],
                                 "origins": []}
        ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  reduced_motion="reduce", storage_state=_logins[username], **(device or DESKTOP))
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield _open
    for ctx in contexts:
        ctx.close()


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Through the login form, like a person. Generous waits: a loaded CI machine can take seconds
    to hash a password."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST",
                              timeout=60_000) as answer:
        page.click("button[type=submit]")
    status = answer.value.status
    assert status == 303, f"login as {username}: HTTP {status}: {page.locator('body').inner_text()[:300]}"
    # The signed-in layout's top bar, not a navigation event: the redirect may finish before we listen.
    try:
        page.locator("header.topbar").wait_for(timeout=60_000)
    except Exception:
        raise AssertionError(f"after login as {username}: {page.url}: {page.content()[:1500]}") from None


def new_high_warning(live_server: LiveServer, *, person_id: int) -> int:
    """A bank hold on a resident, sent in as a warning source would (graded 高: money can still move)."""
    from datetime import UTC, datetime

    r = live_server.api("analyst").post("/api/v1/warnings", json={
        "source": "bank", "external_id": f"BT-{datetime.now(UTC):%H%M%S%f}",
        "occurred_at": datetime.now(UTC).isoformat(), "person_id": person_id, "decision": "hold",
        "type_code": "F05", "amount_fen": 5_000_000, "flags": ["money_movement", "safe_account"]})
    assert r.status_code == 201, r.text
    return int(r.json()["items"][0]["warning_id"])
