"""Named-query parameters are bound, never pasted into the SQL: hostile values are
searched for literally and change nothing; hostile names are clear errors; and the
queries and the code that runs them have nowhere to paste a value."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import pytest

from tests.fuzzing import (
    assert_clean_failure,
    assert_usage_error,
    content,
    database_copy,
    invoke,
)
from trendlab import queries
from trendlab.queries import named_queries

HOSTILE_VALUES = [
    "math'; DROP TABLE result_revisions; --",
    "' OR 1=1 --",
    "math' OR '1'='1",
    'math" OR "1"="1',
    "'",
    "''",
    '"',
    "\\",
    "\\'",
    "math\\",
    "math\x00",
    "\x00' OR 1=1 --",
    "math\n; DELETE FROM changesets",
    "math/*",
    "$benchmark",
    "?",
    "%s",
    "{benchmark}",
    "матем 数学 🚀",
    "math" + " " * 3,
    "x" * 100_000,
    "'" * 10_000,
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_hostile_values_are_searched_literally(seeded_template: Path, value: str):
    with database_copy(seeded_template) as db:
        before = content(db)
        sql = "SELECT * FROM scores WHERE benchmark = $benchmark"
        result = invoke(db, "query", sql, "--param", f"benchmark={value}", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == []  # no benchmark is called that
        # A named query's slug parameters name records: no record is called that, but
        # surrounding spaces are no part of a name, in a parameter as in any command.
        one = invoke(db, "query", "frontier", "--param", f"benchmark={value}", "--json")
        if value.strip() == "math":
            assert one.exit_code == 0 and json.loads(one.stdout), one.stderr
        else:
            assert_clean_failure(one, "--param benchmark: no current benchmark")
            assert len(one.stderr.splitlines()) == 1
        two = invoke(
            db,
            "query",
            "launch-price-ratio",
            "--param",
            f"model={value}",
            "--param",
            "baseline=gpt-4",
            "--json",
        )
        assert_clean_failure(two, "--param model: no current model")
        assert len(two.stderr.splitlines()) == 1
        assert content(db) == before


def test_a_bound_value_round_trips_exactly(seeded_template: Path):
    """Stored notes holding quotes, a comment and a control character are found by
    exactly that value through a bound parameter, and by nothing else, a NUL in its
    place included (notes: a setting is one line; no text field holds a NUL)."""
    nasty = "x'; DROP TABLE result_revisions; -- \\ \" \x01 ☃"
    with database_copy(seeded_template) as db:
        added = invoke(db, "add-result", "gpt-4", "mmlu", "50", "--notes", nasty, "-m", "n")
        assert added.exit_code == 0, added.output
        sql = "SELECT count(*) AS n FROM results WHERE notes = $s"
        nul = nasty.replace("\x01", "\x00")
        for value, n in ((nasty, 1), (nasty[:-1], 0), (nul, 0), ("' OR 1=1 --", 0)):
            found = invoke(db, "query", sql, "--param", f"s={value}", "--json")
            assert found.exit_code == 0, found.output
            assert json.loads(found.stdout) == [{"n": n}], value


@pytest.mark.parametrize(
    "param",
    [
        "x'; DROP TABLE results; --=1",
        "benchmark'=math",
        "bench mark=math",
        "1=1",
        "$benchmark=math",
        "бенчмарк=math",
        "benchmark\x00=math",
    ],
)
def test_hostile_parameter_names_are_refused(seeded_template: Path, param: str):
    with database_copy(seeded_template) as db:
        before = content(db)
        result = invoke(db, "query", "frontier", "--param", "benchmark=math", "--param", param)
        # frontier declares its parameters: another one is a usage error, in one line.
        assert result.exit_code == 2 and result.stdout == ""
        assert len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith("trendlab: error: ") and "has no parameter" in result.stderr
        # Ad-hoc SQL refuses a parameter the statement does not have, as frontier does.
        adhoc = invoke(db, "query", "SELECT 1 AS one", "--param", param)
        assert_usage_error(adhoc, "the SQL has no parameter")
        assert content(db) == before


@pytest.mark.parametrize("param", ["benchmark", "=math", " =math"])
def test_malformed_param_is_a_usage_error(seeded_template: Path, param: str):
    with database_copy(seeded_template) as db:
        result = invoke(db, "query", "frontier", "--param", param)
        assert result.exit_code == 2
        assert "is not NAME=VALUE" in result.stderr
        assert "internal error" not in result.stderr


@pytest.mark.parametrize("value", ["", "  "])
def test_a_blank_slug_parameter_is_a_usage_error(seeded_template: Path, value: str):
    """As a blank --model or --benchmark is: it said "no current benchmark ''", exit 1,
    as if the database lacked it."""
    with database_copy(seeded_template) as db:
        result = invoke(db, "query", "frontier", "--param", f"benchmark={value}")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            "trendlab: error: query frontier: --param benchmark: must not be empty "
            "(see 'cli query --help')\n"
        )


def test_a_parameter_cannot_smuggle_sql_into_a_write(seeded_template: Path):
    """Even ad-hoc SQL with a hostile bound value stays read-only and literal."""
    with database_copy(seeded_template) as db:
        before = content(db)
        result = invoke(
            db,
            "query",
            "SELECT $v AS v",
            "--param",
            "v='); DELETE FROM result_revisions; --",
            "--json",
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == [{"v": "'); DELETE FROM result_revisions; --"}]
        assert content(db) == before


# -- nowhere to paste a value ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_sql_uses_only_declared_bound_parameters(name: str):
    query = named_queries()[name]
    body = "\n".join(line for line in query.sql.splitlines() if not line.lstrip().startswith("--"))
    used = set(re.findall(r"\$([A-Za-z_]\w*)", body))
    assert used == set(query.params), (used, query.params)
    # No template syntax a value could be formatted into.
    for marker in ("{", "%s", "%(", "?"):
        assert marker not in body, marker


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_slug_parameters_follow_the_declaration_rule(name: str):
    """A parameter that names a record says so as `KIND slug` at the start of its help,
    so that it is resolved (see queries.slug_kind): one named after a kind, or whose
    help mentions a slug, must."""
    query = named_queries()[name]
    for param, help_ in query.params.items():
        if param in queries.SLUG_KINDS or "slug" in help_:
            assert query.slug_kind(param) is not None, (param, help_)


def test_queries_module_never_formats_sql():
    """queries.run hands the SQL text and the values to DuckDB separately: no string
    formatting, concatenation or replacement touches the SQL in trendlab/queries.py."""
    tree = ast.parse(inspect.getsource(queries))
    run = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "run")
    calls = [
        n
        for n in ast.walk(run)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "execute"
    ]
    assert calls
    for call in calls:  # (a second run fetches a result Polars cannot take as rows)
        sql, params = call.args
        assert ast.unparse(sql) == "query.sql"
        assert "params" in ast.unparse(params)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in ("format", "format_map"), ast.unparse(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            assert not isinstance(node.left, ast.Constant), ast.unparse(node)
    sql_source = inspect.getsource(queries.parse) + inspect.getsource(queries.resolve)
    assert "replace(" not in sql_source


@pytest.mark.parametrize("sql", [" ", "\x00", "\n\t", ";", " ; ;"])
def test_blank_sql_is_a_usage_error(seeded_template: Path, sql: str):
    """As a blank -m or KEY is (exit 2): it was exit 1, a data or query error."""
    with database_copy(seeded_template) as db:
        for args, stdin in (((sql,), None), (("-",), sql)):
            result = invoke(db, "query", *args, input=stdin)
            assert_usage_error(result, "no SQL to run")
            assert result.stderr == (
                "trendlab: error: no SQL to run: give SQL, a query name, or --list "
                "(see 'cli query --help')\n"
            )


def test_sql_of_only_comments_is_a_usage_error(seeded_template: Path):
    """As blank SQL is (exit 2): it was exit 1, "query runs one statement at a time;
    this SQL has 0"."""
    with database_copy(seeded_template) as db:
        for args, stdin in ((("/* nothing */", "--json"), None), (("-",), "-- nothing\n")):
            result = invoke(db, "query", *args, input=stdin)
            assert_usage_error(result, "no SQL to run")
            assert result.stderr == (
                "trendlab: error: no SQL to run: the SQL given is only comments; give SQL, "
                "a query name, or --list (see 'cli query --help')\n"
            )


def test_a_parameter_used_as_a_number_is_told_it_is_text(seeded_template: Path):
    """`$n + 1` with --param n=5 failed with DuckDB's candidate-function error alone,
    no word of --param values being text; a cast makes it run. The hint names the
    parameters whose values read as another type, with that type's cast."""
    with database_copy(seeded_template) as db:
        result = invoke(db, "query", "SELECT $n + 1", "--param", "n=5")
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == (
            "trendlab: error: query failed: Binder Error: Could not choose a best candidate "
            'function for the function call "+(STRING_LITERAL, INTEGER_LITERAL)". In order '
            "to select one, please add explicit type casts. (--param values are bound as "
            "text: cast one where SQL needs another type, e.g. $n::INTEGER)\n"
        )
        # DuckDB's error names no parameter: the hint names those whose value reads as
        # another type, with its cast (it named the first given, $b of b=x here).
        hint = "(--param values are bound as text: cast one where SQL needs another type, e.g. "
        for sql, given, named in (
            ("SELECT $b || 1, $a + 1", ["b=x", "a=5"], "$a::INTEGER)"),
            ("SELECT $a + 1, $c + 1.5", ["a=5", "c=2.5"], "$a::INTEGER or $c::DOUBLE)"),
            ("SELECT $d + INTERVAL 1 DAY", ["d=2024-01-01"], "$d::DATE)"),
            ("SELECT abs($X)", ["x=foo"], "$x::INTEGER)"),
        ):
            told = invoke(db, "query", sql, *(a for p in given for a in ("--param", p)))
            assert told.exit_code == 1 and told.stdout == ""
            assert told.stderr.endswith(hint + named + "\n"), told.stderr
        cast = invoke(db, "query", "SELECT $n::INTEGER + 1 AS m", "--param", "n=5", "--json")
        assert json.loads(cast.stdout) == [{"m": 6}]
        # No parameters, no hint: the text was the SQL's own.
        own = invoke(db, "query", "SELECT abs('5')")
        assert own.exit_code == 1 and "--param" not in own.stderr


def test_ad_hoc_sql_is_refused_a_parameter_it_lacks_or_needs_as_a_named_query_is(
    seeded_template: Path,
):
    """A --param the SQL does not use, or a $name it uses with none given, was DuckDB's
    query error (exit 1: "Parameter argument/count mismatch, identifiers of the excess
    parameters: n"); it is a usage error naming the parameter, as a named query's is.
    DuckDB matches a parameter's name in any case, and so does the check."""
    with database_copy(seeded_template) as db:
        extra = invoke(db, "query", "SELECT $a AS a", "--param", "a=1", "--param", "n=5")
        assert_usage_error(extra, "the SQL has no parameter 'n' (parameters: a)")
        for sql in ("SELECT $a || $b AS ab", "-"):
            needs = invoke(db, "query", sql, "--param", "A=1", input="SELECT $a || $b AS ab")
            assert_usage_error(needs, "the SQL needs --param b=...")
        ran = invoke(db, "query", "SELECT $A AS a", "--param", "a=1", "--json")
        assert ran.exit_code == 0 and json.loads(ran.stdout) == [{"a": "1"}]
        # A write, or several statements, is refused as that: it was sent to add a
        # --param first, then refused once it had one.
        write = invoke(db, "query", "DELETE FROM models WHERE slug = $s")
        assert write.exit_code == 1 and "query only reads: DELETE statements" in write.stderr
        several = invoke(db, "query", "SELECT 1; SELECT $b")
        assert several.exit_code == 1 and "one statement at a time" in several.stderr


def test_a_parameter_given_twice_in_other_capitals_is_a_usage_error(seeded_template: Path):
    """DuckDB matches a parameter's name in any case: --param x=1 --param X=2 bound the
    one $x to 2, the 1 dropped without a word, where x=1 twice is an error."""
    with database_copy(seeded_template) as db:
        twice = invoke(db, "query", "SELECT $x AS v", "--param", "x=1", "--param", "X=2")
        assert_usage_error(twice, "'X' is given twice (as 'x': names match in any case)")
