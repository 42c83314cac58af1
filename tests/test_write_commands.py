"""add-*, edit, retract, history and as-of through the CLI."""

from __future__ import annotations

import errno
import json
import os
import re
import shlex
import shutil
import signal
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from tests.conftest import Run, both_stores, changeset_around, make_runner, revise_around
from tests.refusals import assert_refused
from trendlab.db import Store
from trendlab.records import default_author


@both_stores
def test_add_model_prints_its_slug_and_records_a_changeset(run: Run):
    result = run(
        "add-model",
        "test-model-1",
        "--name",
        "Test Model",
        "--organization",
        "Acme Research",
        "--release-date",
        "2024-05-01",
        "--parameters",
        "7e9",
        "--open-weights",
        "-m",
        "a test model",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "test-model-1\n"
    assert "added model test-model-1" in result.stderr
    shown = json.loads(run("show", "model", "test-model-1", "--json").stdout)
    assert shown["parameters"] == 7e9 and shown["open_weights"] is True
    assert shown["organization"] == "Acme Research"
    # The organization was created on first use.
    orgs = run("list", "organizations", "--csv").stdout
    assert "acme-research,Acme Research" in orgs
    log = run("log", "--limit", "1", "--json").stdout
    entry = json.loads(log)[0]
    assert entry["author"] == "tester" and entry["message"] == "a test model"
    assert entry["changes"] == ["organizations: 1 added", "models: 1 added"]


def test_a_blank_optional_message_is_the_summary_and_a_blank_required_one_an_error(run: Run):
    """-m "" on add-* got the summary while -m " " was refused with "pass -m MESSAGE",
    though -m had been passed and may be left out. On edit and retract, which need a
    message, a blank one exited 1, as a data error."""
    for message in ("", "   "):
        slug = f"blank-message-{len(message)}"
        added = run("add-model", slug, "-m", message)
        assert added.exit_code == 0, added.stderr
        log = json.loads(run("log", "--limit", "1", "--json").stdout)
        assert log[0]["message"] == f"add model {slug}"
        # A usage error, as a missing -m is: exit 2, pointing at the help (it was 1).
        for command in (["retract", "model", slug], ["edit", "model", slug, "--set", "name=X"]):
            refused = run(*command, "-m", message)
            assert refused.exit_code == 2 and refused.stdout == ""
            assert refused.stderr == (
                "trendlab: error: Invalid value for -m: is blank: say why the change is made "
                f"(see 'cli {command[0]} --help')\n"  # CliRunner's program name
            )
        assert json.loads(run("show", "model", slug, "--json").stdout)["name"] != "X"


def test_a_message_is_recorded_trimmed_as_an_author_is(run: Run):
    """-m "  why  " was recorded with its spaces, where --author is trimmed."""
    added = run("--author", "  Ada  ", "add-model", "padded-message", "-m", "  a reason\n")
    assert added.exit_code == 0, added.stderr
    entry = json.loads(run("log", "--limit", "1", "--json").stdout)[0]
    assert (entry["author"], entry["message"]) == ("Ada", "a reason")


def test_a_default_message_names_records_as_stored(run: Run):
    """The message an add writes when -m is left out names the model, benchmark,
    provider and alias as stored: `add result  GPT-4-0314  on  MMLU ` was logged as
    typed, and a price's provider `openai` though it is stored as OpenAI."""
    for command, message in (
        (
            ["add-result", " GPT-4-0314 ", " MMLU ", "50", "--setting", "t"],
            "add result gpt-4 on mmlu",
        ),
        (
            ["add-price", " GPT-4 ", "openai", "2024-01-01", "--input", "1"],
            "add price of gpt-4 at OpenAI",
        ),
        (["alias", "add", " GPT-4 ", " gpt-4-t "], "alias gpt-4-t for gpt-4"),
        (["add-model", " m-t "], "add model m-t"),
        (["add-benchmark", " b-t ", "--unit", "percent"], "add benchmark b-t"),
    ):
        done = run(*command)
        assert done.exit_code == 0, done.stderr
        assert json.loads(run("log", "--limit", "1", "--json").stdout)[0]["message"] == message


def test_a_message_holding_a_nul_is_refused_before_anything_is_written(run: Run):
    """--author refused a NUL but -m took one (a caller of the CLI from Python can pass
    it), stored in the changeset, which no copy could then take to a team store."""
    before = run("log", "--csv").stdout
    for command in (["add-model", "nul-message"], ["edit", "model", "gpt-4", "--set", "notes=x"]):
        refused = run(*command, "-m", "why\x00not")
        assert refused.exit_code == 2 and refused.stdout == ""
        assert refused.stderr.startswith(
            "trendlab: error: Invalid value for -m: holds a NUL character (\\x00): "
        )
    assert run("log", "--csv").stdout == before


def test_a_message_of_control_characters_is_refused_and_its_line_endings_are_lines(run: Run):
    """-m $'\\x01' was recorded as a change's reason, and a message with a Windows line
    ending (-m $'one\\r\\ntwo') kept its \\r, which log showed as 'one\\r'. A control
    character but a newline or a tab is refused, nothing written; \\r\\n and \\r end a
    line as \\n does."""
    before = run("log", "--csv").stdout
    for message, shown in (("\x01", "\\x01"), ("why\x1b[31m so", "\\x1b")):
        refused = run("add-model", "control-message", "-m", message)
        assert refused.exit_code == 2 and refused.stdout == ""
        assert refused.stderr.startswith(
            f"trendlab: error: Invalid value for -m: holds a control character ({shown}): "
        ), refused.stderr
    assert run("log", "--csv").stdout == before
    added = run("add-model", "crlf-message", "-m", "one\r\ntwo\rthree\tfour\r\n")
    assert added.exit_code == 0, added.stderr
    entry = json.loads(run("log", "--limit", "1", "--json").stdout)[0]
    assert entry["message"] == "one\ntwo\nthree\tfour"
    assert "\\r" not in run("log", "--limit", "1").stdout


@both_stores
def test_add_result_key_and_date_default(run: Run):
    result = run(
        "add-result",
        "gpt-4",
        "math",
        "52.9",
        "--setting",
        "0-shot CoT",
        "--source-url",
        "https://example.org/eval",
        "--source-kind",
        "independent",
    )
    assert result.exit_code == 0, result.stderr
    key = result.stdout.strip()
    assert key.startswith("r_") and len(key) == 18
    shown = json.loads(run("show", "result", key, "--json").stdout)
    assert shown["score"] == 52.9 and shown["reported_date"] is None
    # Without --date the result is dated by the model's release (2023-03-14).
    frontier = run(
        "query", "SELECT date FROM scores WHERE id = $id", "--param", f"id={key}", "--csv"
    ).stdout
    assert frontier.splitlines()[1] == "2023-03-14"


@both_stores
def test_a_source_url_in_other_capitals_or_ending_in_a_slash_is_the_same_result(
    run: Run, tmp_path: Path
):
    """A result's source URL is part of its key and was compared as typed, so
    HTTPS://EXAMPLE.ORG/r or https://example.org/r/ beside https://example.org/r made a
    second result of one source; its scheme and host in any case, and a slash ending its
    path, name the stored one, kept as first typed. Its path's case still tells apart."""
    first = run("add-result", "gpt-4", "gsm8k", "10", "--source-url", "HTTPS://Example.ORG/r")
    assert first.exit_code == 0, first.stderr
    key = first.stdout.strip()
    again = run("add-result", "gpt-4", "gsm8k", "10", "--source-url", "https://example.org/r/")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == key and "already exists with these values" in again.stderr
    path = tmp_path / "results.csv"
    path.write_text("model,benchmark,score,source_url\ngpt-4,gsm8k,11,https://example.org/r\n")
    imported = run("import", str(path), "-m", "corrected")
    assert imported.stderr.startswith("results: 1 updated (changeset "), imported.stderr
    listed = run("list", "results", "--model", "gpt-4", "--benchmark", "gsm8k", "--json")
    ours = [r for r in json.loads(listed.stdout) if "example.org" in r["source_url"].lower()]
    assert [(r["id"], r["score"], r["source_url"]) for r in ours] == [
        (key, 11.0, "HTTPS://Example.ORG/r")
    ]
    other = run("add-result", "gpt-4", "gsm8k", "10", "--source-url", "https://example.org/R")
    assert other.exit_code == 0 and other.stdout.strip() != key


def test_two_spellings_of_a_source_url_a_store_holds_each_stay_their_own(
    run: Run, db: Path, tmp_path: Path
):
    """Two results whose URLs differ only in case, stored before they were one key,
    are each matched by their own spelling, not merged into one."""
    import duckdb

    key = run(
        "add-result", "gpt-4", "gsm8k", "10", "--source-url", "https://example.org/r"
    ).stdout.strip()
    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con, "old")
        con.execute(
            "INSERT INTO result_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "'r_' || left(md5(concat_ws(chr(31), model, benchmark, '', ?)), 16) AS key, "
            "? AS source_url) FROM result_revisions WHERE key = ?",
            [cs, "HTTPS://EXAMPLE.ORG/r", "HTTPS://EXAMPLE.ORG/r", key],
        )
    path = tmp_path / "results.csv"
    path.write_text(
        "model,benchmark,score,source_url\n"
        "gpt-4,gsm8k,11,https://example.org/r\ngpt-4,gsm8k,12,HTTPS://EXAMPLE.ORG/r\n"
    )
    imported = run("import", str(path), "-m", "both again")
    assert imported.stderr.startswith("results: 2 updated (changeset "), imported.stderr


def test_one_imports_two_spellings_of_a_source_url_are_one_result(run: Run, tmp_path: Path):
    """With nothing stored under it, a URL is one result's as the file first spells it
    (stored_urls finds that spelling only for a URL some row gives in another form)."""
    path = tmp_path / "results.csv"
    rows = [
        "model,benchmark,score,setting,source_url",
        "gpt-4,gsm8k,11,5-shot,https://example.org/q/",
        "gpt-4,gsm8k,12,5-shot,HTTPS://EXAMPLE.ORG/q",
        "gpt-4,gsm8k,13,0-shot,https://example.org/q",
        "gpt-4,gsm8k,14,5-shot,https://example.org/p",
    ]
    path.write_text("\n".join(rows) + "\n")
    assert_refused(
        run,
        ["import", str(path)],
        stderr=[
            f"trendlab: error: {path}:3: same model, benchmark, setting, source_url "
            "(HTTPS://EXAMPLE.ORG/q and https://example.org/q/ name https://example.org/q/) "
            "as line 2; nothing was written"
        ],
    )
    path.write_text("\n".join(rows[:2] + rows[3:]) + "\n")
    imported = run("import", str(path))
    assert imported.stderr.startswith("results: 3 added (changeset "), imported.stderr
    listed = run("list", "results", "--model", "gpt-4", "--benchmark", "gsm8k", "--json")
    urls = {r["source_url"] for r in json.loads(listed.stdout)}
    assert {"https://example.org/q/", "https://example.org/q", "https://example.org/p"} <= urls


def test_a_setting_in_another_unicode_form_is_the_same_result(run: Run, tmp_path: Path):
    """A setting is part of a result's key and was compared as typed, so 'café' typed
    with a combining accent (NFD) beside the stored 'café' (NFC) made a second result
    that shows as the first; it names the stored one, whose spelling is kept, and two
    rows of a file so spelt are one key. Case still tells settings apart."""
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    first = run("add-result", "gpt-4", "gsm8k", "10", "--setting", composed)
    assert first.exit_code == 0, first.stderr
    key = first.stdout.strip()
    again = run("add-result", "gpt-4", "gsm8k", "10", "--setting", decomposed)
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == key and "already exists with these values" in again.stderr
    path = tmp_path / "results.csv"
    path.write_text(f"model,benchmark,score,setting\ngpt-4,gsm8k,11,{decomposed}\n")
    imported = run("import", str(path), "-m", "corrected")
    assert imported.stderr.startswith("results: 1 updated (changeset "), imported.stderr
    listed = run("list", "results", "--model", "gpt-4", "--benchmark", "gsm8k", "--json")
    ours = [r for r in json.loads(listed.stdout) if (r["setting"] or "").startswith("caf")]
    assert [(r["id"], r["score"], r["setting"]) for r in ours] == [(key, 11.0, composed)]
    path.write_text(
        f"model,benchmark,score,setting\ngpt-4,gsm8k,12,new{decomposed}\n"
        f"gpt-4,gsm8k,13,new{composed}\n"
    )
    twice = run("import", str(path))
    assert twice.exit_code == 1 and ":3: same model, benchmark, setting (" in twice.stderr
    other = run("add-result", "gpt-4", "gsm8k", "10", "--setting", composed.upper())
    assert other.exit_code == 0 and other.stdout.strip() != key


def test_a_result_is_named_by_its_setting_in_another_unicode_form(run: Run):
    """MODEL/BENCHMARK/SETTING with 'café' typed with a combining accent named no
    result beside the stored 'café', and suggested 'gpt-4/gsm8k/café', which reads the
    same; it names the result, as a write of that setting does."""
    key = run("add-result", "gpt-4", "gsm8k", "10", "--setting", "caf\u00e9").stdout.strip()
    name = "gpt-4/gsm8k/cafe\u0301"
    shown = run("show", "result", name, "--json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == key
    retracted = run("retract", "result", name, "-m", "typed apart")
    assert retracted.exit_code == 0 and key in retracted.stderr, retracted.stderr


def test_a_choice_option_takes_spaces_around_it_as_an_imported_cell_does(run: Run):
    """--source-kind " Paper " was refused (exit 2), though " Paper " in a file's
    source_kind column, or --unit " percent", is taken."""
    added = run("add-result", "gpt-4", "math", "52.5", "--source-url", "https://example.org/p",
                "--source-kind", " Paper ")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    shown = json.loads(run("show", "result", added.stdout.strip(), "--json").stdout)
    assert shown["source_kind"] == "paper"


def test_a_blank_choice_option_is_unknown_as_every_other_blank_option_is(run: Run):
    """--source-kind '' was refused (exit 2, "'' is not one of 'paper', ..."), where a
    blank --notes, --setting or --date is unknown, as a blank cell in a file is."""
    for blank in ("", "  "):
        added = run("add-result", "gpt-4", "math", "52.5", "--source-url",
                    f"https://example.org/{len(blank)}", "--source-kind", blank)  # fmt: skip
        assert added.exit_code == 0, added.stderr
        shown = json.loads(run("show", "result", added.stdout.strip(), "--json").stdout)
        assert shown["source_kind"] is None


# Text that shows nothing: a zero-width joiner, a soft hyphen, the blank Braille
# pattern, Hangul fillers, a variation selector, each padded or not.
INVISIBLE = ("\u200d", " \u00ad ", "\u2800", "\u115f\u1160", "\u3164", "\ufe0f")


def test_text_that_shows_nothing_is_blank_in_every_field_and_option(run: Run, tmp_path: Path):
    """A name, note, organization, setting, alias or message of a zero-width joiner (or
    U+2800, a Hangul filler, a soft hyphen) alone was stored, and listed as nothing. It is
    blank, as '' is: a field's unknown, a name's or a required message's mistake."""
    for i, blank in enumerate(INVISIBLE):
        model = f"blank-{i}"
        added = run("add-model", model, "--name", blank, "--organization", blank,
                    "--notes", blank, "-m", blank)  # fmt: skip
        assert added.exit_code == 0, added.stderr
        shown = json.loads(run("show", "model", model, "--json").stdout)
        assert (shown["name"], shown["organization"], shown["notes"]) == (None, None, None)
        assert json.loads(run("log", "--limit", "1", "--json").stdout)[0]["message"] == (
            f"add model {model}"
        )
        result = run("add-result", model, "math", "50", "--setting", blank,
                     "--source-url", f"https://example.org/{i}")  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert (
            json.loads(run("show", "result", result.stdout.strip(), "--json").stdout)["setting"]
            is None
        )
        edited = run("edit", "model", model, "--set", "name=Named", "-m", "t")
        assert edited.exit_code == 0, edited.stderr
        cleared = run("edit", "model", model, "--set", f"name={blank}", "-m", "t")
        assert cleared.exit_code == 0, cleared.stderr
        assert json.loads(run("show", "model", model, "--json").stdout)["name"] is None
        for refused, told in (
            (("alias", "add", model, blank), "ALIAS: must not be empty"),
            (
                ("add-price", model, blank, "2024-01-01", "--input", "1"),
                "PROVIDER: must not be empty",
            ),
            (("retract", "model", model, "-m", blank), "Invalid value for -m: is blank"),
        ):
            done = run(*refused)
            assert done.exit_code == 2 and told in done.stderr, (refused, done.stderr)
    file = tmp_path / "models.csv"
    file.write_text("slug,name,organization,notes\n" + "".join(
        f"file-{i},{b},{b},{b}\n" for i, b in enumerate(INVISIBLE)
    ))  # fmt: skip
    imported = run("import", str(file), "-m", "t")
    assert imported.exit_code == 0, imported.stderr
    stored = [
        m for m in json.loads(run("list", "models", "--json").stdout) if m["slug"][:5] == "file-"
    ]
    assert [(m["name"], m["organization"], m["notes"]) for m in stored] == [(None,) * 3] * len(
        INVISIBLE
    )


def test_an_author_that_shows_nothing_is_blank(run: Run, monkeypatch: pytest.MonkeyPatch):
    """--author and TRENDLAB_AUTHOR of a Hangul filler or a zero-width joiner alone were
    recorded, and `log` showed no author. Such an --author is refused as a blank one is,
    and such a TRENDLAB_AUTHOR is unset, as a blank one is."""
    monkeypatch.delenv("TRENDLAB_AUTHOR", raising=False)
    default = default_author()
    for blank in INVISIBLE:
        refused = run("--author", blank, "add-model", "a-2", "-m", "x")
        assert refused.exit_code == 2 and "--author needs a name" in refused.stderr
        monkeypatch.setenv("TRENDLAB_AUTHOR", blank)
        added = run("add-model", "a-2", "-m", "x")
        assert added.exit_code == 0, added.stderr
        author = json.loads(run("log", "--limit", "1", "--json").stdout)[0]["author"]
        assert author == default
        assert run("retract", "model", "a-2", "-m", "x").exit_code == 0


def test_a_unit_is_taken_in_any_case(run: Run, tmp_path: Path):
    """--unit Percent was refused ("is not one of percent, ..."), though a source_kind
    of Paper is paper and a benchmark MMLU is mmlu."""
    added = run("add-benchmark", "cased-unit", "--unit", "Percent")
    assert added.exit_code == 0, added.stderr
    assert json.loads(run("show", "benchmark", "cased-unit", "--json").stdout)["unit"] == "percent"
    edited = run("edit", "benchmark", "cased-unit", "--set", "unit=MINUTES", "-m", "t")
    assert edited.exit_code == 0, edited.stderr
    assert json.loads(run("show", "benchmark", "cased-unit", "--json").stdout)["unit"] == "minutes"
    file = tmp_path / "benchmarks.csv"
    file.write_text("slug,name,unit\nfile-unit,File,Elo\n")
    imported = run("import", str(file), "-m", "t")
    assert imported.exit_code == 0, imported.stderr
    assert json.loads(run("show", "benchmark", "file-unit", "--json").stdout)["unit"] == "elo"
    # One that is no unit is quoted as it was typed.
    refused = run("add-benchmark", "no-unit", "--unit", "Furlongs")
    assert "--unit: 'Furlongs' is not one of percent, minutes, elo, score" in refused.stderr


def test_help_says_what_an_option_left_out_stores(run: Run):
    """add-benchmark's help said --higher-is-better was "default true" and add-result's
    that --date defaulted to the model's release date; left out, each stores unknown
    (NULL), which is only read as true or as that date."""
    said = {
        command: " ".join(run(command, "-h").stdout.split())
        for command in ("add-benchmark", "add-result")
    }
    assert "default true" not in said["add-benchmark"]
    assert (
        "--higher-is-better / --no-higher-is-better unknown if neither is given, and then read "
        "as higher is better" in said["add-benchmark"]
    )
    assert "[default: the model's release date]" not in said["add-result"]
    assert (
        "--date YYYY-MM-DD When the score was reported; unknown if not given, the result then "
        "dated by its model's release date." in said["add-result"]
    )
    assert run("add-benchmark", "plain", "--unit", "percent").exit_code == 0
    shown = json.loads(run("show", "benchmark", "plain", "--json").stdout)
    assert shown["higher_is_better"] is None


def test_a_result_no_date_places_is_recorded_with_a_note(run: Run, tmp_path: Path, on_store: str):
    """No --date, and a model with no release date: the result is true, so it is
    recorded, but no forecast, figure or price trend uses it until it has a date, and a
    note on stderr says so and how to fix it; an import says it once for all such rows."""
    assert run("add-model", "undated-x").exit_code == 0
    assert run("add-model", "undated-y").exit_code == 0
    added = run("add-result", "undated-x", "mmlu", "50")
    assert added.exit_code == 0, added.stderr
    key = added.stdout.strip()
    [_, warned] = added.stderr.splitlines()
    assert warned == (
        "1 result has no date (no --date, and its model undated-x has no release date): "
        "forecasts (by compute and price too), figures and price trends leave it out; give "
        "--date, or set the model's release date "
        f"({on_store} edit model undated-x --set release_date=YYYY-MM-DD)"
    )
    assert json.loads(run("show", "result", key, "--json").stdout)["score"] == 50
    dated = run("add-result", "undated-x", "math", "50", "--date", "2024-01-01")
    assert dated.exit_code == 0 and len(dated.stderr.splitlines()) == 1, dated.stderr

    path = tmp_path / "results.csv"
    path.write_text(
        "model,benchmark,score,reported_date,source_url\n"
        "undated-x,gsm8k,10,,\n"
        "undated-y,gsm8k,11,,\n"
        "undated-y,mmlu,12,,https://a.example\n"
        "undated-y,math,13,2024-01-01,\n"
        "gpt-4,math,14,,https://b.example\n"
    )
    imported = run("import", str(path), "--kind", "results")
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr.splitlines() == [
        f"results: 5 added (changeset {_last_changeset(run)})",
        "3 results have no date (no reported_date, and their models undated-x, undated-y "
        "have no release date): forecasts (by compute and price too), figures and price "
        "trends leave them out; give their reported_date, or set the models' release dates "
        f"({on_store} edit model SLUG --set release_date=YYYY-MM-DD)",
    ]
    # The same file again, or the same result added again, writes nothing: it says
    # nothing new, as of a score that looks like a fraction.
    again = run("import", str(path), "--kind", "results")
    assert again.stderr.splitlines() == ["results: 5 unchanged; nothing to write"]
    repeated = run("add-result", "undated-x", "mmlu", "50")
    assert repeated.exit_code == 0 and len(repeated.stderr.splitlines()) == 1, repeated.stderr

    dated_edit = ("edit", "result", key, "--set", "reported_date=2023-05-01", "-m", "dated")
    assert len(run(*dated_edit).stderr.splitlines()) == 1
    undated_edit = ("edit", "result", key, "--set", "reported_date=", "-m", "undated again")
    cleared = run(*undated_edit)
    assert cleared.exit_code == 0, cleared.stderr
    assert cleared.stderr.splitlines()[1] == (
        "1 result has no date (no reported_date, and its model undated-x has no release "
        "date): forecasts (by compute and price too), figures and price trends leave it out; "
        "give its reported_date, or set the model's release date "
        f"({on_store} edit model undated-x --set release_date=YYYY-MM-DD)"
    )


def test_clearing_a_release_date_notes_the_results_it_leaves_undated(
    run: Run, tmp_path: Path, on_store: str
):
    """A result with no reported date is dated by its model's release: clearing that
    date (edit, or an import of models) leaves such results undated, which add-result,
    edit of a result and import of results say on stderr, and this said nothing."""
    assert run("add-model", "soon-undated", "--release-date", "2023-01-01").exit_code == 0
    for score, date_args in (("40", []), ("45", []), ("50", ["--date", "2023-06-01"])):
        added = run("add-result", "soon-undated", "math", score, "--setting", score, *date_args)
        assert added.exit_code == 0 and len(added.stderr.splitlines()) == 1, added.stderr
    cleared = run("edit", "model", "soon-undated", "--set", "release_date=", "-m", "unknown")
    assert cleared.exit_code == 0, cleared.stderr
    assert cleared.stderr.splitlines()[1:] == [
        "2 results have no date (no reported_date, and their model soon-undated has no "
        "release date): forecasts (by compute and price too), figures and price trends leave "
        "them out; give their reported_date, or set the model's release date "
        f"({on_store} edit model soon-undated --set release_date=YYYY-MM-DD)"
    ]
    # Editing another field of the undated model says nothing new.
    noted = run("edit", "model", "soon-undated", "--set", "notes=x", "-m", "a note")
    assert len(noted.stderr.splitlines()) == 1, noted.stderr
    path = tmp_path / "models.csv"
    path.write_text("slug,name,release_date\nsoon-undated,Soon,2023-01-01\n")
    assert len(run("import", str(path)).stderr.splitlines()) == 1
    path.write_text("slug,name,release_date\nsoon-undated,Soon,\n")
    imported = run("import", str(path))
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr.splitlines()[1].startswith("2 results have no date (no reported_date")
    # The same file again clears nothing: the model was undated already.
    again = run("import", str(path))
    assert again.exit_code == 0 and len(again.stderr.splitlines()) == 1, again.stderr


def test_an_undated_result_is_left_out_by_compute_too(run: Run):
    """What the note above says: a known training compute does not place a result with
    no date in a forecast by compute; the model's release date does."""
    by_compute = ("forecast", "math", "--by", "compute", "--family", "logistic", "--json")
    before = json.loads(run(*by_compute).stdout)["fitted_on"]["points"]
    assert run("add-model", "undated-big", "--training-compute-flop", "1e28").exit_code == 0
    assert run("add-result", "undated-big", "math", "99").exit_code == 0
    left_out = run(*by_compute)
    assert left_out.exit_code == 0, left_out.stderr
    assert "1 result on math left out: no reported_date" in left_out.stderr
    assert json.loads(left_out.stdout)["fitted_on"]["points"] == before
    dated = run("edit", "model", "undated-big", "--set", "release_date=2024-01-01", "-m", "date")
    assert dated.exit_code == 0, dated.stderr
    assert json.loads(run(*by_compute).stdout)["fitted_on"]["points"] == before + 1


def _last_changeset(run: Run) -> str:
    return json.loads(run("log", "--limit", "1", "--json").stdout)[0]["changeset"]


@both_stores
def test_adding_the_same_record_twice_is_a_no_op(run: Run):
    args = ("add-result", "gpt-4", "math", "50", "--source-url", "https://example.org/a")
    first, second = run(*args), run(*args)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert "already exists with these values" in second.stderr
    changed = run("add-result", "gpt-4", "math", "51", "--source-url", "https://example.org/a")
    assert changed.exit_code == 1
    # On this store, which --db names.
    assert "already exists; change it with `trendlab --db " in changed.stderr
    assert " edit result r_" in changed.stderr


def test_adding_an_existing_benchmark_of_another_unit_says_it_exists(run_empty: Run):
    """A bound left out takes its stored value: add-benchmark of an Elo benchmark as
    percent said its --ceiling, never typed, lay outside percent's range."""
    first = run_empty("add-benchmark", "x1", "--name", "X", "--unit", "elo", "--ceiling", "2000")
    assert first.exit_code == 0, first.stderr
    for unit in ("percent", "elo"):
        again = run_empty("add-benchmark", "x1", "--name", "Y", "--unit", unit, "-m", "again")
        assert again.exit_code == 1
        assert again.stderr.startswith("trendlab: error: benchmark x1 already exists; change it")
        assert "--ceiling" not in again.stderr
    assert len(json.loads(run_empty("history", "benchmark", "x1", "--json").stdout)) == 1


@both_stores
def test_bad_input_on_add_is_one_clear_line(run: Run):
    """A value its field's own rules refuse is the command line's mistake, named as it
    was given (exit 2, as Click's own checks are); what the database makes wrong (an
    unknown model, a score outside the benchmark's unit) or a rule on several fields
    is a data error (exit 1). Either way, one line and nothing written."""
    # A day of grace for the time zones already in tomorrow: the day after is refused.
    later = (date.today() + timedelta(days=2)).isoformat()
    usage, data = 2, 1
    cases = {
        (
            "add-result",
            "gpt4",
            "math",
            "50",
        ): ("unknown model 'gpt4' (did you mean 'gpt-4', 'gpt-4o'", data),
        ("add-result", "gpt-4", "mathh", "50"): (
            "unknown benchmark 'mathh' (did you mean 'math'?)",
            data,
        ),
        # By its first word: no hint was given, gpqa-diamond being twice as long.
        ("add-result", "gpt-4", "gpqa", "50"): (
            "unknown benchmark 'gpqa' (did you mean 'gpqa-diamond'?)",
            data,
        ),
        # By its display name: was "BENCHMARK: 'gpqa diamond' is not a slug", no hint.
        ("add-result", "gpt-4", "GPQA Diamond", "50"): (
            "unknown benchmark 'gpqa diamond' (did you mean 'gpqa-diamond'?)",
            data,
        ),
        ("add-result", "gpt-4", "math", "abc"): ("SCORE: 'abc' is not a finite number", usage),
        ("add-result", "gpt-4", "math", "150"): (
            "add-result: SCORE: 150.0 is outside the range of unit percent",
            data,
        ),
        ("add-result", "gpt-4", "math", "nan"): ("SCORE: 'nan' is not a finite number", usage),
        ("add-result", "gpt-4", "math", "50", "--date", "2024-13-01"): (
            "--date: '2024-13-01' is not a date",
            usage,
        ),
        ("add-result", "gpt-4", "math", "50", "--source-url", "arxiv"): (
            "--source-url: 'arxiv' is not an http(s) URL",
            usage,
        ),
        ("add-result", "gpt-4", "math", "50", "--date", later): (
            f"--date: '{later}' is after today",
            usage,
        ),
        ("add-model", "x-2", "--release-date", "2099-01-01"): (
            "--release-date: '2099-01-01' is after",
            usage,
        ),
        ("add-model", "GPT 5"): ("SLUG: 'GPT 5' is not a slug", usage),
        ("add-model", "x" * 101): ("is longer than a slug's 100 characters", usage),
        ("add-model", "x-1", "--parameters", "-5"): (
            "--parameters: '-5' must be greater than 0",
            usage,
        ),
        ("add-model", "x-3", "--parameters", "7B"): (
            "--parameters: '7B' is not a finite number",
            usage,
        ),
        (
            "add-benchmark",
            "b-1",
            "--unit",
            "percent",
            "--floor",
            "50",
            "--ceiling",
            "40",
        ): ("--floor must be below --ceiling", data),
        ("add-benchmark", "b-2", "--unit", "furlongs"): (
            "--unit: 'furlongs' is not one of percent",
            usage,
        ),
        ("add-price", "gpt-4", "OpenAI", "2024-01-01", "--input", "0"): (
            "--input: '0' must be greater than 0",
            usage,
        ),
        ("add-price", "gpt-4", "OpenAI", "2024-01-01"): (
            "a price needs --input or --output",
            usage,
        ),
    }
    before = run("log", "--json").stdout
    for args, (expected, code) in cases.items():
        result = run(*args)
        assert result.exit_code == code, (args, result.stderr)
        assert expected in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "internal error" not in result.stderr
        assert result.stdout == ""
        # A usage error points at the command's help, as Click's own do.
        assert (f"{args[0]} --help')" in result.stderr) == (code == usage), result.stderr
    assert run("log", "--json").stdout == before


def test_a_slug_that_ends_or_begins_with_a_sign_is_refused_saying_why(run: Run):
    """'my-model-' holds only the characters the error listed for a slug, so it read as
    if the slug were fine: the error says a slug begins and ends with a letter or digit."""
    for slug in ("my-model-", "-x", ".."):
        result = run("add-model", "--", slug) if slug.startswith("-") else run("add-model", slug)
        assert result.exit_code == 2
        assert result.stderr.startswith(
            f"trendlab: error: SLUG: '{slug}' is not a slug (lowercase letters, digits, '.', "
            "'_', '-', beginning and ending with a letter or digit) (see "
        )


def test_a_number_a_double_cannot_hold_is_refused_not_rounded(run: Run, tmp_path: Path):
    """1e-400 read as a double is 0, which was stored silently (1e400, infinity, was
    already refused): both are refused, on the command line as a usage error naming the
    argument, from a file naming its line and field, and nothing is written."""
    before = run("log", "--json").stdout
    for score in ("1e-400", "-1E-400", "1e400"):
        result = run("add-result", "gpt-4", "math", score, "--source-url", "https://e.org/a")
        assert result.exit_code == 2, result.stderr
        assert f"SCORE: '{score}' is " in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    result = run("add-result", "gpt-4", "math", "1e-400")
    assert "SCORE: '1e-400' is too close to 0 to store: it would be stored as 0" in result.stderr
    result = run("edit", "result", "minerva-540b/math", "--set", "score=1e-400", "-m", "t")
    assert result.exit_code == 2 and "--set score: '1e-400' is too close to 0" in result.stderr
    result = run("add-model", "tiny", "--parameters", "0.00001e-400")
    assert result.exit_code == 2, result.stderr
    assert "--parameters: '0.00001e-400' is too close to 0 to store" in result.stderr
    assert "greater than 0" not in result.stderr  # one problem, said once
    assert run("log", "--json").stdout == before
    # A zero written with an exponent is zero.
    zero = run("add-result", "gpt-4", "math", "0.0e-400", "--source-url", "https://e.org/z")
    assert zero.exit_code == 0, zero.stderr
    before = run("log", "--json").stdout
    header = "model,benchmark,score,source_url\n"
    csv_file = tmp_path / "results.csv"
    csv_file.write_text(
        header + "gpt-4,math,1e-400,https://e.org/c\ngpt-4,math,1e400,https://e.org/d\n"
    )
    result = run("import", str(csv_file), "-m", "t")
    assert result.exit_code == 1, result.stderr
    assert f"{csv_file}:2: score: '1e-400' is too close to 0 to store" in result.stderr
    assert f"{csv_file}:3: score: '1e400' is not a finite number" in result.stderr
    json_file = tmp_path / "results.json"
    records = [
        {"model": "gpt-4", "benchmark": "math", "score": "@", "source_url": "https://e.org/c"}
    ]
    json_file.write_text(json.dumps(records).replace('"@"', "1e-400"))
    result = run("import", str(json_file), "-m", "t")
    assert result.exit_code == 1, result.stderr
    assert f"{json_file}:1: score: '1e-400' is too close to 0 to store" in result.stderr
    assert run("log", "--json").stdout == before


def test_a_price_a_blend_would_weigh_to_0_is_refused(run: Run, tmp_path: Path):
    """A subnormal price (4e-324) was stored; its 1:1 blend came to 0 and `price-trend
    --blend 1:1` failed with "a price trend needs finite, positive prices", naming none.
    A price must now be a normal double, at least 2.2250738585072014e-308, whose blend at
    any weights stays above 0: add-price, edit and import refuse one below it."""
    problem = (
        "is too close to 0: a price must be at least 2.2250738585072014e-308, or a blend "
        "of it can come to 0"
    )
    before = run("log", "--json").stdout
    result = run("add-price", "gpt-4o", "OpenAI", "2024-01-05", "--input", "4e-324")
    assert (result.exit_code, result.stderr) == (
        2,
        f"trendlab: error: --input: '4e-324' {problem} (see 'cli add-price --help')\n",
    )
    result = run(
        "edit",
        "price",
        "gpt-4o/OpenAI/2024-05-13",
        "--set",
        "output_usd_per_mtok=1e-310",
        "-m",
        "t",
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"trendlab: error: --set output_usd_per_mtok: '1e-310' {problem} (see 'cli edit --help')\n",
    )
    prices = tmp_path / "prices.csv"
    prices.write_text(
        "model,provider,effective_date,input_usd_per_mtok,output_usd_per_mtok\n"
        "gpt-4o,Acme,2024-01-05,2.2250738585072014e-308,2.225073858507201e-308\n"
    )
    result = run("import", str(prices))
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: {prices}:2: output_usd_per_mtok: '2.225073858507201e-308' "
        f"{problem}; nothing was written\n",
    )
    assert run("log", "--json").stdout == before


def test_score_below_chance_is_allowed(run: Run):
    # The floor bounds forecasts, not data: small models score below chance on MMLU.
    result = run(
        "add-result", "gpt-2-1.5b", "mmlu", "22.5", "--source-url", "https://example.org/small"
    )
    assert result.exit_code == 0, result.stderr
    assert "fraction" not in result.stderr


def test_a_score_that_looks_like_a_fraction_is_written_with_a_note(run: Run, tmp_path: Path):
    """0.865 on MMLU (percent, chance 25) is most likely 86.5 given as a fraction: it
    is written, as data below chance is, but no longer silently."""
    url = "https://example.org/fraction"
    added = run("add-result", "gpt-4", "mmlu", "0.865", "--source-url", url, "-m", "t")
    assert added.exit_code == 0, added.stderr
    assert added.stderr.splitlines()[-1] == (
        "1 result scores at most 1, below the benchmark's floor (chance level): 0.865 on "
        "mmlu; percent scores are 0-100, so if it is a fraction, multiply by 100"
    )
    key = added.stdout.strip()
    again = run("add-result", "gpt-4", "mmlu", "0.865", "--source-url", url, "-m", "t")
    assert "nothing written" in again.stderr and "fraction" not in again.stderr, again.stderr
    # As stored, not to six digits (0.865432).
    edited = run("edit", "result", key, "--set", "score=0.8654321", "-m", "t")
    assert "0.8654321 on mmlu" in edited.stderr, edited.stderr
    # A benchmark whose chance is 0 can hold a score under 1 (FrontierMath's first).
    small = run("add-result", "gpt-4", "frontiermath", "0.7", "--source-url", url, "-m", "t")
    assert small.exit_code == 0 and "fraction" not in small.stderr, small.stderr
    # Nor is a score of 0 one: as a fraction or a percent it is nothing either way.
    zero = run("add-result", "gpt-4", "mmlu", "0", "--source-url", f"{url}/0", "-m", "t")
    assert zero.exit_code == 0 and "fraction" not in zero.stderr, zero.stderr
    csv = tmp_path / "results.csv"
    _import_noted_once(
        run,
        csv,
        "model,benchmark,score,source_url\n"
        f"gpt-4,gpqa-diamond,0.5,{url}\n"
        f"gpt-4,gsm8k,0.5,{url}\n"
        f"gpt-4,gpqa-diamond,1,{url}/2\n",
        "2 results score at most 1, below the benchmark's floor (chance level): 0.5 on "
        "gpqa-diamond (line 2); 1 on gpqa-diamond (line 4); percent scores are 0-100, so "
        "if they are fractions, multiply by 100",
        "fraction",
    )
    # Past 5, the note says how many more, worded as every cut list is.
    csv.write_text(
        "model,benchmark,score,source_url\n"
        + "".join(f"gpt-4,gpqa-diamond,0.{i},{url}/{i}\n" for i in range(1, 8))
    )
    many = run("import", str(csv), "-m", "t")
    assert many.exit_code == 0, many.stderr
    assert "0.5 on gpqa-diamond (line 6); ... and 2 more; percent scores are 0-100" in many.stderr


def test_a_percent_benchmarks_ceiling_that_looks_like_a_fraction_is_written_with_a_note(
    run: Run, tmp_path: Path
):
    """`add-benchmark my-eval --unit percent --floor 0.25 --ceiling 1` gave percents as
    fractions, a best achievable of 1 %, and every forecast of it was bounded there
    without a word; a score of 0.865 on MMLU was noted, its bounds were not."""
    added = run(
        "add-benchmark", "fr-eval", "--unit", "percent", "--floor", "0.25", "--ceiling", "1"
    )
    assert added.exit_code == 0, added.stderr
    assert added.stderr.splitlines()[-1] == (
        "1 percent benchmark has a ceiling (best achievable) of at most 1: fr-eval, ceiling "
        "1; percent is 0-100, so if its bounds are fractions, multiply them by 100"
    )
    fixed = run(
        "edit", "benchmark", "fr-eval", "--set", "floor=25", "--set", "ceiling=100", "-m", "t"
    )
    assert fixed.exit_code == 0 and "fraction" not in fixed.stderr, fixed.stderr
    # Another unit, or lower being better (an error rate's best is 0), says nothing.
    for args in (
        ("fr-score", "--unit", "score", "--ceiling", "1"),
        ("fr-err", "--unit", "percent", "--no-higher-is-better", "--floor", "1", "--ceiling", "0"),
    ):
        quiet = run("add-benchmark", *args)
        assert quiet.exit_code == 0 and "fraction" not in quiet.stderr, quiet.stderr
    _import_noted_once(
        run,
        tmp_path / "benchmarks.csv",
        "slug,unit,floor,ceiling\nfr-a,percent,0.25,0.9\nfr-b,percent,25,100\n",
        "1 percent benchmark has a ceiling (best achievable) of at most 1: fr-a, ceiling 0.9 "
        "(line 2); percent is 0-100, so if its bounds are fractions, multiply them by 100",
        "fraction",
    )


def _import_noted_once(run: Run, csv: Path, text: str, note: str, word: str) -> None:
    """Import `text` as the file `csv`: one line of stderr is `note`, and importing the
    file again, which adds nothing new, notes nothing with `word` in it."""
    csv.write_text(text)
    imported = run("import", str(csv), "-m", "t")
    assert imported.exit_code == 0, imported.stderr
    assert note in imported.stderr.splitlines(), imported.stderr
    again = run("import", str(csv), "-m", "t")
    assert again.exit_code == 0, again.stderr
    assert word not in again.stderr  # nothing new


def test_a_result_or_price_dated_before_its_models_release_is_written_with_a_note(
    run: Run, tmp_path: Path
):
    """GPT-4 (released 2023-03-14) scoring on a day in 2021 is most likely a mistyped
    year: written, since a paper may report a model before it ships, but not silently."""
    url = "https://example.org/early"
    added = run("add-result", "gpt-4", "mmlu", "80", "--date", "2021-03-01", "--source-url", url)
    assert added.exit_code == 0, added.stderr
    assert added.stderr.splitlines()[-1] == (
        "1 result is reported before its model's release: gpt-4 on 2021-03-01, released "
        "2023-03-14; it is kept, but if the date is mistyped or the model is the wrong one, "
        "correct it"
    )
    key = added.stdout.strip()
    assert json.loads(run("show", "result", key, "--json").stdout)["reported_date"] == "2021-03-01"
    # On its release day, or with no date of its own (it takes the release's), no note.
    on_time = run("edit", "result", key, "--set", "reported_date=2023-03-14", "-m", "t")
    assert on_time.exit_code == 0 and "release" not in on_time.stderr, on_time.stderr
    undated = run("add-result", "gpt-4", "gsm8k", "80", "--source-url", url)
    assert undated.exit_code == 0 and "release" not in undated.stderr, undated.stderr
    early = run("edit", "result", key, "--set", "reported_date=2023-03-13", "-m", "t")
    assert "gpt-4 on 2023-03-13, released 2023-03-14;" in early.stderr, early.stderr
    price = run("add-price", "gpt-4o", "Acme", "2024-05-12", "--input", "1")
    assert price.exit_code == 0, price.stderr
    assert price.stderr.splitlines()[-1].startswith(
        "1 price takes effect before its model's release: gpt-4o on 2024-05-12, released "
        "2024-05-13; it is kept"
    )
    _import_noted_once(
        run,
        tmp_path / "results.csv",
        "model,benchmark,score,reported_date,source_url\n"
        f"gpt-4o,gsm8k,90,2022-01-01,{url}\n"
        f"gpt-4o,math,70,2024-06-01,{url}\n"
        f"gpt-4,math,40,2020-01-01,{url}\n",
        "2 results are reported before their model's release: gpt-4o on 2022-01-01, released "
        "2024-05-13 (line 2); gpt-4 on 2020-01-01, released 2023-03-14 (line 4); they are "
        "kept, but if a date is mistyped or the model is the wrong one, correct it",
        "release",
    )


def test_a_release_date_moved_past_stored_results_and_prices_is_written_with_a_note(
    run: Run, tmp_path: Path
):
    """A model's release date moved later left its results and prices dated before it
    silently, though a result or price written so is noted."""
    moved = run("edit", "model", "gpt-4", "--set", "release_date=2025-01-01", "-m", "t")
    assert moved.exit_code == 0, moved.stderr
    assert moved.stderr.splitlines()[-1] == (
        "4 results and 1 price of gpt-4 are now dated before its release, 2025-01-01; they "
        "are kept, but if the release date is mistyped, correct it"
    )
    # One record is "it", not "they".
    assert run("add-model", "solo", "--release-date", "2020-01-01", "-m", "t").exit_code == 0
    added = run(
        "add-result",
        "solo",
        "math",
        "10",
        "--date",
        "2021-01-01",
        "--source-url",
        "https://e.org/solo",
    )
    assert added.exit_code == 0, added.stderr
    one = run("edit", "model", "solo", "--set", "release_date=2022-01-01", "-m", "t")
    assert one.stderr.splitlines()[-1] == (
        "1 result of solo is now dated before its release, 2022-01-01; it is kept, but if "
        "the release date is mistyped, correct it"
    )
    # Earlier again, or to the same day: nothing newly before it.
    back = run("edit", "model", "gpt-4", "--set", "release_date=2024-06-01", "-m", "t")
    assert back.exit_code == 0 and "dated before" not in back.stderr, back.stderr
    _import_noted_once(
        run,
        tmp_path / "models.csv",
        "slug,release_date\ngpt-4,2025-02-01\nclaude-3-opus,2026-01-01\n",
        "6 results and 3 prices are now dated before their model's release: claude-3-opus, "
        "released 2026-01-01 (2 results and 2 prices); gpt-4, released 2025-02-01 (4 results "
        "and 1 price); they are kept, but if a release date is mistyped, correct it",
        "dated before",
    )
    # A new model has nothing stored to be dated before it.
    new = run("add-model", "newm", "--release-date", "2020-01-01", "-m", "t")
    assert new.exit_code == 0 and "dated before" not in new.stderr, new.stderr


@both_stores
def test_edit_then_history_and_as_of(run: Run):
    before = json.loads(run("log", "--limit", "1", "--json").stdout)[0]["changeset"]
    result = run(
        "edit",
        "result",
        "minerva-540b/math",
        "--set",
        "score=50.4",
        "--set",
        "notes=corrected",
        "-m",
        "typo in the paper's table",
    )
    assert result.exit_code == 0, result.stderr
    key = result.stdout.strip()
    history = json.loads(run("history", "result", key, "--json").stdout)
    assert [h["revision"] for h in history] == [1, 2]
    assert [h["op"] for h in history] == ["insert", "update"]
    assert history[1]["message"] == "typo in the paper's table"
    assert history[1]["author"] == "tester"
    changed = history[1]["changes"]
    assert "score: 50.3 -> 50.4" in changed
    assert any(c.endswith("-> corrected") for c in changed)
    now = json.loads(run("show", "result", key, "--json").stdout)
    assert now["score"] == 50.4
    then = json.loads(run("show", "result", key, "--json", "--as-of", before).stdout)
    assert then["score"] == 50.3
    # The same past state from plain SQL, as the README shows.
    sql = (
        "SELECT score FROM result_history WHERE key = $key AND valid_from <= $ts "
        "AND (valid_to IS NULL OR valid_to > $ts) AND op <> 'retract'"
    )
    ts = history[0]["recorded_at"]
    past = run("query", sql, "--param", f"key={key}", "--param", f"ts={ts}", "--csv").stdout
    assert past.splitlines() == ["score", "50.3"]


def test_edit_errors(run: Run):
    """A field of the key, or a value its field's rules refuse, is --set misused (exit
    2, whatever the record); a record that is not there, or already so, is the data's
    (exit 1)."""
    usage, data = 2, 1
    cases = {
        ("edit", "model", "gpt-4", "--set", "slug=gpt-4b", "-m", "x"): (
            "Invalid value for --set: slug is part of the key of a model;",
            usage,
        ),
        (
            "edit",
            "alias",
            "GLaM (MoE)",
            "--set",
            "alias=other",
            "-m",
            "x",
        ): ("Invalid value for --set: alias is part of the key of an alias;", usage),
        # Said before the record is looked up, as an unknown field is.
        ("edit", "model", "no-such-model", "--set", "slug=x", "-m", "x"): (
            "slug is part of the key of a model;",
            usage,
        ),
        (
            "edit",
            "model",
            "gpt4",
            "--set",
            "name=x",
            "-m",
            "x",
        ): ("no current model 'gpt4' (did you mean 'gpt-4'?)", data),
        ("edit", "model", "gpt-4", "--set", "release_date=soon", "-m", "x"): (
            "--set release_date: 'soon' is not a date",
            usage,
        ),
        ("edit", "model", "gpt-4", "--set", "release_date=2099-01-01", "-m", "x"): (
            "--set release_date: '2099-01-01' is after today",
            usage,
        ),
        ("edit", "model", "gpt-4", "--set", "parameters=7B", "-m", "x"): (
            "--set parameters: '7B' is not a finite number",
            usage,
        ),
        ("edit", "benchmark", "math", "--set", "unit=percents", "-m", "x"): (
            "--set unit: 'percents' is not one of percent, minutes, elo, score",
            usage,
        ),
        ("edit", "organization", "openai", "--set", "name=", "-m", "x"): (
            "--set name: must not be empty",
            usage,
        ),
        # There is no add-organization to add one with.
        ("edit", "organization", "openai", "--set", "slug=open-ai", "-m", "x"): (
            "slug is part of the key of an organization; retract this one and import a new "
            "one (`trendlab import --kind organizations`) instead",
            usage,
        ),
        # Outside the range of the unit math has: the record makes it wrong.
        ("edit", "benchmark", "math", "--set", "floor=200", "-m", "x"): (
            "edit math: floor: 200.0 is outside the range of unit percent",
            data,
        ),
        ("edit", "model", "gpt-4", "--set", "name=GPT-4", "-m", "x"): ("nothing to change", data),
    }
    before = _last_changeset(run)
    for args, (expected, code) in cases.items():
        result = run(*args)
        assert result.exit_code == code, (args, result.output)
        assert expected in result.stderr, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and result.stdout == "", (args, result.output)
    assert _last_changeset(run) == before
    missing_message = run("edit", "model", "gpt-4", "--set", "name=y")
    assert missing_message.exit_code == 2


def test_an_unknown_field_to_edit_is_a_usage_error_with_the_nearest_field(run: Run):
    """A mistyped field is the command misused, as a mistyped --param of a query is:
    exit 2, the nearest field, and the database is not opened, so nothing is written."""
    before = _last_changeset(run)
    typo = run("edit", "result", "minerva-540b/math", "--set", "scor=51", "-m", "x")
    assert typo.exit_code == 2, typo.stderr
    assert typo.stderr.count("\n") == 1, typo.stderr
    assert "result has no field 'scor' (did you mean 'score'?); fields: model," in typo.stderr
    assert "edit --help')" in typo.stderr
    # Checked before the record is looked up: the field is wrong whatever the key.
    unknown = run("edit", "model", "no-such-model", "--set", "colour=blue", "-m", "x")
    assert unknown.exit_code == 2, unknown.stderr
    assert "model has no field 'colour'; fields: slug, name," in unknown.stderr
    assert _last_changeset(run) == before


def test_an_edit_judges_only_what_it_changes(run: Run, db: Path):
    """A release date stored in the future (another machine's clock, or SQL) does not
    block fixing another field of the model, and is kept as it was."""
    import duckdb

    later = (date.today() + timedelta(days=30)).isoformat()
    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con, "clock")
        revise_around(con, cs, "model_revisions", "gpt-4", release_date=date.fromisoformat(later))
    result = run("edit", "model", "gpt-4", "--set", "name=GPT 4", "-m", "rename")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(run("show", "model", "gpt-4", "--json").stdout)
    assert (shown["name"], shown["release_date"]) == ("GPT 4", later)
    history = json.loads(run("history", "model", "gpt-4", "--json").stdout)
    assert history[-1]["changes"] == ["name: GPT-4 -> GPT 4"]
    # Changing the date itself is judged: it must not be after today.
    moved = run("edit", "model", "gpt-4", "--set", "release_date=2099-01-01", "-m", "x")
    assert moved.exit_code == 2 and "--set release_date: '2099-01-01' is after today" in (
        moved.stderr
    )


def test_a_url_scheme_may_be_in_capitals(run: Run):
    url = "HTTPS://ARXIV.org/abs/2206.14858v2"
    result = run("add-result", "gpt-4", "math", "42", "--source-url", url, "-m", "x")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(run("show", "result", result.stdout.strip(), "--json").stdout)
    assert shown["source_url"] == url


def test_edit_to_unknown_clears_a_field(run: Run):
    result = run("edit", "model", "gpt-3-175b", "--set", "training_tokens=", "-m", "unsure")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(run("show", "model", "gpt-3-175b", "--json").stdout)
    assert shown["training_tokens"] is None


def test_a_blank_key_to_edit_or_retract_is_a_usage_error(run: Run):
    """As `add-result '' mmlu 1` says MODEL: must not be empty: they said
    "no current model ''", exit 1, as if the database lacked it."""
    before = run("log", "--json").stdout
    for args in (
        ["edit", "model", " ", "--set", "organization=x", "-m", "x"],
        ["retract", "model", "", "-m", "x"],
    ):
        result = run(*args)
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            f"trendlab: error: KEY: must not be empty (see 'cli {args[0]} --help')\n",
        )
    assert run("log", "--json").stdout == before


@both_stores
def test_retract_hides_but_history_keeps(run: Run):
    key = run(
        "add-result", "gpt-4", "gsm8k", "10", "--source-url", "https://example.org/x"
    ).stdout.strip()
    result = run("retract", "result", key, "-m", "mistaken entry")
    assert result.exit_code == 0, result.stderr
    assert run("show", "result", key).exit_code == 1
    listed = run("list", "results", "--benchmark", "gsm8k", "--csv")
    assert listed.exit_code == 0, listed.stderr
    assert "gsm8k" in listed.stdout and key not in listed.stdout
    history = json.loads(run("history", "result", key, "--json").stdout)
    assert [h["op"] for h in history] == ["insert", "retract"]
    assert history[1]["changes"] == ["retracted"]
    # Nothing was deleted from the revisions table.
    sql = "SELECT count(*) AS n FROM result_revisions WHERE key = $key"
    counted = run("query", sql, "--param", f"key={key}", "--csv").stdout
    assert counted.splitlines() == ["n", "2"]
    # Adding it again restores it as a new revision.
    again = run("add-result", "gpt-4", "gsm8k", "10", "--source-url", "https://example.org/x")
    assert again.exit_code == 0 and again.stdout.strip() == key
    history = json.loads(run("history", "result", key, "--json").stdout)
    assert [h["op"] for h in history] == ["insert", "retract", "insert"]
    assert history[2]["changes"][0] == "restored"
    # log words it as the write did and diff does: restored, not added again.
    logged = json.loads(run("log", "--limit", "2", "--json").stdout)
    assert [e["changes"] for e in logged] == [["results: 1 restored"], ["results: 1 retracted"]]


@both_stores
def test_writing_a_retracted_record_again_says_it_is_restored(run: Run, tmp_path: Path):
    """Re-importing a source that still holds a retracted record undid the retraction
    and said "1 added", as if the record were new; an add said "added" too."""
    key = run(
        "add-result", "gpt-4", "gsm8k", "10", "--source-url", "https://example.org/r"
    ).stdout.strip()
    path = tmp_path / "results.csv"
    path.write_text(
        "model,benchmark,score,source_url\n"
        "gpt-4,gsm8k,10,https://example.org/r\ngpt-4,gsm8k,11,https://example.org/s\n"
    )
    assert run("retract", "result", key, "-m", "contaminated").exit_code == 0
    imported = run("import", str(path), "-m", "the paper again")
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr.startswith("results: 1 added, 1 restored (changeset "), imported.stderr
    assert run("retract", "result", key, "-m", "contaminated").exit_code == 0
    again = run("add-result", "gpt-4", "gsm8k", "10", "--source-url", "https://example.org/r")
    assert again.exit_code == 0 and again.stdout.strip() == key
    assert again.stderr.startswith(f"restored (it was retracted) result {key} in changeset ")
    assert run("retract", "alias", "gpt-4-0314", "-m", "x").exit_code == 0
    alias = run("alias", "add", "gpt-4", "gpt-4-0314", "-m", "back")
    assert alias.stderr.startswith("restored (it was retracted) alias gpt-4-0314 in changeset ")


def test_adding_a_retracted_record_again_keeps_the_fields_it_leaves_out(run: Run):
    """add-* of a retracted record restored it with every field not on the command line
    emptied, where an import of it keeps them; it keeps them too, and says which."""
    added = run(
        "add-result", "gpt-4", "gsm8k", "10", "--date", "2023-03-14", "--setting", "5-shot",
        "--source-url", "https://example.org/r", "--source-kind", "paper", "--notes", "n1",
    )  # fmt: skip
    key = added.stdout.strip()
    assert run("retract", "result", key, "-m", "contaminated").exit_code == 0
    again = run(
        "add-result", "gpt-4", "gsm8k", "11", "--setting", "5-shot",
        "--source-url", "https://example.org/r",
    )  # fmt: skip
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == key
    assert again.stderr.startswith(f"restored (it was retracted) result {key} in changeset ")
    assert "; kept its stored reported_date, source_kind, notes\n" in again.stderr
    row = json.loads(run("show", "result", key, "--json").stdout)
    kept = (row["score"], row["reported_date"], row["source_kind"], row["notes"])
    assert kept == (11.0, "2023-03-14", "paper", "n1")


def test_retract_refuses_a_model_still_in_use(run: Run):
    result = run("retract", "model", "minerva-540b", "-m", "x")
    assert result.exit_code == 1
    # Named, as no listing picks out an organization's models: a model's by listings.
    assert "list results --model minerva-540b` lists them); retract those first" in result.stderr
    assert run("show", "model", "minerva-540b").exit_code == 0
    # One record is counted as one.
    assert run("add-model", "one-alias", "--name", "One").exit_code == 0
    assert run("alias", "add", "one-alias", "one-alias-x").exit_code == 0
    result = run("retract", "model", "one-alias", "-m", "x")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "trendlab: error: model one-alias is still used by 1 alias (`trendlab "
    ), result.stderr
    assert result.stderr.endswith(
        " list aliases --model one-alias` lists them); retract those first\n"
    )


@both_stores
def test_as_of_before_any_change_is_empty(run: Run):
    result = run("list", "models", "--as-of", "2000-01-01", "--csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "slug,name,organization,release_date,parameters,"
        "training_compute_flop,training_tokens,open_weights,"
        "notes,source_url"
    ]
    shown = run("show", "model", "gpt-4", "--as-of", "2000-01-01")
    assert shown.exit_code == 1
    (seeded,) = json.loads(run("log", "--json").stdout)
    assert shown.stderr == (
        "trendlab: error: no current model 'gpt-4' as of 2000-01-01 23:59:59 "
        "(--as-of is when changes were recorded); it was first recorded at "
        f"{seeded['recorded_at'][:19].replace('T', ' ')}\n"
    )


def _refused(run: Run, *args: str, says: str) -> None:
    """`args` fail as a name that names no one record does: exit code 1, with an error
    that `says` why."""
    result = run(*args)
    assert result.exit_code == 1, (args, result.stderr)
    assert says in result.stderr, (args, result.stderr)


@both_stores
def test_ambiguous_result_key(run: Run):
    run("add-result", "gpt-4", "math", "41", "--source-url", "https://example.org/one")
    _refused(run, "show", "result", "gpt-4/math", says="matches 2 results")
    # Too short whatever the store holds: a usage error, as a changeset's prefix is.
    short = run("show", "result", "r_9")
    assert short.exit_code == 2 and short.stdout == ""
    assert short.stderr.startswith(
        "trendlab: error: 'r_9' is too short to name a result: give its id, or the first 4"
    )
    assert short.stderr.endswith(" (see 'cli show --help')\n")


def test_a_mistyped_result_or_price_name_gets_the_nearest_name(run: Run):
    """A typo in a MODEL/BENCHMARK or MODEL/PROVIDER/DATE name is met with the nearest
    name of a record, as a mistyped slug is, by show, edit and history alike."""
    nearest = "(did you mean 'minerva-540b/math'?)"
    for args, says in (
        (("show", "result", "minerva-540b/mat"), nearest),
        (("edit", "result", "minerva-540b/mat", "--set", "score=51", "-m", "x"), nearest),
        (("retract", "result", "Minerva-540B/mat", "-m", "x"), nearest),
        (("history", "result", "minerva-540b/mat"), f"in the history {nearest}"),
        (
            ("show", "price", "gpt-4o/OpenAI/2024-05-31"),
            "(did you mean 'gpt-4o/OpenAI/2024-05-13'?)",
        ),
    ):
        _refused(run, *args, says=says)


def test_a_models_name_alone_for_a_result_or_price_points_to_its_listing(run: Run, on_store: str):
    """`show result gpt-4` was "no current result 'gpt-4'" alone: no id is near a model's
    name. show, edit, retract and history say how a result or a price is named and
    which command lists that model's, by its slug where an alias or other capitals
    named it. A name that is no model's gets no such line."""
    results = f"`{on_store} list results --model gpt-4` lists model gpt-4's)\n"
    told = f"(a result is named MODEL/BENCHMARK[/SETTING] or by its id: {results}"
    for args, says in (
        (("show", "result", "GPT-4"), f"no current result 'GPT-4' {told}"),
        (("edit", "result", "gpt_4", "--set", "notes=x", "-m", "x"), f"'gpt_4' {told}"),
        (("retract", "result", "gpt-4", "-m", "x"), f"'gpt-4' {told}"),
        (("history", "result", "gpt-4"), f"no result 'gpt-4' in the history {told}"),
        (
            ("show", "price", "gpt-4"),
            "no current price 'gpt-4' (a price is named MODEL/PROVIDER[/DATE] or by its id: "
            f"`{on_store} list prices --model gpt-4` lists model gpt-4's)\n",
        ),
    ):
        result = run(*args)
        assert result.exit_code == 1 and result.stderr.endswith(says), (args, result.stderr)
    assert run("show", "result", "no-such-model").stderr == (
        "trendlab: error: no current result 'no-such-model'\n"
    )


def test_a_models_name_alone_under_as_of_points_to_that_states_listing(run: Run, on_store: str):
    """`show result gpt-4 --as-of 2026-12-31` pointed to `list results --model gpt-4`,
    which lists today's results, not those the show read: the listing it gives is as
    of the moment the show read, to the second where --as-of gave no fraction."""
    (seeded,) = json.loads(run("log", "--json").stdout)
    later = run("add-result", "gpt-4", "gsm8k", "10", "--source-url", "https://example.org/r")
    assert later.exit_code == 0, later.stderr
    for as_of, given in (
        (seeded["changeset"], seeded["recorded_at"]),
        ("2026-12-31", "2026-12-31T23:59:59"),
    ):
        shown = run("show", "result", "gpt-4", "--as-of", as_of)
        listing = f"list results --model gpt-4 --as-of {given}"
        assert shown.exit_code == 1
        assert shown.stderr.endswith(f"`{on_store} {listing}` lists model gpt-4's)\n")
    # The listing given reads the seed's results alone; today's holds the later one.
    listed = run(*f"list results --model gpt-4 --as-of {seeded['recorded_at']}".split(), "--csv")
    today = run("list", "results", "--model", "gpt-4", "--csv").stdout
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) > 1
    assert later.stdout.strip() in today and later.stdout.strip() not in listed.stdout


def test_an_organization_its_models_name_cannot_be_retracted(run: Run):
    blocked = run("retract", "organization", "openai", "-m", "x")
    assert blocked.exit_code == 1
    assert "organization openai is still used by" in blocked.stderr and "models" in blocked.stderr
    assert json.loads(run("show", "organization", "openai", "--json").stdout)["name"] == "OpenAI"


def test_a_model_writing_an_organizations_name_names_it_not_another_by_the_slug(run: Run):
    """An organization renamed to a name whose slug is another's (six-lab to Five-Lab,
    beside five-lab) is the one a model writing that name names, as an organization's
    name is whatever slug it has: that model stopped the retraction of five-lab too,
    which it never named."""
    for model, organization in (("m5", "Five Lab"), ("m6", "Six Lab")):
        assert run("add-model", model, "--organization", organization, "-m", "a").exit_code == 0
    renamed = run("edit", "organization", "six-lab", "--set", "name=Five-Lab", "-m", "b")
    assert renamed.exit_code == 0, renamed.stderr
    assert run("add-model", "m7", "--organization", "Five-Lab", "-m", "c").exit_code == 0
    assert run("retract", "model", "m5", "-m", "d").exit_code == 0
    retracted = run("retract", "organization", "five-lab", "-m", "e")
    assert retracted.exit_code == 0, retracted.stderr
    assert run("check").exit_code == 0
    assert run("retract", "model", "m6", "-m", "f").exit_code == 0
    blocked = run("retract", "organization", "six-lab", "-m", "g")
    assert blocked.stderr == (
        "trendlab: error: organization six-lab is still used by 1 model (m7); retract those first\n"
    )


def test_a_rename_may_not_leave_models_naming_no_organization(run: Run):
    """A model naming an organization by its name (not by its slug) named none once the
    organization was renamed again, which `check` then reported: the rename is refused,
    as a retraction of an organization its models name is."""
    assert run("add-model", "m1", "--organization", "Lab X", "-m", "a").exit_code == 0
    assert run("edit", "organization", "lab-x", "--set", "name=Lab Y", "-m", "a").exit_code == 0
    assert run("add-model", "m9", "--organization", "Lab Y", "-m", "a").exit_code == 0
    edited = run("edit", "organization", "lab-x", "--set", "name=Lab X", "-m", "b")
    assert edited.exit_code == 1
    assert edited.stderr == (
        "trendlab: error: edit lab-x: name: renaming organization lab-x from 'Lab Y' would "
        "leave 1 model naming no organization (m9); edit its organization first; nothing "
        "was written\n"
    )
    imported = run("import", "--kind", "organizations", "-", input="slug,name\nlab-x,Lab X\n")
    assert imported.exit_code == 1
    assert "stdin:2: name: renaming organization lab-x from 'Lab Y'" in imported.stderr
    assert json.loads(run("show", "organization", "lab-x", "--json").stdout)["name"] == "Lab Y"
    assert run("check").exit_code == 0
    # Another organization of that name, in the same file, is the one the model names.
    both = run(
        "import", "--kind", "organizations", "-", input="slug,name\nlab-x,Lab X\nlab-y,Lab Y\n"
    )
    assert both.exit_code == 0, both.stderr
    assert run("check").exit_code == 0


def test_a_name_may_not_take_another_organizations_models(run: Run):
    """A model naming an organization by its slug (`lab-y`) named another once that one
    was given the name `lab-y`, since a name is read before a slug: the model moved
    unseen, and the organization it named no longer counted it. The name is refused, on
    edit and import, a new organization's too."""
    for model, organization in (("m1", "Lab X"), ("m2", "Lab Y"), ("m3", "lab-y")):
        assert run("add-model", model, "--organization", organization, "-m", "a").exit_code == 0
    edited = run("edit", "organization", "lab-x", "--set", "name=lab-y", "-m", "b")
    assert edited.exit_code == 1
    assert edited.stderr == (
        "trendlab: error: edit lab-x: name: 'lab-y' would move 1 model (m3) from "
        "organization lab-y to lab-x, which its organization would then name; edit its "
        "organization first; nothing was written\n"
    )
    imported = run("import", "--kind", "organizations", "-", input="slug,name\nlab-z,LAB-Y\n")
    assert imported.exit_code == 1
    assert "stdin:2: name: 'LAB-Y' would move 1 model (m3) from organization lab-y to lab-z" in (
        imported.stderr
    )
    # A file of every organization, lab-y's row as stored, is no say on lab-y's models.
    whole = run(
        "import", "--kind", "organizations", "-", input="slug,name\nlab-x,lab-y\nlab-y,Lab Y\n"
    )
    assert whole.exit_code == 1
    assert "stdin:2: name: 'lab-y' would move 1 model (m3)" in whole.stderr
    assert json.loads(run("show", "organization", "lab-x", "--json").stdout)["name"] == "Lab X"
    blocked = run("retract", "organization", "lab-y", "-m", "c")
    assert blocked.stderr == (
        "trendlab: error: organization lab-y is still used by 2 models (m2, m3); retract "
        "those first\n"
    )
    assert run("check").exit_code == 0


def test_a_rename_may_not_leave_models_to_another_organization(run: Run):
    """A model writing an organization's name that is another's slug (`lab-y`, the name
    of lab-x) moved to that other organization, unseen, once lab-x was renamed: the
    rename is refused, naming the model, as one leaving it no organization is."""
    for model, organization in (("m1", "Lab X"), ("m2", "Lab Y")):
        assert run("add-model", model, "--organization", organization, "-m", "a").exit_code == 0
    assert run("edit", "organization", "lab-x", "--set", "name=lab-y", "-m", "b").exit_code == 0
    assert run("add-model", "m3", "--organization", "lab-y", "-m", "c").exit_code == 0
    edited = run("edit", "organization", "lab-x", "--set", "name=Lab X", "-m", "d")
    assert edited.exit_code == 1
    assert edited.stderr == (
        "trendlab: error: edit lab-x: name: 'Lab X' would move 1 model (m3) from "
        "organization lab-x to lab-y, which its organization would then name; edit its "
        "organization first; nothing was written\n"
    )
    # Unless the input renames the other one too: its say.
    both = run(
        "import", "--kind", "organizations", "-", input="slug,name\nlab-x,Lab X\nlab-y,Lab Z\n"
    )
    assert both.exit_code == 0, both.stderr
    assert run("check").exit_code == 0


def test_records_are_named_as_listings_show_them(run: Run, db: Path):
    """MODEL/BENCHMARK[/SETTING] and MODEL/PROVIDER[/DATE], as an import's list of
    records missing from a source prints them, name records for show, edit, retract and
    history; history finds them after they are retracted too."""
    price = json.loads(run("show", "price", "gpt-4o/OpenAI/2024-05-13", "--json").stdout)
    assert price["id"] == "p_f87b43c6b95340e0" and price["input_usd_per_mtok"] == 5.0
    # Providers in any case, as writes fold them.
    lower = json.loads(run("show", "price", "gpt-4o/openai/2024-05-13", "--json").stdout)
    assert lower["id"] == price["id"]
    key = "minerva-540b/math/4-shot maj1@64"
    shown = json.loads(run("show", "result", key, "--json").stdout)
    assert (shown["id"], shown["score"]) == ("r_3518109b53056b93", 50.3)
    gone = run("retract", "result", "minerva-540b/math", "-m", "gone")
    assert gone.exit_code == 0, gone.stderr
    for name in ("minerva-540b/math", key, "r_3518109b53056b93", "r_3518"):
        history = run("history", "result", name, "--json")
        assert history.exit_code == 0, (name, history.stderr)
        assert [h["op"] for h in json.loads(history.stdout)] == ["insert", "retract"]
    ambiguous = run("history", "result", "gpt-4/mmlu")
    assert ambiguous.exit_code == 1
    assert "'gpt-4/mmlu' matches 2 results: r_" in ambiguous.stderr
    missing = run("history", "result", "minerva-540b/math/0-shot")
    assert missing.exit_code == 1
    assert "no result 'minerva-540b/math/0-shot' in the history" in missing.stderr
    short = run("history", "result", "r_3")
    assert short.exit_code == 2 and "'r_3' is too short to name a result" in short.stderr
    # Named as listings name it, a retracted record says so and where to look.
    shown = run("show", "result", "minerva-540b/math")
    assert shown.exit_code == 1
    assert shown.stderr.startswith("trendlab: error: result minerva-540b/math was retracted in")
    history = f"trendlab --db {shlex.quote(str(db))} history result minerva-540b/math"
    assert f"`{history}` shows it" in shown.stderr


def test_an_id_in_capitals_names_its_record(run: Run):
    """Ids are lowercase hex, as changeset ids are, which may be given in any case: an id
    copied in capitals (a spreadsheet's) names its record, by show, edit and history."""
    shown = run("show", "result", "R_3518109B53056B93", "--json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == "r_3518109b53056b93"
    assert json.loads(run("show", "price", "P_F87B", "--json").stdout)["id"] == "p_f87b43c6b95340e0"
    edited = run("edit", "result", "R_3518", "--set", "notes=checked", "-m", "x")
    assert edited.exit_code == 0, edited.stderr
    history = run("history", "result", "R_3518109B", "--json")
    assert [h["op"] for h in json.loads(history.stdout)] == ["insert", "update"]
    short = run("show", "result", "R_3")
    assert short.exit_code == 2 and "'R_3' is too short to name a result" in short.stderr


@both_stores
def test_an_organization_a_model_creates_is_named(run: Run):
    """add-model and edit said only "added model x" / "updated model x" while the
    changeset also created an organization (log: "organizations: 1 added"), a record of its
    own; one the database had is not mentioned."""
    added = run("add-model", "acme-1", "--organization", "Acme Labs", "-m", "a")
    assert added.exit_code == 0, added.stderr
    assert "added organization acme-labs, which the model names, in the same changeset" in (
        added.stderr.splitlines()
    )
    edited = run("edit", "model", "acme-1", "--set", "organization=Other Labs", "-m", "b")
    assert "added organization other-labs, which the model names" in edited.stderr
    for again in (
        run("edit", "model", "acme-1", "--set", "organization=Acme Labs", "-m", "c"),
        run("add-model", "acme-2", "--organization", "OpenAI", "-m", "d"),
    ):
        assert again.exit_code == 0 and "organization" not in again.stderr
    assert run("retract", "model", "acme-2", "-m", "e").exit_code == 0
    assert run("retract", "model", "acme-1", "-m", "e").exit_code == 0
    assert run("retract", "organization", "acme-labs", "-m", "gone").exit_code == 0
    back = run("add-model", "acme-3", "--organization", "Acme Labs", "-m", "f")
    assert "restored organization acme-labs, which the model names" in back.stderr


def test_a_model_naming_a_retracted_organization_restores_it(run: Run):
    assert run("add-model", "acme-1", "--organization", "Acme Labs", "-m", "a").exit_code == 0
    assert run("retract", "model", "acme-1", "-m", "gone").exit_code == 0
    assert run("retract", "organization", "acme-labs", "-m", "gone too").exit_code == 0
    added = run("add-model", "acme-2", "--organization", "Acme Labs", "-m", "back")
    assert added.exit_code == 0, added.stderr
    shown = json.loads(run("show", "organization", "acme-labs", "--json").stdout)
    assert shown["name"] == "Acme Labs"
    history = json.loads(run("history", "organization", "acme-labs", "--json").stdout)
    assert [h["op"] for h in history] == ["insert", "retract", "insert"]
    # Named by an edit, a retracted organization is restored too.
    assert run("retract", "model", "acme-2", "-m", "gone").exit_code == 0
    assert run("retract", "organization", "acme-labs", "-m", "gone").exit_code == 0
    edited = run("edit", "model", "gpt-4", "--set", "organization=Acme Labs", "-m", "x")
    assert edited.exit_code == 0, edited.stderr
    assert run("show", "organization", "acme-labs").exit_code == 0
    # A model restored by a write that does not mention organizations brings its own.
    assert run("edit", "model", "gpt-4", "--set", "organization=OpenAI", "-m", "x").exit_code == 0
    assert run("retract", "organization", "acme-labs", "-m", "gone").exit_code == 0
    restored = run("import", "--kind", "models", "-", input="slug,name\nacme-2,Acme 2\n")
    assert restored.exit_code == 0, restored.stderr
    assert run("show", "organization", "acme-labs").exit_code == 0


def test_a_model_naming_a_retracted_organization_by_its_name_restores_it(run: Run):
    """A retracted organization whose name makes another slug (renamed, or named in
    letters no slug keeps) was not restored by a model naming it so: a second
    organization of that name was made beside it, which history and show then told
    apart from the one retracted."""
    assert run("add-model", "m1", "--organization", "Lab A", "-m", "a").exit_code == 0
    assert run("edit", "organization", "lab-a", "--set", "name=Lab B", "-m", "b").exit_code == 0
    assert run("retract", "model", "m1", "-m", "c").exit_code == 0
    assert run("retract", "organization", "lab-a", "-m", "d").exit_code == 0
    added = run("add-model", "m2", "--organization", "Lab B", "-m", "e")
    assert added.exit_code == 0, added.stderr
    assert "restored organization lab-a, which the model names" in added.stderr
    assert json.loads(run("show", "organization", "Lab B", "--json").stdout)["slug"] == "lab-a"
    assert run("show", "organization", "lab-b").exit_code == 1
    history = json.loads(run("history", "organization", "lab-a", "--json").stdout)
    assert [h["op"] for h in history] == ["insert", "update", "retract", "insert"]
    assert run("check").exit_code == 0


def test_a_model_naming_a_retracted_organization_by_its_slug_restores_its_name(run: Run):
    """Named by its slug, a retracted organization came back renamed to it ("restored;
    name: Xeno Lab -> xeno-lab"), its name lost; one whose name another organization
    has taken since comes back as the model writes it, so as to move no model."""
    assert run("add-model", "x1", "--organization", "Xeno Lab", "-m", "a").exit_code == 0
    assert run("edit", "model", "x1", "--set", "organization=OpenAI", "-m", "b").exit_code == 0
    assert run("retract", "organization", "xeno-lab", "-m", "c").exit_code == 0
    edited = run("edit", "model", "x1", "--set", "organization=xeno-lab", "-m", "d")
    assert "restored organization xeno-lab, which the model names" in edited.stderr
    assert json.loads(run("show", "organization", "xeno-lab", "--json").stdout)["name"] == (
        "Xeno Lab"
    )
    assert run("edit", "model", "x1", "--set", "organization=OpenAI", "-m", "e").exit_code == 0
    assert run("retract", "organization", "xeno-lab", "-m", "f").exit_code == 0
    # Another organization takes its name: the model's text would name that one.
    assert run("add-model", "y1", "--organization", "Yak", "-m", "g").exit_code == 0
    assert run("edit", "organization", "yak", "--set", "name=Xeno Lab", "-m", "h").exit_code == 0
    edited = run("edit", "model", "x1", "--set", "organization=xeno-lab", "-m", "i")
    assert "restored organization xeno-lab, which the model names" in edited.stderr
    shown = json.loads(run("show", "organization", "xeno-lab", "--json").stdout)
    assert shown["name"] == "xeno-lab"
    assert run("check").exit_code == 0


def _two_retracted_organizations_named_lab_q(run: Run) -> None:
    """lab-a and lab-b, both retracted, both last named Lab Q (the second took the name
    once the first was retracted)."""
    for model, name in (("m1", "Lab A"), ("m2", "Lab B")):
        assert run("add-model", model, "--organization", name, "-m", "a").exit_code == 0
        assert run("retract", "model", model, "-m", "b").exit_code == 0
        slug = name.lower().replace(" ", "-")
        assert run("edit", "organization", slug, "--set", "name=Lab Q", "-m", "c").exit_code == 0
        # A model that named it so, retracted too.
        assert run("add-model", f"{model}-q", "--organization", "Lab Q", "-m", "c").exit_code == 0
        assert run("retract", "model", f"{model}-q", "-m", "d").exit_code == 0
        assert run("retract", "organization", slug, "-m", "d").exit_code == 0


def test_a_model_naming_two_retracted_organizations_last_name_is_refused(run: Run):
    """A model naming Lab Q restored lab-b, the one whose slug sorts last, saying only
    "restored organization lab-b": which of the two was meant is the user's to say."""
    _two_retracted_organizations_named_lab_q(run)
    added = run("add-model", "m3", "--organization", "Lab Q", "-m", "e")
    assert added.exit_code == 1
    assert (
        "organization: 'Lab Q' was the last name of 2 retracted organizations: lab-a, lab-b"
        in added.stderr
    )
    imported = run(
        "import", "--kind", "models", "-", input="slug,name,organization\nm4,M4,lab  q\n"
    )
    assert imported.exit_code == 1 and "stdin:2: organization: 'lab  q'" in imported.stderr
    # A retracted model restored by a file without organizations brings its own.
    again = run("import", "--kind", "models", "-", input="slug,name\nm2-q,M2\n")
    assert again.exit_code == 1 and "'Lab Q' was the last name of 2" in again.stderr
    orgs = json.loads(run("list", "organizations", "--json").stdout)
    assert not {"lab-a", "lab-b"} & {o["slug"] for o in orgs}
    # Restored first, the one meant is the one the model names.
    restored = run("import", "--kind", "organizations", "-", input="slug,name\nlab-a,Lab Q\n")
    assert restored.exit_code == 0, restored.stderr
    assert run("add-model", "m3", "--organization", "Lab Q", "-m", "e").exit_code == 0
    assert json.loads(run("show", "model", "m3", "--json").stdout)["organization"] == "Lab Q"
    orgs = json.loads(run("list", "organizations", "--json").stdout)
    assert {"lab-a", "lab-b"} & {o["slug"] for o in orgs} == {"lab-a"}


def test_a_last_name_two_retracted_organizations_had_names_neither(run: Run):
    """history, show, edit and retract of Lab Q read lab-b, whose slug sorts last, as
    if it alone had been so named."""
    _two_retracted_organizations_named_lab_q(run)
    listed = "'Lab Q' was the last name of 2 retracted organizations: lab-a, lab-b"
    for command in (
        ("show", "organization", "Lab Q"),
        ("edit", "organization", "Lab Q", "--set", "name=X", "-m", "x"),
        ("retract", "organization", "Lab Q", "-m", "x"),
    ):
        refused = run(*command)
        assert refused.exit_code == 1 and listed in refused.stderr, command
    history = run("history", "organization", "lab  q")
    assert history.exit_code == 1
    assert "matches 2 organizations: lab-a, lab-b; give the organization's slug" in history.stderr
    assert run("history", "organization", "lab-a").exit_code == 0


def test_names_in_other_scripts_are_distinct_organizations(run: Run):
    for slug, name in (
        ("m-1", "深度求索"),
        ("m-2", "智谱"),
        ("m-3", "Яндекс"),
        ("m-4", "Zürich AI"),
    ):
        result = run("add-model", slug, "--organization", name, "-m", "x")
        assert result.exit_code == 0, result.stderr
    orgs = json.loads(run("list", "organizations", "--json").stdout)
    names = {o["name"]: o["slug"] for o in orgs}
    assert names["Zürich AI"] == "zurich-ai"
    assert len({names["深度求索"], names["智谱"], names["Яндекс"]}) == 3
    # One name in capitals is the same organization, as OpenAI and OPENAI are.
    assert run("add-model", "m-5", "--organization", "ЯНДЕКС", "-m", "x").exit_code == 0
    assert len(json.loads(run("list", "organizations", "--json").stdout)) == len(orgs)
    # Each is the one its models name: one that still names it blocks its retraction.
    slug = names["Яндекс"]
    blocked = run("retract", "organization", slug, "-m", "x")
    assert blocked.exit_code == 1 and "still used by 2 models" in blocked.stderr


def test_names_differing_only_in_inner_spaces_are_one_organization(run: Run):
    """北京 实验室 and 北京  实验室 (a space typed twice) made two organizations, their
    slugs two hashes of the names as written; a model writing either names the one."""
    imported = run(
        "import",
        "--kind",
        "models",
        "-",
        input="slug,name,organization\nm-1,M1,北京 实验室\nm-2,M2,北京  实验室\n",
    )
    assert imported.exit_code == 0, imported.stderr
    assert "organizations: 1 added" in imported.stderr
    assert run("add-model", "m-3", "--organization", "北京   实验室", "-m", "x").exit_code == 0
    orgs = json.loads(run("list", "organizations", "--json").stdout)
    slugs = [o["slug"] for o in orgs if o["name"].startswith("北京")]
    assert len(slugs) == 1
    blocked = run("retract", "organization", slugs[0], "-m", "x")
    assert blocked.exit_code == 1 and "still used by 3 models" in blocked.stderr
    assert run("check").exit_code == 0


def test_a_name_making_another_organizations_slug_is_refused_not_read_as_it(run: Run):
    """'a"b' makes the slug a-b, organization 'a/b''s: a model writing it was silently
    that organization's, and two such names in one file made one organization. Each is
    a clear error naming the other, and nothing is written; the slug as typed, a name
    the organization had before a rename, and a slug of its own for the new one work."""
    assert run("add-model", "m-1", "--organization", "a/b", "-m", "x").exit_code == 0
    before = run("list", "models", "--json").stdout
    for name in ('a"b', "a / b"):
        refused = run("add-model", "m-2", "--organization", name, "-m", "x")
        assert (refused.exit_code, refused.stdout) == (1, "")
        said, on = refused.stderr.split(" (`trendlab --db ")
        assert said == (
            f"trendlab: error: add-model: organization: {name!r} is no organization's name, "
            "but makes the slug a-b of organization 'a/b': write 'a/b' for that one, or import "
            "a new one with a slug of its own first"
        )
        assert on.endswith(" import --kind organizations FILE`); nothing was written\n")
    imported = run(
        "import",
        "--kind",
        "models",
        "-",
        input='slug,organization\nm-3,c/d\nm-4,"c""d"\nm-5,C/D\n',
    )
    assert imported.exit_code == 1
    assert imported.stderr.startswith(
        "trendlab: error: stdin:3: organization: 'c\"d' and 'c/d', two names in this input, "
        "make one slug, c-d: give one organization one name, or import the other with a slug "
        "of its own first (`trendlab --db "
    )
    assert len(imported.stderr.splitlines()) == 1
    assert run("list", "models", "--json").stdout == before
    assert run("add-model", "m-2", "--organization", "A-B", "-m", "x").exit_code == 0
    assert run("edit", "organization", "a-b", "--set", "name=A slash B", "-m", "x").exit_code == 0
    assert run("add-model", "m-6", "--organization", "a/b", "-m", "x").exit_code == 0
    own = run("import", "--kind", "organizations", "-", input='slug,name\nab2,"a""b"\n')
    assert own.exit_code == 0, own.stderr
    assert run("add-model", "m-7", "--organization", 'a"b', "-m", "x").exit_code == 0
    shown = json.loads(run("show", "organization", 'a"b', "--json").stdout)
    assert shown == {"slug": "ab2", "name": 'a"b'}
    # A retracted one was restored so, unseen, by a model of the new name.
    assert run("add-model", "m-8", "--organization", "e/f", "-m", "x").exit_code == 0
    assert run("retract", "model", "m-8", "-m", "x").exit_code == 0
    assert run("retract", "organization", "e-f", "-m", "x").exit_code == 0
    gone = run("add-model", "m-9", "--organization", 'e"f', "-m", "x")
    assert gone.exit_code == 1
    assert gone.stderr.startswith(
        "trendlab: error: add-model: organization: 'e\"f' is no organization's name, but "
        "makes the slug e-f of retracted organization 'e/f': write 'e/f' for that one, or "
    )
    assert run("add-model", "m-9", "--organization", "e/f", "-m", "x").exit_code == 0
    assert run("check").exit_code == 0


def test_a_new_organizations_slug_as_typed_beside_its_name_in_one_input_is_accepted(run: Run):
    """A new organization given by its name (c/d) and by the slug that name makes, as
    typed (C-D), in one input was refused as two names for one slug, though the two
    rows were accepted as two writes, and before the rule in one: the slug as typed
    names it whatever its name, as it does a stored one."""
    imported = run("import", "--kind", "models", "-", input="slug,organization\nm-3,c/d\nm-4,C-D\n")
    assert imported.exit_code == 0, imported.stderr
    shown = json.loads(run("show", "organization", "c-d", "--json").stdout)
    assert shown == {"slug": "c-d", "name": "c/d"}
    # A second name making that slug is still refused beside it.
    refused = run(
        "import", "--kind", "models", "-", input='slug,organization\nm-5,e/f\nm-6,E-F\nm-7,"e""f"\n'
    )
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "trendlab: error: stdin:4: organization: 'e\"f' and 'e/f', two names in this input"
    ), refused.stderr
    assert run("check").exit_code == 0


def test_a_name_making_another_organizations_slug_reads_edits_or_retracts_none(run: Run):
    """As a model's write refuses it, 'a"b' names no organization to show, edit,
    retract or show the history of: read by the slug it makes, retract took 'a/b' (a-b)
    without a word. The slug
    as typed, the name in other capitals, a name it had before a rename and the name a
    model writes still name it."""
    assert run("add-model", "m-1", "--organization", "a/b", "-m", "x").exit_code == 0
    assert run("retract", "model", "m-1", "-m", "x").exit_code == 0
    said = (
        "trendlab: error: 'a\"b' is no organization's name, but makes the slug a-b of "
        "organization 'a/b': give 'a/b' or a-b for that one\n"
    )
    for args in (
        ("show", "organization", 'a"b'),
        ("edit", "organization", 'a"b', "--set", "name=c", "-m", "x"),
        ("retract", "organization", 'a"b', "-m", "x"),
    ):
        refused = run(*args)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (1, "", said)
    assert json.loads(run("show", "organization", "a-b", "--json").stdout)["name"] == "a/b"
    for name in ("A-B", "A/B", "a/b"):
        assert run("show", "organization", name).exit_code == 0
    assert run("edit", "organization", "A/B", "--set", "name=A slash B", "-m", "x").exit_code == 0
    assert run("show", "organization", "a/b").exit_code == 0  # its name before the rename
    assert run("retract", "organization", "A slash B", "-m", "x").exit_code == 0
    assert run("show", "organization", "a-b").exit_code == 1
    # Nor its history, retracted: the names it had find it.
    history = run("history", "organization", 'a"b')
    assert (history.exit_code, history.stderr) == (
        1,
        "trendlab: error: 'a\"b' is no organization's name, but makes the slug a-b of "
        "organization 'A slash B': give 'A slash B' or a-b for that one\n",
    )
    assert run("history", "organization", "a/b").stdout.count("\n") == 2 + 3


def test_names_alike_stored_before_they_were_refused_each_name_their_own(run: Run, db: Path):
    """Stored before inner spaces were ignored, 北京  实验室 beside 北京 实验室 was read as
    the other, so it could be retracted while a model named it exactly."""
    import duckdb

    assert run("add-model", "m-1", "--organization", "北京 实验室", "-m", "x").exit_code == 0
    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con, "old")
        con.execute(
            "INSERT INTO organization_revisions BY NAME SELECT * REPLACE ("
            "'n-old' AS key, 'n-old' AS slug, '北京  实验室' AS name, "
            "? AS changeset_id, 1 AS revision, 'insert' AS op) "
            "FROM organization_revisions WHERE key = 'openai' LIMIT 1",
            [cs],
        )
    assert run("add-model", "m-2", "--organization", "北京  实验室", "-m", "x").exit_code == 0
    blocked = run("retract", "organization", "n-old", "-m", "x")
    assert blocked.exit_code == 1 and "still used by 1 model (m-2)" in blocked.stderr


def test_an_organization_slugged_by_an_older_rule_is_still_the_one_named(run: Run, db: Path):
    """Before accents were folded, Zürich AI was z-rich-ai: a model naming it now is
    that organization's, not a second one's, and keeps it from being retracted."""
    import duckdb

    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con, "old")
        con.execute(
            "INSERT INTO organization_revisions BY NAME SELECT * REPLACE ("
            "'z-rich-ai' AS key, 'z-rich-ai' AS slug, 'Zürich AI' AS name, "
            "? AS changeset_id, 1 AS revision, 'insert' AS op) "
            "FROM organization_revisions WHERE key = 'openai' LIMIT 1",
            [cs],
        )
    before = len(json.loads(run("list", "organizations", "--json").stdout))
    assert run("add-model", "z-1", "--organization", "Zürich AI", "-m", "x").exit_code == 0
    # In capitals it is the same name, as OpenAI and OPENAI are.
    assert run("add-model", "z-2", "--organization", "ZÜRICH AI", "-m", "x").exit_code == 0
    assert len(json.loads(run("list", "organizations", "--json").stdout)) == before
    blocked = run("retract", "organization", "z-rich-ai", "-m", "x")
    assert blocked.exit_code == 1 and "still used by 2 models" in blocked.stderr


def test_required_options_and_negative_scores_on_the_command_line(run: Run):
    missing = run("add-benchmark", "newb4")
    assert missing.exit_code == 2 and "Missing option '--unit'" in missing.stderr
    # -1 is read as the score (and refused for a percent), not as an unknown option.
    negative = run("add-result", "gpt-4", "mmlu", "-1", "--source-url", "https://x.example/1")
    assert negative.exit_code == 1
    assert "SCORE: -1.0 is outside the range of unit percent" in negative.stderr
    # A mistyped option is still named as one, even with the score's leniency.
    typo = run("add-result", "--settin", "5-shot", "gpt-4", "mmlu", "40")
    assert typo.exit_code == 2 and "No such option '--settin'" in typo.stderr
    # An option's value may start with a dash.
    dashed = run(
        "add-result",
        "gpt-4",
        "mmlu",
        "40",
        "--notes",
        "-see paper",
        "--source-url",
        "https://x.example/2",
    )
    assert dashed.exit_code == 0, dashed.stderr
    # A short option with its value attached (-mWHY), as every other command takes it,
    # was refused as "No such option '-mWHY'".
    attached = run("add-result", "gpt-4", "mmlu", "41", "-mfrom the paper")
    assert attached.exit_code == 0, attached.stderr
    assert json.loads(run("log", "--limit", "1", "--json").stdout)[0]["message"] == (
        "from the paper"
    )
    assert "No such option '-xfoo'" in run("add-result", "gpt-4", "mmlu", "42", "-xfoo").stderr


def test_a_negative_score_is_read_as_the_positive_one_is(run: Run):
    """SCORE 'inf' was "SCORE: 'inf' is not a finite number" and ' 41 ' the score 41, but
    '-inf' was "No such option '-inf'" and '-1 ' "No such option '-1 '": taken for an
    option that no name starts with (so was '-1,5', with a decimal comma, where '1,5' was
    not a finite number). Each is the score now, read by SCORE's rules."""
    for score in ("-inf", "-nan", "-0x10", "-1_0", "-1e400", "-1,5"):
        refused = run("add-result", "gpt-4", "mmlu", score)
        assert refused.exit_code == 2
        assert refused.stderr.startswith(
            f"trendlab: error: SCORE: '{score}' is not a finite number"
        ), refused.stderr
    for score in ("-1 ", " -1"):
        spaced = run("add-result", "gpt-4", "mmlu", score, "--source-url", "https://x.example/s")
        assert spaced.exit_code == 1
        assert "SCORE: -1.0 is outside the range of unit percent" in spaced.stderr
    assert "No such option '-x'" in run("add-result", "gpt-4", "mmlu", "-x").stderr
    # A number run into a short option is that option, unknown, not a score with its
    # letters read as options (-5m "why" took -m "why" and recorded -5).
    for glued in ("-5m", "-5h"):
        unknown = run("add-result", "gpt-4", "mmlu", glued, "why")
        assert unknown.exit_code == 2
        assert f"No such option '{glued}'" in unknown.stderr, unknown.stderr


def test_a_score_of_minus_0_is_stored_as_0(run: Run, tmp_path: Path):
    """-0 was stored as written: `list` showed -0 where the frontier, an aggregate in
    SQL, showed 0. A number of -0 is 0, from the command line or a file."""
    added = run("add-result", "gpt-4", "mmlu", "-0", "--source-url", "https://x.example/0")
    assert added.exit_code == 0, added.stderr
    table = tmp_path / "results.csv"
    table.write_text("model,benchmark,score,source_url\ngpt-4,mmlu,-0.0,https://x.example/1\n")
    assert run("import", str(table), "-m", "t").exit_code == 0
    shown = run("query", "SELECT source_url, score::VARCHAR AS s FROM results "
                "WHERE source_url LIKE 'https://x.example/%' ORDER BY 1", "--csv")  # fmt: skip
    assert shown.stdout.splitlines() == [
        "source_url,s",
        "https://x.example/0,0.0",
        "https://x.example/1,0.0",
    ]


def test_a_score_of_minus_0_is_stored_as_0_from_a_file_of_several_rows(run: Run, tmp_path: Path):
    """A file's -0 beside other rows was stored as -0 (Polars skipped the `+ 0.0` that
    made it 0 for a column of several rows), in every format: its export wrote -0.0,
    and the same export imported into another store was another value there."""
    rows = [("https://x.example/a", -0.0), ("https://x.example/b", 1.0)]
    rows += [("https://x.example/c", -0.0)]
    frame = pl.DataFrame(
        {"model": ["gpt-4"] * 3, "benchmark": ["mmlu"] * 3, "score": [s for _, s in rows]}
    ).with_columns(source_url=pl.Series([u for u, _ in rows]))
    csv_file, parquet_file = tmp_path / "results.csv", tmp_path / "results.parquet"
    frame.write_csv(csv_file)
    frame.with_columns(pl.col("source_url").str.replace("x.example", "y.example")).write_parquet(
        parquet_file
    )
    for file in (csv_file, parquet_file):
        assert run("import", str(file), "-m", "t").exit_code == 0
    shown = run("query", "SELECT source_url, score::VARCHAR AS s FROM results "
                "WHERE source_url SIMILAR TO 'https://[xy].example/.' ORDER BY 1", "--csv")  # fmt: skip
    assert shown.stdout.splitlines() == [
        "source_url,s",
        "https://x.example/a,0.0",
        "https://x.example/b,1.0",
        "https://x.example/c,0.0",
        "https://y.example/a,0.0",
        "https://y.example/b,1.0",
        "https://y.example/c,0.0",
    ]


def test_a_retracted_record_says_so(run: Run):
    assert run("retract", "price", "p_f87b43c6b95340e0", "-m", "x").exit_code == 0
    for args in (
        ("retract", "price", "p_f87b43c6b95340e0", "-m", "again"),
        ("show", "price", "p_f87b43c6b95340e0"),
    ):
        again = run(*args)
        assert again.exit_code == 1
        assert "price p_f87b43c6b95340e0 was retracted in changeset" in again.stderr
    # Named in another case, as any name may be, and by the commands taking a benchmark.
    assert run("add-benchmark", "new-eval", "--unit", "percent", "-m", "x").exit_code == 0
    assert run("retract", "benchmark", "new-eval", "-m", "gone").exit_code == 0
    for args in (("show", "benchmark", "NEW-EVAL"), ("forecast", "NEW-EVAL")):
        gone = run(*args)
        assert gone.exit_code == 1
        assert "benchmark NEW-EVAL was retracted in changeset" in gone.stderr, gone.stderr


def test_a_setting_in_a_name_is_read_as_it_is_stored(run: Run):
    """A setting is part of a result's key as written: 5-shot and 5-SHOT are two results,
    and each name, as stored, names its own. ZZ-2/MMLU/5-SHOT once also named the
    5-shot result (read as a model 'zz-2/mmlu' in lowercase), so the 5-SHOT one could
    be named only by its id, and with 5-shot alone it edited that one."""
    url = "https://case.example/1"
    assert run("add-model", "zz-2", "--name", "ZZ").exit_code == 0
    lower = run("add-result", "zz-2", "mmlu", "80", "--setting", "5-shot", "--source-url", url)
    assert lower.exit_code == 0, lower.stderr
    _refused(
        run,
        "edit",
        "result",
        "zz-2/mmlu/5-SHOT",
        "--set",
        "score=81",
        "-m",
        "x",
        says="(did you mean 'zz-2/mmlu/5-shot'?)",
    )
    upper = run("add-result", "zz-2", "mmlu", "82", "--setting", "5-SHOT", "--source-url", url)
    assert upper.exit_code == 0, upper.stderr
    assert upper.stdout != lower.stdout
    for name, added in (("ZZ-2/MMLU/5-SHOT", upper), ("zz-2/mmlu/5-shot", lower)):
        shown = run("show", "result", name, "--json")
        assert shown.exit_code == 0, (name, shown.stderr)
        assert json.loads(shown.stdout)["id"] == added.stdout.strip(), name


def test_a_retracted_model_and_its_results_are_named_in_any_case(run: Run):
    """Slugs have no capitals, so ZZ-1 and ZZ-1/MMLU name a model and its result after
    both are retracted, as before: history finds them, show says they were retracted."""
    assert run("add-model", "zz-1", "--name", "ZZ").exit_code == 0
    added = run("add-result", "zz-1", "mmlu", "50", "--source-url", "https://zz.example/1")
    assert added.exit_code == 0, added.stderr
    assert run("retract", "result", "zz-1/mmlu", "-m", "gone").exit_code == 0
    assert run("retract", "model", "zz-1", "-m", "gone").exit_code == 0
    for kind, name in (("model", "ZZ-1"), ("result", "ZZ-1/MMLU"), ("result", "zz-1/MMLU")):
        history = run("history", kind, name, "--json")
        assert history.exit_code == 0, history.stderr
        assert [r["op"] for r in json.loads(history.stdout)] == ["insert", "retract"]
        shown = run("show", kind, name)
        assert shown.exit_code == 1
        assert f"{kind} {name} was retracted in changeset" in shown.stderr, shown.stderr


def test_a_write_naming_a_retracted_model_or_benchmark_says_it_was_retracted(
    run: Run, tmp_path: Path
):
    """Not 'unknown model': the model is in the history, and the fix is to bring it
    back, not to look for a typo."""
    assert run("add-model", "zz-2", "--name", "ZZ").exit_code == 0
    assert run("add-benchmark", "zz-bench", "--unit", "percent").exit_code == 0
    gone_model = run("retract", "model", "zz-2", "-m", "gone").stderr.split()[-1]
    gone_bench = run("retract", "benchmark", "zz-bench", "-m", "gone").stderr.split()[-1]
    # In full-width letters too, as `show model` names it (a write said 'unknown model').
    for name in ("ZZ-2", "ｚｚ-2"):
        added = run("add-result", name, "mmlu", "50", "--source-url", "https://zz.example/2")
        assert added.exit_code == 1
        assert added.stderr == (
            f"trendlab: error: add-result: model {name!r} was retracted in changeset "
            f"{gone_model}; add it again first; nothing was written\n"
        ), added.stderr
    path = tmp_path / "results.csv"
    path.write_text("model,benchmark,score\ngpt-4,zz-bench,50\ngpt-4,zz-benc,50\n")
    imported = run("import", str(path))
    assert imported.exit_code == 1
    assert imported.stderr.splitlines()[1:] == [
        f"  {path}:2: benchmark 'zz-bench' was retracted in changeset {gone_bench}; add it "
        "again first",
        f"  {path}:3: unknown benchmark 'zz-benc'",
    ], imported.stderr


@both_stores
def test_a_benchmark_unit_must_still_hold_its_results(run: Run, tmp_path: Path):
    before = run("log", "--json").stdout
    edit = run("edit", "benchmark", "metr-time-horizon", "--set", "unit=percent", "-m", "x")
    assert edit.exit_code == 1
    assert "benchmark metr-time-horizon: 4 current results would lie outside" in edit.stderr
    # A file's row names its line and field, as every import error does (it said only
    # "benchmark metr-time-horizon: ..."), and which result to look at.
    path = tmp_path / "benchmarks.csv"
    path.write_text("slug,unit\nmmlu,percent\nmetr-time-horizon,percent\n")
    imported = run("import", str(path))
    assert imported.exit_code == 1 and len(imported.stderr.splitlines()) == 1
    assert imported.stderr.startswith(
        f"trendlab: error: {path}:3: unit: 4 current results of metr-time-horizon would lie "
        "outside the range of unit percent (r_"
    ), imported.stderr
    assert run("log", "--json").stdout == before
    assert run("check").exit_code == 0


def test_a_benchmark_unit_must_still_hold_its_bounds_and_baseline(
    run: Run, db: Path, tmp_path: Path
):
    """A unit written alone was judged without the bounds stored: --set unit=percent
    on a score benchmark with a ceiling of 1000 was taken (add-benchmark refuses that
    record), and check then failed. A bound stored outside its unit around trendlab
    still stops no write that keeps the unit."""
    import duckdb

    added = run("add-benchmark", "pts", "--unit", "score", "--floor", "-5", "--ceiling", "1000")
    assert added.exit_code == 0, added.stderr
    before = run("log", "--json").stdout
    edit = run("edit", "benchmark", "pts", "--set", "unit=percent", "-m", "x")
    assert edit.exit_code == 1
    assert edit.stderr == (
        "trendlab: error: edit pts: floor: -5.0 is outside the range of unit percent "
        "(0.0-100.0); ceiling: 1000.0 is outside the range of unit percent (0.0-100.0); "
        "nothing was written\n"
    )
    path = tmp_path / "benchmarks.csv"
    path.write_text("slug,unit,ceiling\nmmlu,percent,100\npts,percent,100\n")
    imported = run("import", str(path))
    assert imported.exit_code == 1
    assert imported.stderr == (
        f"trendlab: error: {path}:3: floor: -5.0 is outside the range of unit percent "
        "(0.0-100.0); nothing was written\n"
    )
    assert run("log", "--json").stdout == before
    assert run("check").exit_code == 0
    # Under the unit it keeps, a ceiling written around trendlab is check's to list.
    with duckdb.connect(str(db)) as con:
        revise_around(con, changeset_around(con), "benchmark_revisions", "mmlu", ceiling=150.0)
    noted = run("edit", "benchmark", "mmlu", "--set", "notes=a note", "-m", "x")
    assert noted.exit_code == 0, noted.stderr


def test_an_edit_to_0_of_a_negative_zero_is_taken(run: Run, db: Path):
    """A -0 written around trendlab, which check lists, compared equal to 0: `edit --set
    score=0`, the way to mend it, was "nothing to change". A second edit to 0 is."""
    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con)
        revise_around(con, cs, "result_revisions", "r_88bb9673515a14e8", score=-0.0)
        revise_around(con, cs, "benchmark_revisions", "math", floor=-0.0)
    assert run("check").exit_code == 1
    for args in (("result", "r_88bb9673515a14e8", "score=0"), ("benchmark", "math", "floor=0")):
        kind, key, assignment = args
        edited = run("edit", kind, key, "--set", assignment, "-m", "unsigned")
        assert edited.exit_code == 0, edited.stderr
        again = run("edit", kind, key, "--set", assignment, "-m", "again")
        assert again.exit_code == 1 and "nothing to change" in again.stderr
    checked = run("check")
    assert checked.exit_code == 0, checked.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        signs = con.execute(
            "SELECT (SELECT signbit(score) FROM results WHERE id = 'r_88bb9673515a14e8'), "
            "(SELECT signbit(floor) FROM benchmarks WHERE slug = 'math')"
        ).fetchone()
    assert signs == (False, False)


def test_a_score_stored_outside_its_unit_stops_no_edit_that_keeps_the_unit(
    run: Run, db: Path, tmp_path: Path
):
    """A score of 150 on MATH written around trendlab made every edit of MATH fail,
    a note as much as a unit, with "1 current result would lie outside the range of
    unit percent ...; keep the unit" though the unit was kept. check lists the score;
    only a change of unit that leaves it outside is refused."""
    import duckdb

    with duckdb.connect(str(db)) as con:
        revise_around(con, changeset_around(con), "result_revisions", "r_88bb9673515a14e8",
                      score=150.0)  # fmt: skip
    noted = run("edit", "benchmark", "math", "--set", "notes=a note", "-m", "x")
    assert noted.exit_code == 0, noted.stderr
    path = tmp_path / "benchmarks.csv"
    assert run("export", "benchmarks", "-o", str(path)).exit_code == 0
    path.write_text(path.read_text().replace(",MATH,", ",MATH (Hendrycks),"))
    imported = run("import", str(path), "-m", "x")
    assert imported.exit_code == 0 and "1 updated" in imported.stderr, imported.stderr
    before = run("log", "--json").stdout
    moved = run("edit", "benchmark", "math", "--set", "unit=elo", "-m", "x")
    assert moved.exit_code == 0, moved.stderr
    back = run("edit", "benchmark", "math", "--set", "unit=percent", "-m", "x")
    assert back.exit_code == 1
    assert back.stderr.startswith(
        "trendlab: error: benchmark math: 1 current result would lie outside the range of "
        "unit percent (r_88bb9673515a14e8 scores 150.0)"
    ), back.stderr
    assert run("log", "--json").stdout != before
    assert run("show", "benchmark", "math", "--json").stdout.count('"unit": "elo"') == 1


def test_a_changeset_that_fixes_one_of_two_scores_outside_the_unit_is_taken(run: Run, db: Path):
    """Two scores past 100 on MATH, written around trendlab: a changeset that edits MATH
    (keeping its unit) and then fixes one of them was refused, the one left outside
    counted against it, while the same writes the other way round were taken."""
    import duckdb

    from trendlab.db import Store
    from trendlab.kinds import BENCHMARKS, RESULTS
    from trendlab.records import Changeset, rows_frame

    listed = json.loads(run("list", "results", "--benchmark", "math", "--json").stdout)
    first, second = listed[0], listed[1]
    with duckdb.connect(str(db)) as con:
        around = changeset_around(con)
        revise_around(con, around, "result_revisions", first["id"], score=150.0)
        revise_around(con, around, "result_revisions", second["id"], score=160.0)
    fixed = {k: first[k] for k in ("model", "benchmark", "setting", "source_url")}
    with Store.open(db, read_only=False) as store, Changeset(store, "me", "fix one") as cs:
        cs.write(
            BENCHMARKS,
            rows_frame(BENCHMARKS, [{"slug": "math", "unit": "percent", "notes": "checked"}]),
        )
        cs.write(RESULTS, rows_frame(RESULTS, [{**fixed, "score": "15"}]))
    assert json.loads(run("show", "benchmark", "math", "--json").stdout)["notes"] == "checked"
    scores = {r["id"]: r["score"] for r in json.loads(run("list", "results", "--json").stdout)}
    assert (scores[first["id"]], scores[second["id"]]) == (15.0, 160.0)


def test_one_changeset_may_rescale_a_benchmark_and_its_scores_together(db: Path):
    from trendlab.db import Store
    from trendlab.kinds import BENCHMARKS, RESULTS
    from trendlab.records import Changeset, rows_frame

    run = make_runner(db)
    assert run("add-benchmark", "tb", "--unit", "score").exit_code == 0
    assert (
        run("add-result", "gpt-4", "tb", "150", "--source-url", "https://x.example/tb").exit_code
        == 0
    )
    with Store.open(db, read_only=False) as store, Changeset(store, "me", "to percent") as cs:
        cs.write(BENCHMARKS, rows_frame(BENCHMARKS, [{"slug": "tb", "unit": "percent"}]))
        result = {
            "model": "gpt-4",
            "benchmark": "tb",
            "score": "15",
            "source_url": "https://x.example/tb",
        }
        cs.write(RESULTS, rows_frame(RESULTS, [result]))
    assert json.loads(run("show", "benchmark", "tb", "--json").stdout)["unit"] == "percent"
    assert run("check").exit_code == 0


def test_a_benchmark_a_changeset_adds_and_then_changes_is_checked_as_a_changed_one(db: Path):
    """A benchmark one write of a changeset adds and a later one changes is one revision
    (an insert), so no update was counted, and its unit was not checked against the
    results written between: scores of 150 were kept under a unit of percent."""
    from trendlab.db import Store
    from trendlab.errors import TrendlabError
    from trendlab.kinds import BENCHMARKS, RESULTS
    from trendlab.records import Changeset, rows_frame

    result = {"model": "gpt-4", "benchmark": "tb2", "score": "150",
              "source_url": "https://x.example/tb2"}  # fmt: skip
    with (
        pytest.raises(TrendlabError, match="would lie outside the range of unit percent"),
        Store.open(db, read_only=False) as store,
        Changeset(store, "me", "add, then rescale") as cs,
    ):
        cs.write(BENCHMARKS, rows_frame(BENCHMARKS, [{"slug": "tb2", "unit": "score"}]))
        cs.write(RESULTS, rows_frame(RESULTS, [result]))
        cs.write(BENCHMARKS, rows_frame(BENCHMARKS, [{"slug": "tb2", "unit": "percent"}]))
    assert make_runner(db)("show", "benchmark", "tb2").exit_code == 1


def test_init_again_adds_nothing_and_says_what_differs_from_the_seeds(run: Run):
    again = run("init")
    assert again.exit_code == 0
    assert again.stderr.endswith("up to date, it has had every seed record\n")
    assert run("edit", "model", "gpt-4", "--set", "notes=checked", "-m", "t").exit_code == 0
    price = json.loads(run("prices", "--model", "gpt-4o", "--json").stdout)[0]["id"]
    assert run("retract", "price", price, "-m", "t").exit_code == 0
    before = run("log", "--json").stdout
    again = run("init")
    assert again.exit_code == 0
    assert again.stderr.endswith(
        "; 2 of them differ from these seeds and are kept as the database has them\n"
    )
    assert run("log", "--json").stdout == before
    assert json.loads(run("show", "model", "gpt-4", "--json").stdout)["notes"] == "checked"


def test_init_of_a_file_it_cannot_write_that_needs_nothing_says_so(
    db: Path, empty_db: Path, monkeypatch: pytest.MonkeyPatch
):
    """A read-only file (chmod 444, a read-only mount) holding every seed failed to
    open for writing, where there was nothing to write, as `migrate` of it did not;
    one lacking seeds still says why it cannot get them. DuckDB's words as a non-root
    user gets them."""
    run = make_runner(db)
    assert run("edit", "model", "gpt-4", "--set", "notes=checked", "-m", "t").exit_code == 0
    connect = duckdb.connect

    def unwritable(database: str = ":memory:", read_only: bool = False, **options: Any) -> Any:
        if not read_only and Path(database).parent == db.parent:
            raise duckdb.IOException(f'IO Error: Cannot open file "{database}": Permission denied')
        return connect(database, read_only=read_only, **options)

    monkeypatch.setattr(duckdb, "connect", unwritable)
    seeded = run("init")
    assert (seeded.exit_code, seeded.stdout) == (0, "")
    assert seeded.stderr == (
        f"{db}: up to date, it has had every seed record; 1 of them differ from these "
        "seeds and are kept as the database has them\n"
    )
    # "schema ready (no seeds loaded)" alone read as though the store were empty.
    held = json.loads(run("query", "SELECT count(*) AS n FROM changesets", "--json").stdout)
    held = held[0]["n"]
    schema = run("init", "--empty")
    assert (schema.exit_code, schema.stderr) == (
        0,
        f"{db}: schema ready (no seeds loaded; it already holds {held} changesets)\n",
    )
    refused = make_runner(empty_db)("init")
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"trendlab: error: cannot open {empty_db}: IO Error: Cannot open file "
        f'"{empty_db}": Permission denied\n'
    )


def test_init_of_a_store_in_a_read_only_folder_says_what_a_killed_build_left(
    db: Path, monkeypatch: pytest.MonkeyPatch
):
    """A killed init's hidden folder beside a store in a read-only folder (or mount):
    init could not remove it, and said nothing of it, where a writable store's init
    says it removed it. The OS's words as a non-root user gets them."""
    left = db.parent / f".{db.name}.init-left"
    left.mkdir()
    shutil.copy(db, left / db.name)
    connect, rmtree = duckdb.connect, shutil.rmtree

    def unwritable(database: str = ":memory:", read_only: bool = False, **options: Any) -> Any:
        if not read_only and Path(database).parent == db.parent:
            raise duckdb.IOException(f'IO Error: Cannot open file "{database}": Permission denied')
        return connect(database, read_only=read_only, **options)

    def unremovable(path: Any, **options: Any) -> None:
        # As rmtree does when the OS refuses: told to onexc or onerror where given.
        if Path(path) != left:
            return rmtree(path, **options)
        error = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(left / db.name))
        if options.get("onexc"):
            options["onexc"](os.unlink, str(left / db.name), error)
        elif options.get("onerror"):
            options["onerror"](os.unlink, str(left / db.name), (PermissionError, error, None))
        else:
            raise error

    monkeypatch.setattr(duckdb, "connect", unwritable)
    monkeypatch.setattr(shutil, "rmtree", unremovable)
    result = make_runner(db)("init")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        f"cannot remove {left}, left by an init or copy that did not finish: "
        f"Permission denied\n{db}: up to date, it has had every seed record\n"
    )


def test_init_again_counts_a_renamed_seed_organization_as_differing(run: Run):
    """A seeded organization renamed since was left out of "N of them differ": the seeds
    name it only through their models, whose write counted only the models. Renamed
    back, it is as the seeds have it again."""
    assert run("edit", "model", "gpt-4", "--set", "notes=checked", "-m", "t").exit_code == 0
    renamed = run("edit", "organization", "openai", "--set", "name=OpenAI Inc", "-m", "t")
    assert renamed.exit_code == 0, renamed.stderr
    before = run("log", "--json").stdout
    again = run("init")
    assert again.exit_code == 0, again.stderr
    assert again.stderr.endswith(
        "; 2 of them differ from these seeds and are kept as the database has them\n"
    )
    assert run("log", "--json").stdout == before
    assert json.loads(run("show", "organization", "openai", "--json").stdout)["name"] == (
        "OpenAI Inc"
    )
    assert run("edit", "organization", "openai", "--set", "name=OpenAI", "-m", "t").exit_code == 0
    again = run("init")
    assert again.stderr.endswith(
        "; 1 of them differ from these seeds and are kept as the database has them\n"
    )


# -- floor and ceiling: chance level and the best achievable, whichever way is better ----

ERROR_RATE = ("add-benchmark", "err", "--unit", "percent", "--no-higher-is-better")


def _one_line_refusal(result, expected: str) -> None:
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    assert expected in result.stderr, result.stderr
    assert result.stderr.startswith("trendlab: error: ") and result.stderr.count("\n") == 1
    assert result.stderr.rstrip().endswith("nothing was written"), result.stderr


@both_stores
def test_a_lower_is_better_benchmark_takes_floor_as_chance_and_ceiling_as_best(run: Run):
    """An error rate's floor (chance, the worst) is the higher number."""
    before = run("log", "--json").stdout
    wrong_way = {
        ("--floor", "0", "--ceiling", "100"): "--floor must be above --ceiling when lower is",
        # No ceiling given: the unit's best end, 0 for a percent error rate.
        ("--floor", "0"): "(with no --ceiling given, the best end of unit percent: 0.0)",
    }
    for bounds, expected in wrong_way.items():
        result = run(*ERROR_RATE, *bounds)
        _one_line_refusal(result, expected)
    # And the other way round when higher is better, the unit filling in as well.
    _one_line_refusal(
        run("add-benchmark", "acc", "--unit", "percent", "--floor", "100"),
        "--floor must be below --ceiling (with no --ceiling given, the best end of unit percent: "
        "100.0)",
    )
    assert run("log", "--json").stdout == before
    added = run(*ERROR_RATE, "--floor", "100", "--ceiling", "0")
    assert added.exit_code == 0, added.stderr
    shown = json.loads(run("show", "benchmark", "err", "--json").stdout)
    assert (shown["higher_is_better"], shown["floor"], shown["ceiling"]) == (False, 100.0, 0.0)
    # Flipping the direction alone leaves the bounds the wrong way round.
    flip = run("edit", "benchmark", "err", "--set", "higher_is_better=true", "-m", "flip")
    _one_line_refusal(flip, "floor must be below ceiling")
    assert "if lower is better" not in flip.stderr  # it was said: higher is better
    flipped = run(
        "edit",
        "benchmark",
        "err",
        "--set",
        "higher_is_better=true",
        "--set",
        "floor=0",
        "--set",
        "ceiling=100",
        "-m",
        "an accuracy after all",
    )
    assert flipped.exit_code == 0, flipped.stderr
    assert run("check").exit_code == 0


def test_bounds_the_wrong_way_round_are_named_as_the_command_line_gave_them(run: Run):
    """add-benchmark named its options as a file's fields ('if lower is better, say so:
    higher_is_better false', an option it does not have); it names what the user
    types, edit its --set FIELD=VALUE. Still exit 1: the values are wrong only together
    (see the README's exit codes), and a file still names its columns (see below)."""
    result = run("add-benchmark", "err", "--unit", "percent", "--floor", "100", "--ceiling", "0")
    _one_line_refusal(
        result,
        "add-benchmark: --floor must be below --ceiling; if lower is better, say so: "
        "--no-higher-is-better; nothing was written",
    )
    result = run(*ERROR_RATE, "--floor", "0", "--ceiling", "100")
    _one_line_refusal(result, "add-benchmark: --floor must be above --ceiling when lower is")
    # Equal bounds are wrong whichever way is better: no hint that would not help.
    result = run("add-benchmark", "err", "--unit", "percent", "--floor", "50", "--ceiling", "50")
    _one_line_refusal(result, "add-benchmark: --floor must be below --ceiling; nothing was")
    assert run("add-benchmark", "err", "--unit", "percent").exit_code == 0
    result = run("edit", "benchmark", "err", "--set", "floor=100", "--set", "ceiling=0", "-m", "t")
    _one_line_refusal(
        result,
        "edit err: floor must be below ceiling; if lower is better, say so: "
        "--set higher_is_better=false; nothing was written",
    )
    # A direction stored as higher-is-better that the edit leaves as it is: the hint
    # still says how to change it; one the edit sets is the user's word, no hint.
    edit = ("edit", "benchmark", "gsm8k", "--set", "floor=100", "--set", "ceiling=0")
    result = run(*edit, "-m", "t")
    _one_line_refusal(
        result,
        "edit gsm8k: floor must be below ceiling; if lower is better, say so: "
        "--set higher_is_better=false; nothing was written",
    )
    result = run(*edit, "--set", "higher_is_better=true", "-m", "t")
    _one_line_refusal(result, "edit gsm8k: floor must be below ceiling; nothing was written")
    assert run(*edit, "--set", "higher_is_better=false", "-m", "t").exit_code == 0


def test_a_bound_or_baseline_outside_its_unit_names_the_option_typed(run: Run):
    """add-benchmark --human-baseline 101 was refused as 'human_baseline: 101.0 is
    outside ...', a name the command line does not have; edit's --set still names the
    field, as it is typed there."""
    before = run("log", "--json").stdout
    for option, field in (("--human-baseline", "human_baseline"), ("--floor", "floor")):
        result = run("add-benchmark", "b", "--unit", "percent", option, "101")
        _one_line_refusal(
            result,
            f"add-benchmark: {option}: 101.0 is outside the range of unit percent "
            "(0.0-100.0); nothing was written",
        )
        result = run("edit", "benchmark", "mmlu", "--set", f"{field}=101", "-m", "x")
        _one_line_refusal(result, f"edit mmlu: {field}: 101.0 is outside the range of unit")
    assert run("log", "--json").stdout == before


def test_bounds_too_far_apart_to_subtract_are_refused_however_they_come(run: Run, tmp_path: Path):
    """A forecast rescales scores by ceiling - floor: at -1e308 and 1e308 that is
    infinite, and every score the same fraction of it (the frontier was "1 point")."""
    before = run("log", "--json").stdout
    result = run(
        "add-benchmark", "wide", "--unit", "score", "--floor", "-1e308", "--ceiling", "1e308"
    )
    _one_line_refusal(
        result,
        "add-benchmark: --floor and --ceiling are too far apart: the range between them is "
        "past the largest number a forecast can compute with; nothing was written",
    )
    assert run("add-benchmark", "wide", "--unit", "score", "--floor", "-1e307").exit_code == 0
    result = run("edit", "benchmark", "wide", "--set", "ceiling=1.7e308", "-m", "t")
    _one_line_refusal(result, "edit wide: floor and ceiling are too far apart")
    path = tmp_path / "benchmarks.csv"
    path.write_text("slug,unit,floor,ceiling\nwider,score,-1e308,1e308\n")
    _one_line_refusal(run("import", str(path)), f"{path}:2: floor and ceiling are too far apart")
    assert run("show", "benchmark", "wider").exit_code == 1
    assert json.loads(run("show", "benchmark", "wide", "--json").stdout)["ceiling"] is None
    assert len(json.loads(run("log", "--json").stdout)) == len(json.loads(before)) + 1


def test_an_import_checks_the_bounds_as_the_record_will_stand(run: Run, tmp_path: Path):
    """A file without higher_is_better is checked against the stored direction."""
    assert (
        run(
            "add-benchmark", "err", "--unit", "percent", "--no-higher-is-better", "--ceiling", "5"
        ).exit_code
        == 0
    )
    path = tmp_path / "benchmarks.csv"
    path.write_text("slug,unit,floor,ceiling\nerr,percent,2,50\n")
    result = run("import", str(path))
    _one_line_refusal(result, "floor must be above ceiling when lower is better")
    path.write_text("slug,unit,floor,ceiling\nerr,percent,50,2\n")
    assert run("import", str(path)).exit_code == 0


@both_stores
def test_bounds_judged_as_the_record_will_stand_are_listed_with_the_other_bad_rows(
    run: Run, tmp_path: Path
):
    """Such rules were checked only once every row had passed the others: a file with a
    bad unit on one line and bounds the wrong way round on another listed the first,
    and the second only after it was fixed."""
    path = tmp_path / "benchmarks.csv"
    path.write_text("slug,unit,floor,ceiling\nnew-a,percent,50,40\nnew-b,percent,,150\n")
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"trendlab: error: {path}: 2 bad rows; nothing was written",
        # No direction given, bounds the other way round: most likely lower is better.
        f"  {path}:2: floor must be below ceiling; if lower is better, say so: "
        "higher_is_better false",
        f"  {path}:3: ceiling: 150.0 is outside the range of unit percent (0.0-100.0)",
    ]
    prices = tmp_path / "prices.csv"
    prices.write_text(
        "model,provider,effective_date,input_usd_per_mtok\n"
        "gpt-4,Acme,2024-02-30,1\ngpt-4o,Acme,2024-06-01,\n"
    )
    result = run("import", str(prices))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        f"  {prices}:2: effective_date: '2024-02-30' is not a date (YYYY-MM-DD)",
        f"  {prices}:3: a price needs input_usd_per_mtok or output_usd_per_mtok",
    ]
    assert run("show", "benchmark", "new-a").exit_code == 1


@both_stores
def test_results_past_the_ceiling_are_data_that_check_and_forecast_report(
    run: Run, tmp_path: Path, on_store: str
):
    """A ceiling below the results is recorded, as any data is; check lists the results
    past it, and a forecast refuses rather than put its median below today's best."""
    edit = run("edit", "benchmark", "mmlu", "--set", "ceiling=80", "-m", "typo")
    assert edit.exit_code == 0, edit.stderr
    # The edit itself says so, rather than leave it to the next check or forecast.
    assert edit.stderr.splitlines()[-1] == (
        "30 current results of mmlu lie past its ceiling 80: forecasts of mmlu refuse "
        f"until the results or the ceiling are fixed (`{on_store} check` lists them)"
    )
    # A write that moves no ceiling says nothing of them: another field of mmlu, or a
    # file of every benchmark imported again with another one renamed.
    url = run("edit", "benchmark", "mmlu", "--set", "url=https://example.org/mmlu", "-m", "t")
    assert url.exit_code == 0 and "past its ceiling" not in url.stderr, url.stderr
    every = tmp_path / "benchmarks.csv"
    assert run("export", "benchmarks", "-o", str(every)).exit_code == 0
    every.write_text(every.read_text().replace(",GSM8K,", ",GSM8K (grade school),"))
    renamed = run("import", str(every), "-m", "t")
    assert "1 updated" in renamed.stderr and "past its ceiling" not in renamed.stderr, (
        renamed.stderr
    )
    found = json.loads(run("check", "--json").stdout)
    beyond = [v for v in found if v["check"] == "11_results_beyond_ceiling"]
    assert len(beyond) == 30
    assert "score 90.04 is above the ceiling 80.0 of benchmark mmlu" in {
        v["problem"] for v in beyond
    }
    forecast = run("forecast", "mmlu")
    assert forecast.exit_code == 1 and forecast.stdout == ""
    assert forecast.stderr == (
        "trendlab: error: mmlu: the best score, 90.04 by gemini-1.0-ultra, is above the "
        "ceiling 80 (the best achievable); correct the result, or set a ceiling of at least "
        f"90.04 with `{on_store} edit benchmark mmlu --set ceiling=...`\n"
    )
    # The best result itself is achievable.
    at_best = run("edit", "benchmark", "mmlu", "--set", "ceiling=90.04", "-m", "label noise")
    assert at_best.exit_code == 0, at_best.stderr
    assert "past its ceiling" not in at_best.stderr
    assert run("check").exit_code == 0
    assert run("forecast", "mmlu").exit_code == 0
    lowered = tmp_path / "lowered" / "benchmarks.csv"
    lowered.parent.mkdir()
    lowered.write_text("slug,name,unit,ceiling\ngsm8k,GSM8K,percent,90\n")
    imported = run("import", str(lowered), "-m", "t")
    assert imported.exit_code == 0, imported.stderr
    assert re.search(
        r"^\d+ current results of gsm8k lie past its ceiling 90: ", imported.stderr, re.M
    )


def test_a_result_written_past_its_benchmarks_ceiling_is_told(
    run: Run, tmp_path: Path, on_store: str
):
    """A ceiling moved past results is told on stderr, but a result written past its
    benchmark's ceiling was recorded without a word, though forecasts of the benchmark
    then refuse. Every write of results past it says so now, as the ceiling's edit does."""
    assert run("edit", "benchmark", "mmlu", "--set", "ceiling=90.04", "-m", "t").exit_code == 0

    def told(n: int) -> str:
        results, lie = ("1 current result", "lies") if n == 1 else (f"{n} current results", "lie")
        return (
            f"{results} of mmlu {lie} past its ceiling 90.04: forecasts of mmlu refuse until "
            f"the results or the ceiling are fixed (`{on_store} check` lists them)"
        )

    url = "https://x.example/past"
    added = run("add-result", "gpt-4", "mmlu", "95", "--source-url", url, "-m", "t")
    assert added.exit_code == 0, added.stderr
    assert added.stderr.splitlines()[-1] == told(1)
    path = tmp_path / "results.csv"
    path.write_text(
        f"model,benchmark,score,setting,source_url\ngpt-4,mmlu,96,b,{url}\ngpt-4,mmlu,50,c,{url}\n"
    )
    imported = run("import", str(path), "-m", "t")
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr.splitlines()[-1] == told(2)
    # Nothing past it changed: nothing is said, as for a write that moves no ceiling.
    again = run("import", str(path), "-m", "t")
    assert again.exit_code == 0 and "past its ceiling" not in again.stderr, again.stderr
    below = run("add-result", "gpt-4", "mmlu", "60", "--setting", "d", "--source-url", url)
    assert below.exit_code == 0 and "past its ceiling" not in below.stderr, below.stderr
    # However many lay past it before: one moved further past it, or one written past
    # it while another is fixed, is told (a count of them alone stayed the same).
    further = run("edit", "result", added.stdout.strip(), "--set", "score=97", "-m", "t")
    assert further.exit_code == 0 and further.stderr.splitlines()[-1] == told(2)
    path.write_text(
        f"model,benchmark,score,setting,source_url\ngpt-4,mmlu,98,e,{url}\ngpt-4,mmlu,50,b,{url}\n"
    )
    swapped = run("import", str(path), "-m", "t")
    assert swapped.exit_code == 0 and swapped.stderr.splitlines()[-1] == told(2)
    # A write within bounds says nothing of the others, nor an edit of a note.
    fixed = run("edit", "result", added.stdout.strip(), "--set", "score=85", "-m", "typo")
    assert fixed.exit_code == 0 and "past its ceiling" not in fixed.stderr, fixed.stderr
    noted = run("edit", "result", "gpt-4/mmlu/e", "--set", "notes=as printed", "-m", "t")
    assert noted.exit_code == 0 and "past its ceiling" not in noted.stderr, noted.stderr
    last = run("edit", "result", "gpt-4/mmlu/e", "--set", "score=86", "-m", "typo")
    assert last.exit_code == 0 and "past its ceiling" not in last.stderr, last.stderr
    assert run("check").exit_code == 0


def test_a_result_written_beside_a_nan_bound_is_told_only_what_check_lists(run: Run, db: Path):
    """A NaN ceiling (written around trendlab), which DuckDB orders above every number,
    had every result written to a lower-is-better benchmark told that all its results
    lay past it, and sent to `check`, which leaves NaN to field_rules; a NaN floor hid
    results past a ceiling that check lists. NaN is unknown, as check reads it."""
    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con)
        revise_around(
            con,
            cs,
            "benchmark_revisions",
            "math",
            unit="score",
            floor=None,
            ceiling=float("nan"),
            higher_is_better=False,
        )
        revise_around(
            con,
            cs,
            "benchmark_revisions",
            "gsm8k",
            unit="score",
            floor=float("nan"),
            ceiling=50.0,
        )
    low = run("add-result", "gpt-4", "math", "30", "-m", "t")
    assert low.exit_code == 0 and "past its ceiling" not in low.stderr, low.stderr
    high = run("add-result", "gpt-4", "gsm8k", "70", "-m", "t")
    assert high.exit_code == 0, high.stderr
    beyond = [
        v
        for v in json.loads(run("check", "--json").stdout)
        if v["check"] == "11_results_beyond_ceiling"
    ]
    assert {v["problem"].split(" of benchmark ")[1] for v in beyond} == {"gsm8k"}
    assert re.fullmatch(
        rf"{len(beyond)} current results of gsm8k lie past its ceiling 50: .*",
        high.stderr.splitlines()[-1],
    ), high.stderr


@both_stores
def test_a_lower_is_better_result_past_the_ceiling_or_below_chance_is_recorded(run: Run):
    added = run(*ERROR_RATE, "--floor", "90", "--ceiling", "2")
    assert added.exit_code == 0, added.stderr
    url = ("--source-url", "https://x.example/err")
    # Worse than chance, and better than the stated best: both are data.
    assert run("add-result", "gpt-4", "err", "95", *url, "-m", "below chance").exit_code == 0
    assert run("add-result", "claude-3-opus", "err", "1.5", *url, "-m", "x").exit_code == 0
    found = json.loads(run("check", "--json").stdout)
    assert [v["problem"] for v in found if v["check"] == "11_results_beyond_ceiling"] == [
        "score 1.5 is below the ceiling 2.0 of benchmark err"
    ]
    refused = run("forecast", "err")
    assert refused.exit_code == 1
    assert "is below the ceiling 2 (the best achievable)" in refused.stderr
    assert "set a ceiling of at most 1.5" in refused.stderr
    assert run("edit", "benchmark", "err", "--set", "ceiling=0", "-m", "x").exit_code == 0
    assert run("check").exit_code == 0


def test_a_score_at_either_end_of_its_unit_is_recorded_and_one_past_it_is_not(
    run_empty: Run,
):
    """percent is 0-100 inclusive: 0 and 100 are scores; -0.5 and 100.5 are not, an
    error naming the argument SCORE, as an option's is named (it said score:)."""
    run = run_empty
    assert run("add-benchmark", "ends", "--unit", "percent", "-m", "t").exit_code == 0
    assert run("add-model", "m", "-m", "t").exit_code == 0
    url = ("--source-url", "https://x.example/ends")
    for score in ("0", "100"):
        added = run("add-result", "m", "ends", score, *url, "--setting", score, "-m", "t")
        assert added.exit_code == 0, added.stderr
    for score in ("-0.5", "100.5"):
        refused = run("add-result", "m", "ends", score, *url, "-m", "t")
        assert refused.exit_code == 1, refused.stderr
        assert refused.stderr == (
            f"trendlab: error: add-result: SCORE: {score} is outside the range of unit "
            "percent (0.0-100.0); nothing was written\n"
        )


def test_check_finds_bad_bounds_and_results_past_the_ceiling(run: Run, db: Path):
    """Written around trendlab (or by a trendlab that read a lower-is-better benchmark's
    bounds lowest first): check names the bounds and the results past the ceiling."""
    import duckdb

    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con)
        revise_around(con, cs, "benchmark_revisions", "mmlu", ceiling=80.0)
        revise_around(con, cs, "benchmark_revisions", "gsm8k", higher_is_better=False)
    result = run("check", "--json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    beyond = [v for v in found if v["check"] == "11_results_beyond_ceiling"]
    assert len(beyond) == 30
    assert "score 90.04 is above the ceiling 80.0 of benchmark mmlu" in {
        v["problem"] for v in beyond
    }
    bounds = [v for v in found if v["check"] == "05_benchmark_bounds"]
    assert [(v["key"], v["problem"]) for v in bounds] == [
        (
            "gsm8k",
            "floor 0.0 is not above ceiling 100.0 "
            "(lower is better: floor is chance level, ceiling the best achievable)",
        )
    ]


def test_check_lists_a_ceiling_on_the_wrong_side_of_its_floor_once(run: Run, db: Path):
    """A ceiling at its floor, the floor given (lower being better) or the unit's worst
    end, is 05_benchmark_bounds's one line: 11_results_beyond_ceiling listed every
    result of the benchmark beside it, as if each were past the best achievable."""
    import duckdb

    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con)
        revise_around(
            con, cs, "benchmark_revisions", "mmlu", higher_is_better=False, floor=50.0, ceiling=50.0
        )
        revise_around(con, cs, "benchmark_revisions", "gsm8k", floor=None, ceiling=0.0)
    result = run("check", "--json")
    assert result.exit_code == 1
    assert [(v["check"], v["key"], v["problem"]) for v in json.loads(result.stdout)] == [
        (
            "05_benchmark_bounds",
            "gsm8k",
            "floor 0.0 (none given: unit percent's worst end) is not below ceiling 0.0",
        ),
        (
            "05_benchmark_bounds",
            "mmlu",
            "floor 50.0 is not above ceiling 50.0 "
            "(lower is better: floor is chance level, ceiling the best achievable)",
        ),
    ]


def test_an_author_is_a_name_on_one_line(run: Run, monkeypatch: pytest.MonkeyPatch):
    """A blank --author said only 'Invalid value for --author: is blank: give a name'.
    It says what the option is for and where the default comes from, and a bad
    TRENDLAB_AUTHOR is named as such, not as an option the user never gave."""
    blank = (
        "trendlab: error: --author needs a name, recorded as the author of each change: "
        "give one (e.g. --author 'Ada Lovelace'), or leave --author out to use "
        "TRENDLAB_AUTHOR, else git's user.name, else the OS user (see 'cli --help')\n"
    )
    multi_line = (
        "trendlab: error: {} must be a name on one line, with no control characters: "
        "it is recorded as the author of each change (see 'cli --help')\n"
    )
    for author, problem in (
        ("", blank),
        ("   ", blank),
        ("Ada\nLovelace", multi_line.format("--author")),
    ):
        result = run("--author", author, "add-model", "a-2", "-m", "x")
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == problem
    monkeypatch.setenv("TRENDLAB_AUTHOR", "Ada\tLovelace")
    from_env = run("add-model", "a-2", "-m", "x")
    assert from_env.exit_code == 2 and from_env.stderr == multi_line.format("TRENDLAB_AUTHOR")
    monkeypatch.delenv("TRENDLAB_AUTHOR")
    assert run("show", "model", "a-2").exit_code == 1
    # A blank TRENDLAB_AUTHOR is as good as unset: the default author applies.
    monkeypatch.setenv("TRENDLAB_AUTHOR", " ")
    blank_env = run("add-model", "a-3", "-m", "x")
    assert blank_env.exit_code == 0, blank_env.stderr
    author = json.loads(run("log", "--limit", "1", "--json").stdout)[0]["author"]
    assert author == default_author() and author.strip()
    assert run("--author", "  Ada Lovelace ", "add-model", "a-2", "-m", "x").exit_code == 0
    assert json.loads(run("log", "--limit", "1", "--json").stdout)[0]["author"] == "Ada Lovelace"


def test_an_author_may_spell_with_joiners_and_other_spaces(
    run: Run, monkeypatch: pytest.MonkeyPatch
):
    """--author refused, as holding "control characters", a Persian name's zero-width
    non-joiner, a Japanese name's ideographic space, a no-break space and an emoji's
    joiner (str.isprintable's rule): each is recorded as given, and a character that
    hides or reorders text still is not."""
    names = ["\u0646\u06cc\u06a9\u200c\u0646\u0627\u0645", "山田\u3000太郎", "Ada\u00a0Lovelace"]
    names.append("\U0001f469\u200d\U0001f52c Ada")
    for n, name in enumerate(names):
        added = run("--author", name, "add-model", f"spelt-{n}", "-m", "x")
        assert added.exit_code == 0, added.stderr
        assert json.loads(run("log", "--limit", "1", "--json").stdout)[0]["author"] == name
    monkeypatch.setenv("TRENDLAB_AUTHOR", "山田\u3000太郎")
    assert run("add-model", "spelt-env", "-m", "x").exit_code == 0
    assert json.loads(run("log", "--limit", "1", "--json").stdout)[0]["author"] == names[1]
    for hiding in ("a\u202eb", "a\u200bb", "a\u2028b"):
        refused = run("--author", hiding, "add-model", "hidden", "-m", "x")
        assert refused.exit_code == 2 and "--author must be a name on one line" in refused.stderr


def test_a_user_with_no_name_is_asked_for_an_author(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A container's user id with no entry in /etc/passwd, with no git user.name and no
    TRENDLAB_AUTHOR, made every write "internal error (KeyError: 'getpwuid(): uid not
    found: 12345'); this is a bug in trendlab", exit 70."""
    import getpass

    def no_name() -> str:
        raise KeyError("getpwuid(): uid not found: 12345")

    monkeypatch.delenv("TRENDLAB_AUTHOR")
    monkeypatch.setenv("PATH", str(tmp_path))  # no git to ask
    monkeypatch.setattr(getpass, "getuser", no_name)
    run = make_runner(db)
    refused = run("add-model", "a-2", "-m", "x")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr == (
        "trendlab: error: no author to record: TRENDLAB_AUTHOR is unset, git has no "
        "user.name and the OS user has no name; give --author NAME (or set "
        "TRENDLAB_AUTHOR) (see 'cli --help')\n"
    )
    assert run("show", "model", "a-2").exit_code == 1
    assert run("--author", "Ada", "add-model", "a-2", "-m", "x").exit_code == 0


def test_a_default_author_is_a_name_on_one_line(db: Path, monkeypatch: pytest.MonkeyPatch):
    """git's user.name in Latin-1 made every write "internal error (UnicodeDecodeError:
    ...)", exit 70; one with a tab or a line break in it was recorded as the author,
    where --author and TRENDLAB_AUTHOR so written are refused."""
    monkeypatch.delenv("TRENDLAB_AUTHOR")
    # Above every git config file, as `git -c` is.
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.name")
    run = make_runner(db)
    fix = (
        "and it is recorded as the author of each change: give --author NAME (or set "
        "TRENDLAB_AUTHOR), or correct git's user.name (see 'cli --help')\n"
    )
    for name, problem in (
        ("Ren\udce9", "trendlab: error: git's user.name is not UTF-8 text, " + fix),
        (
            "Ada\tLove\nlace",
            "trendlab: error: git's user.name 'Ada\\tLove\\nlace' is not a name on one "
            "line, with no control characters, " + fix,
        ),
    ):
        monkeypatch.setenv("GIT_CONFIG_VALUE_0", name)
        refused = run("add-model", "a-2", "-m", "x")
        assert refused.exit_code == 2 and refused.stdout == ""
        assert refused.stderr == problem
        assert run("show", "model", "a-2").exit_code == 1
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", " Ada Lovelace ")
    assert run("add-model", "a-2", "-m", "x").exit_code == 0
    assert json.loads(run("log", "--limit", "1", "--json").stdout)[0]["author"] == "Ada Lovelace"


def test_a_retracted_alias_added_again_for_another_model_keeps_only_the_fields_given(
    run: Run,
):
    """Its notes and source said where the model it named went by that name; for the
    same model they are kept, as any record restored by an add keeps what it leaves out."""
    stored = json.loads(run("show", "alias", "gpt-4-0314", "--json").stdout)
    assert stored["source_url"] is not None
    assert run("retract", "alias", "gpt-4-0314", "-m", "gone").exit_code == 0
    same = run("alias", "add", "gpt-4", "gpt-4-0314", "-m", "back")
    assert same.exit_code == 0 and "; kept its stored source_url" in same.stderr
    assert json.loads(run("show", "alias", "gpt-4-0314", "--json").stdout) == stored
    # Moved to another model, retracted, then added again: not the old notes.
    assert run("alias", "add", "gpt-4o", "gpt-4-0314", "-m", "move").exit_code != 0
    assert run("retract", "alias", "gpt-4-0314", "-m", "gone").exit_code == 0
    assert run("alias", "add", "gpt-4o", "gpt-4-0314", "-m", "back").exit_code == 0
    alias = json.loads(run("show", "alias", "gpt-4-0314", "--json").stdout)
    assert (alias["model"], alias["notes"], alias["source_url"]) == ("gpt-4o", None, None)


def test_a_name_spaced_otherwise_is_said_to_be_taken_so(run: Run):
    """Google  DeepMind was refused as "already the name of organization google-deepmind
    (ignoring case and accents)", which its spaces, not its case, made it."""
    renamed = run("edit", "organization", "openai", "--set", "name=Google  DeepMind", "-m", "x")
    assert renamed.exit_code == 1
    assert (
        "'Google  DeepMind' is already the name of organization google-deepmind "
        "(ignoring case, accents and repeated spaces)" in renamed.stderr
    )


def test_two_organizations_may_not_share_a_name(run: Run, store_location: str):
    taken = run("import", "--kind", "organizations", "-", input="slug,name\nopenai-2,OPENAI\n")
    assert taken.exit_code == 1
    assert "'OPENAI' is already the name of organization openai" in taken.stderr
    twice = run(
        "import", "--kind", "organizations", "-", input="slug,name\nz-a,Zürich AI\nz-b,zurich ai\n"
    )
    assert twice.exit_code == 1 and twice.stderr.count("names two organizations") == 2
    renamed = run("edit", "organization", "openai", "--set", "name=Anthropic", "-m", "x")
    assert renamed.exit_code == 1 and "organization anthropic" in renamed.stderr
    assert run("show", "organization", "openai-2").exit_code == 1
    # Swapping two names in one file is not a clash; an export imports back as it was.
    swap = run(
        "import",
        "--kind",
        "organizations",
        "-",
        input="slug,name\nopenai,Anthropic\nanthropic,OpenAI\n",
    )
    assert swap.exit_code == 0, swap.stderr
    # Written around trendlab, check finds it.
    store = Store.open(store_location, read_only=False)
    changeset = changeset_around(store.con)
    revise_around(store.con, changeset, "organization_revisions", "google", name="OPENAI")
    # Names compare as the write path folds them: ß is ss, a full-width letter a letter.
    revise_around(store.con, changeset, "organization_revisions", "meta", name="Straße Ｌａｂ")
    revise_around(store.con, changeset, "organization_revisions", "amazon", name="STRASSE LAB")
    store.close()
    check = run("check", "--json")
    assert check.exit_code == 1
    problems = {(v["key"], v["problem"]) for v in json.loads(check.stdout)}
    assert (
        "google",
        "name OPENAI is also the name of organization anthropic ignoring case, accents "
        "and repeated spaces",
    ) in problems
    assert (
        "amazon",
        "name STRASSE LAB is also the name of organization meta ignoring case, accents "
        "and repeated spaces",
    ) in problems
    # The audits' fold() is registered once per connection, however often they run.
    store = Store.open(store_location, read_only=True)
    try:
        assert store.check().height == store.check().height == len(problems)
    finally:
        store.close()


def test_names_and_labels_are_one_line_of_text(run: Run):
    """A model's organization held a line break (so did the organization record it
    makes), and so could a name, a metric, a setting, a provider or an API model id:
    each is a name or label typed on command lines and shown in one-line notes and
    keys. Refused as an alias's is, naming the option that gave it (a usage error, exit
    2) or the field and line of a file (a data error, exit 1), and nothing is written."""
    before = run("log", "--json").stdout
    for args, expected in [
        (["add-model", "nl-1", "--organization", "Open\nAI"], "--organization: 'Open\\nAI'"),
        (["add-model", "nl-1", "--name", "Two\tParts"], "--name: 'Two\\tParts'"),
        (
            ["add-benchmark", "nl-b", "--unit", "score", "--name", "B\u2028N"],
            "--name: 'B\\u2028N'",
        ),
        (
            ["add-benchmark", "nl-b", "--unit", "score", "--metric", "pass\x01@1"],
            "--metric: 'pass\\x01@1'",
        ),
        (["add-result", "gpt-4", "mmlu", "50", "--setting", "5\nshot"], "--setting: '5\\nshot'"),
        (["add-price", "gpt-4", "Acme\nCo", "2024-01-01", "--input", "1"], "PROVIDER: 'Acme\\nCo'"),
        (
            [
                "add-price",
                "gpt-4",
                "Acme",
                "2024-01-01",
                "--input",
                "1",
                "--api-model-id",
                "a\x85b",
            ],
            "--api-model-id: 'a\\x85b'",
        ),
        (
            ["edit", "model", "gpt-4", "--set", "organization=Open\nAI"],
            "--set organization: 'Open\\nAI'",
        ),
        (["import", "--kind", "organizations", "-"], "stdin:2: name: 'Acme\\nX'"),
    ]:
        result = run(*args, "-m", "t", input='slug,name\nacme-x,"Acme\nX"\n')
        code = 1 if args[0] == "import" else 2
        assert result.exit_code == code and result.stdout == "", (args, result.output)
        (line,) = result.stderr.splitlines()
        assert expected in line, line
        assert "holds a line break or another control character; it must be one line" in line
    assert run("log", "--json").stdout == before
    # Letters of any script, and invisible joiners some of them need, are text.
    persian = "\u0645\u06cc\u200c\u0634\u0648\u062f"
    added = run("add-model", "nl-2", "--organization", f"Zürich {persian}", "-m", "t")
    assert added.exit_code == 0, added.stderr


@both_stores
def test_no_write_stores_a_nul_in_text(run: Run, tmp_path: Path):
    """A NUL in a text field was stored in a DuckDB file, and a team store refused the
    commit naming no line or field (PostgreSQL text cannot hold one), so no such store
    could be copied to a team store. Every write refuses it, in any text field: an
    option or --set is a usage error naming it (exit 2), a file's line and field a data
    error (exit 1), and nothing is written. Tabs and newlines in notes stay text."""
    before = run("log", "--json").stdout
    told = "holds a NUL character (\\x00): a store must stay copyable to a team store"
    for args, expected in [
        (["add-model", "nul-m", "--notes", "a\x00b"], "--notes: 'a\\x00b' "),
        (["add-model", "nul-m", "--name", "N\x00"], "--name: 'N\\x00' "),
        (["add-benchmark", "nul-b", "--unit", "score", "--description", "\x00d"], "--description"),
        (["add-result", "gpt-4", "mmlu", "50", "--setting", "5\x00shot"], "--setting: "),
        (
            ["add-price", "gpt-4", "Acme", "2024-01-01", "--input", "1", "--notes", "\x00"],
            "--notes",
        ),
        (["add-model", "nul-m", "--source-url", "https://e.org/\x00"], "--source-url: "),
        (["alias", "add", "gpt-4", "g\x00"], "ALIAS: "),
        (["edit", "model", "gpt-4", "--set", "notes=a\x00b"], "--set notes: 'a\\x00b' "),
    ]:
        result = run(*args, *(["-m", "t"] if args[0] != "alias" else []))
        assert result.exit_code == 2 and result.stdout == "", (args, result.output)
        (line,) = result.stderr.splitlines()
        assert expected in line and told in line, line
        assert "control character" not in line, line
    path = tmp_path / "models.jsonl"
    path.write_text('{"slug": "nul-1"}\n{"slug": "nul-2", "notes": "a\\u0000b"}\n')
    imported = run("import", str(path), "-m", "t")
    assert imported.exit_code == 1
    assert imported.stderr == (
        f"trendlab: error: {path}:2: notes: 'a\\x00b' {told}, whose PostgreSQL cannot "
        "hold one; nothing was written\n"
    )
    assert run("log", "--json").stdout == before
    added = run("add-model", "nul-m", "--notes", "tab\there\nnext line", "-m", "t")
    assert added.exit_code == 0, added.stderr


def test_a_nul_stored_around_trendlab_is_checked_and_can_be_edited_out(run: Run, db: Path):
    """A NUL written around trendlab (or before it was refused) is listed by check, as a
    team store cannot hold it; an edit that removes it is not refused for it, though one
    that writes it again is."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con)
        revise_around(con, changeset, "model_revisions", "gpt-4", notes="a\x00b", name="G\x00")
        con.execute(
            "INSERT INTO alias_revisions BY NAME SELECT ? AS changeset_id, ? AS key, "
            "1 AS revision, 'insert' AS op, ? AS alias, 'gpt-4' AS model",
            [changeset, "g\x00", "g\x00"],
        )
    checked = run("check", "--json")
    assert checked.exit_code == 1
    told = "holds a NUL character (\\x00): a store must stay copyable to a team store"
    # Each once, as field_rules says it: a name or an alias was listed again by its
    # check of one-line text, as holding "a line break or another control character".
    assert [(v["check"], v["key"], v["problem"]) for v in json.loads(checked.stdout)] == [
        ("field_rules", "gpt-4", f"name: 'G\x00' {told}, whose PostgreSQL cannot hold one"),
        ("field_rules", "gpt-4", f"notes: 'a\x00b' {told}, whose PostgreSQL cannot hold one"),
        ("field_rules", "g\x00", f"alias: 'g\x00' {told}, whose PostgreSQL cannot hold one"),
    ]
    assert run("retract", "alias", "g\x00", "-m", "t").exit_code == 0
    again = run("edit", "model", "gpt-4", "--set", "name=G\x00", "-m", "t")
    assert again.exit_code == 2 and told in again.stderr, again.stderr
    edited = run("edit", "model", "gpt-4", "--set", "notes=ab", "--set", "name=GPT-4", "-m", "t")
    assert edited.exit_code == 0, edited.stderr
    assert run("check").exit_code == 0


def test_a_nul_in_a_changeset_written_around_trendlab_is_checked(run: Run, db: Path):
    """A changeset's message or author holding a NUL (written in SQL) was not listed by
    check, though a team store cannot hold it, as it cannot one in a record's text."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, "why\x00 so")
        con.execute("UPDATE changesets SET author = ? WHERE id = ?", ["some\x00one", changeset])
        revise_around(con, changeset, "model_revisions", "gpt-4", name="GPT-4 again")
    checked = run("check", "--json")
    assert checked.exit_code == 1
    told = (
        "holds a NUL character (\\x00): a store must stay copyable to a team store, whose "
        "PostgreSQL cannot hold one"
    )
    assert [
        (v["check"], v["kind"], v["key"], v["problem"]) for v in json.loads(checked.stdout)
    ] == [
        ("18_changeset_texts", "changesets", changeset, f"author: 'some\x00one' {told}"),
        ("18_changeset_texts", "changesets", changeset, f"message: 'why\x00 so' {told}"),
    ]
    assert checked.stderr == "trendlab: error: 2 integrity violations\n"


@pytest.mark.parametrize(
    ("message", "author", "told", "shown"),
    [
        ("", " \t", "is blank: every change is recorded with who made it and why", ("", "")),
        (
            "why\n",
            "\u3000ada ",
            "is padded with white space, which every write trims",
            (": '\u3000ada '", ": 'why\n'"),
        ),
    ],
)
def test_a_blank_or_padded_message_or_author_written_around_trendlab_is_checked(
    run: Run, db: Path, message: str, author: str, told: str, shown: tuple[str, str]
):
    """A changeset with no message or author (written in SQL; every trendlab write
    refuses one) passed check, and `log` showed a change that says nothing of why. So
    did one whose author or message has spaces or a line break around it (every write
    trims them), which the query of one author's changesets (the one `log --author`
    points to) found none of by the name."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, message)
        con.execute("UPDATE changesets SET author = ? WHERE id = ?", [author, changeset])
        revise_around(con, changeset, "model_revisions", "gpt-4", name="GPT-4 again")
    checked = run("check", "--json")
    assert checked.exit_code == 1
    assert [(v["check"], v["key"], v["problem"]) for v in json.loads(checked.stdout)] == [
        ("18_changeset_texts", changeset, f"author{shown[0]} {told}"),
        ("18_changeset_texts", changeset, f"message{shown[1]} {told}"),
    ]


def test_a_blank_author_is_found_by_the_changeset_audit_in_another_client(run: Run, db: Path):
    """18_changeset_texts read the blank pattern `check` sets: run in another client,
    where it is NULL, it found no blank author at all (it read white space before)."""
    from trendlab.resources import resource_dir

    sql = resource_dir("queries").joinpath("checks", "18_changeset_texts.sql").read_text()
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, "why")
        con.execute("UPDATE changesets SET author = ? WHERE id = ?", ["   ", changeset])
        revise_around(con, changeset, "model_revisions", "gpt-4", name="GPT-4 again")
        found = con.execute(sql).fetchall()
    told = "author is blank: every change is recorded with who made it and why"
    assert found == [("changesets", changeset, told)]


def test_an_invisible_message_or_author_written_around_trendlab_is_blank_to_check(
    run: Run, db: Path
):
    """An author of invisible characters alone (U+200D, U+2800, written in SQL), which
    every write takes as not given, passed check, whose SQL read blank as white space
    (DuckDB's regex cannot read text.BLANK_RE as written); a U+200B alone was told as an
    author holding an invisible format character, not as none."""
    with duckdb.connect(str(db)) as con:
        changesets = []
        for author, message in (("\u200d", "why"), ("\u2800\u200d", "why"), ("\u200b", "\ufeff")):
            changesets.append(changeset_around(con, message))
            con.execute("UPDATE changesets SET author = ? WHERE id = ?", [author, changesets[-1]])
            revise_around(con, changesets[-1], "model_revisions", "gpt-4", name=f"GPT-4 {author!r}")
    checked = run("check", "--json")
    assert checked.exit_code == 1
    told = "is blank: every change is recorded with who made it and why"
    found = sorted((v["check"], v["key"], v["problem"]) for v in json.loads(checked.stdout))
    assert found == sorted(
        [("18_changeset_texts", key, f"author {told}") for key in changesets]
        + [("18_changeset_texts", changesets[2], f"message {told}")]
    )


def test_an_author_not_on_one_line_written_around_trendlab_is_checked(run: Run, db: Path):
    """An author with a line break or a U+202E (written in SQL; --author, TRENDLAB_AUTHOR
    and git's user.name are refused as one) passed check, and split `log`'s row in two
    or reordered it. A joiner, which spells names, is no fault."""
    with duckdb.connect(str(db)) as con:
        changesets = []
        for author in ("some\none", "ab\u202ecd", "na\u200dme"):
            changesets.append(changeset_around(con, "why"))
            con.execute("UPDATE changesets SET author = ? WHERE id = ?", [author, changesets[-1]])
            revise_around(con, changesets[-1], "model_revisions", "gpt-4", name=f"GPT-4 {author!r}")
    checked = run("check", "--json")
    assert checked.exit_code == 1
    told = (
        "author holds a line break, a control or an invisible format character: who made a "
        "change is a name on one line, as it reads"
    )
    assert [(v["check"], v["key"], v["problem"]) for v in json.loads(checked.stdout)] == [
        ("18_changeset_texts", changesets[0], told),
        ("18_changeset_texts", changesets[1], told),
    ]


def test_a_null_message_or_author_written_around_trendlab_is_checked_once(run: Run, db: Path):
    """A changeset with a NULL author and message (their NOT NULL dropped in SQL) passed
    check, as NULL matched no blank text, and `log` showed an empty author. Each NULL is
    listed once, with its column: it was listed as a blank author or message as well."""
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE changesets ALTER author DROP NOT NULL")
        con.execute("ALTER TABLE changesets ALTER message DROP NOT NULL")
        changeset = changeset_around(con)
        con.execute("UPDATE changesets SET author = NULL, message = NULL WHERE id = ?", [changeset])
        revise_around(con, changeset, "model_revisions", "gpt-4", name="GPT-4 again")
    checked = run("check", "--json")
    assert checked.exit_code == 1
    told = (
        "allows NULL (its NOT NULL dropped around trendlab), and 1 row holds NULL, which no "
        "trendlab write stores: give each a value, then add NOT NULL back as trendlab's "
        "schema/001_init.sql makes it"
    )
    assert [(v["check"], v["key"], v["problem"]) for v in json.loads(checked.stdout)] == [
        ("schema", "changesets.author", f"column author of table changesets {told}"),
        ("schema", "changesets.message", f"column message of table changesets {told}"),
    ]
    assert checked.stderr == "trendlab: error: 2 integrity violations\n"


def test_check_tells_a_nul_in_a_changeset_in_the_write_paths_words(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
):
    """The audit's words are the write path's (validate.NUL_PROBLEM), not a copy of
    them in its SQL that could drift."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, "why\x00 so")
        revise_around(con, changeset, "model_revisions", "gpt-4", name="GPT-4 again")
    monkeypatch.setattr("trendlab.validate.NUL_PROBLEM", " holds a NUL (reworded)")
    checked = run("check", "--json")
    assert [v["problem"] for v in json.loads(checked.stdout) if v["key"] == changeset] == [
        "message: 'why\x00 so' holds a NUL (reworded)"
    ]


def test_a_name_stored_with_a_line_break_before_the_rule_stays_editable(
    run: Run, db: Path, tmp_path: Path
):
    """An older trendlab stored an organization (on its record and on its models) and
    names holding a line break: their records can still be edited, and an export of
    them imports back."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, "an older trendlab's names")
        con.execute(
            "INSERT INTO organization_revisions VALUES (?, 'deep-mind', 1, 'insert', "
            "'deep-mind', 'Deep\nMind')",
            [changeset],
        )
        revise_around(
            con, changeset, "model_revisions", "gpt-4", organization="Deep\nMind", name="GPT\n4"
        )
        revise_around(con, changeset, "benchmark_revisions", "mmlu", metric="acc\turacy")
    checked = run("check", "--json")
    assert checked.exit_code == 1
    assert {(v["kind"], v["key"], v["problem"]) for v in json.loads(checked.stdout)} == {
        ("organizations", "deep-mind", "name holds a line break or another control character"),
        ("models", "gpt-4", "name holds a line break or another control character"),
        ("models", "gpt-4", "organization holds a line break or another control character"),
        ("benchmarks", "mmlu", "metric holds a line break or another control character"),
    }
    edited = run("edit", "model", "gpt-4", "--set", "notes=kept", "-m", "notes")
    assert edited.exit_code == 0, edited.stderr
    shown = json.loads(run("show", "model", "gpt-4", "--json").stdout)
    assert (shown["organization"], shown["name"], shown["notes"]) == (
        "Deep\nMind",
        "GPT\n4",
        "kept",
    )
    assert run("edit", "benchmark", "mmlu", "--set", "notes=kept", "-m", "n").exit_code == 0
    for kind in ("organizations", "models", "benchmarks"):
        _exported_imports_back_unchanged(run, tmp_path, kind)


def _exported_imports_back_unchanged(run: Run, tmp_path: Path, kind: str) -> None:
    exported = tmp_path / f"{kind}.csv"
    assert run("export", kind, "-o", str(exported)).exit_code == 0
    imported = run("import", str(exported))
    assert imported.exit_code == 0, imported.stderr
    assert "nothing to write" in imported.stderr


def test_the_check_of_one_line_text_covers_every_one_line_field():
    """14_one_line_text lists its fields in SQL; a field marked one_line later must be
    added there too (aliases are 09_aliases's)."""
    from trendlab.kinds import ALIASES, KINDS
    from trendlab.resources import resource_dir

    sql = resource_dir("queries").joinpath("checks", "14_one_line_text.sql").read_text()
    for kind in KINDS.values():
        for field in kind.fields:
            if field.one_line and kind is not ALIASES:
                assert f"'{field.name}', {field.name} FROM {kind.name}" in sql, field.name


def test_an_organization_or_a_provider_holds_a_letter_or_digit(run: Run, tmp_path: Path):
    """`add-model x --organization -` made '-', a spreadsheet's mark for unknown, an
    organization of its own (n- and a hash), and `add-price gpt-4 ? ...` a provider:
    each is refused, naming the option (exit 2) or the file's line (exit 1)."""
    before = run("log", "--json").stdout
    hint = "holds no letter or digit; a name must hold one"
    for args, expected in [
        (["add-model", "dash-org", "--organization", "-"], f"--organization: '-' {hint} ("),
        (["add-price", "gpt-4", "?", "2024-01-01", "--input", "1"], f"PROVIDER: '?' {hint} ("),
        (["edit", "model", "gpt-4", "--set", "organization=..."], f"organization: '...' {hint}"),
    ]:
        refused = run(*args, "-m", "t")
        assert refused.exit_code == 2, (args, refused.output)
        assert expected in refused.stderr, refused.stderr
    path = tmp_path / "models.csv"
    path.write_text("slug,organization\nq-org,-\n")
    imported = run("import", str(path), "-m", "t")
    assert imported.exit_code == 1
    assert f"{path}:2: organization: '-' {hint} (an unknown one is left empty)" in imported.stderr
    assert run("log", "--json").stdout == before
    # A name of any script, or of one letter, is a name.
    for organization in ("北京", "X"):
        assert (
            run(
                "add-model", f"org-{ord(organization[0])}", "--organization", organization
            ).exit_code
            == 0
        )


def test_a_setting_or_a_provider_holds_no_invisible_format_character(run: Run):
    """'5-shot' and '5-shot' with a U+200B were two settings, two keys that look as one,
    and so were two providers. A format character in either is refused as in an alias,
    naming the option (exit 2) or the file's field (exit 1) and the character, and
    nothing is written; but the joiners (U+200C, U+200D), which some scripts spell with."""
    before = run("log", "--json").stdout
    for args, expected in [
        (
            ["add-result", "gpt-4", "mmlu", "50", "--setting", "5-shot\u200b"],
            "--setting: '5-shot\\u200b' holds an invisible format character "
            "(U+200B ZERO WIDTH SPACE); it must read as it is typed",
        ),
        (
            ["add-price", "gpt-4", "Acme\u202e", "2024-01-01", "--input", "1"],
            "PROVIDER: 'Acme\\u202e' holds an invisible format character "
            "(U+202E RIGHT-TO-LEFT OVERRIDE)",
        ),
        # The character named is the one that hides, not a joiner before it.
        (
            ["add-result", "gpt-4", "mmlu", "50", "--setting", "a\u200db\u2060"],
            "--setting: 'a\u200db\\u2060' holds an invisible format character (U+2060 WORD JOINER)",
        ),
        (
            ["import", "--kind", "prices", "-"],
            "stdin:2: provider: '\\ufeffAcme' holds an invisible format character (U+FEFF",
        ),
    ]:
        prices = "model,provider,effective_date,input_usd_per_mtok\ngpt-4,\ufeffAcme,2024-01-01,1\n"
        result = run(*args, "-m", "t", input=prices)
        from_file = args[0] == "import"
        assert result.exit_code == (1 if from_file else 2), (args, result.output)
        assert result.stdout == "", (args, result.stdout)
        (line,) = result.stderr.splitlines()
        # A usage error points at the help; nothing is ever written on one.
        end = "; nothing was written" if from_file else f"{args[0]} --help')"
        assert expected in line and line.endswith(end), line
    assert run("log", "--json").stdout == before
    persian = "\u0645\u06cc\u200c\u0634\u0648\u062f"
    joined = run("add-result", "gpt-4", "mmlu", "50", "--setting", f"{persian} \u200d", "-m", "t")
    assert joined.exit_code == 0, joined.stderr
    priced = run("add-price", "gpt-4", persian, "2024-01-01", "--input", "1", "-m", "t")
    assert priced.exit_code == 0, priced.stderr
    # What the write path stores, check passes: 15_key_format_characters spares joiners.
    checked = run("check", "--json")
    assert checked.exit_code == 0 and json.loads(checked.stdout) == [], checked.stdout


def test_an_organization_holds_no_invisible_format_character(run: Run, db: Path):
    """`Open` U+200B `AI`, which looks as OpenAI, made an organization of its own for a
    model naming it, and an organization could be renamed so: refused as in a setting.
    One stored so around trendlab is listed by check, and its model stays editable."""
    before = run("log", "--json").stdout
    for args, expected in [
        (
            ["add-model", "zw", "--organization", "Open\u200bAI"],
            "--organization: 'Open\\u200bAI' holds an invisible format character "
            "(U+200B ZERO WIDTH SPACE); it must read as it is typed",
        ),
        (
            ["edit", "model", "gpt-4", "--set", "organization=Open\u200bAI"],
            "--set organization: 'Open\\u200bAI' holds an invisible format character",
        ),
        (
            ["edit", "organization", "openai", "--set", "name=Open\u200bAI"],
            "--set name: 'Open\\u200bAI' holds an invisible format character",
        ),
    ]:
        refused = run(*args, "-m", "t")
        assert refused.exit_code == 2, (args, refused.output)
        (line,) = refused.stderr.splitlines()
        assert expected in line, line
    assert run("log", "--json").stdout == before
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, "an older trendlab's organization")
        con.execute(
            "INSERT INTO organization_revisions VALUES (?, 'zw-lab', 1, 'insert', 'zw-lab', ?)",
            [changeset, "Zw\u200bLab"],
        )
        revise_around(con, changeset, "model_revisions", "gpt-4", organization="Zw\u200bLab")
    checked = run("check", "--json")
    assert checked.exit_code == 1
    assert [(v["kind"], v["key"], v["problem"]) for v in json.loads(checked.stdout)] == [
        ("models", "gpt-4", "organization holds an invisible format character"),
        ("organizations", "zw-lab", "name holds an invisible format character"),
    ]
    edited = run("edit", "model", "gpt-4", "--set", "notes=kept", "-m", "n")
    assert edited.exit_code == 0, edited.stderr
    # One naming no organization stays editable too: no organization is made of it,
    # which the write would refuse (it was "input: name: ... holds an invisible ...").
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, "an older trendlab's organization, unknown")
        revise_around(con, changeset, "model_revisions", "gpt-4", organization="No\u200bLab")
    edited = run("edit", "model", "gpt-4", "--set", "notes=again", "-m", "n")
    assert edited.exit_code == 0, edited.stderr
    assert "organization" not in edited.stderr
    assert run("show", "organization", "no-lab").exit_code == 1


def _copied_around(
    con: duckdb.DuckDBPyConnection,
    changeset: str,
    table: str,
    prefix: str,
    field: str,
    value: str,
    key_fields: str,
    key: str,
) -> None:
    """Insert, as SQL around trendlab would, a new record copying the latest revision of
    `key` in `table` with `field` set to `value`, keyed as trendlab keys it
    (`key_fields`: SQL with `?` for the value)."""
    con.execute(
        f"INSERT INTO {table} BY NAME SELECT * REPLACE (? AS changeset_id, 1 AS "
        f"revision, 'insert' AS op, ? AS {field}, '{prefix}_' || "
        f"left(md5(concat_ws(chr(31), {key_fields})), 16) AS key) "
        f"FROM {table} WHERE key = ? QUALIFY row_number() OVER (ORDER BY revision DESC) = 1",
        [changeset, value, value, key],
    )


def _result_and_price_copied_around(
    run: Run, db: Path, message: str, result: tuple[str, str, str], price: tuple[str, str, str]
) -> None:
    """Copy the first listed result and price around trendlab in one changeset
    (`message`), each with a (field, value, key_fields) of _copied_around's changed."""
    result_id = json.loads(run("list", "results", "--json").stdout)[0]["id"]
    price_id = json.loads(run("list", "prices", "--json").stdout)[0]["id"]
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, message)
        _copied_around(con, changeset, "result_revisions", "r", *result, result_id)
        _copied_around(con, changeset, "price_revisions", "p", *price, price_id)


def test_a_setting_or_a_provider_stored_with_a_format_character_stays_editable(
    run: Run, db: Path, tmp_path: Path
):
    """An older trendlab stored settings and providers holding a U+200B: `check` lists
    them, their records can still be edited, and an export of them imports back."""
    _result_and_price_copied_around(
        run,
        db,
        "an older trendlab's keys",
        result=("setting", "5-shot\u200b", "model, benchmark, ?, coalesce(source_url, '')"),
        price=("provider", "Acme\u200b", "model, ?, CAST(effective_date AS VARCHAR)"),
    )
    checked = run("check", "--json")
    assert checked.exit_code == 1
    found = {(v["check"], v["kind"], v["problem"]) for v in json.loads(checked.stdout)}
    assert found == {
        ("15_key_format_characters", "results", "setting holds an invisible format character"),
        ("15_key_format_characters", "prices", "provider holds an invisible format character"),
    }
    for kind in ("results", "prices"):
        [stored] = [v["key"] for v in json.loads(checked.stdout) if v["kind"] == kind]
        edited = run("edit", kind.removesuffix("s"), stored, "--set", "notes=kept", "-m", "n")
        assert edited.exit_code == 0, edited.stderr
        _exported_imports_back_unchanged(run, tmp_path, kind)


def test_a_key_field_stored_padded_around_trendlab_stays_editable_under_its_key(run: Run, db: Path):
    """A setting or a provider stored with a trailing space (written around trendlab,
    which `check` lists) was stripped by the edit, which so derived another key: an
    edit of the notes failed on 'NOT NULL constraint failed: result_revisions.score',
    and one of the score said 'nothing to change'."""
    _result_and_price_copied_around(
        run,
        db,
        "padded keys",
        result=("setting", "5-shot ", "model, benchmark, ?, coalesce(source_url, '')"),
        price=("provider", "Acme ", "model, ?, CAST(effective_date AS VARCHAR)"),
    )
    checked = json.loads(run("check", "--json").stdout)
    stored = {v["kind"]: v["key"] for v in checked if v["check"] == "field_rules"}
    counts = {kind: len(json.loads(run("list", kind, "--json").stdout)) for kind in stored}
    for kind, field, value in (("results", "score", "12.5"), ("prices", "input_usd_per_mtok", "7")):
        for change in ("notes=kept", f"{field}={value}"):
            edited = run("edit", kind.removesuffix("s"), stored[kind], "--set", change, "-m", "n")
            assert edited.exit_code == 0, edited.stderr
            assert edited.stdout == stored[kind] + "\n"
        shown = json.loads(run("show", kind.removesuffix("s"), stored[kind], "--json").stdout)
        assert (shown["notes"], shown[field]) == ("kept", float(value))
        assert len(json.loads(run("list", kind, "--json").stdout)) == counts[kind]


def test_a_key_field_stored_around_trendlab_past_its_rules_blocks_no_edit(run: Run, db: Path):
    """A price dated 1850 or a result citing an ftp:// source, written around trendlab
    (`check` lists them), could not be edited: the edit judged the key it keeps as if
    written ("edit p_...: effective_date: '1850-01-01' is outside 1900-2100")."""
    _result_and_price_copied_around(
        run,
        db,
        "keys past the rules",
        result=(
            "source_url",
            "ftp://example.org/run",
            "model, benchmark, coalesce(setting, ''), ?",
        ),
        price=("effective_date", "1850-01-01", "model, provider, ?"),
    )
    checked = json.loads(run("check", "--json").stdout)
    stored = {v["kind"]: v["key"] for v in checked if v["check"] == "field_rules"}
    assert set(stored) == {"results", "prices"}
    for kind, key in stored.items():
        edited = run("edit", kind.removesuffix("s"), key, "--set", "notes=kept", "-m", "n")
        assert edited.exit_code == 0, edited.stderr
        assert (
            json.loads(run("show", kind.removesuffix("s"), key, "--json").stdout)["notes"] == "kept"
        )
    # The rules on what an edit writes still hold.
    over = run("edit", "result", stored["results"], "--set", "score=101", "-m", "n")
    assert over.exit_code == 1
    assert "score: 101.0 is outside the range of unit percent" in over.stderr


def test_a_required_value_stored_around_trendlab_blocks_no_edit_of_another_field(
    run: Run, db: Path
):
    """A NaN score or an unknown unit written around trendlab made every edit of its
    record fail on that value ("score: 'nan' is not a finite number" for an edit of the
    notes), though a value stored before a rule refused it stays editable. Writing such
    a value is still refused."""
    result_id = json.loads(run("list", "results", "--benchmark", "math", "--json").stdout)[0]["id"]
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con)
        revise_around(con, changeset, "result_revisions", result_id, score=float("nan"))
        revise_around(con, changeset, "benchmark_revisions", "mmlu", unit="percents")
    for kind, key in (("result", result_id), ("benchmark", "mmlu")):
        edited = run("edit", kind, key, "--set", "notes=checked", "-m", "n")
        assert edited.exit_code == 0, edited.stderr
        assert json.loads(run("show", kind, key, "--json").stdout)["notes"] == "checked"
    again = run("edit", "result", result_id, "--set", "score=nan", "-m", "n")
    assert again.exit_code == 2
    assert "--set score: 'nan' is not a finite number" in again.stderr
    # A bound's rule reads the unit, which is then judged with it.
    bound = run("edit", "benchmark", "mmlu", "--set", "floor=25", "-m", "n")
    assert bound.stderr == (
        "trendlab: error: edit mmlu: unit: 'percents' is not one of percent, minutes, elo, "
        "score; nothing was written\n"
    )


def test_a_whole_record_fault_stored_around_trendlab_blocks_no_edit_of_another_field(
    run: Run, db: Path
):
    """A price written around trendlab with neither side (`check` lists it) made every
    edit of it fail with "a price needs input_usd_per_mtok or output_usd_per_mtok", an
    edit of its notes too, and a wrong-way floor an edit of the human baseline. An edit
    that changes a field a rule reads is still judged by it."""
    price = "gpt-4o/OpenAI/2024-05-13"
    key = json.loads(run("show", "price", price, "--json").stdout)["id"]
    with duckdb.connect(str(db)) as con:
        revise_around(
            con,
            changeset_around(con),
            "price_revisions",
            key,
            input_usd_per_mtok=None,
            output_usd_per_mtok=None,
        )
    edited = run("edit", "price", price, "--set", "notes=checked", "-m", "n")
    assert edited.exit_code == 0, edited.stderr
    assert json.loads(run("show", "price", price, "--json").stdout)["notes"] == "checked"
    side = run("edit", "price", price, "--set", "output_usd_per_mtok=15", "-m", "n")
    assert side.exit_code == 0, side.stderr
    assert json.loads(run("show", "price", price, "--json").stdout)["output_usd_per_mtok"] == 15
    side = run("edit", "price", price, "--set", "output_usd_per_mtok=", "-m", "n")
    assert (side.exit_code, side.stderr) == (
        1,
        f"trendlab: error: edit {key}: a price needs input_usd_per_mtok or "
        "output_usd_per_mtok; nothing was written\n",
    )
    # Rule by rule: a benchmark's baseline is no field of its bounds' rule.
    with duckdb.connect(str(db)) as con:
        revise_around(con, changeset_around(con), "benchmark_revisions", "mmlu", floor=100.0)
    edited = run("edit", "benchmark", "mmlu", "--set", "human_baseline=89", "-m", "n")
    assert edited.exit_code == 0, edited.stderr
    bound = run("edit", "benchmark", "mmlu", "--set", "ceiling=99", "-m", "n")
    assert (bound.exit_code, bound.stderr) == (
        1,
        "trendlab: error: edit mmlu: floor must be below ceiling; nothing was written\n",
    )


def test_adding_a_stored_model_whose_organization_was_retracted_does_not_say_added(
    run: Run, db: Path
):
    """With OpenAI retracted around trendlab, `add-model gpt-4` as stored restores the
    organization its model names, and said "added model gpt-4", though the model was
    there already and was not written."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con)
        con.execute(
            "INSERT INTO organization_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "revision + 1 AS revision, 'retract' AS op) FROM organization_revisions "
            "WHERE key = 'openai'",
            [changeset],
        )
    result = run("add-model", "gpt-4")
    assert result.exit_code == 0, result.stderr
    [log] = json.loads(run("log", "--limit", "1", "--json").stdout)
    assert log["changes"] == ["organizations: 1 restored"]
    assert result.stderr == (
        "model gpt-4 already exists with these values\n"
        f"restored organization openai, which the model names, in changeset {log['changeset']}\n"
    )


def test_the_check_of_key_text_covers_every_key_text_field():
    """15_key_format_characters lists its fields in SQL; a field marked key_text later
    must be added there too."""
    from trendlab.kinds import KINDS
    from trendlab.resources import resource_dir

    sql = resource_dir("queries").joinpath("checks", "15_key_format_characters.sql").read_text()
    for kind in KINDS.values():
        for field in kind.fields:
            if field.key_text:
                assert f"'{field.name}', {field.name} FROM {kind.name}" in sql, field.name


def test_a_new_database_in_no_directory_is_a_usage_error(db: Path, tmp_path: Path):
    """`init` or `copy` into a folder that does not exist exited 1 with DuckDB's "IO
    Error: Cannot open file ...", for a local lake its internals ('Failed to attach
    DuckLake MetaData "__ducklake_metadata_trendlab" at path + ...'). The path given
    is wrong, as an -o into no directory is: a usage error, and nothing is created.
    copy names it DST, as its other errors about SRC or DST do."""
    missing = tmp_path / "no-such-folder"
    for location in (str(missing / "x.duckdb"), f"ducklake:{missing / 'x.ducklake'}"):
        result = make_runner(location)("init", "--empty")
        assert (result.exit_code, result.stderr) == (
            2,
            f"trendlab: error: cannot create {location}: no such directory {missing} "
            "(see 'cli --help')\n",
        ), result.stderr
        result = make_runner(db)("copy", str(db), location)
        assert (result.exit_code, result.stderr) == (
            2,
            f"trendlab: error: cannot create DST {location}: no such directory {missing} "
            "(see 'cli copy --help')\n",
        ), result.stderr
    assert not missing.exists()


def test_a_new_database_under_a_file_says_the_file_is_no_directory(db: Path, tmp_path: Path):
    """`init` or `copy` into `old.duckdb/new.duckdb` was told "no such directory
    old.duckdb", with that file right there, where -o and --data-path say "not a
    directory": the path names a file as a folder, whichever folder of it does."""
    a_file = tmp_path / "old.duckdb"
    a_file.write_bytes(db.read_bytes())
    for location in (a_file / "x.duckdb", a_file / "deeper" / "x.duckdb"):
        result = make_runner(location)("init", "--empty")
        assert (result.exit_code, result.stderr) == (
            2,
            f"trendlab: error: cannot create {location}: not a directory ({a_file} is a "
            "file) (see 'cli --help')\n",
        ), result.stderr
        result = make_runner(db)("copy", str(db), str(location))
        assert (result.exit_code, result.stderr) == (
            2,
            f"trendlab: error: cannot create DST {location}: not a directory ({a_file} is a "
            "file) (see 'cli copy --help')\n",
        ), result.stderr
    assert a_file.read_bytes() == db.read_bytes()


def _refuse_lake_writes(monkeypatch: pytest.MonkeyPatch, catalog: Path) -> None:
    """Make DuckLake's ATTACH to write the local lake `catalog` fail as the OS refusing it
    does (a folder it may not write, a read-only mount), in DuckLake's words as a
    non-root user gets them (root may write there)."""
    connect = duckdb.connect

    class Refused:
        def __init__(self, con: duckdb.DuckDBPyConnection):
            self.con = con

        def execute(self, sql: str, *args: Any) -> Any:
            if sql.startswith("ATTACH 'ducklake:") and "READ_ONLY" not in sql:
                raise duckdb.IOException(
                    'IO Error: Failed to attach DuckLake MetaData "__ducklake_metadata_trendlab" '
                    f'at path + "{catalog}"Cannot open file "{catalog}": Permission denied'
                )
            return self.con.execute(sql, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.con, name)

    def refused(database: str = ":memory:", **options: Any) -> Any:
        con = connect(database, **options)
        return Refused(con) if database == ":memory:" else con

    monkeypatch.setattr(duckdb, "connect", refused)


def test_a_new_local_lake_in_a_folder_it_may_not_write_says_why_in_one_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`init` or `copy` of a new local lake in a folder the OS will not let it write
    printed DuckLake's internals ('Failed to attach DuckLake MetaData ... at path +
    "..."Cannot open file ...'): now the path and the OS's reason, as a new DuckDB file
    there says (naming it DST in a copy)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    catalog = folder / "a.ducklake"
    _refuse_lake_writes(monkeypatch, catalog)
    location = f"ducklake:{catalog}"
    said = f"trendlab: error: cannot create {location}: Permission denied\n"
    result = make_runner(location)("init")
    assert (result.exit_code, result.stderr) == (1, said)
    result = make_runner(db)("copy", str(db), location)
    assert (result.exit_code, result.stderr) == (1, said.replace("create ", "create DST "))
    assert list(folder.iterdir()) == []


def test_a_local_lake_it_may_not_write_says_why_in_one_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A write to a local lake whose catalog the OS will not let it write printed
    DuckLake's internals before DuckDB's words: now DuckDB's alone, as a DuckDB file's."""
    catalog = tmp_path / "a.ducklake"
    location = f"ducklake:{catalog}"
    assert make_runner(location)("init", "--empty").exit_code == 0
    _refuse_lake_writes(monkeypatch, catalog)
    why = f'Cannot open file "{catalog}": Permission denied'
    added = make_runner(location)("add-benchmark", "x", "--unit", "percent")
    assert (added.exit_code, added.stderr) == (
        1,
        f"trendlab: error: cannot open {location}: {why}\n",
    )
    copied = make_runner(db)("copy", str(db), location)
    assert copied.stderr == f"trendlab: error: cannot open DST {location}: {why}\n"


def test_a_new_database_named_as_a_write_ahead_log_is_a_usage_error(db: Path, tmp_path: Path):
    """`copy b.duckdb a.duckdb.wal` said it copied, and DuckDB deleted that copy as a
    stale write-ahead log once a.duckdb was opened; `init` made such a file too. Refused
    for a DuckDB file and a local lake's catalog alike, and nothing is created (copy
    naming it DST)."""
    for location, wal in (
        (str(tmp_path / "a.duckdb.wal"), "a.duckdb"),
        (f"ducklake:{tmp_path / 'c.ducklake.wal'}", "c.ducklake"),
    ):
        why = (
            f"DuckDB takes a file whose name ends in .wal for the write-ahead log of {wal}, "
            "and deletes it; give another name"
        )
        result = make_runner(location)("init", "--empty")
        assert (result.exit_code, result.stderr) == (
            2,
            f"trendlab: error: cannot create {location}: {why} (see 'cli --help')\n",
        ), result.stderr
        result = make_runner(db)("copy", str(db), location)
        assert (result.exit_code, result.stderr) == (
            2,
            f"trendlab: error: cannot create DST {location}: {why} (see 'cli copy --help')\n",
        ), result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [db.name]


def test_a_new_database_named_as_a_data_file_is_a_usage_error(db: Path, tmp_path: Path):
    """`copy trendlab.duckdb backup.csv` said it copied, and made a DuckDB file named as
    CSV, which a spreadsheet showed as bytes and `import` refused as CSV; `init` made
    one too. A new store whose name says CSV, JSON or Parquet is refused, pointing to
    export, and nothing is created; an existing DuckDB file so named still opens."""
    for name, said in (("backup.csv", "CSV"), ("b.JSONL", "JSON Lines"), ("c.pq", "Parquet")):
        location = tmp_path / name
        why = (
            f"its name says a {said} file, but a store is a DuckDB file: give it another "
            f"name ({location.stem}.duckdb), or write one kind's records as {said} with "
            f"`trendlab export KIND -o {location}`"
        )
        result = make_runner(location)("init", "--empty")
        assert (result.exit_code, result.stderr) == (
            2,
            f"trendlab: error: cannot create {location}: {why} (see 'cli --help')\n",
        ), result.stderr
        result = make_runner(db)("copy", str(db), str(location))
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            f"trendlab: error: cannot create DST {location}: {why} (see 'cli copy --help')\n",
        ), result.stderr
        lake = f"ducklake:{location}"
        result = make_runner(lake)("init", "--empty")
        assert result.exit_code == 2, result.stderr
        assert f"cannot create {lake}: its name says a {said} file" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [db.name]
    # A DuckDB file already so named (made before this rule) is a store as any other.
    shutil.copy(db, tmp_path / "old.csv")
    added = make_runner(tmp_path / "old.csv")("add-benchmark", "x", "--unit", "score")
    assert added.exit_code == 0, added.stderr
    copied = make_runner(db)("copy", str(tmp_path / "old.csv"), str(tmp_path / "new.duckdb"))
    assert copied.exit_code == 0, copied.stderr


def test_a_folder_given_as_the_database_is_a_usage_error(db: Path, tmp_path: Path):
    """--db (or copy's SRC or DST) naming a folder exited 1 with DuckDB's 'IO Error:
    Could not read from file ...: Is a directory'. The path given is wrong whatever
    the folder holds: a usage error, saying so, and nothing is created in it."""
    folder = tmp_path / "folder"
    folder.mkdir()
    for location, shown in (
        (str(folder), f"{folder}: a folder, not a DuckDB file"),
        (
            f"ducklake:{folder}",
            f"ducklake:{folder}: {folder} is a folder, not a DuckLake catalog file",
        ),
    ):
        for args in (["list", "models"], ["init"]):
            result = make_runner(location)(*args)
            assert (result.exit_code, result.stderr) == (
                2,
                f"trendlab: error: cannot open {shown} (see 'cli --help')\n",
            ), (location, args)
    run = make_runner(db)
    for src, dst, name in (
        (str(folder), str(tmp_path / "copy.duckdb"), "SRC"),
        (str(db), str(folder), "DST"),
    ):
        result = run("copy", src, dst)
        assert (result.exit_code, result.stderr) == (
            2,
            f"trendlab: error: cannot open {name} {folder}: a folder, not a DuckDB file "
            "(see 'cli copy --help')\n",
        ), (src, dst)
    assert not list(folder.iterdir())
    assert not (tmp_path / "copy.duckdb").exists()


def test_a_copy_names_which_of_src_and_dst_is_no_store_it_takes(db: Path, tmp_path: Path):
    """A ducklake: location of no catalog trendlab takes, and a file that is no DuckDB
    database, were refused naming neither SRC nor DST, as copy's other errors do."""
    text = tmp_path / "text.duckdb"
    text.write_text("hello\n")
    other = "ducklake:sqlite:x.db"
    catalog = (
        "a team store is ducklake:postgres:CONNINFO, or ducklake:FILE.ducklake for a local lake"
    )
    run = make_runner(db)
    for src, dst, code, said in (
        (other, str(tmp_path / "b.duckdb"), 2, f"SRC {other}: {catalog} (see 'cli copy --help')"),
        (str(db), other, 2, f"DST {other}: {catalog} (see 'cli copy --help')"),
        (str(text), str(db), 1, f"cannot open SRC {text}: not a DuckDB database file"),
        (str(db), str(text), 1, f"cannot open DST {text}: not a DuckDB database file"),
    ):
        result = run("copy", src, dst)
        assert (result.exit_code, result.stderr) == (code, f"trendlab: error: {said}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([db.name, text.name])
    assert text.read_text() == "hello\n"


def test_a_count_past_what_can_be_written_out_says_it_is_too_large(run: Run, tmp_path: Path):
    """A count of 39 digits or more was refused as one "a double cannot hold exactly:
    it would be stored as 1e+41", the number given, since past Int128 the double's whole
    number could not be written out: now it is too large to store exactly, in one line
    naming the field (and file and line), and how to store it rounded."""
    huge = "1" + "0" * 41
    said = (
        f"parameters: '{huge}' is too large a count to store exactly "
        "(write 1e+41 to store it rounded)"
    )
    added = run("add-model", "huge", "--parameters", huge)
    assert added.exit_code == 2
    assert added.stderr == f"trendlab: error: --{said} (see 'cli add-model --help')\n"
    models = tmp_path / "models.csv"
    models.write_text(f"slug,name,organization,parameters\nhuge,Huge,Lab,{huge}\n")
    imported = run("import", str(models), "--kind", "models", "-m", "t")
    assert imported.exit_code == 1
    assert imported.stderr == f"trendlab: error: {models}:2: {said}; nothing was written\n"
    assert run("show", "model", "huge").exit_code == 1
    assert run("add-model", "huge", "--parameters", "1e+41").exit_code == 0


def test_a_write_lists_its_kinds_in_the_order_log_does(tmp_path: Path):
    # init wrote aliases before the results naming them, and said so in that order,
    # while log and diff list the same changeset's kinds in KINDS order.
    run = make_runner(str(tmp_path / "t.duckdb"))
    init = run("init")
    assert init.exit_code == 0, init.stderr
    logged = "; ".join(json.loads(run("log", "--limit", "1", "--json").stdout)[0]["changes"])
    assert logged.index("prices") < logged.index("aliases")
    assert f"{logged} (changeset" in init.stderr


def test_a_ctrl_c_after_the_commit_names_the_changeset_written(run: Run, monkeypatch):
    """A Ctrl-C landing after a write committed, before the command ended, said
    "interrupted" alone, as if nothing had been written."""
    import trendlab.cli.records

    def interrupted(text: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(trendlab.cli.records, "note", interrupted)
    result = run("edit", "model", "gpt-4", "--set", "notes=edited", "-m", "gone")
    assert result.exit_code == 130
    monkeypatch.undo()
    latest = json.loads(run("log", "--limit", "1", "--json").stdout)[0]
    assert latest["message"] == "gone"
    assert result.stderr == (
        f"trendlab: interrupted after committing changeset {latest['changeset']}\n"
    )


def test_a_ctrl_c_as_duckdb_loads_stops_the_command_as_any_other(
    run: Run, monkeypatch: pytest.MonkeyPatch
):
    """A Ctrl-C landing while the command imported duckdb, before trendlab took
    Ctrl-C over, was Click's: "Aborted!" and exit 1. Landing inside duckdb's native
    initialisation it was an ImportError's traceback, and the process hung at exit."""
    import builtins

    real_import = builtins.__import__

    def ctrl_c_first(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "duckdb":
            os.kill(os.getpid(), signal.SIGINT)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", ctrl_c_first)
    result = run("edit", "model", "gpt-4", "--set", "notes=edited", "-m", "gone")
    monkeypatch.undo()
    assert result.exit_code == 130
    assert result.stderr == "trendlab: interrupted\n"
    assert json.loads(run("log", "--limit", "1", "--json").stdout)[0]["message"] != "gone"


def test_a_ctrl_c_as_the_command_line_is_read_stops_the_command_as_any_other(
    run: Run, monkeypatch: pytest.MonkeyPatch
):
    """Before the command ran, Click took the Ctrl-C: "Aborted!" and exit 1."""
    import trendlab.cli.options

    def ctrl_c(args: list[str]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(trendlab.cli.options, "_check_utf8", ctrl_c)
    result = run("log")
    assert result.exit_code == 130
    assert result.stderr == "trendlab: interrupted\n"
