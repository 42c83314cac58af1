"""Signal handlers taken over for a block: the one way trendlab installs its own.

Kept apart from the store and the command line, and free of their imports, so the
command line can hold Ctrl-C while DuckDB first loads (see cli.options).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def handled(signals: Iterable[int], handler: Callable[[int, Any], None]) -> Iterator[None]:
    """`handler` takes `signals` while the block runs, their previous handlers after it.
    Off the main thread, where Python takes no handler, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, handler) for s in signals}
    try:
        yield
    finally:
        for s, before in previous.items():
            signal.signal(s, before)
