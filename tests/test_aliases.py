"""Aliases name one model however they are written: names resolve ignoring case and
surrounding spaces, so no alias may match another model's slug or alias that way."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Run, both_stores, changeset_around
from trendlab.db import Store


def _model_of(run: Run, result_id: str) -> str:
    return json.loads(run("show", "result", result_id, "--json").stdout)["model"]


@both_stores
def test_an_alias_may_not_shadow_another_models_slug_or_alias(run: Run):
    shadow = run("alias", "add", "gpt-4o", "GPT-4")
    assert shadow.exit_code == 1
    assert "alias 'GPT-4' is the slug of model gpt-4 (ignoring case" in shadow.stderr
    # So GPT-4 still means gpt-4.
    added = run("add-result", "GPT-4", "mmlu", "71", "--source-url", "https://case.example/3")
    assert added.exit_code == 0, added.stderr
    assert _model_of(run, added.stdout.strip()) == "gpt-4"

    assert run("alias", "add", "gpt-4", "MY-GPT4").exit_code == 0
    for spelling in ("My-Gpt4", " my-gpt4 "):
        taken = run("alias", "add", "gpt-4o", spelling)
        assert taken.exit_code == 1
        assert "is taken by 'MY-GPT4', an alias of gpt-4" in taken.stderr
    # Spelled exactly as stored, it says which model the alias names too.
    exact = run("alias", "add", "gpt-4o", "MY-GPT4")
    assert exact.exit_code == 1 and exact.stderr.startswith(
        "trendlab: error: alias MY-GPT4 already exists and names gpt-4; change it with "
    ), exact.stderr
    # Harmless spellings of a model's own names stay allowed.
    assert run("alias", "add", "gpt-4o", "GPT-4o").exit_code == 0
    # With two spellings taken, a clash is still said once.
    assert run("alias", "add", "gpt-4", "my-gpt4").exit_code == 0
    taken = run("alias", "add", "gpt-4o", "My-Gpt4")
    assert taken.exit_code == 1 and taken.stderr.count("is taken by") == 1


def test_a_new_model_may_not_take_another_models_alias_as_its_slug(run: Run):
    assert run("alias", "add", "gpt-4", "MY-GPT4").exit_code == 0
    assert run("alias", "add", "gpt-4", "my-gpt4").exit_code == 0
    taken = run("add-model", "my-gpt4", "--name", "snap")
    assert taken.exit_code == 1
    assert taken.stderr.count("already names model gpt-4") == 1, taken.stderr
    # Each alias that blocks the slug is named: one retracted, the other still would.
    assert taken.stderr == (
        "trendlab: error: add-model: slug: 'my-gpt4' already names model gpt-4 (its aliases "
        "'MY-GPT4' and 'my-gpt4', ignoring case); choose another slug, or retract the aliases "
        "first; nothing was written\n"
    )
    assert run("show", "model", "my-gpt4", "--json").stdout.count('"slug": "gpt-4"') == 1
    assert run("alias", "add", "gpt-4", "My-Gpt4").exit_code == 0
    three = run("add-model", "my-gpt4")
    assert "(its aliases 'MY-GPT4', 'My-Gpt4' and 'my-gpt4', ignoring case)" in three.stderr
    assert run("check").exit_code == 0
    # A model's own names stay its own: editing it is not a clash.
    assert run("edit", "model", "gpt-4", "--set", "notes=x", "-m", "x").exit_code == 0


def test_an_alias_taking_a_retracted_models_slug_in_other_capitals_says_so(run: Run):
    """An alias that is a retracted model's slug in other capitals (FOO-M, foo-m's) was
    added without a word, and from then on foo-m, in a write or a read, meant the
    alias's model: alias add says so, and that the model is restored only once the alias
    is retracted, which add-model says alike."""
    assert run("add-model", "foo-m", "-m", "a model").exit_code == 0
    retracted = run("retract", "model", "foo-m", "-m", "gone")
    changeset = retracted.stderr.split()[-1]
    added = run("alias", "add", "gpt-4", "FOO-M")
    assert added.exit_code == 0, added.stderr
    said, taken = added.stderr.splitlines()
    assert said.startswith("added alias FOO-M in changeset ")
    assert taken == (
        f"note: alias FOO-M is also the slug of model foo-m, retracted in changeset {changeset}: "
        "the name now means model gpt-4, and foo-m can be restored only once the alias is "
        "retracted"
    )
    shown = run("show", "model", "foo-m", "--json")
    assert json.loads(shown.stdout)["slug"] == "gpt-4"
    assert shown.stderr == "'foo-m' is model gpt-4\n"
    restored = run("add-model", "foo-m", "-m", "back")
    assert restored.exit_code == 1 and "or retract the alias first" in restored.stderr
    # Another alias, or the same one again, says nothing of it.
    assert run("alias", "add", "gpt-4", "FOO-M").stderr.startswith("alias FOO-M already names")
    assert len(run("alias", "add", "gpt-4", "foo-n").stderr.splitlines()) == 1


def test_an_imported_alias_taking_a_retracted_models_slug_says_so(run: Run, tmp_path: Path):
    """import --kind aliases wrote such an alias (FOO-M, foo-m's) without the note alias
    add gives; it gives it after its counts, for that alias alone, and a dry run or an
    alias unchanged says nothing of it."""
    assert run("add-model", "foo-m", "-m", "a model").exit_code == 0
    changeset = run("retract", "model", "foo-m", "-m", "gone").stderr.split()[-1]
    path = tmp_path / "aliases.csv"
    path.write_text("alias,model\nFOO-M,gpt-4\nbar-q,gpt-4\n")
    dry = run("import", str(path), "--kind", "aliases", "--dry-run")
    assert dry.exit_code == 0 and "note:" not in dry.stderr
    imported = run("import", str(path), "--kind", "aliases", "-m", "t")
    assert imported.exit_code == 0, imported.stderr
    said, taken = imported.stderr.splitlines()
    assert said.startswith("aliases: 2 added (changeset ")
    assert taken == (
        f"note: alias FOO-M is also the slug of model foo-m, retracted in changeset {changeset}: "
        "the name now means model gpt-4, and foo-m can be restored only once the alias is "
        "retracted"
    )
    again = run("import", str(path), "--kind", "aliases", "-m", "t")
    assert again.stderr == "aliases: 2 unchanged; nothing to write\n"


def test_an_import_may_not_give_one_alias_to_two_models(run: Run, tmp_path: Path):
    path = tmp_path / "aliases.csv"
    path.write_text("alias,model\nfoo-x,gpt-4\nFOO-X,gpt-4o\n")
    before = run("alias", "list", "--json").stdout
    result = run("import", str(path), "--kind", "aliases")
    assert result.exit_code == 1
    assert f"{path}:2: alias 'foo-x' names two models in this file" in result.stderr
    assert f"{path}:3: alias 'FOO-X' names two models in this file" in result.stderr
    assert run("alias", "list", "--json").stdout == before


def test_an_import_may_move_every_spelling_of_an_alias_to_another_model(run: Run, tmp_path: Path):
    """Both of the seeds' spellings of one alias, moved to another model by one file,
    were refused, each as taken by the other (an alias of the model they leave): no
    write could move them, as an edit moves one at a time. One spelling alone still is."""
    one = "moonshotai/Kimi-K2-Thinking"
    path = tmp_path / "aliases.csv"
    path.write_text(f"alias,model\n{one},gpt-4o\n")
    alone = run("import", str(path), "-m", "t")
    assert alone.exit_code == 1
    assert alone.stderr == (
        f"trendlab: error: {path}:2: alias '{one}' is taken by "
        "'moonshotai/kimi-k2-thinking', an alias of moonshotai-kimi-k2-thinking (ignoring "
        "case and surrounding spaces); nothing was written\n"
    )
    path.write_text(f"alias,model\n{one},gpt-4o\n{one.lower()},gpt-4o\n")
    both = run("import", str(path), "-m", "t")
    assert both.exit_code == 0, both.stderr
    assert both.stderr.startswith("aliases: 2 updated (changeset ")
    for alias in (one, one.lower()):
        assert json.loads(run("show", "alias", alias, "--json").stdout)["model"] == "gpt-4o"
    assert run("check").exit_code == 0


def test_a_write_of_missing_aliases_judges_a_stored_one_where_it_stays(run: Run, db: Path):
    """An import that adds only the aliases missing (the Epoch adapter's) keeps a
    stored one where it is, whatever the file says: judged as moved, its new twin in
    another case was added beside it, naming another model, and `check` failed."""
    from trendlab.errors import TrendlabError
    from trendlab.kinds import ALIASES
    from trendlab.records import Changeset, rows_frame

    assert run("alias", "add", "gpt-4o", "ZzAlias", "-m", "t").exit_code == 0
    before = run("log", "--json").stdout
    rows = [{"alias": "ZzAlias", "model": "gpt-4"}, {"alias": "zzalias", "model": "gpt-4"}]
    store = Store.open(str(db), read_only=False)
    try:
        with (
            pytest.raises(TrendlabError, match="alias 'zzalias' is taken by 'ZzAlias'"),
            Changeset(store, "tester", "missing only") as cs,
        ):
            cs.write(ALIASES, rows_frame(ALIASES, rows), mode="missing")
    finally:
        store.close()
    assert run("log", "--json").stdout == before
    assert run("check").exit_code == 0


def _store_aliases(store_location: str, aliases: list[tuple[str, str]]) -> None:
    """Write (alias, model) records past validation, as an older trendlab could have."""
    store = Store.open(store_location, read_only=False)
    cs = store.con.execute("SELECT id FROM changesets").fetchone()[0]
    store.con.executemany(
        "INSERT INTO alias_revisions (changeset_id, key, revision, op, alias, model) "
        "VALUES (?, ?, 1, 'insert', ?, ?)",
        [[cs, alias, alias, model] for alias, model in aliases],
    )
    store.close()


def test_check_finds_aliases_that_clash_ignoring_case(run: Run, store_location: str):
    # Names resolve ignoring surrounding spaces too, so the padded ones clash as well.
    _store_aliases(
        store_location,
        [
            ("Gpt-4", "gpt-4o"),
            ("Clash-A", "gpt-4"),
            ("clash-a", "gpt-4o"),
            (" GPT-4O ", "gpt-4"),
            ("Clash-B ", "gpt-4"),
            ("clash-b", "gpt-4o"),
        ],
    )
    result = run("check", "--json")
    assert result.exit_code == 1
    problems = {
        (v["key"], v["problem"]) for v in json.loads(result.stdout) if v["check"] == "09_aliases"
    }
    assert problems == {
        ("Gpt-4", "alias matches the slug of model gpt-4 ignoring case"),
        ("Clash-A", "alias matches alias clash-a of gpt-4o ignoring case"),
        ("clash-a", "alias matches alias Clash-A of gpt-4 ignoring case"),
        (" GPT-4O ", "alias matches the slug of model gpt-4o ignoring case"),
        ("Clash-B ", "alias matches alias clash-b of gpt-4o ignoring case"),
        ("clash-b", "alias matches alias Clash-B  of gpt-4 ignoring case"),
    }


def test_a_name_of_two_models_in_other_capitals_is_refused_naming_both(
    run: Run, store_location: str, tmp_path: Path
):
    """Two models' aliases that differ only in case (written around trendlab) leave a
    name in a third spelling naming neither: the error suggested the nearest of them,
    'Clash-A' (alias of gpt-4), a guess at which was meant."""
    _store_aliases(store_location, [("Clash-A", "gpt-4"), ("clash-a", "gpt-4o")])
    both = (
        " (it matches 2 models ignoring case: 'Clash-A' (alias of gpt-4) and 'clash-a' "
        "(alias of gpt-4o); give one as it is written)"
    )
    shown = run("show", "model", "CLASH-A")
    assert (shown.exit_code, shown.stderr) == (
        1,
        f"trendlab: error: no current model 'CLASH-A'{both}\n",
    )
    added = run("add-result", "CLASH-A", "mmlu", "50", "--source-url", "https://x.example/1")
    assert (added.exit_code, added.stderr) == (
        1,
        f"trendlab: error: add-result: unknown model 'CLASH-A'{both}; nothing was written\n",
    )
    path = tmp_path / "results.csv"
    path.write_text("model,benchmark,score\nＣＬＡＳＨ-A,mmlu,50\n", encoding="utf-8")
    imported = run("import", str(path))
    assert imported.stderr == (
        f"trendlab: error: {path}:2: unknown model 'ＣＬＡＳＨ-A'{both}; nothing was written\n"
    )
    # Either spelled as stored names its own.
    assert json.loads(run("show", "model", "clash-a", "--json").stdout)["slug"] == "gpt-4o"
    # history said "'CLASH-A' was an alias of 2 models", as of aliases since retracted.
    history = run("history", "model", "CLASH-A")
    assert (history.exit_code, history.stderr) == (
        1,
        f"trendlab: error: 'CLASH-A' {both[5:-1]}\n",
    )


def test_check_finds_an_alias_on_two_lines(run: Run, store_location: str):
    """Written before a control character in an alias was refused, such an alias can
    still be listed by check, and retracted."""
    odd = ["two\nlines", "tab\tbed", "next\u2028line"]
    _store_aliases(store_location, [(alias, "gpt-4") for alias in odd])
    result = run("check", "--json")
    assert result.exit_code == 1
    flagged = {
        v["key"]
        for v in json.loads(result.stdout)
        if v["problem"] == "alias holds a line break or another control character"
    }
    assert flagged == set(odd)
    assert run("retract", "alias", "two\nlines", "-m", "one line").exit_code == 0


def test_a_model_name_resolves_through_aliases_ignoring_surrounding_spaces(
    run: Run, tmp_path: Path
):
    """As the README says of every import and of add-result: a slug or an alias,
    ignoring case and surrounding spaces (gpt-4-0314 is a seeded alias of gpt-4)."""
    path = tmp_path / "results.csv"
    path.write_text(
        "model,benchmark,score,source_url\n GPT-4-0314 ,mmlu,71,https://pad.example/1\n"
    )
    imported = run("import", str(path), "--kind", "results", "-m", "t")
    assert imported.exit_code == 0, imported.stderr
    added = run("add-result", " Gpt-4-0314 ", "mmlu", "72", "--source-url",
                "https://pad.example/2", "-m", "t")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    padded = json.loads(
        run(
            "query", "SELECT model, score FROM results WHERE source_url LIKE 'https://pad.%' "
            "ORDER BY score", "--json",
        ).stdout
    )  # fmt: skip
    assert padded == [{"model": "gpt-4", "score": 71.0}, {"model": "gpt-4", "score": 72.0}]


@both_stores
def test_an_alias_is_named_ignoring_case_and_surrounding_spaces(run: Run):
    """As a model name resolves through its aliases: show, history and retract find an
    alias however it is written, and a typo still gets the nearest alias."""
    shown = run("show", "alias", "GPT-4-0314", "--json")  # a seeded alias of gpt-4
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["alias"] == "gpt-4-0314"
    assert run("alias", "add", "gpt-4", "Weird One", "-m", "t").exit_code == 0
    for spelling in ("weird one", " WEIRD ONE "):
        shown = run("show", "alias", spelling, "--json")
        assert shown.exit_code == 0, shown.stderr
        record = json.loads(shown.stdout)
        assert (record["alias"], record["model"]) == ("Weird One", "gpt-4")
    retracted = run("retract", "alias", "weird ONE", "-m", "not a name of it")
    assert retracted.exit_code == 0, retracted.stderr
    history = run("history", "alias", "weird one", "--json")
    assert history.exit_code == 0, history.stderr
    assert [r["op"] for r in json.loads(history.stdout)] == ["insert", "retract"]
    typo = run("show", "alias", "GPT-4-03144")
    assert typo.exit_code == 1
    assert typo.stderr == (
        "trendlab: error: no current alias 'GPT-4-03144' (did you mean 'gpt-4-0314'?)\n"
    )


def test_an_alias_typed_in_another_unicode_form_names_it(run: Run):
    """Aliases are stored in NFKC; the same name typed with a combining accent was 'no
    current model 'café-model' (did you mean 'café-model' (alias of gpt-4o)?)', a
    suggestion that looked like what was typed."""
    assert run("alias", "add", "gpt-4o", "café-model", "-m", "t").exit_code == 0
    typed = "cafe\u0301-model"
    for args in (("show", "model", typed), ("prices", "--model", typed), ("alias", "list",
                 "--model", typed), ("query", "launch-price-ratio", "--param", f"model={typed}",
                 "--param", "baseline=gpt-4")):  # fmt: skip
        shown = run(*args, "--json")
        assert shown.exit_code == 0, (args, shown.stderr)
        assert "gpt-4o" in shown.stdout, args
    alias = json.loads(run("show", "alias", "ＣＡＦÉ-model", "--json").stdout)
    assert (alias["alias"], alias["model"]) == ("café-model", "gpt-4o")
    added = run("add-result", typed, "mmlu", "70", "--source-url", "https://nfd.example/1")
    assert added.exit_code == 0, added.stderr
    assert _model_of(run, added.stdout.strip()) == "gpt-4o"


def test_a_typo_in_another_unicode_form_gets_the_nearest_name(run: Run):
    """As ｇｐｔ-4o names gpt-4o, ｇｐｔ-4x is a typo of it: the suggestion compared the
    full-width letters as typed, which match no letter of a name, and there was none."""
    for args, error in (
        (("show", "model", "ｇｐｔ-4x"), "no current model 'ｇｐｔ-4x'"),
        (("history", "model", "ｇｐｔ-4x"), "no model 'ｇｐｔ-4x' in the history"),
        (("show", "alias", "ＧＰＴ-4-0315"), "no current alias 'ＧＰＴ-4-0315'"),
    ):
        refused = run(*args)
        assert refused.exit_code == 1, args
        assert refused.stderr.startswith(f"trendlab: error: {error} (did you mean 'gpt-4"), (
            refused.stderr
        )


def test_a_typo_of_a_model_with_an_alias_in_its_capitals_gets_its_slug(run: Run):
    """Given the alias GPT-4, gpt-4's slug left every suggestion: a typo of it was told
    'gpt_4' (alias of gpt-4), or 'GPT-4' (alias of gpt-4), never gpt-4."""
    assert run("alias", "add", "gpt-4", "GPT-4").exit_code == 0
    for args, error in (
        (("add-result", "gpt4", "mmlu", "50"), "add-result: unknown model 'gpt4'"),
        (("show", "model", "gpt4"), "no current model 'gpt4'"),
        (("alias", "add", "gpt-44", "x"), "alias add: unknown model 'gpt-44'"),
    ):
        refused = run(*args)
        assert refused.exit_code == 1, args
        assert refused.stderr.startswith(f"trendlab: error: {error} (did you mean 'gpt-4'"), (
            refused.stderr
        )


def test_a_models_slug_named_as_an_alias_points_to_that_models_aliases(run: Run, db: Path):
    """`retract alias gpt-4` suggested another model's alias, 'gpt-4.5', the nearest
    spelling: a slug is no alias, and the right thing is the model's own aliases, in
    this store (--db)."""
    listing = f"trendlab --db {shlex.quote(str(db))} alias list --model gpt-4"
    hint = f" (gpt-4 is a model's slug: `{listing}` lists its aliases)\n"
    for args in (
        ("show", "alias", "GPT-4"),
        ("retract", "alias", "gpt-4", "-m", "t"),
        ("edit", "alias", " gpt-4 ", "--set", "notes=x", "-m", "t"),
        ("history", "alias", "gpt-4"),
        ("show", "alias", "ＧＰＴ-4"),  # full-width, as the slug names gpt-4: was gpt-4.5
    ):
        refused = run(*args)
        assert refused.exit_code == 1, args
        assert refused.stderr.endswith(hint), refused.stderr
        assert "gpt-4.5" not in refused.stderr
    listed = run("alias", "list", "--model", "gpt-4", "--json")
    assert "gpt-4-0314" in {a["alias"] for a in json.loads(listed.stdout)}


def test_a_command_an_error_suggests_runs_as_given(run: Run, db: Path):
    """A name with spaces or brackets (the seeds' Epoch id Chinchilla (70B), a setting
    of two words) is quoted for the shell in the command an error suggests, which names
    the store (--db) it is about."""
    trendlab = f"trendlab --db {shlex.quote(str(db))}"
    taken = run("alias", "add", "chinchilla-70b", "Chinchilla (70B)", "--notes", "x")
    assert taken.exit_code == 1
    assert f"change it with `{trendlab} edit alias 'Chinchilla (70B)' --set" in taken.stderr
    assert run("retract", "alias", "Chinchilla (70B)", "-m", "t").exit_code == 0
    gone = run("show", "alias", " chinchilla (70b) ")
    assert gone.exit_code == 1
    assert gone.stderr.startswith("trendlab: error: alias chinchilla (70b) was retracted in ")
    assert gone.stderr.endswith(f"; `{trendlab} history alias 'chinchilla (70b)'` shows it\n"), (
        gone.stderr
    )
    name = "gpt-4/gsm8k/5-shot chain-of-thought"
    assert run("retract", "result", name, "-m", "t").exit_code == 0
    assert f"`{trendlab} history result '{name}'` shows it" in run("show", "result", name).stderr
    assert run("history", "result", name).exit_code == 0
    # A name beginning with - goes after --, which ends the options, so they come before.
    dashed = "-gpt four"
    assert run("alias", "add", "--notes", "x", "gpt-4", "--", dashed).exit_code == 0
    taken = run("alias", "add", "--notes", "x", "chinchilla-70b", "--", dashed)
    assert f"`{trendlab} edit alias --set FIELD=VALUE -m ... -- '-gpt four'`" in taken.stderr
    assert run("retract", "alias", "-m", "t", "--", dashed).exit_code == 0
    gone = run("show", "alias", "--", dashed).stderr
    suggested = gone.split("`")[1]
    assert suggested == f"{trendlab} history alias -- '-gpt four'"
    assert run(*shlex.split(suggested)[1:]).exit_code == 0


def test_a_model_named_by_a_retracted_alias_says_it_was_retracted(run: Run, db: Path):
    """`show model` and the writes naming a model by an alias since retracted said
    "no current model" or "unknown model", though `history` finds the alias: they say
    it was retracted, and which model it named, as a retracted model's name says."""
    retracted = run("retract", "alias", "Chinchilla (70B)", "-m", "t")
    assert retracted.exit_code == 0, retracted.stderr
    changeset = json.loads(run("log", "--json", "--limit", "1").stdout)[0]["changeset"]
    gone = f"alias Chinchilla (70B) was retracted in changeset {changeset}"
    for args in (("show", "model", " chinchilla (70b) "), ("edit", "model", "Chinchilla (70B)")):
        refused = run(*args, *(["--set", "notes=x", "-m", "t"] if args[0] == "edit" else []))
        assert (refused.exit_code, refused.stderr) == (
            1,
            f"trendlab: error: {gone} (it named model chinchilla-70b); `trendlab --db "
            f"{shlex.quote(str(db))} history alias 'Chinchilla (70B)'` shows it\n",
        )
    added = run("add-result", "Chinchilla (70B)", "math", "50", "--source-url", "https://e.org")
    assert (added.exit_code, added.stderr) == (
        1,
        "trendlab: error: add-result: alias 'Chinchilla (70B)' was retracted in changeset "
        f"{changeset} (it named model chinchilla-70b); name the model by its slug, or add "
        "the alias again first; nothing was written\n",
    )
    assert run("history", "model", "Chinchilla (70B)").exit_code == 0
    # A name no alias ever was is still unknown, with the nearest name.
    typo = run("show", "model", "Chinchilla (70Bx)")
    assert "no current model 'Chinchilla (70Bx)' (did you mean" in typo.stderr


def test_a_result_or_price_named_by_a_retracted_alias_says_it_was_retracted(run: Run, db: Path):
    """A result's or a price's name whose model is an alias since retracted said "no
    current result ... (did you mean 'chinchilla-70b/mmlu'?)", where `show model` said
    the alias was retracted: it says so too, and nothing is written."""
    for alias in ("Chinchilla (70B)", "claude-3-5-sonnet-20240620"):
        retracted = run("retract", "alias", alias, "-m", "t")
        assert retracted.exit_code == 0, retracted.stderr
    changeset = json.loads(run("log", "--json", "--limit", "1").stdout)[0]["changeset"]
    before = run("log", "--json").stdout
    named = {
        ("show", "result", "Chinchilla (70B)/mmlu"): "'Chinchilla (70B)'",
        ("retract", "result", " chinchilla (70b)/MMLU", "-m", "t"): "'Chinchilla (70B)'",
        ("show", "price", "claude-3-5-sonnet-20240620/Anthropic/2024-06-20"): (
            "claude-3-5-sonnet-20240620"
        ),
    }
    for args, quoted in named.items():
        refused = run(*args)
        alias = quoted.strip("'")
        model = "chinchilla-70b" if "Chinchilla" in alias else "claude-3.5-sonnet"
        gone = json.loads(run("history", "alias", alias, "--json").stdout)[-1]["changeset"]
        assert (refused.exit_code, refused.stderr) == (
            1,
            f"trendlab: error: alias {alias} was retracted in changeset {gone} (it named "
            f"model {model}); `trendlab --db {shlex.quote(str(db))} history alias "
            f"{quoted}` shows it\n",
        )
    assert gone == changeset and run("log", "--json").stdout == before


def test_a_retracted_alias_as_of_a_moment_names_the_model_it_named_then(run: Run):
    """Under --as-of, an alias retracted then said it named the model a revision
    recorded later gave it (added again for another model), past the moment read."""
    for args in (
        ("retract", "alias", "Chinchilla (70B)", "-m", "t"),
        ("alias", "add", "gopher-280b", "Chinchilla (70B)", "-m", "t"),
    ):
        assert run(*args).exit_code == 0
    changesets = json.loads(run("log", "--json", "--limit", "2").stdout)
    retraction = changesets[1]["changeset"]
    shown = run("show", "model", "Chinchilla (70B)", "--as-of", retraction)
    assert shown.exit_code == 1
    assert shown.stderr.startswith(
        f"trendlab: error: alias Chinchilla (70B) was retracted in changeset {retraction} "
        "(it named model chinchilla-70b); "
    ), shown.stderr


def test_a_name_two_spellings_of_one_models_aliases_fold_to_is_ambiguous(run: Run):
    """Two aliases of one model may differ only in case (the seeds' Epoch ids
    moonshotai/Kimi-K2-Thinking and moonshotai/kimi-k2-thinking): a name matching both
    ignoring case names two records, an error listing them, not an unknown alias."""
    spelling = "MOONSHOTAI/KIMI-K2-THINKING"
    listed = "moonshotai/Kimi-K2-Thinking, moonshotai/kimi-k2-thinking"
    for args in (("show", "alias", spelling), ("history", "alias", spelling)):
        shown = run(*args)
        assert shown.exit_code == 1
        assert shown.stderr == (
            f"trendlab: error: {spelling!r} matches 2 aliases: {listed}; give one as "
            "it is written\n"
        ), shown.stderr
    retracted = run("retract", "alias", spelling, "-m", "t")
    assert retracted.exit_code == 1 and f"matches 2 aliases: {listed}" in retracted.stderr
    # Either spelling, as stored, still names its own record.
    assert run("retract", "alias", "moonshotai/Kimi-K2-Thinking", "-m", "t").exit_code == 0
    # One left: the name is that one's again, and the retracted one's history is its.
    shown = run("show", "alias", spelling, "--json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["alias"] == "moonshotai/kimi-k2-thinking"
    history = run("history", "alias", spelling)
    assert history.exit_code == 1 and f"matches 2 aliases: {listed}" in history.stderr


def test_a_retracted_alias_named_as_written_is_not_its_twin_in_other_capitals(run: Run):
    """A second `retract alias` of the Kimi id as written retracted its twin in other
    capitals, exit 0; every other record's second retract is refused, and so is this."""
    kept, gone = "moonshotai/kimi-k2-thinking", "moonshotai/Kimi-K2-Thinking"
    assert run("retract", "alias", gone, "-m", "once").exit_code == 0
    for args in (("retract", "alias", gone, "-m", "twice"), ("show", "alias", gone)):
        again = run(*args)
        assert again.exit_code == 1
        assert f"alias {gone} was retracted in changeset " in again.stderr, again.stderr
    shown = run("show", "alias", kept, "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["alias"] == kept
    # Another spelling than either still finds the one current alias.
    shown = run("show", "alias", kept.upper(), "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["alias"] == kept


def test_a_key_names_its_model_by_an_alias_holding_a_slash(run: Run):
    """26 seeded aliases hold a '/' (fireworks/deepseek-v3p2): each '/' of a result's or
    a price's key may end its model, and a key two readings fit is ambiguous."""
    key = "fireworks/deepseek-v3p2/frontiermath"
    shown = run("show", "result", key, "--json")
    assert shown.exit_code == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert record["model"] == "fireworks-deepseek-v3p2" and record["benchmark"] == "frontiermath"
    edited = run(
        "edit", "result", "Fireworks/DeepSeek-V3p2/FrontierMath", "--set", "notes=x", "-m", "t"
    )
    assert edited.exit_code == 0, edited.stderr
    assert edited.stdout.strip() == record["id"]
    retracted = run("retract", "result", key, "-m", "t")
    assert retracted.exit_code == 0, retracted.stderr
    history = run("history", "result", key, "--json")
    assert history.exit_code == 0, history.stderr
    assert [r["op"] for r in json.loads(history.stdout)] == ["insert", "update", "retract"]
    gone = run("show", "result", key)
    assert gone.exit_code == 1 and f"result {key} was retracted in changeset" in gone.stderr

    # After such an alias, a setting and a provider may hold a '/' too.
    key = "fireworks/deepseek-v3p2/mmlu/5-shot/cot"
    added = run(
        "add-result",
        "fireworks/deepseek-v3p2",
        "mmlu",
        "80",
        "--setting",
        "5-shot/cot",
        "--source-url",
        "https://slash.example/1",
    )
    assert added.exit_code == 0, added.stderr
    assert json.loads(run("show", "result", key, "--json").stdout)["id"] == added.stdout.strip()
    price = run(
        "add-price", "fireworks/deepseek-v3p2", "Fireworks/US", "2025-01-01", "--input", "1"
    )
    assert price.exit_code == 0, price.stderr
    for name in (
        "fireworks/deepseek-v3p2/Fireworks/US/2025-01-01",
        "fireworks/deepseek-v3p2/fireworks/us",
    ):
        shown = run("show", "price", name, "--json")
        assert json.loads(shown.stdout)["id"] == price.stdout.strip(), (name, shown.stderr)

    # The same words read with the model ending at the first '/': a second result.
    assert run("add-model", "fireworks").exit_code == 0
    assert run("add-benchmark", "deepseek-v3p2", "--unit", "percent").exit_code == 0
    other = run(
        "add-result",
        "fireworks",
        "deepseek-v3p2",
        "50",
        "--setting",
        "mmlu/5-shot/cot",
        "--source-url",
        "https://slash.example/2",
    )
    assert other.exit_code == 0, other.stderr
    for command in ("show", "history"):
        both = run(command, "result", key)
        assert both.exit_code == 1 and len(both.stderr.splitlines()) == 1
        assert f"{key!r} matches 2 results: " in both.stderr
        assert added.stdout.strip() in both.stderr and other.stdout.strip() in both.stderr


def test_alias_list_names_its_model_as_list_aliases_does(run: Run):
    """`alias list --model` takes the model in any case or by an alias, as `list aliases
    --model` does, and a name of no model is an error rather than an empty list."""
    expected = run("list", "aliases", "--model", "gpt-4", "--json").stdout
    assert json.loads(expected)
    for name in ("gpt-4", "GPT-4", " gpt-4-0314 "):
        listed = run("alias", "list", "--model", name, "--json")
        assert listed.exit_code == 0, listed.stderr
        assert listed.stdout == expected
    unknown = run("alias", "list", "--model", "gpt-44")
    assert unknown.exit_code == 1
    assert "no current model 'gpt-44'" in unknown.stderr


def test_alias_list_takes_limit_as_list_aliases_does(run: Run):
    """`alias list` had no --limit, which `list aliases` has: it was "No such option"."""
    expected = run("list", "aliases", "--limit", "2", "--json").stdout
    assert len(json.loads(expected)) == 2
    listed = run("alias", "list", "--limit", "2", "--json")
    assert (listed.exit_code, listed.stdout) == (0, expected)


def test_an_alias_is_one_line_of_text(run: Run, tmp_path: Path):
    """An alias is a name to type and to print on one line (`added alias NAME`): a line
    break or another control character in one is refused, by `alias add` and import
    alike, and nothing is written: on the command line a usage error naming ALIAS (exit
    2), in a file a data error naming its line and field (exit 1)."""
    before = run("alias", "list", "--json").stdout
    for name in ("gpt-4\nturbo", "gpt\x01-4x", "gpt-4\tx", "gpt-4\u2028x", "gpt-4\x85x"):
        refused = run("alias", "add", "gpt-4", name)
        assert refused.exit_code == 2, (name, refused.stderr)
        assert refused.stdout == ""
        escaped = repr(name)[1:-1]
        assert refused.stderr == (
            f"trendlab: error: ALIAS: '{escaped}' holds a line break or another control "
            "character; it must be one line of text (see 'cli alias add --help')\n"
        )
    path = tmp_path / "aliases.csv"
    path.write_text('alias,model\nfine-name,gpt-4\n"two\nlines",gpt-4\n')
    imported = run("import", str(path), "--kind", "aliases")
    assert imported.exit_code == 1
    assert f"{path}:3: alias: 'two\\nlines' holds a line break" in imported.stderr
    assert run("alias", "list", "--json").stdout == before
    # Spaces inside a name are text, not control characters.
    assert run("alias", "add", "gpt-4", "GPT 4 (2023)").exit_code == 0


def test_an_alias_stored_with_a_line_break_before_the_rule_stays_editable(
    run: Run, db: Path, tmp_path: Path
):
    """An older trendlab stored aliases with a line break. The rule refuses a new one,
    but edit checked the stored key again: such an alias's model and notes could not
    be corrected, and an export of the aliases did not import back."""
    legacy = "old\nname"
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con, "an older trendlab's alias")
        con.execute(
            "INSERT INTO alias_revisions (changeset_id, key, revision, op, alias, model) "
            "VALUES (?, ?, 1, 'insert', ?, 'gpt-4')",
            [changeset, legacy, legacy],
        )
    edited = run("edit", "alias", legacy, "--set", "model=gpt-4o", "-m", "the right model")
    assert edited.exit_code == 0, edited.stderr
    shown = json.loads(run("alias", "list", "--model", "gpt-4o", "--json").stdout)
    assert legacy in [row["alias"] for row in shown]

    exported = tmp_path / "aliases.csv"
    assert run("export", "aliases", "-o", str(exported)).exit_code == 0
    imported = run("import", str(exported))
    assert imported.exit_code == 0, imported.stderr
    assert "nothing to write" in imported.stderr
    # A new one is still refused.
    refused = run("alias", "add", "gpt-4o", "new\nname")
    assert refused.exit_code == 2 and "ALIAS: 'new\\nname' holds a line break" in refused.stderr


def test_notes_show_an_alias_stored_before_the_rules_escaped(run: Run, db: Path):
    """An alias stored before format characters were refused was echoed as it is by
    the notes of alias add, edit and retract, where an error or a table cell shows it
    escaped: its U+202E showed the rest of the note reversed."""
    legacy = "old\u202ename"
    _store_aliases(str(db), [(legacy, "gpt-4")])
    again = run("alias", "add", "gpt-4", legacy)
    assert again.exit_code == 0, again.stderr
    assert again.stderr == "alias old\\u202ename already names this model; nothing written\n"
    edited = run("edit", "alias", legacy, "--set", "notes=old", "-m", "a note")
    assert edited.exit_code == 0, edited.stderr
    assert edited.stderr.startswith("updated alias old\\u202ename in changeset ")
    retracted = run("retract", "alias", legacy, "-m", "gone")
    assert retracted.exit_code == 0, retracted.stderr
    assert retracted.stderr.startswith("retracted alias old\\u202ename in changeset ")


def test_an_alias_reads_as_it_is_typed(run: Run, tmp_path: Path):
    """An invisible format character (U+202E shows the rest reversed, U+200B splits a
    name unseen), a look-alike that NFKC writes otherwise (full-width letters, a
    no-break space, a ligature, a decomposed accent) and any length were taken: such an
    alias could not be typed back. Refused by `alias add` (exit 2, naming ALIAS) and
    import (exit 1, naming the line) alike, the error showing the invisible character
    escaped and naming the form to write."""
    before = run("alias", "list", "--json").stdout
    refused = {
        "gpt-4\u202ex": "'gpt-4\\u202ex' holds an invisible format character (U+202E "
        "RIGHT-TO-LEFT OVERRIDE); it must read as it is typed",
        "gpt\u200b-4x": "'gpt\\u200b-4x' holds an invisible format character",
        # A message shows the joiners as they are (they spell names): it names them.
        "gpt\u200d-4x": "holds an invisible format character (U+200D ZERO WIDTH JOINER)",
        "\ufeffgpt-4x": "'\\ufeffgpt-4x' holds an invisible format character",
        "\uff47\uff50\uff54-4x": "'\uff47\uff50\uff54-4x' is not in Unicode NFKC form (it holds "
        "U+FF47 FULLWIDTH LATIN SMALL LETTER G); write it as 'gpt-4x'",
        "gpt\xa04x": "is not in Unicode NFKC form (it holds U+00A0 NO-BREAK SPACE); "
        "write it as 'gpt 4x'",
        "\ufb01ne-4x": "(it holds U+FB01 LATIN SMALL LIGATURE FI); write it as 'fine-4x'",
        "Zu\u0308rich-4x": "(it holds a character in decomposed form); write it as 'Z\xfcrich-4x'",
        "a" * 201: "is longer than 200 characters",
        # Marks alone name nothing a reader can tell apart: '/' made '///' a price's name.
        "/": "'/' holds no letter or digit; an alias must hold one",
        " ... ": "'...' holds no letter or digit; an alias must hold one",
        "_/:": "'_/:' holds no letter or digit; an alias must hold one",
        # An empty part of a MODEL/BENCHMARK name: '/mmlu/math' read as model '' too.
        "/mmlu": "'/mmlu' begins or ends with '/' or holds '//': a result is named "
        "MODEL/BENCHMARK, so each part of an alias between '/'s must hold text",
        " gpt-4x/ ": "'gpt-4x/' begins or ends with '/'",
        "openai//gpt-4x": "'openai//gpt-4x' begins or ends with '/' or holds '//'",
    }
    for name, expected in refused.items():
        result = run("alias", "add", "gpt-4", name)
        assert result.exit_code == 2 and result.stdout == "", (name, result.output)
        (line,) = result.stderr.splitlines()
        assert line.startswith("trendlab: error: ALIAS: '"), line
        assert expected in line and line.endswith("(see 'cli alias add --help')"), line
    path = tmp_path / "aliases.csv"
    path.write_text(
        "alias,model\nfine-name,gpt-4\ngpt\u202e-4x,gpt-4\n//,gpt-4\n/mmlu,gpt-4\n",
        encoding="utf-8",
    )
    imported = run("import", str(path), "--kind", "aliases")
    assert imported.exit_code == 1
    assert f"{path}:3: alias: 'gpt\\u202e-4x' holds an invisible format" in imported.stderr
    assert f"{path}:4: alias: '//' holds no letter or digit" in imported.stderr
    assert f"{path}:4: alias: '//' begins" not in imported.stderr
    assert f"{path}:5: alias: '/mmlu' begins or ends with '/'" in imported.stderr
    assert run("alias", "list", "--json").stdout == before
    # Letters of any script are text, and 200 characters are enough.
    for name in ("Zürich-4x", "深度求索-4x", "a" * 200, "深", "4", "openai/gpt-4x"):
        assert run("alias", "add", "gpt-4", name).exit_code == 0, name


def test_an_alias_stored_before_the_rules_for_names_stays_editable(
    run: Run, store_location: str, tmp_path: Path
):
    """Written before format characters, look-alikes, length and marks alone were
    refused, such an alias is listed by check, shown escaped in a table, and can still
    be edited, exported and imported back, and retracted."""
    odd = {
        "gpt-4\u202ex": "alias holds an invisible format character",
        "\uff47\uff50\uff54-4x": "alias is not in Unicode NFKC form: gpt-4x",
        "b" * 201: "alias is longer than 200 characters",
        "/": "alias holds no letter or digit",
        "/gpt-4x": "alias begins or ends with / or holds //",
    }
    _store_aliases(store_location, [(alias, "gpt-4") for alias in odd])
    result = run("check", "--json")
    assert result.exit_code == 1
    flagged = {(v["key"], v["problem"]) for v in json.loads(result.stdout) if v["key"] in odd}
    assert flagged == set(odd.items())
    assert "gpt-4\\u202ex" in run("alias", "list", "--model", "gpt-4").stdout
    for alias in odd:
        edited = run("edit", "alias", alias, "--set", "notes=written before", "-m", "notes")
        assert edited.exit_code == 0, edited.stderr
    exported = tmp_path / "aliases.csv"
    assert run("export", "aliases", "-o", str(exported)).exit_code == 0
    imported = run("import", str(exported))
    assert imported.exit_code == 0, imported.stderr
    assert "nothing to write" in imported.stderr
    for alias in odd:
        assert run("retract", "alias", alias, "-m", "unreadable").exit_code == 0, alias
    assert run("check").exit_code == 0


@both_stores
def test_show_edit_and_retract_by_an_alias_say_which_record_it_named(run: Run):
    """history by an alias says which record the alias resolved to; show, edit and
    retract printed the record under its slug alone. Named by its slug, in any case,
    they say nothing more."""
    shown = run("show", "model", "gpt-4-0314", "--json")
    assert json.loads(shown.stdout)["slug"] == "gpt-4"
    assert shown.stderr == "'gpt-4-0314' is model gpt-4\n"
    # In full-width letters too, as a name resolves (a note said ＧＰＴ-4 is gpt-4).
    for slug in ("GPT-4", "ＧＰＴ-4"):
        assert run("show", "model", slug).stderr == "", slug
    edited = run("edit", "model", "gpt-4-0314", "--set", "notes=x", "-m", "t")
    assert edited.stdout == "gpt-4\n"
    assert edited.stderr.splitlines()[0] == "'gpt-4-0314' is model gpt-4", edited.stderr
    key = json.loads(run("show", "result", "gpt-4/math", "--json").stdout)["id"]
    shown = run("show", "result", "gpt-4-0314/math", "--json")
    assert json.loads(shown.stdout)["id"] == key
    assert shown.stderr == (
        f"'gpt-4-0314/math' is result {key} (gpt-4/math/4-shot, https://arxiv.org/abs/2312.11805)\n"
    )
    for name in ("GPT-4/math", "ＧＰＴ-4/math"):
        assert run("show", "result", name).stderr == "", name
    price = run("add-price", "gpt-4", "ACME", "2024-01-01", "--input", "1").stdout.strip()
    retracted = run("retract", "price", "gpt-4-0314/acme", "-m", "t")
    assert retracted.stdout == f"{price}\n"
    said, done = retracted.stderr.splitlines()
    assert said == f"'gpt-4-0314/acme' is price {price} (gpt-4/ACME/2024-01-01)"
    assert done.startswith(f"retracted price {price} in changeset ")
