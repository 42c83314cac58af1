"""Checks shared by tests of a write refused whole."""

from __future__ import annotations

from tests.conftest import Run


def assert_refused(run: Run, args: list[str], stderr: list[str]) -> None:
    """trendlab run with `args` is refused whole: exit 1, no data on stdout, `stderr`
    its error's lines, and no changeset written (`log` as before)."""
    before = run("log", "--csv").stdout
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == stderr
    assert run("log", "--csv").stdout == before
