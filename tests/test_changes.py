"""diff --since: each record's state then against its state now, and the summary line."""

from __future__ import annotations

import json

from tests.conftest import Run


def _latest(run: Run) -> str:
    return json.loads(run("log", "--limit", "1", "--json").stdout)[0]["changeset"]


def _steps(run: Run, *steps: tuple[str, ...]) -> None:
    for step in steps:
        done = run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)


def _diff(run: Run, since: str) -> tuple[list[tuple[str, str, str, str]], str]:
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
        ("models", "diff-back", "restored", "name: Back -> Back Again; notes: first -> (none)"),
        ("models", "diff-gone", "retracted", ""),
        ("models", "diff-kept", "updated", "name: Kept -> Kept Still; notes: (none) -> n"),
    ]
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
        ("benchmarks", "diff-bench", "added", ""),
        ("models", "diff-model", "added", ""),
    ]
    assert said == f"since {since}: models: 1 added; benchmarks: 1 added\n"
