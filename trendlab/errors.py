"""The one exception type the CLI turns into `trendlab: error: ...` and an exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; 2 (usage) is Click's own."""

    OK = 0
    DATA = 1
    USAGE = 2
    INTERNAL = 70  # a bug in trendlab (EX_SOFTWARE), in one line; --debug for the traceback
    INTERRUPTED = 130
    TERMINATED = 143  # a SIGTERM: 128 + its number, as a shell reports a process it ended


class TrendlabError(Exception):
    """A problem the user can fix: bad input, unknown record, locked database.

    `details` are extra lines printed after the one-line message (for example the
    per-row errors of an import), never a traceback.
    """

    def __init__(
        self, message: str, *, details: list[str] | None = None, exit_code: int = ExitCode.DATA
    ):
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.exit_code = exit_code
        # A usage error's command, whose --help the message points at (set by the CLI).
        self.help_path: str | None = None
