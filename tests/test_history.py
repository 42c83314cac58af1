"""history: one record's revisions, each with what it changed from the one before."""

from __future__ import annotations

import csv
import io
import json
import shlex
from pathlib import Path

import polars as pl

from tests.conftest import Run, changeset_around, revise_around
from trendlab.db import Store
from trendlab.history import describe_change
from trendlab.kinds import MODELS


def _changes(run: Run, *args: str) -> list[str]:
    """What each revision changed, its items joined as a table and CSV join them."""
    shown = run("history", *args, "--json")
    assert shown.exit_code == 0, shown.stderr
    return ["; ".join(revision["changes"]) for revision in json.loads(shown.stdout)]


def _lifecycle(run: Run) -> None:
    """Model hist-x: created, renamed, given notes, retracted, then added back."""
    for step in (
        ("add-model", "hist-x", "--name", "Hist X"),
        ("edit", "model", "hist-x", "--set", "name=Hist Y"),
        ("edit", "model", "hist-x", "--set", "notes=first"),
        ("retract", "model", "hist-x"),
        ("add-model", "hist-x", "--name", "Hist Z"),
    ):
        done = run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)


def test_each_revision_says_what_it_changed_from_the_one_before(run: Run):
    _lifecycle(run)
    assert _changes(run, "model", "hist-x") == [
        "created",
        "name: Hist X -> Hist Y",
        "notes: (none) -> first",
        "retracted",
        # Added back with a name and nothing else: the notes it had are kept.
        "restored; name: Hist Y -> Hist Z",
    ]


def test_a_limit_keeps_what_the_oldest_revision_shown_changed(run: Run):
    _lifecycle(run)
    assert _changes(run, "model", "hist-x", "--limit", "2") == [
        "retracted",
        "restored; name: Hist Y -> Hist Z",
    ]
    table = run("history", "model", "hist-x", "--limit", "1")
    assert table.exit_code == 0, table.stderr
    assert "restored; name: Hist Y -> Hist Z" in table.stdout
    assert "created" not in table.stdout


def test_history_of_a_retracted_record_and_a_near_miss_of_one(run: Run):
    assert run("add-model", "hist-gone", "-m", "t").exit_code == 0
    assert run("retract", "model", "hist-gone", "-m", "t").exit_code == 0
    assert _changes(run, "model", "hist-gone") == ["created", "retracted"]
    # Only a retracted record is near: it is still the one to suggest.
    missed = run("history", "model", "hist-gonne")
    assert missed.exit_code == 1
    assert "no model 'hist-gonne' in the history" in missed.stderr
    assert "hist-gone" in missed.stderr.split("in the history", 1)[1]
    # An id prefix too short to mean one record is told so, not looked for.
    short = run("history", "result", "r_a")
    assert short.exit_code == 2 and "'r_a' is too short to name a result" in short.stderr


def test_a_short_id_prefix_in_history_points_to_where_retracted_ids_are_listed(run: Run):
    """`history` names retracted records too, which `list` leaves out: its hint said
    only that `list results` shows ids. The query it points to lists a retracted one's."""
    for step in (
        ("add-model", "hist-short", "-m", "t"),
        ("add-result", "hist-short", "mmlu", "50", "-m", "t"),
        ("retract", "result", "hist-short/mmlu", "-m", "t"),
    ):
        done = run(*step)
        assert done.exit_code == 0, (step, done.stderr)
    gone = json.loads(run("history", "result", "hist-short/mmlu", "--json").stdout)[0]["id"]
    short = run("history", "result", "r_")
    assert short.exit_code == 2 and short.stdout == ""
    hint = short.stderr.split("`")
    assert hint[1].endswith(" list results") and hint[2] == " shows current ones' ids, "
    assert hint[3].endswith(" query 'SELECT DISTINCT key FROM result_revisions ORDER BY key'")
    assert hint[4] == " retracted ones' too) (see 'cli history --help')\n"
    listed = run("query", "SELECT DISTINCT key FROM result_revisions ORDER BY key", "--csv")
    assert gone in listed.stdout.splitlines()
    assert gone not in run("list", "results", "--model", "hist-short", "--csv").stdout


def test_a_retracted_models_slug_names_it_in_any_unicode_form(run: Run):
    """As a current model's does: full-width letters were "no model 'ＨＩＳＴ-9' in
    the history" once the model was retracted, and its result's name, too."""
    for step in (
        ("add-model", "hist-9"),
        ("add-result", "hist-9", "mmlu", "50"),
        ("retract", "result", "hist-9/mmlu"),
        ("retract", "model", "hist-9"),
    ):
        done = run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)
    wide = "\uff28\uff29\uff33\uff34-9"
    assert _changes(run, "model", wide) == ["created", "retracted"]
    assert _changes(run, "result", f"{wide}/mmlu") == ["created", "retracted"]
    # With spaces around it, as a current model's name resolves: it was "no model".
    assert _changes(run, "model", " hist-9 ") == ["created", "retracted"]
    assert _changes(run, "result", "hist-9 /mmlu") == ["created", "retracted"]


def test_a_revision_that_changes_no_field_says_so():
    fields = {name: None for name in MODELS.field_names} | {"slug": "m", "name": "M"}
    before = fields | {"op": "insert"}
    assert describe_change(MODELS, None, before) == ["created"]
    assert describe_change(MODELS, before, fields | {"op": "update"}) == ["no field changed"]
    assert describe_change(MODELS, before | {"op": "retract"}, fields | {"op": "insert"}) == [
        "restored"
    ]
    assert describe_change(MODELS, before, fields | {"op": "retract"}) == ["retracted"]


def test_history_and_log_as_data_list_each_change_apart(run: Run, tmp_path: Path):
    """JSON, JSON Lines and Parquet gave `changes` as the table's text, its items joined
    with '; ', which a value may hold too: a script could not tell them apart. A list
    now, as diff's fields; CSV still joins them."""
    for step in (
        ("add-model", "hist-semi", "--name", "A"),
        ("edit", "model", "hist-semi", "--set", "name=B; c"),
        ("retract", "model", "hist-semi"),
        ("add-model", "hist-semi", "--name", "Z"),
    ):
        done = run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)
    said = [["created"], ["name: A -> B; c"], ["retracted"], ["restored", "name: B; c -> Z"]]
    shown = json.loads(run("history", "model", "hist-semi", "--json").stdout)
    assert [r["changes"] for r in shown] == said
    lines = run("history", "model", "hist-semi", "--jsonl").stdout.splitlines()
    assert [json.loads(line)["changes"] for line in lines] == said
    rows = csv.DictReader(io.StringIO(run("history", "model", "hist-semi", "--csv").stdout))
    assert [r["changes"] for r in rows] == ["; ".join(items) for items in said]
    logged = json.loads(run("log", "--limit", "2", "--json").stdout)
    assert [r["changes"] for r in logged] == [["models: 1 restored"], ["models: 1 retracted"]]
    table = run("log", "--limit", "1", "--csv").stdout.splitlines()
    assert table[1].endswith(",models: 1 restored")
    parquet = tmp_path / "history.parquet"
    assert run("history", "model", "hist-semi", "-o", str(parquet)).exit_code == 0
    assert pl.read_parquet(parquet)["changes"].to_list() == said


def test_history_as_data_holds_every_field_of_each_revision(run: Run):
    _lifecycle(run)
    shown = json.loads(run("history", "model", "hist-x", "--json").stdout)
    assert [(r["op"], r["name"], r["notes"]) for r in shown] == [
        ("insert", "Hist X", None),
        ("update", "Hist Y", None),
        ("update", "Hist Y", "first"),
        ("retract", "Hist Y", "first"),
        ("insert", "Hist Z", "first"),
    ]
    header = run("history", "model", "hist-x", "--csv").stdout.splitlines()[0]
    assert {"changes", "name", "training_compute_flop"} <= set(header.split(","))
    # The table is for reading: who, when, why and what changed, not every field.
    table = run("history", "model", "hist-x").stdout.splitlines()[0].split()
    assert table == ["revision", "op", "changeset", "recorded_at", "author", "message", "changes"]


def test_history_as_data_of_a_result_or_price_gives_its_id(run: Run):
    """`show` and `list` give a result's or price's id; its history as data had every
    field but that one, so a revision read apart from the others named no record."""
    for kind, name in (("result", "minerva-540b/math"), ("price", "gpt-4/OpenAI/2023-03-14")):
        record = json.loads(run("show", kind, name, "--json").stdout)
        shown = json.loads(run("history", kind, name, "--json").stdout)
        assert [r["id"] for r in shown] == [record["id"]] * len(shown)
        header = run("history", kind, name, "--csv").stdout.splitlines()[0].split(",")
        assert header[header.index("changes") + 1 :] == list(record)


def test_a_model_is_found_by_an_alias_it_no_longer_has(run: Run):
    """History is of the past: a name a model was once known by finds it. An alias
    retracted since was "no model 'gpt-4-old' in the history"; one that named two
    models over time is an error listing both. A current alias finds its model now."""
    for step in (
        ("add-model", "hist-a"),
        ("add-model", "hist-b"),
        ("alias", "add", "hist-a", "hist-old"),
        ("alias", "add", "hist-a", "hist-moved"),
        ("edit", "alias", "hist-moved", "--set", "model=hist-b"),
    ):
        done = run(*step) if step[0] == "alias" else run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)
    assert _changes(run, "model", "hist-moved") == ["created"]  # hist-b's, as now
    for alias in ("hist-old", "hist-moved"):
        assert run("retract", "alias", alias, "-m", "t").exit_code == 0
    shown = run("history", "model", " HIST-OLD ", "--json")
    assert shown.exit_code == 0, shown.stderr
    assert [r["slug"] for r in json.loads(shown.stdout)] == ["hist-a"]
    both = run("history", "model", "hist-moved")
    assert (both.exit_code, both.stderr) == (
        1,
        "trendlab: error: 'hist-moved' was an alias of 2 models: hist-a, hist-b; "
        "give the model's slug\n",
    )
    assert _changes(run, "model", "gpt-4") == _changes(run, "model", "GPT-4-0314")


def test_an_alias_a_model_no_longer_has_finds_it_in_any_unicode_form(run: Run):
    """As a current alias does: `café` typed with a combining accent, or in full-width
    letters, was "no model 'café-old' in the history" once the alias was retracted,
    though `history alias` found the alias so typed (and `history model` did before)."""
    for step in (
        ("add-model", "hist-a", "-m", "t"),
        ("add-result", "hist-a", "mmlu", "50", "-m", "t"),
        ("alias", "add", "hist-a", "café-old"),
        ("retract", "alias", "café-old", "-m", "t"),
    ):
        done = run(*step)
        assert done.exit_code == 0, (step, done.stderr)
    for name in ("cafe\u0301-old", "\uff23\uff21\uff26\u00c9-OLD"):
        shown = run("history", "model", name, "--json")
        assert shown.exit_code == 0, shown.stderr
        assert [r["slug"] for r in json.loads(shown.stdout)] == ["hist-a"]
        result = run("history", "result", f"{name}/mmlu", "--json")
        assert result.exit_code == 0, result.stderr
        assert [r["model"] for r in json.loads(result.stdout)] == ["hist-a"]


def test_a_result_or_price_is_found_by_an_alias_its_model_no_longer_has(run: Run):
    """As a model is: `history result OLD/mmlu`, OLD an alias since retracted, was "no
    result 'OLD/mmlu' in the history" and suggested another model's result. Other
    commands name current records, by current aliases."""
    for step in (
        ("add-model", "hist-a"),
        ("add-model", "hist-b"),
        ("add-result", "hist-a", "mmlu", "50"),
        ("add-result", "hist-b", "mmlu", "60"),
        ("add-price", "hist-a", "Acme", "2024-01-01", "--input", "1"),
        ("alias", "add", "hist-a", "hist-old"),
        ("alias", "add", "hist-a", "hist-moved"),
        ("edit", "alias", "hist-moved", "--set", "model=hist-b"),
        ("retract", "alias", "hist-old"),
        ("retract", "alias", "hist-moved"),
    ):
        done = run(*step) if step[0] == "alias" else run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)
    for kind, name, model in (
        ("result", "HIST-OLD/MMLU", "hist-a"),
        ("price", "hist-old/Acme", "hist-a"),
    ):
        shown = run("history", kind, name, "--json")
        assert shown.exit_code == 0, shown.stderr
        assert [r["model"] for r in json.loads(shown.stdout)] == [model]
    both = run("history", "result", "hist-moved/mmlu")
    assert both.exit_code == 1
    assert both.stderr.startswith("trendlab: error: 'hist-moved/mmlu' matches 2 results: r_")
    assert run("show", "result", "hist-old/mmlu").exit_code == 1


def test_an_alias_of_two_models_lists_their_results_in_order(run: Run):
    """The results of an alias that named two models over time were listed model by
    model, each model's in order: r_3b9c..., r_cff6..., then hist-b's r_684f...."""
    for step in (
        ("add-model", "hist-a"),
        ("add-model", "hist-b"),
        ("add-result", "hist-a", "mmlu", "50"),
        ("add-result", "hist-a", "mmlu", "51", "--setting", "5-shot"),
        ("add-result", "hist-b", "mmlu", "60"),
        ("alias", "add", "hist-a", "shared"),
        ("edit", "alias", "shared", "--set", "model=hist-b"),
        ("retract", "alias", "shared"),
    ):
        done = run(*step) if step[0] == "alias" else run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)
    both = run("history", "result", "shared/mmlu")
    assert (both.exit_code, both.stderr) == (
        1,
        "trendlab: error: 'shared/mmlu' matches 3 results: r_3b9cb10eaf99cd3a, "
        "r_684fd282b790351e, r_cff601ed3799c7e9; give the full id\n",
    )


def test_a_current_alias_in_a_result_or_price_name_names_its_model_now(run: Run):
    """As `history model` reads it: hist-now/mmlu, hist-now an alias moved from hist-a
    to hist-b, which has no mmlu result, was hist-a's result; so was hist-c/mmlu, once
    hist-c, an alias of hist-a since retracted, became another model's slug."""
    for step in (
        ("add-model", "hist-a"),
        ("add-model", "hist-b"),
        ("add-result", "hist-a", "mmlu", "50"),
        ("add-price", "hist-a", "Acme", "2024-01-01", "--input", "1"),
        ("alias", "add", "hist-a", "hist-now"),
        ("edit", "alias", "hist-now", "--set", "model=hist-b"),
        ("alias", "add", "hist-a", "hist-c"),
        ("retract", "alias", "hist-c"),
        ("add-model", "hist-c"),
    ):
        done = run(*step) if step[0] == "alias" else run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)
    assert _changes(run, "model", "hist-now") == ["created"]  # hist-b's
    for kind, name in (
        ("result", "hist-now/mmlu"),
        ("price", "HIST-NOW/acme"),
        ("result", "hist-c/mmlu"),
        ("price", "hist-c/Acme/2024-01-01"),
    ):
        shown = run("history", kind, name)
        assert shown.exit_code == 1, (name, shown.stdout)
        assert f"no {kind} {name!r} in the history" in shown.stderr


def test_a_current_alias_names_its_model_now_in_any_case(run: Run, db: Path):
    """hist-z, a retracted model's slug, then an alias of hist-m: `history model hist-z`
    showed the retracted model and `HIST-Z` hist-m, as `show` reads both; a result's
    name was ambiguous in lowercase and hist-m's in capitals. The retracted model's own
    history is told of, with the query that shows it on this store (--db: run as
    printed, it read ./trendlab.duckdb)."""
    query = f"trendlab --db {shlex.quote(str(db))} query"
    for step in (
        ("add-model", "hist-z"),
        ("add-model", "hist-m"),
        ("add-result", "hist-z", "mmlu", "50"),
        ("retract", "result", "hist-z/mmlu"),
        ("retract", "model", "hist-z"),
        ("alias", "add", "hist-m", "hist-z"),
        ("add-result", "hist-m", "mmlu", "60"),
    ):
        done = run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)
    # In full-width letters too, as the alias resolves: the note was left out.
    wide = "\uff48\uff49\uff53\uff54-z"
    for name in ("hist-z", "HIST-Z", " hist-z ", wide):
        shown = run("history", "model", name, "--json")
        assert shown.exit_code == 0, shown.stderr
        assert [r["slug"] for r in json.loads(shown.stdout)] == ["hist-m"]
        assert shown.stderr == (
            f"{name.strip()!r} is an alias of model hist-m now, whose history this is; model "
            f"hist-z, retracted, has its own: {query} 'SELECT * FROM model_history "
            "WHERE key = $key ORDER BY revision' --param key=hist-z\n"
        )
    told = run("query", "SELECT op FROM model_history WHERE key = $key", "--param", "key=hist-z")
    assert told.exit_code == 0 and "retract" in told.stdout
    assert run("history", "model", "hist-m").stderr == ""
    for name in ("hist-z/mmlu", "HIST-Z/mmlu", f"{wide}/mmlu"):
        shown = run("history", "result", name, "--json")
        assert shown.exit_code == 0, shown.stderr
        assert [(r["model"], r["score"]) for r in json.loads(shown.stdout)] == [("hist-m", 60.0)]
        # The retracted model's result is named as its history was (it had one).
        assert shown.stderr == (
            f"{name.split('/')[0]!r} is an alias of model hist-m now, whose result this is; "
            f"model hist-z, retracted, has results of its own: {query} 'SELECT * FROM "
            "result_history WHERE model = $model ORDER BY key, revision' --param model=hist-z\n"
        )
    sql = "SELECT score, op FROM result_history WHERE model = $model ORDER BY key, revision"
    told = run("query", sql, "--param", "model=hist-z", "--csv")
    assert told.stdout.splitlines()[1:] == ["50.0,insert", "50.0,retract"], told.stdout
    # A benchmark hist-m has no result on: not the nearest name (another model's) but the
    # query that lists what hist-z had.
    gone = run("history", "result", "hist-z/gsm8k")
    assert gone.exit_code == 1
    assert gone.stderr == (
        "trendlab: error: no result 'hist-z/gsm8k' in the history: 'hist-z' is an alias of "
        f"model hist-m now; model hist-z, retracted, has results of its own: {query} "
        "'SELECT * FROM result_history WHERE model = $model ORDER BY key, revision' "
        "--param model=hist-z\n"
    )
    # It had no price: none is told of.
    assert run("add-price", "hist-m", "P", "2024-01-01", "--input", "1").exit_code == 0
    priced = run("history", "price", "hist-z/P")
    assert priced.exit_code == 0, priced.stderr
    [price] = {r["id"] for r in json.loads(run("history", "price", "hist-m/P", "--json").stdout)}
    assert priced.stderr == f"'hist-z/P' is price {price} (hist-m/P/2024-01-01)\n"


def test_history_by_another_name_says_which_record_it_shows(run: Run):
    """By an alias, other capitals or MODEL/BENCHMARK, history did not say which record
    it resolved to, and no row of its table names it; by the key itself it says nothing."""
    for name in ("gpt-4-0314", "GPT-4"):
        shown = run("history", "model", name)
        assert shown.exit_code == 0 and shown.stderr == f"{name!r} is model gpt-4\n"
    assert run("history", "model", "gpt-4").stderr == ""
    key = "r_3518109b53056b93"
    shown = run("history", "result", "minerva-540b/math", "--json")
    assert [r["id"] for r in json.loads(shown.stdout)] == [key]
    assert shown.stderr == (
        f"'minerva-540b/math' is result {key} "
        "(minerva-540b/math/4-shot maj1@64, https://arxiv.org/abs/2206.14858)\n"
    )
    assert run("history", "result", key).stderr == ""


def test_a_changed_number_is_told_as_show_writes_it(run: Run):
    """history's and diff's changes wrote a count as repr does, 1500000000.0, where show
    gives 1500000000; a number is written as show writes it, to as many digits as read
    back as itself."""
    since = json.loads(run("log", "--json", "--limit", "1").stdout)[0]["changeset"]
    for value in ("1500000000", "1234567891"):
        edited = run("edit", "model", "gpt-4", "--set", f"parameters={value}", "-m", "t")
        assert edited.exit_code == 0, edited.stderr
    assert _changes(run, "model", "gpt-4")[-2:] == [
        "parameters: (none) -> 1500000000",
        "parameters: 1500000000 -> 1234567891",
    ]
    diff = json.loads(run("diff", "--since", since, "--json").stdout)
    assert [d["fields"] for d in diff] == [["parameters: (none) -> 1234567891"]]


def test_an_unknown_score_is_told_as_show_and_list_write_it_in_every_format(run: Run, db: Path):
    """A NaN score (written around trendlab) is `NaN` in show's and list's table and CSV:
    history's changes said `score: 78.5 -> nan` in every format, beside a score column
    that read NaN."""
    key = json.loads(run("show", "result", "minerva-540b/gsm8k", "--json").stdout)["id"]
    store = Store.open(db, read_only=False)
    try:
        unknown = changeset_around(store.con)
        revise_around(store.con, unknown, "result_revisions", key, score=float("nan"))
    finally:
        store.close()
    change = "score: 78.5 -> NaN"
    assert _changes(run, "result", key)[-1] == change
    table = run("history", "result", key)
    assert table.exit_code == 0, table.stderr
    assert table.stdout.splitlines()[-1].endswith(f"  {change}")
    rows = list(csv.DictReader(io.StringIO(run("history", "result", key, "--csv").stdout)))
    shown = list(csv.DictReader(io.StringIO(run("show", "result", key, "--csv").stdout)))
    assert shown[0]["score"] == "NaN"
    assert (rows[-1]["changes"], rows[-1]["score"]) == (change, "NaN")


def test_an_organization_is_found_by_a_name_it_had_before_a_rename(run: Run):
    """History is of the past: renamed, an organization was "no organization 'Lab
    Old' in the history" by the name it had. A name two of them had is an error listing
    both."""
    for step in (
        ("add-model", "m-old", "--organization", "Lab Old"),
        ("edit", "organization", "lab-old", "--set", "name=Lab New"),
        ("add-model", "m-other", "--organization", "Lab Other"),
        ("edit", "organization", "lab-other", "--set", "name=Lab Shared"),
        ("edit", "organization", "lab-other", "--set", "name=Lab Other 2"),
        ("edit", "organization", "lab-old", "--set", "name=Lab Shared"),
        ("edit", "organization", "lab-old", "--set", "name=Lab Newest"),
    ):
        done = run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)
    assert _changes(run, "organization", " lab new ") == _changes(run, "organization", "lab-old")
    both = run("history", "organization", "Lab Shared")
    assert (both.exit_code, both.stderr) == (
        1,
        "trendlab: error: 'Lab Shared' was the name of 2 organizations: lab-old, lab-other; "
        "give the organization's slug\n",
    )
