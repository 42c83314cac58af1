"""Every command has help text and an example; the README lists every command."""

from __future__ import annotations

import importlib
import json
import re
import shlex
from pathlib import Path
from typing import Any

import click
import duckdb
import pytest
from click.testing import CliRunner

from tests.conftest import SHARED
from trendlab.cli import COMMAND_MODULES, cli

README = Path(__file__).resolve().parent.parent / "README.md"


def _commands() -> list[str]:
    return cli.list_commands(click.Context(cli))


def _command(name: str) -> click.Command:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None, f"{name} is listed but does not load"
    return command


def test_every_command_module_is_mapped_as_it_defines_them():
    """The lazy map names, for each command, the module that defines it, and misses none."""
    import pkgutil

    import trendlab.cli

    defined = {}
    for info in pkgutil.iter_modules(trendlab.cli.__path__):
        module = importlib.import_module(f"trendlab.cli.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            defined[command.name] = info.name
    assert defined == COMMAND_MODULES
    assert all(_command(name).name == name for name in defined)


def _leaf_commands() -> dict[str, click.Command]:
    """Every runnable command by its full name (`alias list`), groups opened."""
    leaves: dict[str, click.Command] = {}
    for name in _commands():
        command = _command(name)
        if isinstance(command, click.Group):
            context = click.Context(command)
            for sub in command.list_commands(context):
                subcommand = command.get_command(context, sub)
                assert subcommand is not None, f"{name} {sub} is listed but does not load"
                leaves[f"{name} {sub}"] = subcommand
        else:
            leaves[name] = command
    return leaves


@pytest.mark.parametrize("name", sorted({*_commands(), *_leaf_commands()}))
def test_command_has_help_and_example(name: str):
    """A group's subcommands (`alias add`) too: each has its own help page."""
    result = CliRunner().invoke(cli, [*name.split(), "-h"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"trendlab {name}" in result.stdout
    command = _leaf_commands().get(name) or _command(name)
    assert command.help and command.short_help != ""
    for param in command.params:
        if isinstance(param, click.Option) and param.name not in ("help",):
            assert param.help, f"{name} {param.opts} has no help"


@pytest.mark.parametrize("name", sorted({*_commands(), *_leaf_commands()}))
def test_a_help_naming_a_kind_lists_the_kinds(name: str):
    """KIND is an argument, whose help Click does not show, and `diff --kind KIND` hid the
    kinds that `import --kind` lists: only the error of a kind there is none of said
    what `list`, `show`, `history`, `edit`, `retract`, `export` and `diff` take."""
    command = _leaf_commands().get(name) or _command(name)
    shown = " ".join(CliRunner().invoke(cli, [*name.split(), "-h"]).stdout.split())
    if any(p.name in ("kind", "kind_name") for p in command.params):
        for kind in ("organizations", "models", "benchmarks", "results", "prices", "aliases"):
            assert kind in shown, f"{name} --help: {kind}"


def test_an_option_taking_a_url_a_date_or_a_number_says_so_in_every_help():
    """add-model's --source-url and --release-date read TEXT, where alias add's and
    import's --source-url read URL and add-result's --date YYYY-MM-DD: each is now named
    alike wherever it is taken."""
    # The options' lines, not the examples'.
    shown = {
        name: CliRunner().invoke(cli, [*name.split(), "-h"]).stdout.split("\nOptions:")[-1]
        for name in sorted({*_commands(), *_leaf_commands()})
    }
    urls = {n: re.findall(r"^ +--(?:source-url|url) (\S+)", t, re.M) for n, t in shown.items()}
    assert {m for found in urls.values() for m in found} == {"URL"}, urls
    assert "--release-date YYYY-MM-DD" in shown["add-model"]
    for option in ("--parameters", "--training-compute-flop", "--training-tokens"):
        assert f"{option} NUMBER" in shown["add-model"]
    for option in ("--floor", "--ceiling", "--human-baseline"):
        assert f"{option} NUMBER" in shown["add-benchmark"]


def test_readme_mentions_every_command():
    text = README.read_text(encoding="utf-8")
    missing = [n for n in _commands() if f"trendlab {n}" not in text]
    assert not missing, f"README does not show: {missing}"


def test_readme_starts_with_two_quick_start_commands():
    text = README.read_text(encoding="utf-8")
    block = text.split("```")[1]
    commands = [line for line in block.splitlines()[1:] if line.strip()]
    assert len(commands) == 2
    assert "pip install" in commands[0] and "trendlab" in commands[0]
    assert "pip install" in commands[1] and "pytest" in commands[1]


def test_the_readme_tour_runs_as_written(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every command of the README's tour succeeds, in order, on a fresh seeded database,
    and one it says changes nothing (a no-op, a round trip) writes no changeset."""
    monkeypatch.chdir(tmp_path)
    text = README.read_text(encoding="utf-8")
    block = text.split("## A tour", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    joined = block.replace("\\\n", " ")
    lines = [
        line for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(lines) > 15
    log = ["--db", str(db), "log", "--limit", "1", "--json"]
    unchanged = 0
    for line in lines:
        words = shlex.split(line, comments=True)
        assert words[0] == "trendlab"
        before = CliRunner().invoke(cli, log).stdout
        result = CliRunner().invoke(cli, ["--db", str(db), *words[1:]])
        assert result.exit_code == 0, f"{shlex.join(words)}: {result.stderr}"
        if "no-op" in line or "nothing changes" in line:
            unchanged += 1
            assert CliRunner().invoke(cli, log).stdout == before, line
    assert unchanged == 2


def test_the_readme_team_members_example_runs_on_a_seeded_store(db: Path):
    """The team store section's member example, run as written (the store as `init`
    made it, the changeset its --as-of names from `trendlab log`), succeeds: every
    command works on a team store as on a file, so a seeded file stands in for one."""
    text = README.read_text(encoding="utf-8")
    block = text.split("Each member then sets", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    seeded = CliRunner().invoke(cli, ["--db", str(db), "log", "--limit", "1", "--csv"])
    changeset = seeded.stdout.splitlines()[1].split(",")[0]
    commands = [shlex.split(line, comments=True) for line in block.splitlines()]
    commands = [words for words in commands if words and words[0] == "trendlab"]
    assert [words[1] for words in commands] == ["add-result", "history", "list"]
    for words in commands:
        args = [changeset if word == "CHANGESET" else word for word in words[1:]]
        result = CliRunner().invoke(cli, ["--db", str(db), *args])
        assert result.exit_code == 0, f"{shlex.join(words)}: {result.stderr}"


def test_the_readme_sql_runs_in_another_client_and_answers(db: Path):
    """Every SQL example of the README runs in a plain DuckDB connection (read-only,
    in a time zone far from UTC) on a seeded database and answers as it says."""
    edited = CliRunner().invoke(
        cli,
        ["--db", str(db), "--author", "alice", "edit", "model", "gpt-4", "--set",
         "parameters=1.8e12", "-m", "a rumour"],
    )  # fmt: skip
    assert edited.exit_code == 0, edited.stderr
    blocks = README.read_text(encoding="utf-8").split("```sql")[1:]
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'Pacific/Kiritimati'")  # UTC+14
        answers = [
            con.execute(statement.query).fetchall()
            for block in blocks
            for statement in con.extract_statements(block.split("```", 1)[0])
        ]
    finally:
        con.close()
    assert len(answers) == 3
    as_of, gpt4, alice = answers
    assert as_of == []  # a moment before this database was made
    assert [(r[0], r[1], r[3], r[4]) for r in gpt4] == [
        (1, "insert", "seeder", "load seed data"),
        (2, "update", "alice", "a rumour"),
    ]
    assert [r[1:] for r in alice] == [("a rumour", "models", "gpt-4", "update")]


def test_the_top_level_help_example_runs_on_a_seeded_database(db: Path):
    """`trendlab --help`'s example, run as written after `init`, leaves every result
    sourced: its add-result names the seeded Minerva result (a no-op), not a sourceless
    copy of it that the MATH frontier would then show."""
    block = cli.help.split("Example:", 1)[1]
    joined = block.replace("\\\n", " ")
    commands = [shlex.split(line) for line in joined.splitlines() if line.strip()]
    assert [words[:2] for words in commands] == [
        ["trendlab", "init"],
        ["trendlab", "add-result"],
        ["trendlab", "query"],
    ]
    for words in commands:
        result = CliRunner().invoke(cli, ["--db", str(db), *words[1:]])
        assert result.exit_code == 0, f"{shlex.join(words)}: {result.stderr}"
    unsourced = CliRunner().invoke(
        cli,
        ["--db", str(db), "query", "SELECT count(*) AS n FROM results WHERE source_url IS NULL"],
    )
    assert json.loads(unsourced.stdout.split("\n")[-2]) == 0, unsourced.stdout


def test_the_readme_forecast_json_is_what_forecast_prints(db: Path):
    """The README's example is the seeded database's MMLU forecast, abridged."""
    text = README.read_text(encoding="utf-8")
    block = text.split("**JSON** (`--format json`", 1)[1].split("```json", 1)[1].split("```")[0]
    shown = json.loads(block.replace(", ...]", "]"))
    result = CliRunner().invoke(cli, ["--db", str(db), "forecast", "mmlu", "--json"])
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert list(shown) == list(printed)
    assert shown["forecast"] == printed["forecast"][: len(shown["forecast"])]
    assert {k: v for k, v in shown.items() if k != "forecast"} == {
        k: v for k, v in printed.items() if k != "forecast"
    }


@pytest.mark.parametrize("by", ["compute", "price"])
def test_the_readme_names_every_parameter_of_an_exponential_by_compute_or_price(db: Path, by: str):
    """By compute or price, an exponential's doubling time is doubling_x_orders, which
    the README's list of parameters never named: it gave doubling_time_months alone."""
    text = README.read_text(encoding="utf-8")
    args = ["--db", str(db), "forecast", "metr-time-horizon", "--by", by, "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    keys = {re.sub(r"_(lower|upper)$", "", k) for k in json.loads(result.stdout)["parameters"]}
    assert keys == {"growth_rate", "doubling_x_orders", "value_now"}
    assert all(f"`{key}`" in text for key in (*keys, "halving_x_orders")), keys


def test_version_and_module_entry_point(monkeypatch: pytest.MonkeyPatch):
    import importlib.metadata

    installed = importlib.metadata.version("trendlab")
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"trendlab, version {installed}\n"

    # A source tree that was never installed has no metadata: a version all the same.
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    result = CliRunner().invoke(cli, ["-V"])
    assert result.exit_code == 0 and result.stdout == "trendlab, version 0.0.0\n"
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "trendlab", "-h"], capture_output=True, text=True)
    assert proc.returncode == 0 and "Usage: trendlab" in proc.stdout


def _named(text: str) -> set[str]:
    return set(re.findall(r"`([a-z][a-z -]*)`", text))


def test_the_readme_lists_which_commands_take_as_of_and_parquet():
    """The output options' list names exactly the commands that take `--as-of`, and
    those that write no Parquet, as the commands define them."""
    text = README.read_text(encoding="utf-8")
    as_of = text.split("- `--as-of WHEN`", 1)[1].split("\n\n", 1)[0]
    taking, lacking = as_of.split("; not on", 1)
    parquet = text.split("- `--format parquet`", 1)[1].split("\n-", 1)[0]
    commands = _leaf_commands()

    def has(command: click.Command, option: str) -> bool:
        return any(option in param.opts for param in command.params)

    def formats(command: click.Command) -> list[str]:
        for param in command.params:
            if "--format" in param.opts and isinstance(param.type, click.Choice):
                return list(param.type.choices)
        return []

    assert _named(taking) == {n for n, c in commands.items() if has(c, "--as-of")}
    assert not _named(lacking) & {n for n, c in commands.items() if has(c, "--as-of")}
    no_parquet = {n for n, c in commands.items() if formats(c) and "parquet" not in formats(c)}
    assert _named(parquet) == no_parquet


def test_the_quick_start_forecast_crosses_what_the_readme_says(db: Path):
    """The quick start's forecast reports MATH's human baseline, 90, as reached in the
    month the README names."""
    text = README.read_text(encoding="utf-8").split("## A tour", 1)[0]
    assert "human baseline, 90 (reached in September 2024)" in " ".join(text.split())
    result = CliRunner().invoke(
        cli, ["--db", str(db), "forecast", "math", "--until", "2030", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    crossings = json.loads(result.stdout)["crossings"]
    assert [(c["threshold"], c["status"], c["median_date"][:7]) for c in crossings] == [
        (90.0, "reached", "2024-09")
    ]


def test_the_readme_says_stderr_notes_a_bounded_chance_only_where_it_does(db: Path):
    """The README's example of a chance held at 1/(n+1) sat in the sentence saying stderr
    notes such a chance, which it does only where the bound says less than the interval
    (a wide --level, as the Calibration example has it), not at 80 %."""
    text = " ".join(README.read_text(encoding="utf-8").split())

    def forecast(*args: str) -> Any:
        result = CliRunner().invoke(cli, ["--db", str(db), "forecast", *args])
        assert result.exit_code == 0, result.stderr
        return result

    example = "`forecast gpqa-diamond --threshold 99 --until 2026-04-09`"
    at = text.index(example)
    sentence = text[text.rfind(". ", 0, at) : text.find(". ", at)]
    held = forecast("gpqa-diamond", "--threshold", "99", "--until", "2026-04-09")
    assert "`≤ 0.044`" in sentence and "≤ 0.044" in held.stdout
    noted = "0.043 to 0.957" in held.stderr
    assert noted == ("stderr" in sentence), sentence
    assert "`forecast mmlu --threshold 93 --level 95 --until 2030`" in text
    wide = forecast("mmlu", "--threshold", "93", "--level", "95", "--until", "2030")
    assert "≥ 0.956" in wide.stdout
    assert "0.043 to 0.957" in wide.stderr and "at least 0.975" in wide.stderr


def test_the_readme_key_examples_name_what_it_says(db: Path):
    """Each example name of the README's keys names, on the seeds, what it says."""
    text = " ".join(README.read_text(encoding="utf-8").split("Naming a record", 1)[1].split())
    text = text.split("Named queries are", 1)[0]

    def show(kind: str, name: str) -> Any:
        return CliRunner().invoke(cli, ["--db", str(db), "show", kind, name, "--json"])

    named = {
        ("result", "minerva-540b/math"),
        ("result", "MINERVA-540B/MATH"),
        ("result", "mpt-30b/boolq/"),
        ("result", "fireworks/deepseek-v3p2/frontiermath"),
        ("price", "gpt-4o/OpenAI/2024-05-13"),
        ("alias", "GPT-4-0314"),
        ("alias", "moonshotai/Kimi-K2-Thinking"),
        ("alias", "moonshotai/kimi-k2-thinking"),
    }
    for kind, name in named:
        assert f"`{name}`" in text or f"`show alias {name}`" in text
        assert show(kind, name).exit_code == 0, (kind, name)
    assert json.loads(show("result", "MINERVA-540B/MATH").stdout) == json.loads(
        show("result", "minerva-540b/math").stdout
    )
    ambiguous = show("alias", "MOONSHOTAI/KIMI-K2-THINKING")
    assert ambiguous.exit_code == 1 and "moonshotai/Kimi-K2-Thinking" in ambiguous.stderr
    assert "did you mean 'minerva-540b/math'" in show("result", "minerva-540b/mat").stderr


@pytest.mark.skipif(
    not (SHARED / "epoch-benchmark-stitching").is_dir(), reason="the raw data is not here"
)
def test_the_readme_list_of_dropped_rows_is_what_import_prints(db: Path, tmp_path: Path):
    """The README's example, Epoch's MMLU file less its two Amazon Nova rows imported
    into a fresh init, said 2 results where import lists 5: the Hub's records on MMLU
    that the file never had are listed too."""
    text = README.read_text(encoding="utf-8").split("whose key the file lacks", 1)[1]
    shown = text.split("```\n", 2)[1].splitlines()
    source = SHARED / "epoch-benchmark-stitching" / "external_benchmark_mmlu.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[1] for line in lines[1:3]] == ["Amazon Nova Lite", "Amazon Nova Micro"]
    mmlu = tmp_path / "external_benchmark_mmlu.csv"
    mmlu.write_text("\n".join([lines[0], *lines[3:]]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "--from", "epoch", str(mmlu)])
    assert result.exit_code == 0, result.stderr
    printed = result.stderr.splitlines()
    start = next(i for i, line in enumerate(printed) if "results in the database" in line)
    header = shown[0].removesuffix("...):")
    assert printed[start].startswith(header), (printed[start], header)
    assert printed[start + 1 : start + len(shown)] == shown[1:]
    assert not printed[start + len(shown)].startswith("  ")


def test_the_retract_help_example_runs_on_a_seeded_database(db: Path):
    """`retract --help`'s id is a seeded result's (LLaMA-7B's MMLU as another paper
    quotes it): r_1a2b3c4d5e6f7a8b, which no store holds, failed as written."""
    block = (_command("retract").help or "").split("Example:", 1)[1]
    (words,) = [shlex.split(line) for line in block.splitlines() if line.strip()]
    assert words[:3] == ["trendlab", "retract", "result"]
    result = CliRunner().invoke(cli, ["--db", str(db), *words[1:]])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{words[3]}\n"
    shown = CliRunner().invoke(cli, ["--db", str(db), "history", "result", words[3], "--json"])
    assert [r["changes"] for r in json.loads(shown.stdout)] == [["created"], ["retracted"]]


def test_the_import_help_example_piping_into_another_store_runs_as_written(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`import --help`'s pipe into other.duckdb, run as written in a folder holding only
    the seeded database, succeeds: it failed with 'no database at other.duckdb', a store
    the example never made, and results would not import into an empty one anyway."""
    monkeypatch.chdir(tmp_path)
    block = (_command("import").help or "").split("Example:", 1)[1]
    lines = [line.strip() for line in block.splitlines() if "other.duckdb" in line]
    assert lines, block
    for line in lines:
        stages = [shlex.split(stage) for stage in line.split("|")]
        piped = None
        for words in stages:
            assert words[0] == "trendlab", line
            args = words[1:] if "--db" in words else ["--db", str(db), *words[1:]]
            result = CliRunner().invoke(cli, args, input=piped)
            assert result.exit_code == 0, f"{line}: {result.stderr}"
            piped = result.stdout


def test_the_readme_says_what_query_does_with_a_file_name_and_no_rows(db: Path):
    """The README's query section named neither the usage error of a file's name
    (`query frontier.sql`) nor the 'no rows' a named query that finds nothing says."""
    text = " ".join(README.read_text(encoding="utf-8").split("Named queries are", 1)[1].split())
    text = text.split("Global options", 1)[0]

    def query(*args: str) -> Any:
        return CliRunner().invoke(cli, ["--db", str(db), "query", *args])

    for name in ("frontier.sql", "FRONTIER.SQL"):
        assert f"`query {name}`" in text or f"`{name}`" in text, name
        told = query(name)
        assert told.exit_code == 2, told.stderr
        assert "(query frontier)" in told.stderr and "query - < frontier.sql" in told.stderr.lower()
    assert "(`query frontier`) or to pipe the file in with `-` (`query - < frontier.sql`)" in text
    assert "says `no rows` on stderr" in text
    empty = query("latest", "--as-of", "2000", "--jsonl")
    assert (empty.exit_code, empty.stdout) == (0, "")
    assert empty.stderr.startswith("no rows")
