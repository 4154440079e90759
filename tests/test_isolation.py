"""Claims about the sandbox, each tried by a job that attempts what a hostile answer cell would.

The jobs run through the real pool: bubblewrap namespaces, a user per worker, the cgroup,
the limits table. A job reports what it saw as JSON on stdout; the claims are about that
report and about what the grader's own side can observe afterwards.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import textwrap
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import pytest

from grader.config import PROJECT_ROOT, Settings
from grader.records import Chunk, Program, RunOutcome
from grader.sandbox.isolation import PACKAGE_DIR, data_dirs, plan
from grader.sandbox.limits import Limits, MiB
from grader.sandbox.pool import Sandbox
from tests.conftest import host_processes_with

pytestmark = pytest.mark.skipif(plan().bwrap is None or not plan().root, reason="needs bubblewrap and root (as in CI)")


def job(code: str) -> Program:
    """A program whose only cell is ``code``; the ReLU probe runs after it, as for any answer."""
    return Program("relu", (Chunk("relu", textwrap.dedent(code)),), seed=0)


def report(outcome: RunOutcome) -> Any:
    """The JSON the job printed last."""
    lines = [line for line in outcome.stdout.splitlines() if line.startswith(("{", "["))]
    assert lines, (outcome.status, outcome.detail, outcome.stdout, outcome.stderr)
    return json.loads(lines[-1])


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(Settings(workers=2)) as box:
        yield box


def limited(**limits: Any) -> Iterator[Sandbox]:
    with Sandbox(Settings(workers=1, limits=replace(Limits(), **limits))) as box:
        yield box


TRY = """
import json, os
def attempt(action):
    try:
        result = action()
        return "ok" if result is None else str(result)[:200]
    except Exception as exc:
        return type(exc).__name__
"""


def test_cant_connect_to_the_network_not_even_loopback(sandbox: Sandbox) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        port = server.getsockname()[1]
        outcome = sandbox.run(job(TRY + f"""
import socket
import sys
def connect():
    socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
print(json.dumps({{"loopback": attempt(connect)}}))
"""))
        with pytest.raises(BlockingIOError):
            server.accept()
    assert report(outcome)["loopback"] in ("ConnectionRefusedError", "OSError", "TimeoutError")


def test_cant_see_solutions_hidden_tests_gradebook_submissions_or_home(sandbox: Sandbox, tmp_path: Path) -> None:
    gradebook = tmp_path / "gradebook.db"
    gradebook.write_text("secret")
    submission = tmp_path / "submitted" / "alice" / "01_modules" / "01_modules.ipynb"
    submission.parent.mkdir(parents=True)
    submission.write_text("{}")
    secrets = {
        "solutions": PROJECT_ROOT / "solutions" / "01_modules" / "01_modules.ipynb",
        "hidden tests": PACKAGE_DIR / "exercises" / "relu" / "hidden.py",
        "catalogue": PACKAGE_DIR / "exercises" / "relu" / "catalogue.py",
        "judge": PACKAGE_DIR / "judge" / "__init__.py",
        "references": PACKAGE_DIR / "references.py",
        "gradebook": gradebook,
        "other submissions": submission,
        "home": Path.home() / ".bashrc",
        "tests": PROJECT_ROOT / "tests" / "conftest.py",
    }
    for path in secrets.values():
        assert path.exists(), path  # each secret is really there, outside the sandbox
    outcome = sandbox.run(job(TRY + f"""
paths = {json.dumps({k: str(v) for k, v in secrets.items()})}
seen = {{name: attempt(lambda p=p: open(p).read(10)) for name, p in paths.items()}}
seen["home listing"] = attempt(lambda: os.listdir({str(Path.home())!r}))
seen["project listing"] = attempt(lambda: sorted(os.listdir({str(PROJECT_ROOT)!r})))
print(json.dumps(seen))
"""))
    seen = report(outcome)
    assert all(seen[name] == "FileNotFoundError" for name in secrets), seen
    python_home = Path(sys.base_prefix).resolve()
    allowed = {python_home.relative_to(Path.home()).parts[0]} if python_home.is_relative_to(Path.home()) else set()
    assert seen["home listing"] in ("FileNotFoundError", "PermissionError", str(sorted(allowed)))
    assert ".venv" in seen["project listing"] and "solutions" not in seen["project listing"]


def test_writes_only_in_its_own_scratch_folder(sandbox: Sandbox) -> None:
    outcome = sandbox.run(job(TRY + f"""
import sys
def write(path):
    with open(path, "w") as handle:
        handle.write("x")
targets = {{
    "venv": sys.prefix + "/planted.py",
    "package": {str(PACKAGE_DIR / "planted.py")!r},
    "tmp": "/tmp/planted",
    "root": "/planted",
    "dev shm": "/dev/shm/planted",
    "scratch": os.path.join(os.getcwd(), "mine.txt"),
}}
print(json.dumps({{name: attempt(lambda p=p: write(p)) for name, p in targets.items()}}))
"""))
    written = report(outcome)
    assert written.pop("scratch") == "ok"
    assert all(result in ("PermissionError", "OSError", "FileNotFoundError") for result in written.values()), written
    assert not (PACKAGE_DIR / "planted.py").exists()


def test_reads_the_mnist_digits_but_cannot_change_them(sandbox: Sandbox) -> None:
    """The training exercise's probe reads MNIST in the job: the folder is there, read-only,
    named by MNIST_DIR, and nothing beside it on the way there is shown."""
    folder = data_dirs()[0] if data_dirs() else None
    if folder is None:
        pytest.skip("no MNIST folder here (set MNIST_DIR or fill data/mnist)")
    name = "t10k-labels-idx1-ubyte.gz"
    outcome = sandbox.run(job(TRY + f"""
import sys
folder = os.environ.get("MNIST_DIR", "")
def write(path, mode):
    with open(path, mode) as handle:
        handle.write(b"x")
print(json.dumps({{
    "dir": folder,
    "read": attempt(lambda: len(open(os.path.join(folder, {name!r}), "rb").read())),
    "overwrite": attempt(lambda: write(os.path.join(folder, {name!r}), "r+b")),
    "new file": attempt(lambda: write(os.path.join(folder, "planted"), "wb")),
    "remove": attempt(lambda: os.remove(os.path.join(folder, {name!r}))),
    "beside": attempt(lambda: sorted(os.listdir(os.path.dirname(folder)))),
}}))
"""))
    seen = report(outcome)
    assert seen["dir"] == str(folder)
    assert seen["read"] == str((folder / name).stat().st_size)
    assert all(seen[what] in ("PermissionError", "OSError") for what in ("overwrite", "new file", "remove")), seen
    assert seen["beside"] == str([folder.name]), seen  # the parents are made for the bind, empty
    assert not (folder / "planted").exists()


def test_runs_as_an_unprivileged_user_that_cannot_signal_anything_outside_its_job(sandbox: Sandbox) -> None:
    outcome = sandbox.run(job(TRY + """
import signal
others = sorted(({1} | {int(p) for p in os.listdir("/proc") if p.isdigit()}) - {os.getpid()})  # 1: the fork server
print(json.dumps({
    "uid": os.getuid(),
    "become root": attempt(lambda: os.setuid(0)),
    "signals": {str(p): attempt(lambda p=p: os.kill(p, signal.SIGKILL)) for p in others},
    "everyone": attempt(lambda: os.kill(-1, signal.SIGKILL)),
    "their insides": {f"{p}/{part}": attempt(lambda p=p, part=part: os.listdir(f"/proc/{p}/{part}") if part == "fd" else open(f"/proc/{p}/{part}", "rb").read(10))
                      for p in others for part in ("fd", "environ", "mem")},
}))
"""))
    seen = report(outcome)
    assert seen["their insides"] and all(r in ("PermissionError", "FileNotFoundError") for r in seen["their insides"].values()), seen["their insides"]
    assert seen["uid"] != 0 and seen["become root"] == "PermissionError"
    assert seen["signals"] and all(result == "PermissionError" for result in seen["signals"].values()), seen
    again = sandbox.run(job("print('{}')"))
    assert again.status == "ok"  # the fork servers lived through it


def test_sees_no_process_but_its_own(sandbox: Sandbox) -> None:
    outcome = sandbox.run(job("""
import json, os
print(json.dumps({"pid": os.getpid(), "seen": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())}))
"""))
    seen = report(outcome)
    assert seen["seen"] == [seen["pid"]]  # not the namespace's init, not the fork server


def test_every_process_the_job_started_is_gone_when_it_ends(sandbox: Sandbox) -> None:
    marker = f"left-behind-{uuid.uuid4().hex}"
    outcome = sandbox.run(job(f"""
import os, subprocess, sys
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", "{marker}"])
    os._exit(0)
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{marker}"], start_new_session=True)
import time
time.sleep(0.5)
print('{{"started": true}}')
"""))
    assert report(outcome) == {"started": True}
    assert host_processes_with(marker) == []


def test_the_scratch_folder_is_fresh_for_every_job() -> None:
    for box in limited():
        first = box.run(job("open('note.txt', 'w').write('from the last job')\nprint('{}')"))
        second = box.run(job("import json, os\nprint(json.dumps(os.listdir('.')))"))
    assert first.status == "ok" and report(second) == []


KINDS = ("mnt", "ipc", "net", "pid")


def test_jobs_of_different_workers_share_no_namespace_user_or_terminals(sandbox: Sandbox) -> None:
    """The workers' servers come from one boot in one sandbox; each has namespaces and
    terminals of its own and its jobs a user of their own, so two students' jobs running
    side by side cannot reach each other."""
    outcomes = sandbox.run_all([job(TRY + """
import socket
def meet_on_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    socket.create_connection(server.getsockname(), timeout=2).close()
names = {kind: os.readlink(f"/proc/self/ns/{kind}") for kind in KINDS}
print(json.dumps({"uid": os.getuid(), **names, "terminals": os.stat("/dev/pts").st_dev,
                  "loopback": attempt(meet_on_loopback), "tmp": sorted(os.listdir("/tmp"))}))
""".replace("KINDS", repr(KINDS)))] * 8)
    seen = {}
    for outcome in outcomes:
        found = report(outcome)
        assert found.pop("loopback") != "ok"  # not even a loopback device to meet on
        assert found.pop("tmp") == ["job"]  # its own scratch only
        seen.setdefault(found.pop("uid"), found)
    assert len(seen) == 2, seen  # both workers ran jobs
    first, second = seen.values()
    assert all(first[kind] != second[kind] for kind in (*KINDS, "terminals")), seen


def test_the_server_imports_what_given_cells_import_never_what_an_answer_imports() -> None:
    """The fork server imports the modules of the instructor's cells once, for every later job;
    a module an answer names is never imported there. An import that prints (``this``) does
    not reach the channel to the parent."""
    given = Chunk("setup", "import colorsys\nimport this\n", given=True)
    for box in limited():
        first = box.run(Program("relu", (given, Chunk("relu", "import tabnanny\n")), seed=0))
        assert first.status == "ok", (first.detail, first.stderr)
        second = box.run(job(TRY + """
import sys
print(json.dumps({name: name in sys.modules for name in ("colorsys", "this", "tabnanny")}))
"""))
    assert report(second) == {"colorsys": True, "this": True, "tabnanny": False}


def test_a_scratch_folder_nested_past_pythons_stack_is_still_removed() -> None:
    for box in limited():
        deep = box.run(job("import os\nfor _ in range(3000):\n    os.mkdir('d')\n    os.chdir('d')\nprint('{}')"))
        after = box.run(job("import json, os\nprint(json.dumps(os.listdir('.')))"))
    assert deep.status == "ok", (deep.detail, deep.stderr)
    assert report(after) == []


KEYRING = """
import ctypes, json, platform
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
add_key, keyctl = {"x86_64": (248, 250), "aarch64": (217, 219)}[platform.machine()]
found = libc.syscall(keyctl, 10, ctypes.c_int(-4), b"user", b"stash", ctypes.c_int(0))  # KEYCTL_SEARCH in @u
stored = libc.syscall(add_key, b"user", b"stash", b"answers", ctypes.c_size_t(7), ctypes.c_int(-4))
print(json.dumps({"found": found > 0, "stored": stored > 0}))
"""


def test_a_job_finds_nothing_an_earlier_job_left_in_the_users_keyring() -> None:
    """The kernel keeps keyrings per user, beyond any process; every job of a worker runs as
    that worker's user."""
    for box in limited():
        first, second = box.run(job(KEYRING)), box.run(job(KEYRING))
    assert report(first) == {"found": False, "stored": True}
    assert report(second) == {"found": False, "stored": True}


def test_a_fork_bomb_is_stopped_at_the_process_limit() -> None:
    for box in limited(processes=64):
        outcome = box.run(job("""
import os, time, json
started = 0
for _ in range(2000):
    try:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        started += 1
    except OSError:
        break
print(json.dumps({"started": started}))
"""))
    assert outcome.status == "limit" and outcome.detail == "tried to start more than 64 processes"
    assert report(outcome)["started"] < 64


def test_memory_is_capped_for_the_whole_job() -> None:
    for box in limited(memory_bytes=256 * MiB):
        outcome = box.run(job("hog = bytearray(1024 * 1024 * 1024)\nhog[::4096] = b'x' * len(hog[::4096])"))
    assert outcome.status == "limit" and outcome.detail == "exceeded the 256 MiB memory limit"


def test_a_flood_of_output_is_stopped_and_never_kept() -> None:
    for box in limited(output_bytes=MiB):
        outcome = box.run(job("while True:\n    print('spam' * 1000)"))
    assert outcome.status == "limit" and outcome.detail.startswith("printed more than 1 MiB")
    assert len(outcome.stdout) <= Settings().max_output_chars + 100


def test_cpu_time_is_limited() -> None:
    for box in limited(cpu_seconds=1, wall_seconds=20):
        outcome = box.run(job("while True:\n    pass"))
    assert outcome.status == "limit" and outcome.detail == "used more than 1 s of CPU time"


def test_file_size_is_limited() -> None:
    for box in limited(file_bytes=MiB):
        outcome = box.run(job("open('big', 'wb').write(b'x' * (2 * 1024 * 1024))"))
    assert outcome.status == "limit" and outcome.detail == "wrote a file larger than 1 MiB"


def test_wall_clock_is_limited() -> None:
    for box in limited(wall_seconds=2):
        outcome = box.run(job("import time\ntime.sleep(30)"))
    assert outcome.status == "timeout" and outcome.detail.startswith("timed out after 2 s")


def test_exiting_the_process_is_named() -> None:
    for box in limited():
        outcome = box.run(job("import os\nos._exit(0)"))
    assert outcome.status == "exited" and "exited the process (sys.exit / os._exit)" in outcome.detail


def test_forged_results_on_the_result_pipe_are_refused(sandbox: Sandbox) -> None:
    outcome = sandbox.run(job("""
import io, os, torch
buffer = io.BytesIO()
torch.save({"cell_errors": {}, "forward0/out": torch.zeros(1).expand(10**9)}, buffer)
os.write(3, buffer.getvalue())
os._exit(0)
"""))
    assert outcome.status == "crashed" and "not in the expected form" in outcome.detail


def test_a_dead_server_costs_only_its_job_and_is_replaced() -> None:
    for box in limited():
        (server,) = box._servers
        os.killpg(server.boot.proc.pid, 9)
        lost = box.run(job("print('{}')"))
        after = box.run(job("print('{}')"))
    assert lost.status == "crashed" and "stopped responding" in lost.detail
    assert after.status == "ok"


def test_a_server_that_cannot_be_replaced_never_stops_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    for box in limited():
        (server,) = box._servers
        os.killpg(server.boot.proc.pid, 9)

        def refuse(slot: int) -> None:
            raise OSError("no more processes")

        monkeypatch.setattr(box, "_new_server", refuse)
        outcomes = box.run_all([job("print('{}')")] * 3)
    assert outcomes[0].status == "crashed"
    assert [o.status for o in outcomes[1:]] == ["infrastructure", "infrastructure"]
