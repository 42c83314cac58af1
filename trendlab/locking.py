"""Waiting for another process's lock on a DuckDB file, then saying so in one line."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar

import duckdb

from trendlab.errors import TrendlabError

T = TypeVar("T")

# DuckDB names the holder `PROGRAM (PID n)`, or `PID n` alone when it cannot read the
# program's name (another user's process, under a /proc mounted hidepid=2), and PID 0
# when the holder is out of this system's sight (in another container's PID namespace).
_LOCK_RE = re.compile(
    r"Conflicting lock is held in (?:(?P<prog>.*?) \(PID (?P<pid>\d+)\)|PID (?P<bare>\d+))"
)


class Locked(TrendlabError):
    """Another process held the file's lock to the end of the wait: the file, and
    whatever appeared beside it meanwhile (its write-ahead log), is that process's."""


class InterruptedWaiting(KeyboardInterrupt):
    """A Ctrl-C once another process was found holding the file's lock: as with Locked,
    the file, and whatever appeared beside it meanwhile, is that process's."""


def retry_while_locked(
    action: Callable[[], T],
    what: str,
    lock_timeout: float,
    failed: Callable[[str], TrendlabError],
) -> T:
    """Run `action`, retrying with backoff for up to `lock_timeout` seconds while another
    process holds `what`'s file lock; then a one-line error naming that process. Any
    other DuckDB error becomes `failed(its text)`, and a Ctrl-C once the lock was
    found held, InterruptedWaiting."""
    deadline = time.monotonic() + max(lock_timeout, 0.0)
    delay = 0.05
    waited = False
    try:
        while True:
            try:
                return action()
            except duckdb.Error as exc:
                # First: a Ctrl-C from here on may fall while another process holds it.
                waited = True
                text = str(exc)
                lock = _LOCK_RE.search(text)
                if lock is None:
                    raise failed(text) from None
                if time.monotonic() >= deadline:
                    raise Locked(
                        f"{what} is locked by another process{_holder(lock)}; try again "
                        "when it finishes"
                        + ("" if lock_timeout else ", or wait with --lock-timeout SECONDS")
                    ) from None
                time.sleep(min(delay, max(deadline - time.monotonic(), 0.0)))
                delay = min(delay * 2, 1.0)
    except KeyboardInterrupt:
        if waited:
            raise InterruptedWaiting from None
        raise


def _holder(lock: re.Match[str]) -> str:
    """The process DuckDB names as holding the lock, as far as it can: PID 0 is none."""
    if lock["pid"]:
        return f" (PID {lock['pid']}, {lock['prog']})"
    return "" if lock["bare"] == "0" else f" (PID {lock['bare']})"
