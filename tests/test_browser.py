"""The student's view: the release notebook in a real JupyterLab, in a real browser.

The fixture starts JupyterLab from this venv on loopback (a free port, a random token) with
its own root, config, data and runtime folders and a ``python3`` kernel spec that runs this
interpreter, so the kernel has torch and this tree's grader. Headless Chromium (Debian's
`chromium`, which `.ci/run` installs) driven by Playwright opens a copy of a notebook, runs
it with the menu's Run > Run All Cells and reads what the page shows. The fixture stops the
server and checks that no Jupyter process is left.

Set NN_WORKBOOK_LAB_SCREENSHOT to a path to save the page after the reference answers ran
(that is how docs/jupyterlab.png is made).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

from grader.exercises import ASSIGNMENTS, EXERCISES
from grader.fill import filled_notebook
from tests.conftest import ROOT, host_processes_with, reference_answers

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.browser

ASSIGNMENT = "01_modules"
CHROMIUM = Path("/usr/bin/chromium")
STARTUP = 120.0
"""Seconds to wait for the server to answer; every wait in the page has its own generous bound."""
RUN_ALL = 180_000
"""Milliseconds to wait for Run All's outputs (importing torch in a fresh kernel is slow on a busy machine)."""
STDOUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout']"
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
"""What a cell printed, and its errors and tracebacks, as JupyterLab renders them."""


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    root: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _write_json(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value), encoding="utf-8")


def _lab_environment(folder: Path) -> dict[str, str]:
    """Jupyter's folders all inside ``folder``, so nothing is read from or left in the home folder."""
    config, data = folder / "config", folder / "data"
    # The only kernel spec it finds: this interpreter, whatever else the machine has installed.
    _write_json(data / "kernels" / "python3" / "kernel.json", {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    })
    # Every cell in the page (no windowing), and no news toast over the notebook.
    _write_json(config / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings",
                {"windowingMode": "none"})
    _write_json(config / "labconfig" / "page_config.json",
                {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    environment.update(
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTER_DATA_DIR=str(data),
        JUPYTER_PATH=str(data),
        JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(config / "lab" / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(config / "lab" / "workspaces"),
        IPYTHONDIR=str(folder / "ipython"),
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    return environment


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _stop(server: subprocess.Popen[bytes], lab: Lab) -> None:
    """Ask the server to shut down (it stops its kernels), then make sure of it."""
    request = urllib.request.Request(f"{lab.url}/api/shutdown", method="POST", headers={"Authorization": f"token {lab.token}"})
    try:
        urllib.request.urlopen(request, timeout=10).close()
        server.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if server.poll() is None or host_processes_with(str(lab.root.parent)):
            try:
                os.killpg(server.pid, sig)
            except ProcessLookupError:
                pass
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs the Debian packages chromium and chromium-driver")
        pytest.skip("Chromium is not installed (Debian package chromium)")
    folder = Path(tempfile.mkdtemp(prefix="nn-workbook-lab-"))
    lab = Lab(url=f"http://127.0.0.1:{_free_port()}", token=os.urandom(24).hex(), root=folder / "root")
    lab.root.mkdir()
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={lab.url.rsplit(':', 1)[1]}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={lab.token}", f"--ServerApp.root_dir={lab.root}",
         "--ServerApp.allow_root=True", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=lab.root, env=_lab_environment(folder), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kernels it starts end with it
    )
    try:
        deadline = time.monotonic() + STARTUP
        while not _answers(f"{lab.url}/api/status?token={lab.token}"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (folder / "server.log").read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield lab
    finally:
        _stop(server, lab)
        log.close()
        left = host_processes_with(str(folder))
        shutil.rmtree(folder, ignore_errors=True)
        assert left == [], f"Jupyter processes left running: {left}"


@pytest.fixture(scope="module")
def browser(lab: Lab) -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is part of the test install")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _place(lab: Lab, name: str, notebook: nbformat.NotebookNode) -> str:
    """A copy of the notebook in the server's root folder: the repository's files are never opened."""
    path = lab.root / name / ASSIGNMENTS[ASSIGNMENT].filename
    path.parent.mkdir()
    nbformat.write(notebook, path)
    return path.relative_to(lab.root).as_posix()


def _cell_indices(notebook: nbformat.NotebookNode) -> dict[str, int]:
    return {c.metadata.get("nbgrader", {}).get("grade_id", ""): i for i, c in enumerate(notebook.cells)}


def _open_and_run_all(browser: Browser, lab: Lab, path: str, cells: int) -> tuple[Page, Locator]:
    """A page showing the notebook at ``path`` after Run > Run All Cells, its kernel started."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(RUN_ALL)
    # A workspace of its own: JupyterLab would otherwise also reopen what the last page had open.
    page.goto(f"{lab.url}/lab/workspaces/{path.split('/')[0]}/tree/{path}?token={lab.token}")
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    notebook.locator(".jp-Cell").nth(cells - 1).wait_for()
    assert notebook.locator(".jp-Cell").count() == cells
    # The kernel has started once the status bar names it idle.
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    return page, notebook


def _output_text(notebook: Locator, index: int) -> str:
    return notebook.locator(".jp-Cell").nth(index).locator(".jp-OutputArea").text_content() or ""


def test_run_all_on_the_release_stops_at_the_first_stub_with_not_implemented(lab: Lab, browser: Browser) -> None:
    release = nbformat.read(ROOT / "exercises" / ASSIGNMENT / ASSIGNMENTS[ASSIGNMENT].filename, as_version=4)
    first = ASSIGNMENTS[ASSIGNMENT].exercises[0]
    where = _cell_indices(release)
    page, notebook = _open_and_run_all(browser, lab, _place(lab, "release", release), len(release.cells))
    try:
        check = notebook.locator(".jp-Cell").nth(where[f"check_{first}"])
        check.locator(STDERR, has_text="NotImplementedError").wait_for()
        assert "NotImplementedError" in _output_text(notebook, where[f"check_{first}"])
        # (the traceback quotes the check's source, success line included: only printed text counts)
        assert notebook.locator(STDOUT, has_text="passes the visible checks").count() == 0
    finally:
        page.close()


def test_run_all_with_the_reference_answers_passes_every_visible_check(lab: Lab, browser: Browser) -> None:
    filled = filled_notebook(ROOT / "exercises", ASSIGNMENT, reference_answers())
    exercises = ASSIGNMENTS[ASSIGNMENT].exercises
    where = _cell_indices(filled)
    page, notebook = _open_and_run_all(browser, lab, _place(lab, "filled", filled), len(filled.cells))
    try:
        for exercise in exercises:
            success = f"{EXERCISES[exercise].title} passes the visible checks."
            check = notebook.locator(".jp-Cell").nth(where[f"check_{exercise}"])
            check.locator(STDOUT, has_text=success).wait_for()
            assert success in _output_text(notebook, where[f"check_{exercise}"])
        assert notebook.locator(STDERR).count() == 0
        screenshot = os.environ.get("NN_WORKBOOK_LAB_SCREENSHOT")
        if screenshot:
            page.keyboard.press("Control+b")  # the file browser closed: room for the code
            page.locator("#jp-left-stack").wait_for(state="hidden")
            task = notebook.locator(".jp-Cell").nth(where[f"{exercises[0]}_task"])
            task.evaluate("cell => cell.scrollIntoView({block: 'start'})")  # the first exercise, task to check
            page.screenshot(path=screenshot)
    finally:
        page.close()
