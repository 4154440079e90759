"""The fork server: imports torch once, then forks one child per job.

Protocol on stdin/stdout, one JSON object per line:
  request  {"job_dir": str, "timeout": float}
  reply    {"exit_code": int|null, "signal": int|null, "timed_out": bool}
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import traceback
from pathlib import Path

# Forking after torch has started its thread pools deadlocks children: one thread, set first.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import torch  # noqa: E402

torch.set_num_threads(1)

from grader.sandbox.harness import STDERR_FILE, STDOUT_FILE, run_job, warm_up  # noqa: E402


def _child(job_dir: Path) -> None:
    """Never returns: redirect, detach from the server's pipes, run the job, exit."""
    code = 70
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        out = os.open(job_dir / STDOUT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(job_dir / STDERR_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(devnull, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        for fd in [int(name) for name in os.listdir("/proc/self/fd")]:
            if fd > 2:
                try:
                    os.close(fd)
                except OSError:
                    pass
        os.chdir(job_dir)
        code = run_job(job_dir)
    except BaseException:  # noqa: BLE001 - reported through stderr and the exit status
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _wait(pid: int, timeout: float) -> dict[str, object]:
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
    finally:
        os.close(pidfd)
    timed_out = not ready
    if timed_out:
        _kill_group(pid)
    _, status = os.waitpid(pid, 0)
    _kill_group(pid)  # whatever the student's code started in its group goes too
    return {
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "timed_out": timed_out,
    }


def _kill_group(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass


def main() -> None:
    warm_up()
    replies = sys.stdout
    replies.write("ready\n")
    replies.flush()
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(Path(request["job_dir"]))
        replies.write(json.dumps(_wait(pid, float(request["timeout"]))) + "\n")
        replies.flush()


if __name__ == "__main__":
    main()
