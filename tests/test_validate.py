"""Validation of incoming records: each field's rules, the rules that read the database
or several fields, and what `check` finds written around them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import duckdb
import pytest

import trendlab.text
from tests.conftest import Run, changeset_around, revise_around
from trendlab.db import Store


def _import(run: Run, tmp_path: Path, kind: str, text: str) -> tuple[int, list[str]]:
    """Import `text` as a CSV of `kind`: the exit code and the lines naming bad rows."""
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    done = run("import", str(path), "--kind", kind, "-m", "t")
    # One bad row is told on the error's line, several each on a line of their own.
    told = [line.split(f"{path}:", 1)[-1] for line in done.stderr.splitlines()]
    return done.exit_code, [
        line.removesuffix("; nothing was written") for line in told if line[:1].isdigit()
    ]


def _stored(run: Run, kind: str) -> list[dict[str, object]]:
    listed = run("list", kind, "--json")
    assert listed.exit_code == 0, listed.stderr
    return json.loads(listed.stdout)


def test_numbers_dates_and_flags_in_a_file_are_checked_field_by_field(run: Run, tmp_path: Path):
    code, bad = _import(
        run,
        tmp_path,
        "models",
        "slug,parameters,training_compute_flop,open_weights,release_date\n"
        "v-a,9007199254740993,0,false,1899-12-31\n"
        "v-b,9007199254740992,1e-400,no,1900-01-01\n"
        "v-c,,inf,maybe,\n"
        "v-d,,1e24,FALSE,2000-01-01\n",
    )
    assert code == 1
    assert bad == [
        "2: parameters: '9007199254740993' is a count a double cannot hold exactly: it would "
        "be stored as 9007199254740992 (write 9007199254740992.0 to store it rounded); "
        "training_compute_flop: '0' must be greater than 0; "
        "release_date: '1899-12-31' is outside 1900-2100",
        "3: training_compute_flop: '1e-400' is too close to 0 to store: it would be stored as 0",
        "4: training_compute_flop: 'inf' is not a finite number; "
        "open_weights: 'maybe' is not true or false",
    ]


def test_a_long_cell_is_quoted_by_its_start_and_its_length(run: Run, tmp_path: Path):
    # 1e400 written out was quoted by its first 60 digits, a number that is finite.
    code, bad = _import(run, tmp_path, "models", f"slug,parameters\nv-a,1{'0' * 400}\n")
    assert code == 1
    assert bad == [f"2: parameters: '1{'0' * 59}'... (401 characters) is not a finite number"]


def test_a_count_is_whole(run: Run, tmp_path: Path, db: Path):
    """7.5 parameters is 7.5 billion typed without its e9: refused, saying so, in a
    file and on a command line; a count that is whole in any notation is stored."""
    code, bad = _import(
        run,
        tmp_path,
        "models",
        "slug,parameters,training_tokens\n"
        "w-a,7.5,1.4e12\n"
        "w-b,7.5e9,2.5e-1\n"
        "w-c,-0.5,12345678.9\n"
        "w-d,7000000000.0,1E3\n",
    )
    assert code == 1
    assert bad == [
        "2: parameters: '7.5' is not a whole count (7.5 billion is 7.5e9)",
        "3: training_tokens: '2.5e-1' is not a whole count",
        "4: parameters: '-0.5' must be greater than 0; "
        "training_tokens: '12345678.9' is not a whole count",
    ]
    added = run("add-model", "w-e", "--parameters", "0.35")
    assert added.exit_code == 2
    assert "--parameters: '0.35' is not a whole count (0.35 billion is 0.35e9)" in added.stderr
    assert run("add-model", "w-e", "--parameters", "3.5e8").exit_code == 0
    # One stored before trendlab refused it keeps its record editable; check names it.
    store = Store.open(db, read_only=False)
    try:
        revise_around(
            store.con, changeset_around(store.con), "model_revisions", "gpt-4", parameters=7.5
        )
    finally:
        store.close()
    edited = run("edit", "model", "gpt-4", "--set", "notes=still editable", "-m", "t")
    assert edited.exit_code == 0, edited.stderr
    found = run("check", "--json")
    assert found.exit_code == 1
    problems = [v for v in json.loads(found.stdout) if v.get("key") == "gpt-4"]
    assert any("'7.5' is not a whole count" in str(v) for v in problems), problems


def test_a_date_that_need_not_be_past_may_be_in_2100_but_not_after(run: Run, tmp_path: Path):
    rows = "model,provider,effective_date,input_usd_per_mtok\n"
    code, bad = _import(run, tmp_path, "prices", rows + "gpt-4,Later,2101-01-01,1\n")
    assert (code, bad) == (1, ["2: effective_date: '2101-01-01' is outside 1900-2100"])
    code, bad = _import(run, tmp_path, "prices", rows + "gpt-4,Later,2100-12-31,1\n")
    assert (code, bad) == (0, [])


class _Noon(datetime):
    """Noon UTC on 2025-06-01, whatever the clock says."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _Noon:
        return cls(2025, 6, 1, 12, tzinfo=UTC).astimezone(tz)


def test_a_past_date_may_be_a_day_after_today_in_utc_and_no_more(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(trendlab.text, "datetime", _Noon)
    code, bad = _import(
        run,
        tmp_path,
        "results",
        "model,benchmark,score,reported_date,source_url\n"
        "gpt-4,mmlu,50,2025-06-02,https://example.org/a\n"
        "gpt-4,mmlu,51,2025-06-03,https://example.org/b\n",
    )
    assert code == 1
    assert bad == [
        "3: reported_date: '2025-06-03' is after today (2025-06-01, UTC; a day later is "
        "taken, as it is already that day somewhere)"
    ]


def test_a_slug_and_a_url_are_checked_for_their_form(run: Run):
    long = run("add-model", "a" * 101, "-m", "t")
    assert long.exit_code == 2
    assert "is longer than a slug's 100 characters" in long.stderr
    assert run("add-model", "a" * 100, "-m", "t").exit_code == 0
    ftp = run("add-model", "v-url", "--source-url", "ftp://example.org/x", "-m", "t")
    assert ftp.exit_code == 2 and "is not an http(s) URL" in ftp.stderr
    # With no host (a slash too many) it was a key of its own for the same source.
    for url in ("https:///arxiv.org/abs/2303.08774", "https://.", "https://-/x", "https://?q"):
        hostless = run("add-result", "gpt-4", "mmlu", "50", "--source-url", url, "-m", "t")
        assert hostless.exit_code == 2, url
        assert f"--source-url: {url!r} is not an http(s) URL" in hostless.stderr
    hosted = ("HTTPS://EXAMPLE.ORG", "https://例え.jp/パ?q=1#f", "https://[::1]:80")
    for n, url in enumerate(hosted):
        assert run("add-model", f"v-url-{n}", "--source-url", url, "-m", "t").exit_code == 0, url


def test_scores_are_checked_against_their_units_range_and_repeats(run: Run, tmp_path: Path):
    code, bad = _import(
        run,
        tmp_path,
        "results",
        "model,benchmark,score,source_url\n"
        "gpt-4,MMLU,0,https://example.org/1\n"
        "gpt-4,mmlu,-0.1,https://example.org/2\n"
        "nobody,mmlu,5,https://example.org/3\n"
        "nobody,mmlu,5,https://example.org/3\n"
        "gpt-4,mmlu,7,https://example.org/4\n"
        "gpt-4,mmlu,7,https://example.org/4\n",
    )
    assert code == 1
    # A score at the unit's end is in range, and MMLU names mmlu; rows naming an
    # unknown model are not also repeats, while known ones are, once.
    assert bad == [
        "3: score: -0.1 is outside the range of unit percent (0.0-100.0)",
        "4: unknown model 'nobody'",
        "5: unknown model 'nobody'",
        "7: same model, benchmark, source_url as line 6",
    ]


def test_bounds_must_leave_a_range_and_a_hint_of_direction_only_helps_unequal_ones(
    run: Run, tmp_path: Path
):
    code, bad = _import(
        run,
        tmp_path,
        "benchmarks",
        "slug,unit,higher_is_better,floor,ceiling\n"
        "vb-1,score,,50,50\n"
        "vb-2,score,,60,50\n"
        "vb-3,score,true,50,50\n"
        "vb-4,score,,50,60\n",
    )
    assert code == 1
    assert bad == [
        "2: floor must be below ceiling",
        "3: floor must be below ceiling; if lower is better, say so: higher_is_better false",
        "4: floor must be below ceiling",
    ]


def test_an_alias_may_not_be_its_own_models_slug_nor_name_two_models(run: Run, tmp_path: Path):
    own = run("alias", "add", "gpt-4", "gpt-4", "-m", "t")
    assert own.exit_code == 1
    assert "alias 'gpt-4' is the slug of model gpt-4" in own.stderr
    code, bad = _import(
        run,
        tmp_path,
        "aliases",
        "alias,model\nVee Alias,gpt-4\nvee alias,gpt-4o\nVee Other,gpt-4\nvee other,gpt-4\n",
    )
    assert code == 1
    assert bad == [
        "2: alias 'Vee Alias' names two models in this file (ignoring case and surrounding spaces)",
        "3: alias 'vee alias' names two models in this file (ignoring case and surrounding spaces)",
    ]


def test_an_organization_may_be_renamed_in_another_case(run: Run):
    before = {o["slug"]: o["name"] for o in _stored(run, "organizations")}
    assert before["alibaba"] == "Alibaba"
    renamed = run("edit", "organization", "alibaba", "--set", "name=ALIBABA", "-m", "t")
    assert renamed.exit_code == 0, renamed.stderr
    taken = run("edit", "organization", "alibaba", "--set", "name=01.ai", "-m", "t")
    assert taken.exit_code == 1
    assert "is already the name of organization 01.ai" in taken.stderr


def test_a_new_provider_takes_the_first_spelling_an_input_gives(run: Run, tmp_path: Path):
    code, bad = _import(
        run,
        tmp_path,
        "prices",
        "model,provider,effective_date,input_usd_per_mtok\n"
        "gpt-4,NewProv,2024-01-01,1\n"
        "gpt-4,newprov,2024-02-01,2\n",
    )
    assert (code, bad) == (0, [])
    providers = {p["provider"] for p in _stored(run, "prices") if p["model"] == "gpt-4"}
    assert "NewProv" in providers and "newprov" not in providers


def test_a_retracted_model_named_in_capitals_is_said_to_be_retracted(run: Run):
    assert run("add-model", "vee-gone", "-m", "t").exit_code == 0
    assert run("retract", "model", "vee-gone", "-m", "t").exit_code == 0
    named = run("add-result", "VEE-GONE", "mmlu", "50", "-m", "t")
    assert named.exit_code == 1
    assert "model 'VEE-GONE' was retracted in changeset" in named.stderr


def test_a_price_cleared_of_both_sides_is_a_usage_error(run: Run):
    cleared = run(
        "edit",
        "price",
        "gpt-3-175b/OpenAI/2020-06-11",
        "--set",
        "input_usd_per_mtok=",
        "--set",
        "output_usd_per_mtok=",
        "-m",
        "t",
    )
    assert cleared.exit_code == 2, cleared.stderr
    assert "a price needs --set input_usd_per_mtok or --set output_usd_per_mtok" in cleared.stderr


def test_check_finds_text_padded_with_spaces_written_around_trendlab(run: Run, db: Path):
    store = Store.open(db, read_only=False)
    try:
        revise_around(
            store.con, changeset_around(store.con), "model_revisions", "gpt-4", name=" GPT-4 "
        )
    finally:
        store.close()
    found = run("check", "--json")
    assert found.exit_code == 1
    problems = [v for v in json.loads(found.stdout) if v.get("key") == "gpt-4"]
    assert any("is empty or padded with spaces" in str(v) for v in problems), problems


def test_a_model_stays_editable_when_an_alias_written_around_trendlab_shadows_it(
    run: Run, db: Path
):
    """A new model may not take a slug another model's alias names, but a model that
    already has it is not refused its edits for a clash it did not make."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, "an alias written around trendlab")
        con.execute(
            "INSERT INTO alias_revisions (changeset_id, key, revision, op, alias, model) "
            "VALUES (?, 'Gpt-4', 1, 'insert', 'Gpt-4', 'gpt-4o')",
            [changeset],
        )
    edited = run("edit", "model", "gpt-4", "--set", "notes=still editable", "-m", "t")
    assert edited.exit_code == 0, edited.stderr
    # A new model is refused that slug.
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, "another alias written around trendlab")
        con.execute(
            "INSERT INTO alias_revisions (changeset_id, key, revision, op, alias, model) "
            "VALUES (?, 'Vee-New', 1, 'insert', 'Vee-New', 'gpt-4o')",
            [changeset],
        )
    taken = run("add-model", "vee-new", "-m", "t")
    assert taken.exit_code == 1
    assert "slug: 'vee-new' already names model gpt-4o (its alias 'Vee-New'" in taken.stderr


def test_blank_text_is_text_with_no_character_that_shows():
    """What blank means everywhere (text.blank, text.BLANK_RE): white space, Unicode's
    default-ignorable code points and U+2800, as Polars' Unicode tables have them, and
    nothing else (a NUL or another control character is refused, not blank); Python's re
    and Polars read it alike."""
    import polars as pl

    from trendlab.text import BLANK_RE, blank

    every = pl.Series([chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF])
    invisible = r"^[\p{White_Space}\p{Default_Ignorable_Code_Point}\x{2800}]$"
    expected = every.str.contains(invisible)
    assert every.str.contains(BLANK_RE).equals(expected)
    assert [blank(c) for c in every] == expected.to_list()
    assert blank("") and blank(" \u200d\u3164 ")
    # A combining mark shows, on a letter or alone; U+0600 is a format character that shows.
    assert not any(blank(t) for t in ("e\u0301", "\u0301", "\u0600", "\u200dx", "\x00", "\x01"))
