"""The same jobs on Dask distributed: each Dask worker hosts its own sandboxed fork servers.

Dask does the scheduling, the transport and the bookkeeping of workers; nothing here is a
cluster protocol of our own. A worker plugin starts one ``Sandbox`` per Dask worker (as many
fork servers as the worker has threads) and stops it when the batch ends. Tasks carry
batches of programs, so a cheap job does not pay a scheduler round trip on its own.

Trust is as on one machine: the Dask workers are the grader's own processes (install the
project on every worker machine; the hidden tests and the judge stay with the client, which
judges every outcome). Student code only ever runs in the sandbox's children.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from distributed import Client, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from grader.config import Settings
from grader.records import Program, RunOutcome
from grader.sandbox.pool import Sandbox, SchedulerUnavailable

PLUGIN_PREFIX = "nn-grader-sandbox-"
JOBS_PER_TASK = 8
"""Programs per Dask task, at most: enough to hide a scheduler round trip, few enough to spread a batch."""


class SandboxPlugin(WorkerPlugin):
    """Starts a Sandbox on a Dask worker when registered, stops it when unregistered."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sandbox: Any = None

    def setup(self, worker: Any) -> None:
        self.sandbox = Sandbox(replace(self.settings, workers=max(1, worker.state.nthreads)))
        self.sandbox.__enter__()

    def teardown(self, worker: Any) -> None:
        if self.sandbox is not None:
            self.sandbox.__exit__(None, None, None)
            self.sandbox = None


def run_on_worker(plugin: str, programs: list[Program]) -> list[RunOutcome]:
    """A Dask task: run programs in this worker's sandbox."""
    host = get_worker().plugins[plugin]
    assert isinstance(host, SandboxPlugin)
    return host.sandbox.run_all(programs)


def _batches(count: int, workers: int) -> list[range]:
    size = max(1, min(JOBS_PER_TASK, count // max(1, workers * 4)))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


class DaskSandbox:
    """``Sandbox``'s interface as grading uses it (a context manager with ``completed``) over a Dask cluster."""

    def __init__(self, settings: Settings, scheduler: str) -> None:
        self._settings = settings
        self._scheduler = scheduler
        self._plugin = PLUGIN_PREFIX + uuid.uuid4().hex
        self._client: Any = None

    def __enter__(self) -> "DaskSandbox":
        try:
            self._client = Client(self._scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as problem:
            raise SchedulerUnavailable(
                f"cannot reach the Dask scheduler at {self._scheduler} ({problem}); start one with "
                "`dask scheduler` and workers with `dask worker tcp://HOST:8786` (see README, 'Grading on several machines')"
            ) from None
        try:
            self._client.register_plugin(SandboxPlugin(self._settings), name=self._plugin)
        except BaseException:
            self._client.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._client is None:
            return
        try:
            self._client.unregister_worker_plugin(self._plugin)
        except Exception as problem:  # noqa: BLE001 - workers may be gone; their sandboxes went with them
            print(f"grader: could not stop the sandboxes on the Dask workers ({problem})", file=sys.stderr)
        finally:
            self._client.close()
            self._client = None

    def completed(self, programs: Iterable[Program]) -> Iterator[tuple[int, RunOutcome]]:
        """(index, outcome) as each batch comes back; a job lost with its worker is an
        infrastructure problem, graded again next time."""
        todo = list(programs)
        threads = sum(self._client.nthreads().values())
        futures = {
            self._client.submit(run_on_worker, self._plugin, [todo[i] for i in batch], pure=False): batch
            for batch in _batches(len(todo), threads)
        }
        finished = False
        try:
            for future in as_completed(list(futures), loop=self._client.loop):
                batch = futures[future]
                try:
                    results = future.result()
                except Exception as problem:  # noqa: BLE001 - a lost worker costs its jobs a regrade, nothing more
                    results = [RunOutcome("infrastructure", f"the Dask worker running it failed ({type(problem).__name__})")] * len(batch)
                yield from zip(batch, results)
            finished = True
        finally:
            if not finished:
                self._client.cancel(list(futures))
