"""diff --since: each record's state then against its state now, and the summary line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run, changeset_around, revise_around
from trendlab.db import Store


def _latest(run: Run) -> str:
    return json.loads(run("log", "--limit", "1", "--json").stdout)[0]["changeset"]


def _steps(run: Run, *steps: tuple[str, ...]) -> None:
    for step in steps:
        done = run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)


@contextmanager
def _around(db: Path) -> Iterator[Any]:
    """The store's connection, to write revisions around trendlab; closed after."""
    store = Store.open(db, read_only=False)
    try:
        yield store.con
    finally:
        store.close()


def _diff(run: Run, since: str) -> tuple[list[tuple[str, str, str, list[str] | None]], str]:
    changed = run("diff", "--since", since, "--json")
    assert changed.exit_code == 0, changed.stderr
    rows = [(c["kind"], c["key"], c["change"], c["fields"]) for c in json.loads(changed.stdout)]
    return rows, changed.stderr


def test_nothing_since_the_latest_changeset_is_no_changes(run: Run):
    since = _latest(run)
    assert _diff(run, since) == ([], f"since {since}: no changes\n")


def test_each_change_is_told_with_the_fields_it_changed(run: Run):
    _steps(
        run,
        ("add-model", "diff-kept", "--name", "Kept"),
        ("add-model", "diff-gone"),
        ("add-model", "diff-back", "--name", "Back", "--notes", "first"),
        ("retract", "model", "diff-back"),
        ("add-model", "diff-stays-gone"),
        ("retract", "model", "diff-stays-gone"),
        ("add-model", "diff-same", "--name", "Same"),
    )
    since = _latest(run)
    _steps(
        run,
        ("edit", "model", "diff-kept", "--set", "name=Kept Still", "--set", "notes=n"),
        ("retract", "model", "diff-gone"),
        ("add-model", "diff-back", "--name", "Back Again"),
        ("add-model", "diff-stays-gone"),
        ("retract", "model", "diff-stays-gone"),
        ("edit", "model", "diff-same", "--set", "name=For a moment"),
        ("edit", "model", "diff-same", "--set", "name=Same"),
    )
    rows, said = _diff(run, since)
    assert sorted(rows) == [
        ("models", "diff-back", "restored", ["name: Back -> Back Again"]),
        ("models", "diff-gone", "retracted", None),
        ("models", "diff-kept", "updated", ["name: Kept -> Kept Still", "notes: (none) -> n"]),
    ]
    # A list in JSON, one item a field (a value may hold '; '); CSV joins them.
    csv = run("diff", "--since", since, "--csv").stdout
    assert "diff-kept,updated,name: Kept -> Kept Still; notes: (none) -> n" in csv
    # Retracted then and retracted again now (diff-stays-gone), or changed and
    # changed back (diff-same), is no change.
    assert said == f"since {since}: models: 1 restored, 1 updated, 1 retracted\n"


def test_the_summary_counts_kinds_in_the_order_of_a_writes_summary(run: Run):
    since = _latest(run)
    _steps(
        run,
        ("add-benchmark", "diff-bench", "--unit", "percent"),
        ("add-model", "diff-model"),
    )
    rows, said = _diff(run, since)
    assert sorted(rows) == [
        ("benchmarks", "diff-bench", "added", None),
        ("models", "diff-model", "added", None),
    ]
    assert said == f"since {since}: models: 1 added; benchmarks: 1 added\n"


def test_no_changes_to_the_kind_asked_for_says_that_kind(run: Run):
    """--kind aliases with only a model added since said "no changes", as though nothing
    had changed; it says no changes to aliases."""
    since = _latest(run)
    _steps(run, ("add-model", "diff-model"))
    changed = run("diff", "--since", since, "--kind", "alias", "--json")
    assert (changed.exit_code, json.loads(changed.stdout), changed.stderr) == (
        0,
        [],
        f"since {since}: no changes to aliases\n",
    )


def test_an_unknown_score_kept_is_no_change(run: Run, db: Path):
    """A NaN score (written around trendlab: an unknown one) kept by a later revision is
    not a change: NaN is not equal to itself, so diff and history said `score: nan ->
    nan`, and a record changed and changed back was listed as updated."""
    key = json.loads(run("show", "result", "minerva-540b/gsm8k", "--json").stdout)["id"]
    with _around(db) as con:
        unknown = changeset_around(con)
        revise_around(con, unknown, "result_revisions", key, score=float("nan"))
        revise_around(con, changeset_around(con), "result_revisions", key, notes="n")
    assert _diff(run, unknown)[0] == [("results", key, "updated", ["notes: (none) -> n"])]
    with _around(db) as con:  # and back: no edit writes over an unknown score
        revise_around(con, changeset_around(con), "result_revisions", key, notes=None)
    assert _diff(run, unknown) == ([], f"since {unknown}: no changes\n")
    shown = json.loads(run("history", "result", key, "--json").stdout)
    assert [r["changes"] for r in shown][-3:] == [
        ["score: 78.5 -> NaN"],
        ["notes: (none) -> n"],
        ["notes: n -> (none)"],
    ]


def test_a_negative_zero_mended_to_0_is_a_change(run: Run, db: Path):
    """A -0 score (written around trendlab), which `check` lists and `edit --set
    score=0` mends, equals 0: the mending revision was `no field changed` in history,
    and diff said `no changes` since the -0, though log counted `results: 1 updated`."""
    key = json.loads(run("show", "result", "minerva-540b/gsm8k", "--json").stdout)["id"]
    with _around(db) as con:
        negative = changeset_around(con)
        revise_around(con, negative, "result_revisions", key, score=-0.0)
    assert run("edit", "result", key, "--set", "score=0", "-m", "mend").exit_code == 0
    assert _diff(run, negative)[0] == [("results", key, "updated", ["score: -0 -> 0"])]
    shown = json.loads(run("history", "result", key, "--json").stdout)
    assert [r["changes"] for r in shown][-2:] == [["score: 78.5 -> -0"], ["score: -0 -> 0"]]


def test_the_summary_names_since_without_the_spaces_around_it(run: Run):
    # A changeset id pasted with spaces around it is read without them, and said so:
    # the note said "since  0661f33af2 : ...".
    since = _latest(run)
    assert _diff(run, f"  {since} ") == ([], f"since {since}: no changes\n")


def test_a_since_still_to_come_says_so(run: Run, monkeypatch: pytest.MonkeyPatch):
    """diff --since today's date reads after the end of today: today's changes were
    told as 'no changes', as if none had been made; the note says the moment read is
    still to come. One past gets no such word."""
    monkeypatch.setattr("trendlab.db._utcnow", lambda: datetime(2030, 1, 1, 12, 0, 5))
    _steps(run, ("edit", "model", "gpt-4", "--set", "notes=today"))
    for since, moment in (
        ("2030-01-01", "2030-01-01 23:59:59"),
        ("2031", "2030-12-31 23:59:59"),
        ("2030-01-01T12:00:05.5", "2030-01-01 12:00:05.500000"),
    ):
        assert _diff(run, since) == ([], (
            f"since {since}: no changes (--since reads after {moment} UTC, which is still "
            "to come)\n"
        ))  # fmt: skip
    assert _diff(run, "2029-12-31")[1] == "since 2029-12-31: models: 1 updated\n"
