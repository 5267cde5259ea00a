"""Pool screenings started from the page: each in its own temporary folder, run in a thread, its progress
read by the page; the folder (the upload and the reports) is deleted an hour after the screening ends, or
when the server stops.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eligibility import api
from eligibility.errors import EligibilityError, EngineError, Problem

KEEP_SECONDS = 3600  # downloadable reports are kept this long after the screening ends
REPORTS = (".xlsx", ".html", ".jsonl")


@dataclass
class Job:
    id: str
    folder: Path
    pool: Path
    request: dict[str, Any]
    done: int = 0
    total: int | None = None
    state: str = "running"  # running | done | failed
    problems: list[Problem] = field(default_factory=list)
    run: Any = None  # the ScreenRun
    finished: float | None = None
    started: float = field(default_factory=time.monotonic)

    def report(self, suffix: str) -> Path:
        return self.folder / f"bao-cao{suffix}"

    def progress(self) -> dict[str, Any]:
        share = None
        if self.total:
            share = min(100.0, 100.0 * self.done / self.total)
        elif self.state == "done":
            share = 100.0
        return {"state": self.state, "done": self.done, "total": self.total, "percent": share}


class Jobs:
    """The screenings of this server (in memory: a restart forgets them and deletes their folders)."""

    def __init__(self, keep_seconds: float = KEEP_SECONDS, root: Path | None = None) -> None:
        self.keep_seconds = keep_seconds
        self.root = root
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def folder(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="eligibility-web-", dir=self.root))

    def start(
        self, folder: Path, pool: Path, request: dict[str, Any], runner: Callable[..., Any] = api.screen_file
    ) -> Job:
        job = Job(secrets.token_urlsafe(12), folder, pool, request)
        with self._lock:
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, runner), name=f"screen-{job.id[:6]}", daemon=True).start()
        return job

    def _run(self, job: Job, runner: Callable[..., Any]) -> None:
        def progress(done: int, total: int | None) -> None:
            job.done, job.total = done, total

        try:
            job.run = runner(job.pool, job.request, out=[job.report(s) for s in REPORTS], progress=progress)
            job.state = "done"
        except EligibilityError as exc:
            job.problems = list(exc.problems)
            job.state = "failed"
        except EngineError:
            job.problems = [Problem("", "lỗi bộ máy suy luận (không phải kết luận)", "engine fault (not a verdict)")]
            job.state = "failed"
        except Exception:  # noqa: BLE001 - never a traceback with a person's data in the log
            job.problems = [Problem("", "lỗi khi rà soát tệp", "the screening failed")]
            job.state = "failed"
        finally:
            job.finished = time.monotonic()
            job.pool.unlink(missing_ok=True)  # the upload is not kept once read

    def get(self, job_id: str) -> Job | None:
        self.sweep()
        with self._lock:
            return self._jobs.get(job_id)

    def sweep(self, now: float | None = None) -> int:
        """Delete the folders of screenings that ended more than ``keep_seconds`` ago; returns how many."""
        now = time.monotonic() if now is None else now
        with self._lock:
            old = [j for j in self._jobs.values() if j.finished is not None and now - j.finished > self.keep_seconds]
            for j in old:
                del self._jobs[j.id]
        for j in old:
            shutil.rmtree(j.folder, ignore_errors=True)
        return len(old)

    def close(self) -> None:
        """Delete every folder (the server stops)."""
        with self._lock:
            jobs, self._jobs = list(self._jobs.values()), {}
        for j in jobs:
            shutil.rmtree(j.folder, ignore_errors=True)
