"""A rollout's page in a real headless Chromium (Debian's ``chromium``), driven over the DevTools protocol.

The protocol goes through ``--remote-debugging-pipe`` (NUL-separated JSON on file descriptors 3 and 4), so
no websocket library is needed. The page must load without a console error or uncaught exception, show
its sections, fill the pod panel on a click, and leave a screenshot in ``build/artifacts/`` for CI.
Skipped where no Chromium is installed.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from kspec.report import Recording, write_page

BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
ARTIFACTS = Path(os.environ.get("KSPEC_ARTIFACTS", Path(__file__).resolve().parents[2] / "build" / "artifacts"))
TIMEOUT_S = 60

# CI installs chromium and sets KSPEC_REQUIRE_CHROMIUM=1: there a missing browser fails instead of skipping
pytestmark = pytest.mark.skipif(BROWSER is None and not os.environ.get("KSPEC_REQUIRE_CHROMIUM"),
                                reason="no chromium installed (apt-get install chromium)")


class DevTools:
    """A minimal Chrome DevTools Protocol client over the browser's debugging pipe."""

    def __init__(self, browser: str, profile: str) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child: the browser reads commands on fd 3, writes replies on fd 4
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.proc = subprocess.Popen(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=False,
            preexec_fn=wire)  # noqa: PLW1509 - the pipe must be on fds 3 and 4
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read()
            self.events.append(event)
            if event.get("method") == method:
                return event

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed its debugging pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def problems(events: list[dict[str, Any]]) -> list[str]:
    """Console errors, uncaught exceptions and error log entries the page caused."""
    out = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            out.append(f"console.{params['type']}: {params.get('args')}")
        elif method == "Runtime.exceptionThrown":
            out.append(f"exception: {params.get('exceptionDetails')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            out.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
    return out


def test_rollout_page_in_chromium(tmp_path: Path, rollout: Recording) -> None:
    assert BROWSER is not None
    page = write_page(tmp_path, rollout)
    with tempfile.TemporaryDirectory() as profile:
        devtools = DevTools(BROWSER, profile)
        try:
            target = devtools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = devtools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                devtools.send(f"{domain}.enable", session=session)
            devtools.send("Emulation.setDeviceMetricsOverride",
                          {"width": 1240, "height": 1400, "deviceScaleFactor": 1, "mobile": False}, session)
            devtools.send("Page.navigate", {"url": page.as_uri()}, session)
            devtools.wait_for("Page.loadEventFired")

            def evaluate(expression: str) -> Any:
                result = devtools.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                                       session)
                assert "exceptionDetails" not in result, result
                return result["result"].get("value")

            counts = evaluate("""JSON.stringify({
                svgs: document.querySelectorAll('svg').length,
                steps: document.querySelectorAll('svg.steps g.step').length,
                pods: document.querySelectorAll('svg.pods g.pod').length,
                bounds: document.querySelectorAll('svg.deployment path.bound').length,
                ticks: document.querySelectorAll('svg.events .event-tick').length,
                rows: document.querySelectorAll('table.events tr').length,
                width: document.querySelector('svg.pods').getBoundingClientRect().width})""")
            counts = json.loads(counts)
            assert counts["svgs"] == 4 and counts["steps"] == 4 and counts["pods"] == len(rollout.pods)
            assert counts["bounds"] == 2 and counts["ticks"] == len(rollout.events) == counts["rows"] - 1
            assert counts["width"] > 1000
            # a click on a pod fills the panel with its scheduler's filter table
            evaluate("document.querySelector('[data-pod=\"default/huge\"] rect')"
                     ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
            panel = evaluate("document.getElementById('pod-panel').innerText")
            assert "pod default/huge" in panel and "NodeResourcesFit" in panel and "Insufficient cpu" in panel
            # the latest attempt first: one row per node (plus the heading), each filtered out
            assert evaluate("document.querySelector('#pod-panel table.filter-table').rows.length") == 4
            shot = devtools.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                                 session)
            assert problems(devtools.events) == []
        finally:
            devtools.close()
    png = base64.b64decode(shot["data"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report-rollout.png").write_bytes(png)
    shutil.copy(page, ARTIFACTS / "report-rollout.html")


def test_console_errors_are_caught(tmp_path: Path) -> None:
    """The check above can fail: a page that logs an error and throws is reported."""
    assert BROWSER is not None
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body><script>console.error('boom'); undefinedFn();</script></body></html>")
    with tempfile.TemporaryDirectory() as profile:
        devtools = DevTools(BROWSER, profile)
        try:
            target = devtools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = devtools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                devtools.send(f"{domain}.enable", session=session)
            devtools.send("Page.navigate", {"url": bad.as_uri()}, session)
            devtools.wait_for("Page.loadEventFired")
            found = problems(devtools.events)
        finally:
            devtools.close()
    assert any("console.error" in p and "boom" in p for p in found)
    assert any(p.startswith("exception:") and "undefinedFn" in p for p in found)
