"""Property-based tests of the commands that write one record: add-model,
add-benchmark, add-result, add-price and edit, given hostile option values.

A bad value is refused with one line and the database unchanged: one its field's own
rules refuse is a usage error naming the option or argument (exit 2), one only the
database makes bad (a name of no record, a score outside its benchmark's unit) a data
error naming the field (exit 1). A good record is written in one changeset and is then current. Where no
verdict is known (any text in any option, any field name), the test holds trendlab
to the same promise either way: no traceback; on an error, one line and nothing
changed; on success, one changeset and a database that passes `trendlab check`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import (
    FILE,
    FUZZ,
    KEYS,
    ROWS,
    TEXT,
    Cell,
    Row,
    assert_clean_failure,
    assert_no_crash,
    assert_refused_unchanged,
    assert_usage_error,
    bounds_reversed,
    content,
    current_count,
    database_copy,
    invoke,
)

# How each add command takes each field: a positional argument, an option, or a flag.
POSITIONAL = {
    "models": ("slug",),
    "benchmarks": ("slug",),
    "results": ("model", "benchmark", "score"),
    "prices": ("model", "provider", "effective_date"),
}
OPTION_NAMES = {
    "reported_date": "--date",
    "input_usd_per_mtok": "--input",
    "output_usd_per_mtok": "--output",
}
COMMANDS = {
    "models": "add-model",
    "benchmarks": "add-benchmark",
    "results": "add-result",
    "prices": "add-price",
}
TABLES = {
    "models": "model_revisions",
    "benchmarks": "benchmark_revisions",
    "results": "result_revisions",
    "prices": "price_revisions",
}


def command_line(kind: str, row: Row) -> list[str]:
    args = [COMMANDS[kind]]
    args += ["" if row.cells[f].text is None else str(row.cells[f].text) for f in POSITIONAL[kind]]
    for name, cell in row.cells.items():
        if name in POSITIONAL[kind] or cell.text is None:
            continue
        if name in ("open_weights", "higher_is_better"):
            if cell.ok:  # a flag: only true or false can be said
                truth = cell.text.lower() in ("true", "yes", "1", "t", "y")
                flag = name.replace("_", "-")
                args.append(f"--{flag}" if truth else f"--no-{flag}")
            continue
        args += [OPTION_NAMES.get(name, "--" + name.replace("_", "-")), cell.text]
    return args


# Bad values that only the database makes bad: a name of no record (any bad value of
# a name), a score or a bound outside the benchmark's unit. The other bad values break
# their field's own rules.
DATA_BAD = {
    "model": None,  # any
    "benchmark": None,
    "score": {"100.5", "-0.1", "1e3"},
    "floor": {"-5"},
    "ceiling": {"101"},
}


def _usage_errors(kind: str, row: Row) -> list[str]:
    """What a usage error says for this row, one of them (none: the command line is
    fine): a refused value, named as given (SCORE: , --date: ), or a price given
    neither of its figures."""
    said = []
    for name, cell in row.cells.items():
        if cell.ok or name == "open_weights":
            continue
        if name in DATA_BAD and (DATA_BAD[name] is None or cell.text in DATA_BAD[name]):
            continue
        if name in POSITIONAL[kind]:
            said.append(f"{name.upper()}: ")
        else:
            said.append(f"{OPTION_NAMES.get(name, '--' + name.replace('_', '-'))}: ")
    if kind == "prices" and not any(
        (row.cells[f].text or "").strip() for f in ("input_usd_per_mtok", "output_usd_per_mtok")
    ):
        said.append("a price needs --input or --output")
    return said


def _bad_fields(kind: str, row: Row) -> list[str]:
    """Fields whose values the command must refuse, and rules the row breaks."""
    bad = [name for name, cell in row.cells.items() if not cell.ok and name != "open_weights"]
    text = {name: (cell.text or "").strip() or None for name, cell in row.cells.items()}
    if kind == "prices" and text["input_usd_per_mtok"] is text["output_usd_per_mtok"] is None:
        bad.append("input_usd_per_mtok or output_usd_per_mtok")
    higher = text.get("higher_is_better")
    if kind == "benchmarks" and not bad and bounds_reversed(text["floor"], text["ceiling"], higher):
        bad.append("floor must be")
    return bad


def _current(db: Path, kind: str, row: Row) -> int:
    return current_count(db, kind, [(row.cells[k].text or "").strip() or None for k in KEYS[kind]])


def assert_written_once(db: Path, before: dict, tables: set[str]) -> None:
    """One new changeset; only `tables` (and organizations) gained rows; check passes."""
    after = content(db)
    changed = {t for t in after if after[t] != before[t] and t != FILE}
    assert after["changesets"][0] == before["changesets"][0] + 1, changed
    assert changed <= {"changesets", "organization_revisions", *tables}, changed
    audit = invoke(db, "check")
    assert audit.exit_code == 0, audit.output


@st.composite
def rows_for(draw: st.DrawFn, kind: str) -> Row:
    return draw(ROWS[kind](0, draw(st.booleans())))


@pytest.mark.parametrize("kind", sorted(COMMANDS))
def test_add_with_hostile_values(seeded_template: Path, kind: str):
    @FUZZ
    @given(row=rows_for(kind))
    def run(row: Row) -> None:
        with database_copy(seeded_template) as db:
            before = content(db)
            result = invoke(db, *command_line(kind, row), "-m", "fuzz")
            assert_no_crash(result)
            bad = _bad_fields(kind, row)
            usage = _usage_errors(kind, row)
            if result.exit_code == 2:
                # Click's own usage error (a choice it does not offer, an argument that
                # reads as an option: -lead) or a value its field's rules refuse.
                clicks = not row.cells.get("source_kind", Cell(None)).ok or any(
                    (row.cells[f].text or "").startswith("-") for f in POSITIONAL[kind]
                )
                assert result.stderr.startswith("trendlab: error: ") and (clicks or usage), (
                    result.stderr
                )
                if not clicks:
                    assert_usage_error(result)
                    assert any(said in result.stderr for said in usage), (usage, result.stderr)
                assert content(db) == before
                return
            assert not usage, (usage, result.stderr)
            if bad:
                assert_clean_failure(result, f"{COMMANDS[kind]}:")
                assert len(result.stderr.splitlines()) == 1, result.stderr
                assert any(name in result.stderr for name in bad), (bad, result.stderr)
                assert content(db) == before
                return
            assert result.exit_code == 0, result.stderr
            assert result.stdout.strip(), "an add prints the new record's key"
            assert _current(db, kind, row) == 1
            assert_written_once(db, before, {TABLES[kind]})

    run()


# Any text at all in any option of any add command.
ANY = st.one_of(TEXT, st.sampled_from(["", " ", "-", "--", "-m", "--help", "\x00", "9" * 5000]))


@st.composite
def free_commands(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(sorted(COMMANDS)))
    row = draw(ROWS[kind](0, False))
    fields = [f for f in row.cells if f != "open_weights"]
    for name in draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3, unique=True)):
        row.cells[name] = Cell(draw(ANY))
    return command_line(kind, row)


def test_any_text_in_any_option(seeded_template: Path):
    @FUZZ
    @given(args=free_commands())
    def run(args: list[str]) -> None:
        with database_copy(seeded_template) as db:
            before = content(db)
            result = invoke(db, *args, "-m", "fuzz")
            assert_no_crash(result)
            if result.exit_code == 0:
                # Written once, or nothing at all (--help given as a value shows help).
                kind = next(k for k, c in COMMANDS.items() if c == args[0])
                if content(db) != before:
                    assert_written_once(db, before, {TABLES[kind]})
                return
            if result.exit_code == 2:  # Click's usage error (a value that looks like an option)
                assert result.stderr.startswith("trendlab: error: ")
            else:
                assert_clean_failure(result)
            assert len(result.stderr.splitlines()) == 1, result.stderr
            assert content(db) == before

    run()


# -- edit -------------------------------------------------------------------------------

EDIT_TARGETS = {
    "model": ("gpt-4", ["name", "organization", "release_date", "parameters", "open_weights"]),
    "benchmark": ("mmlu", ["name", "unit", "floor", "ceiling", "human_baseline", "url"]),
    "result": ("gpt-4/math", ["score", "reported_date", "source_kind", "notes"]),
    "price": ("p_9eb30a51bbffb1be", ["input_usd_per_mtok", "output_usd_per_mtok", "notes"]),
}
HOSTILE_FIELDS = ["", " ", "slug", "key", "revision", "changeset_id", "op", "score; DROP", "ü"]


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    kind = draw(st.sampled_from(sorted(EDIT_TARGETS)))
    key, fields = EDIT_TARGETS[kind]
    key = draw(st.just(key) | st.sampled_from([key.upper(), key + "'", "' OR 1=1 --", key[:3]]))
    sets = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(fields) | st.sampled_from(HOSTILE_FIELDS))
        value = draw(
            ANY
            | st.sampled_from(["nan", "inf", "1e400", "-1", "2024-02-30", "101", "true", "maybe"])
        )
        sets += ["--set", f"{name}={value}"]
    return kind, key, sets


def test_edit_with_hostile_values(seeded_template: Path):
    @FUZZ
    @given(edit=edits())
    def run(edit: tuple[str, str, list[str]]) -> None:
        kind, key, sets = edit
        with database_copy(seeded_template) as db:
            before = content(db)
            result = invoke(db, "edit", kind, key, *sets, "-m", "fuzz")
            assert_no_crash(result)
            if result.exit_code == 0:
                table = TABLES[f"{kind}s"]
                assert_written_once(db, before, {table})
                # Exactly one new revision, of the record named.
                assert content(db)[table][0] == before[table][0] + 1
                return
            assert_refused_unchanged(result, db, before)

    run()


def test_edit_refuses_each_bad_value(seeded_template: Path):
    """Every known-bad value for a field is refused by edit with its field named: as
    --set misused (exit 2) where the field's own rules refuse it, as a data error
    (exit 1) where the record makes it bad (a ceiling outside mmlu's unit)."""
    cases = [
        ("model", "gpt-4", "release_date", "2024-02-30"),
        ("model", "gpt-4", "parameters", "nan"),
        ("model", "gpt-4", "parameters", "-1"),
        ("model", "gpt-4", "open_weights", "maybe"),
        ("model", "gpt-4", "source_url", "javascript:alert(1)"),
        ("benchmark", "mmlu", "floor", "inf"),
        ("benchmark", "mmlu", "unit", "furlongs"),
        ("result", "gpt-4/math", "score", "1e400"),
        ("result", "gpt-4/math", "score", "eighty"),
        ("result", "gpt-4/math", "source_kind", "rumour"),
        ("price", "p_9eb30a51bbffb1be", "input_usd_per_mtok", "0"),
        ("result", "gpt-4/math", "notes", "a\x00b"),  # a team store cannot hold a NUL
        ("benchmark", "mmlu", "url", "https://e.org/\x00"),
    ]
    with database_copy(seeded_template) as db:
        before = content(db)
        for kind, key, name, value in cases:
            result = invoke(db, "edit", kind, key, "--set", f"{name}={value}", "-m", "bad")
            assert_usage_error(result, f"--set {name}: {value!r}")
        result = invoke(db, "edit", "benchmark", "mmlu", "--set", "ceiling=101", "-m", "bad")
        assert_clean_failure(result, "ceiling: 101.0 is outside the range of unit percent")
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert content(db) == before


def test_required_fields_cannot_be_blank(seeded_template: Path):
    """Blank (or all-space) values of required fields are missing, not empty text: on
    the command line a usage error naming the argument or option."""
    with database_copy(seeded_template) as db:
        before = content(db)
        for args, given in (
            (["add-model", "  "], "SLUG"),
            (["add-benchmark", "fz-b", "--unit", " "], "--unit"),
            (["add-result", "gpt-4", "mmlu", "\t"], "SCORE"),
            (["add-price", "gpt-4", " ", "2024-01-01", "--input", "1"], "PROVIDER"),
        ):
            result = invoke(db, *args, "-m", "blank")
            assert_usage_error(result, f"{given}: must not be empty")
        assert content(db) == before


@st.composite
def alias_commands(draw: st.DrawFn) -> list[str]:
    model = draw(st.sampled_from(["gpt-4", "claude-3-opus", "no-such-model"]) | ANY)
    name = draw(st.sampled_from(["gpt-4", "gpt-4-0314", "GPT-4", " gpt-4 "]) | ANY)
    args = ["alias", "add", model, name]
    if draw(st.booleans()):
        args += ["--source-url", draw(st.sampled_from(["https://example.org/a", *ANY_URLS]))]
    if draw(st.booleans()):
        args += ["--notes", draw(ANY)]
    return args


ANY_URLS = ["ftp://x", "javascript:alert(1)", "", "https://"]


def test_alias_add_with_hostile_values(seeded_template: Path):
    @FUZZ
    @given(args=alias_commands())
    def run(args: list[str]) -> None:
        with database_copy(seeded_template) as db:
            before = content(db)
            result = invoke(db, *args, "-m", "fuzz")
            assert_no_crash(result)
            if result.exit_code == 0:
                if content(db) != before:
                    assert_written_once(db, before, {"alias_revisions"})
                return
            assert_refused_unchanged(result, db, before)

    run()


def test_a_slug_is_no_alias_even_of_its_own_model(seeded_template: Path):
    """`alias add gpt-4 gpt-4` was accepted, and then `trendlab check` failed
    (09_aliases: alias is also the slug of model gpt-4)."""
    with database_copy(seeded_template) as db:
        before = content(db)
        result = invoke(db, "alias", "add", "gpt-4", "gpt-4", "-m", "self")
        assert_clean_failure(result, "alias 'gpt-4' is the slug of model gpt-4")
        assert content(db) == before
        assert invoke(db, "check").exit_code == 0
