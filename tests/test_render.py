"""Output bytes: the exact layout of each format a query writes (the json module's
and tabulate's, as trendlab calls them), so that a change of writer shows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import Run, make_runner
from trendlab.render import render_tables


def test_the_layout_of_each_format(run: Run):
    sql = (
        "SELECT 1 AS n, 2.50::DECIMAL(5,2) AS price, 'gpt-4' AS model, DATE '2024-01-02' AS day,"
        " 'nan'::DOUBLE AS x, [1, 2] AS pair, '日本' AS n"
    )
    assert run("query", sql, "--json").stdout == (
        "[\n  {\n"
        '    "n": 1,\n    "price": 2.50,\n    "model": "gpt-4",\n    "day": "2024-01-02",\n'
        '    "x": null,\n    "pair": [\n      1,\n      2\n    ],\n    "n_1": "日本"\n'
        "  }\n]\n"
    )
    assert run("query", sql, "--jsonl").stdout == (
        '{"n": 1, "price": 2.50, "model": "gpt-4", "day": "2024-01-02", "x": null,'
        ' "pair": [1, 2], "n_1": "日本"}\n'
    )
    assert run("query", sql).stdout == (
        "  n    price  model    day           x  pair    n_1\n"
        "---  -------  -------  ----------  ---  ------  -----\n"
        "  1     2.50  gpt-4    2024-01-02  NaN  [1, 2]  日本\n"
    )
    assert run("query", "SELECT 1 AS n WHERE false", "--json").stdout == "[]\n"
    assert run("query", "SELECT 1 AS n WHERE false", "--jsonl").stdout == ""
    # tabulate aligns the header of a column with no values to the left.
    assert run("query", "SELECT 1 AS n WHERE false").stdout == "n\n---\n"


@pytest.mark.parametrize("name", ["*", "^a.*$"])
def test_a_csv_column_named_as_a_polars_pattern_is_that_column(run: Run, name: str):
    """A column named '*' (or '^a.*$', a regular expression to Polars) beside a date
    was read as every column (or each whose name matched), and CSV output ended in an
    internal DuplicateError, exit 70."""
    quoted = name.replace('"', '""')
    result = run("query", f"SELECT DATE '2020-01-01' AS a, 1 AS \"{quoted}\"", "--csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"a,{name}\n2020-01-01,1\n"


def test_a_table_shows_a_seeded_count_with_every_digit(run: Run):
    """Six significant digits made BLOOM's 176247271424 parameters 1.76247e+11 in a
    table, and a sum of parameter counts lost its last eight digits; magnitudes such as
    FLOP keep six."""
    shown = run("show", "model", "bloom").stdout
    assert "parameters             176247271424\n" in shown
    assert "training_compute_flop  3.65664e+23\n" in shown
    assert "176247271424.0" in run("show", "model", "bloom", "--csv").stdout
    total = run(
        "query", "SELECT sum(parameters) AS p FROM models WHERE slug IN ('bloom', 'gpt-3-175b')"
    )
    assert total.stdout.splitlines()[-1].strip() == "351247271424"


def test_a_table_shows_a_count_of_two_to_the_53_with_every_digit(run: Run):
    """2**53, the largest count a write takes in whole digits, read 9.0072e+15 in a
    table: only counts below it kept their digits."""
    added = run("add-model", "big-7b", "--training-tokens", "9007199254740992", "-m", "t")
    assert added.exit_code == 0, added.stderr
    shown = run("show", "model", "big-7b").stdout
    assert "training_tokens        9007199254740992\n" in shown


def test_a_table_tells_apart_scores_six_digits_would_merge(run: Run):
    """Two sources' 86.41234 and 86.41231 both read 86.4123: the table said they agree."""
    for score, url in (("86.41234", "https://a.example"), ("86.41231", "https://b.example")):
        added = run("add-result", "gpt-4", "mmlu", score, "--source-url", url, "-m", "t")
        assert added.exit_code == 0, added.stderr
    listed = run("list", "results", "--model", "gpt-4", "--benchmark", "mmlu").stdout
    assert " 86.41234 " in listed and " 86.41231 " in listed
    # The column's other scores keep their own digits: 86.4, not 86.40000.
    assert " 86.4 " in listed


def test_a_table_never_shows_a_fraction_as_a_whole_number(run: Run):
    sql = (
        "SELECT 99.999996::DOUBLE AS near_ceiling, 12345678.9::DOUBLE AS big,"
        " 0.075::DOUBLE AS price, 0.0375::DOUBLE AS half, 1.75e11::DOUBLE AS params,"
        " 1e25::DOUBLE AS flop, 0.1::FLOAT AS single"
    )
    assert run("query", sql).stdout.splitlines()[-1].split() == [
        "99.999996",
        "12345678.9",
        "0.075",
        "0.0375",
        "175000000000",
        "1e+25",
        "0.1",
    ]


def test_a_column_of_floats_shows_whole_numbers_plain_beside_fractions(
    run: Run, capsys: pytest.CaptureFixture[str]
):
    """A whole number a double holds exactly read 6.6667e+06 (or 2e+07) beside plain
    2857157.14 in its column; it shows every digit, as a BIGINT's count does. A
    magnitude past 2**53 stays short, and forecast's two decimals are none of its: it
    read 1.4285714285714288e+26 there."""
    sql = (
        "SELECT * FROM (VALUES (6666700.0::DOUBLE), (2857157.14), (20000000.0), (-3e7),"
        " (1.4285714285714288e+26)) t(x)"
    )
    assert run("query", sql).stdout.split()[2:] == [
        "6666700", "2857157.1", "20000000", "-30000000", "1.42857e+26",
    ]  # fmt: skip
    capsys.readouterr()
    frame = pl.DataFrame({"x": [6666700.0, 2857157.14, 1.4285714285714288e26]})
    render_tables([("t", frame)], decimals=2)
    assert capsys.readouterr().out.split()[3:] == ["6666700", "2857157.14", "1.42857e+26"]


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl"])
def test_stdout_is_utf8_whatever_the_locale(db: Path, fmt: str):
    """A stdout in another encoding (a Windows console redirected to a file is cp1252)
    failed on the first name in another script with an internal error, and wrote
    Latin-1 where it could, which `import` (UTF-8) would not read back."""
    added = make_runner(db)("add-model", "ernie-4", "--name", "文心一言 Café", "-m", "t")
    assert added.exit_code == 0, added.stderr
    args = ["--db", str(db), "show", "model", "ernie-4", "--format", fmt]
    for encoding in ("ascii", "cp1252"):
        proc = subprocess.run(
            [sys.executable, "-m", "trendlab", *args],
            capture_output=True,
            env={**os.environ, "PYTHONIOENCODING": encoding},
        )
        assert proc.returncode == 0, proc.stderr
        assert "文心一言 Café" in proc.stdout.decode("utf-8")


def test_a_table_keeps_the_sign_of_each_zero(run: Run):
    """0.0 and -0.0 are one key of a column's texts: whichever came first was shown for
    both, a positive zero as -0."""
    for first, second in (("0.0", "-0.0"), ("-0.0", "0.0")):
        sql = f"SELECT * FROM (VALUES (1, {first}::DOUBLE), (2, {second}::DOUBLE)) t(i, z)"
        rows = run("query", sql + " ORDER BY i").stdout.splitlines()[2:]
        assert [r.split()[1] for r in rows] == [f"{float(first):g}", f"{float(second):g}"]


def test_a_value_told_apart_shows_no_more_digits_than_it_has(run: Run):
    """0.1 + 0.2 and 0.3 differ only in their 17th digit: telling them apart showed 0.3
    as 0.29999999999999999, a value no one stored. Each shows at most the digits of
    its shortest text that reads back as it."""
    sql = "SELECT * FROM (VALUES (1, 0.1::DOUBLE + 0.2::DOUBLE), (2, 0.3::DOUBLE)) t(i, x)"
    rows = run("query", sql + " ORDER BY i").stdout.splitlines()[2:]
    assert [r.split()[1] for r in rows] == ["0.30000000000000004", "0.3"]


def test_a_subnormal_number_shows_as_typed(run: Run):
    """A subnormal double holds fewer than six significant digits: six of them showed
    1e-320 as 9.99989e-321, a threshold echoed by forecast too."""
    sql = "SELECT 1e-320::DOUBLE AS x, 5e-324::DOUBLE AS y, 2.2250738585072014e-308 AS z"
    assert run("query", sql).stdout.splitlines()[2].split() == ["1e-320", "5e-324", "2.22507e-308"]
    result = run("forecast", "mmlu", "--threshold", "1e-320")
    assert result.exit_code == 0, result.stderr
    crossing = next(r for r in result.stdout.splitlines() if r.endswith("reached"))
    assert crossing.split()[0] == "1e-320"
    assert "threshold 1e-320 is past mmlu's floor 25 (chance level)" in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ["query", "SELECT 1 AS n", "--jsonl"],
        ["show", "model", "gpt-4"],
        ["list", "models", "--csv"],
        ["report", "-o", "-", "--benchmark", "math"],
    ],
)
def test_a_stdout_that_cannot_be_written_is_one_line_not_a_bug(db: Path, args: list[str]):
    """A full disk under `> out.csv` was "internal error (OSError: [Errno 28] No space
    left on device); this is a bug in trendlab", exit 70, as was a stdout closed with
    `>&-` (AttributeError): each is the user's to fix, as -o's file is."""
    command = [sys.executable, "-m", "trendlab", "--db", str(db), *args]
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 1
    assert proc.stderr == "trendlab: error: cannot write to stdout: No space left on device\n"
    closed = subprocess.run(
        ["sh", "-c", '"$@" >&-', "sh", *command], stderr=subprocess.PIPE, text=True
    )
    assert closed.returncode == 1
    assert closed.stderr == "trendlab: error: cannot write to stdout: it is closed\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("args", [["--version"], ["--help"], ["query", "--help"]])
def test_help_that_cannot_be_written_is_one_line_not_a_bug(args: list[str]):
    """Help and the version are written as the command line is read, before any command
    runs: a full disk was a traceback (--version) or "internal error", exit 70."""
    command = [sys.executable, "-m", "trendlab", *args]
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 1
    assert proc.stderr == "trendlab: error: cannot write to stdout: No space left on device\n"


def test_an_output_stopped_while_written_leaves_the_file_as_it_was(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """-o wrote its file in place: a Ctrl-C (or a full disk) in the middle of a big JSON
    Lines output left the rows written so far, which read as a whole file, where the
    previous output had been."""
    import json

    out = tmp_path / "rows.jsonl"
    out.write_text("the previous output\n")
    out.chmod(0o640)
    dumps, written = json.dumps, []

    def stopping(*args, **kwargs):
        if len(written) == 2:
            raise KeyboardInterrupt
        written.append(1)
        return dumps(*args, **kwargs)

    run = make_runner(db)
    sql = "SELECT range AS i FROM range(5)"
    with monkeypatch.context() as patched:
        patched.setattr(json, "dumps", stopping)
        stopped = run("query", sql, "-o", str(out))
    assert stopped.exit_code == 130
    assert out.read_text() == "the previous output\n"
    assert sorted(tmp_path.iterdir()) == [out, tmp_path / "trendlab.duckdb"]
    # Written whole, the output takes the name, and the file's mode.
    assert run("query", sql, "-o", str(out)).exit_code == 0
    assert out.read_text().splitlines() == [f'{{"i": {i}}}' for i in range(5)]
    assert out.stat().st_mode & 0o777 == 0o640
    assert sorted(tmp_path.iterdir()) == [out, tmp_path / "trendlab.duckdb"]
    # A name ending in / is a folder's, which no output is written as.
    folder = run("query", sql, "-o", f"{tmp_path / 'rows'}/")
    assert folder.exit_code == 2 and "a folder's name, not a file's" in folder.stderr
    assert sorted(tmp_path.iterdir()) == [out, tmp_path / "trendlab.duckdb"]


def test_an_output_over_a_hard_linked_file_writes_the_file_every_link_names(
    db: Path, tmp_path: Path
):
    """Written beside its name and renamed, an output parted a file's hard links: the
    other name kept the old content. A file a rename would change more than the content
    of (another name, another owner, no leave to write it) is written in place."""
    out, other = tmp_path / "rows.csv", tmp_path / "same-file.csv"
    out.write_text("old\n")
    other.hardlink_to(out)
    result = make_runner(db)("query", "SELECT 1 AS i", "--csv", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text() == other.read_text() == "i\n1\n"
    assert out.stat().st_ino == other.stat().st_ino


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="no /dev/fd on this system")
def test_an_output_to_an_open_descriptor_writes_through_it(db: Path, tmp_path: Path):
    """-o /dev/stdout (or /dev/fd/N) names the file the shell opened, through its
    descriptor: the output was written beside that file and renamed over it, so what a
    script had written there before (`>> log`) was lost, and what it wrote after went to
    a file no longer named. Written through the descriptor, it lands where the script's
    own writes do."""
    log = tmp_path / "log.csv"
    log.write_text("# before\n")
    with log.open("a") as held:
        held.flush()
        named = f"/dev/fd/{held.fileno()}"
        result = make_runner(db)("query", "SELECT 1 AS i", "--csv", "-o", named)
        assert result.exit_code == 0, result.stderr
        held.write("# after\n")
    assert log.read_text() == "# before\ni\n1\n# after\n"
    assert sorted(tmp_path.iterdir()) == [log, tmp_path / "trendlab.duckdb"]


def test_an_output_whose_reader_is_gone_stops_quietly_named_or_not(db: Path, tmp_path: Path):
    """`-o /dev/stdout | head` (or -o a FIFO) failed with 'cannot write /dev/stdout:
    Broken pipe', exit 1, where stdout's reader gone stops quietly, as other tools do."""
    command = [sys.executable, "-m", "trendlab", "--db", str(db), "query", "SELECT 1 AS i"]
    for output in ("-", "/dev/stdout"):
        read, write = os.pipe()
        os.close(read)
        gone = subprocess.run(
            [*command, "-o", output], stdout=write, stderr=subprocess.PIPE, text=True
        )
        os.close(write)
        assert (output, gone.returncode, gone.stderr) == (output, 0, "")
