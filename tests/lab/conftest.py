"""Fixtures of the lab's tests: a real `ranvier lab` server in a subprocess, and headless Chromium.

The server is started exactly as a user starts it (``ranvier lab --no-browser --port P``), on a
free port, once per test session. The browser is Debian's ``chromium`` (installed by .ci/run),
driven by Playwright through ``executable_path``: Playwright's own browser download cannot reach
the internet here. Screenshots go to ``artifacts/lab/`` (ignored by git).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from lab_helpers import free_port, get

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "lab"
SERVER_START_S = 240.0  # import of panel + experiments; a cold CI machine is slow


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    pytest.importorskip("panel", reason="the lab needs its extra: pip install -e '.[test]' installs it")
    port = free_port()
    log = tmp_path_factory.mktemp("lab") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ranvier.cli", "lab", "--no-browser", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    while True:
        if proc.poll() is not None:
            pytest.fail(f"`ranvier lab` exited with {proc.returncode} before serving:\n{log.read_text()[-3000:]}")
        try:
            if get(f"{url}/api/experiments", timeout=5)[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() - t0 > SERVER_START_S:
            proc.kill()
            pytest.fail(f"`ranvier lab` did not answer within {SERVER_START_S:.0f} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    yield SimpleNamespace(url=url, port=port, pid=proc.pid, log=log)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def chromium_path() -> str:
    for cand in (os.environ.get("RANVIER_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                 "/usr/bin/chromium"):
        if cand and Path(cand).is_file():
            return cand
    pytest.fail("no Chromium found: `apt-get install chromium` (.ci/run does it) or set RANVIER_CHROMIUM")


@pytest.fixture(scope="session")
def lab_browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="installed by the test extra")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


class Watched:
    """A page whose every request and console message is recorded, to assert on afterwards."""

    def __init__(self, browser, server):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(90_000)
        self.requests: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(("error", f"page error: {e}")))
        self.server = server

    def off_machine(self) -> list[str]:
        """Requests to anywhere but this lab server on 127.0.0.1 (blob:/data: URLs never leave the page)."""
        local = (f"http://127.0.0.1:{self.server.port}/", f"ws://127.0.0.1:{self.server.port}/", "blob:http://127.0.0.1",
                 "data:")
        return [u for u in self.requests if not u.startswith(local)]

    def errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"]

    def check_clean(self) -> None:
        assert not self.off_machine(), f"the page made requests that leave 127.0.0.1: {self.off_machine()}"
        assert not self.errors(), f"console errors: {self.errors()}"

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(lab_browser, lab_server):
    w = Watched(lab_browser, lab_server)
    yield w
    w.close()
