"""Prices: history, blends, the cheapest capable model over time, its rate of decline."""

from __future__ import annotations

import html
import json
import re
import shlex
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest

from tests.conftest import (
    Run,
    add_undated_cheap_model,
    changeset_around,
    make_runner,
    revise_around,
)
from trendlab.db import Store
from trendlab.errors import TrendlabError
from trendlab.forecast.decline import fit_decline
from trendlab.prices import BLENDED, Blend, BlendedPrices, cheapest_capable, price_trend


def _blended(db: Path, sql: str, params: list[float] | None = None) -> tuple[float | None, ...]:
    """The schema's blended_price macro, as any SQL sees it."""
    with Store.open(db) as store:
        return store.execute(sql, params).fetchone() or ()


def test_blend_parsing_and_value(empty_db: Path):
    assert (Blend.parse("3:1").input, Blend.parse("3:1").output) == (3, 1)
    assert str(Blend.parse(" 1 : 1 ")) == "1:1"
    for bad in ("3", "a:b", "0:0", "-1:2"):
        with pytest.raises(TrendlabError, match="is not INPUT:OUTPUT weights"):
            Blend.parse(bad)
    # Weights past a float's range, in digits: the blend came out NaN, or 0 when only
    # their sum overflowed, for every price.
    for huge in ("9" * 400 + ":1", "1" + "0" * 308 + ":" + "1" + "0" * 308):
        with pytest.raises(TrendlabError, match="weights this large cannot be blended"):
            Blend.parse(huge)
    assert Blend.parse("1" + "0" * 300 + ":1").input == 1e300
    assert _blended(
        empty_db,
        "SELECT blended_price(5.0, 15.0), blended_price(5.0, 15.0, w_in := 1, w_out := 1), "
        "blended_price(NULL, 2.0)",  # unknown input: unknown blend, not a guess
    ) == (7.5, 10.0, None)


def test_a_blend_is_named_as_given(run: Run):
    """price-trend named --blend 0.1234567:1 as 0.123457:1, a blend other than the one
    it used, and 1000000:1 as 1e+06:1, which --blend refuses."""
    assert [str(Blend.parse(b)) for b in ("0.1234567:1", "1000000:1", "3.0:0.50", "0:1")] == [
        "0.1234567:1",
        "1000000:1",
        "3:0.5",
        "0:1",
    ]
    trend = run("price-trend", "mmlu", "--threshold", "80", "--blend", "0.1234567:1", "--json")
    assert trend.exit_code == 0, trend.stderr
    assert json.loads(trend.stdout)["blend"] == "0.1234567:1"


def test_the_blend_of_two_finite_prices_is_finite_however_large(run: Run, empty_db: Path):
    """3 x 1e308 overflows: the blend weighed the sides before dividing, so a valid
    price showed a blended price of inf, and price-trend refused it."""
    for blend in (Blend(), Blend(1, 1), Blend(0, 1)):
        (value,) = _blended(
            empty_db,
            "SELECT blended_price(1e308::DOUBLE, 1.7e308::DOUBLE, w_in := ?, w_out := ?)",
            [blend.input, blend.output],
        )
        assert value is not None and np.isfinite(value), blend
    assert run("add-model", "huge-1", "-m", "t").exit_code == 0
    assert run("add-price", "huge-1", "acme", "2024-01-01", "--input", "1e308",
               "--output", "1e308", "-m", "t").exit_code == 0  # fmt: skip
    shown = json.loads(run("prices", "--model", "huge-1", "--json").stdout)
    assert shown[0][BLENDED] == 1e308


@pytest.mark.parametrize(
    ("w_in", "w_out"),
    [("0", "0"), ("-1", "2"), ("1", "-0.5"), ("1e308", "1e308"), ("'inf'::DOUBLE", "1"),
     ("1", "'nan'::DOUBLE"), ("'-inf'::DOUBLE", "1")],
)  # fmt: skip
def test_the_blend_macro_refuses_weights_it_cannot_blend(empty_db: Path, w_in: str, w_out: str):
    """0:0 and a negative weight blended every price to NaN (or a nonsense number),
    1e308:1e308 to 0, without a word: now an error in anyone's SQL, naming the weights."""
    with pytest.raises(
        duckdb.InvalidInputException, match="blended_price: cannot blend at weights"
    ):
        _blended(empty_db, f"SELECT blended_price(1.0, 2.0, w_in := {w_in}, w_out := {w_out})")


def test_a_price_weighed_zero_is_not_needed(empty_db: Path):
    """At 1:0 the output price does not count, yet a model with only an input price had
    no blended price: it was NULL because the price it weighs zero was."""
    assert _blended(
        empty_db,
        "SELECT blended_price(2.0, NULL, w_in := 1, w_out := 0), "
        "blended_price(NULL, 4.0, w_in := 0, w_out := 2), "
        "blended_price(2.0, NULL, w_in := 1, w_out := 1), "  # a price it weighs: unknown
        "blended_price(2.0, 4.0, w_in := NULL, w_out := 1), "  # an unknown weight: unknown
        # integer weights whose sum overflows INTEGER are weights like any other
        "blended_price(2.0, 4.0, w_in := 2147483647, w_out := 2147483647)",
    ) == (2.0, 4.0, None, None, 3.0)


def test_blend_at_a_zero_weight_in_the_commands(run: Run):
    """prices and price-trend at --blend 1:0 price a model that lists no output price;
    a bad --blend is still refused by the option, in its own words, before any SQL."""
    for step in (
        ("add-model", "input-only-1", "--release-date", "2024-01-01"),
        ("add-result", "input-only-1", "mmlu", "99", "--date", "2024-01-01"),
        ("add-price", "input-only-1", "acme", "2024-01-01", "--input", "2"),
    ):
        added = run(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr
    [listed] = json.loads(
        run("prices", "--model", "input-only-1", "--blend", "1:0", "--json").stdout
    )
    assert (listed["output_usd_per_mtok"], listed[BLENDED]) == (None, 2.0)
    [default] = json.loads(run("prices", "--model", "input-only-1", "--json").stdout)
    assert default[BLENDED] is None  # 3:1 weighs the output price, which is unknown
    trend = run("price-trend", "mmlu", "--threshold", "80", "--blend", "1:0", "--json")
    assert trend.exit_code == 0, trend.stderr
    points = [(p["date"], p["model"], p[BLENDED]) for p in json.loads(trend.stdout)["points"]]
    assert ("2024-01-01", "input-only-1", 2.0) in points
    # At 3:1 the output price it lacks counts: its blend is unknown, and so is the
    # cheapest while its price is in effect, which leaves too few points to fit.
    blended = run("price-trend", "mmlu", "--threshold", "80")
    assert (blended.exit_code, blended.stdout) == (1, ""), blended.stderr
    assert (
        "the cheapest is unknown from 2024-01-01 until 2024-07-18 (input-only-1 at acme)"
    ) in blended.stderr
    for bad in ("0:0", "-1:1", "1" + "0" * 308 + ":" + "1" + "0" * 308):
        for command in (["prices"], ["price-trend", "mmlu", "--threshold", "80"]):
            result = run(*command, "--blend", bad)
            assert result.exit_code == 2 and result.stdout == "", result.stdout
            (line,) = result.stderr.splitlines()
            assert "Invalid value for '--blend'" in line and "blended_price" not in line


def test_a_blend_weight_too_close_to_0_to_read_is_refused(run: Run):
    """--blend 1:0.000...1 (400 zeros), a weight that is not 0 but reads as 0.0, was
    taken for 1:0 and left the output price out; the option refuses it, as a number too
    close to 0 is refused elsewhere."""
    tiny = "0." + "0" * 400 + "1"
    for blend, side in ((f"1:{tiny}", "output"), (f"{tiny}:0", "input")):
        said = f"{blend!r}: the {side} weight is too close to 0 to use: it would read as 0"
        with pytest.raises(TrendlabError) as error:
            Blend.parse(blend)
        assert error.value.message == said
        for command in (["prices"], ["price-trend", "mmlu", "--threshold", "80"]):
            result = run(*command, "--blend", blend)
            assert (result.exit_code, result.stdout) == (2, "")
            assert result.stderr == (
                f"trendlab: error: Invalid value for '--blend': {said} "
                f"(see 'cli {command[0]} --help')\n"
            )
    # A weight as small that a float holds is a weight: 1:1e-300 is not 1:0.
    assert Blend.parse("1:0." + "0" * 299 + "1").output == 1e-300


def test_prices_command_on_real_seeded_prices(run: Run):
    rows = json.loads(run("prices", "--model", "gpt-4o", "--json").stdout)
    assert [
        (r["effective_date"], r["input_usd_per_mtok"], r["output_usd_per_mtok"], r[BLENDED])
        for r in rows[:2]
    ] == [("2024-05-13", 5.0, 15.0, 7.5), ("2024-08-06", 2.5, 10.0, 4.375)]
    even = json.loads(run("prices", "--model", "gpt-4o", "--blend", "1:1", "--json").stdout)
    assert even[0][BLENDED] == 10.0
    anthropic = json.loads(run("prices", "--provider", "anthropic", "--json").stdout)
    assert anthropic and {r["provider"] for r in anthropic} == {"Anthropic"}
    current = json.loads(run("prices", "--model", "gpt-4o", "--current", "--json").stdout)
    assert [r["effective_date"] for r in current] == [rows[-1]["effective_date"]]


def test_an_empty_output_file_name_is_a_usage_error(run: Run):
    """`prices -o ''` read the prices and only then failed, exit 1, with 'cannot write :
    No such file or directory', a name that reads as none."""
    for args in (("prices",), ("price-trend", "mmlu", "--threshold", "80")):
        result = run(*args, "-o", "")
        assert result.exit_code == 2 and result.stdout == ""
        assert "-o: the file name is empty (give FILE, or - for stdout)" in result.stderr


def test_an_output_file_name_of_white_space_is_a_usage_error(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`query "select 1" -o ' '` wrote a file named ' ', and `list -o $'\\t'` one named
    by a tab; `price-trend --plot ' '`, `plot -o ' '`, `report -o ' '` and `export -o ' '`
    refused it as a name of the wrong kind. Each is named as an empty name is."""
    (here := tmp_path / "here").mkdir()
    monkeypatch.chdir(here)
    for args in (
        ("query", "select 1", "-o", " "),
        ("list", "models", "-o", " \t"),
        ("export", "models", "-o", " "),
        ("prices", "-o", "  "),
    ):
        result = run(*args)
        assert result.exit_code == 2 and result.stdout == "", args
        said = "-o: the file name is only white space (give FILE, or - for stdout)"
        assert said in result.stderr and result.stderr.count("\n") == 1, result.stderr
    for args, said in (
        (
            ("price-trend", "mmlu", "--threshold", "80", "--plot", " "),
            "--plot: the file name is only white space; it must end in .png or .svg",
        ),
        (("plot", "mmlu", "-o", " "), "-o: the file name is only white space; it must end in"),
        (("report", "-o", " "), "-o: the file name is only white space (give FILE.html, or -"),
    ):
        result = run(*args)
        assert result.exit_code == 2 and said in result.stderr, result.stderr
    assert list(here.iterdir()) == []


def test_an_output_file_name_padded_with_white_space_is_a_usage_error(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`query "select 1" -o 'out.csv '` was refused as of no known format (its suffix
    is '.csv '), `plot -o 'mmlu.png '` as not ending in .png, and `--csv -o 'out.csv '`
    or `list -o ' out.csv'` wrote a file of that name. A name padded with white space
    is surely a slip, named as such, before any work."""
    (here := tmp_path / "here").mkdir()
    monkeypatch.chdir(here)
    for args, said in (
        (("query", "select 1", "-o", "out.csv "), "-o: the file name 'out.csv ' ends with"),
        (("query", "select 1", "--csv", "-o", "out.csv "), "-o: the file name 'out.csv ' ends"),
        (("list", "models", "-o", " out.csv"), "-o: the file name ' out.csv' begins with"),
        (("export", "models", "-o", "m.csv\t"), "-o: the file name 'm.csv\\t' ends with"),
        (("prices", "-o", " p.json "), "-o: the file name ' p.json ' begins and ends with"),
        (("backtest", "mmlu", "-o", "b.csv "), "-o: the file name 'b.csv ' ends with"),
        (
            ("forecast", "mmlu", "--plot", "f.png "),
            "--plot: the file name 'f.png ' ends with white space; it must end in .png or .svg",
        ),
        (
            ("price-trend", "mmlu", "--threshold", "80", "--plot", " p.svg"),
            "--plot: the file name ' p.svg' begins with white space; it must end in .png or",
        ),
        (("plot", "mmlu", "-o", "m.png "), "-o: the file name 'm.png ' ends with white space; it"),
        (
            ("report", "-o", "r.html "),
            "-o: the file name 'r.html ' ends with white space (give FILE.html, or - for stdout)",
        ),
    ):
        result = run(*args)
        assert (result.exit_code, result.stdout) == (2, ""), (args, result.stderr)
        assert said in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert "(give FILE, or - for stdout)" in run("query", "select 1", "-o", "out.csv ").stderr
    assert list(here.iterdir()) == []


def test_a_provider_is_known_by_every_price_not_only_the_models(run: Run):
    """`prices --model gpt-4 --provider anthropic` said 'unknown provider' and listed
    OpenAI alone as the providers; Anthropic is one, it just does not sell gpt-4."""
    result = run("prices", "--model", "gpt-4", "--provider", "anthropic", "--csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == []
    assert "no prices match" in result.stderr
    listed = run("prices", "--model", "gpt-4o", "--provider", "OPENAI", "--csv").stdout
    assert [row.split(",")[:2] for row in listed.splitlines()[1:]] == [["gpt-4o", "OpenAI"]] * 3
    result = run("prices", "--model", "gpt-4", "--provider", "anthropik")
    assert result.exit_code == 1 and "unknown provider 'anthropik'" in result.stderr


def test_prices_current_says_when_every_price_takes_effect_later(run: Run):
    """A model whose only price is announced for later had `prices --current` say "no
    prices match", as if it had none; it says none is in effect yet, and how many are
    announced."""
    added = run("add-price", "gpt-4", "Later", "2099-01-01", "--input", "1", "-m", "t")
    assert added.exit_code == 0, added.stderr
    result = run("prices", "--provider", "later", "--current", "--csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == []
    # The day read is today's, in UTC: either side of a midnight the run may cross.
    days = {datetime.now(UTC).date() + timedelta(days=d) for d in (-1, 0)}
    assert result.stderr in {
        f"no price in effect on {day}: 1 price takes effect later (list it without --current)\n"
        for day in days
    }
    # A provider that sells none of the model's is still "no prices match".
    unsold = run("prices", "--model", "gpt-4o", "--provider", "later", "--current")
    assert unsold.stderr == "no prices match\n"


def test_prices_help_says_when_a_blend_is_unknown(run: Run):
    """The help said the blend is unknown when either price is, though at --blend 1:0
    a price with no output price has one."""
    shown = " ".join(run("prices", "--help").stdout.split())
    assert "unknown when either price is" not in shown
    assert "it is unknown when a price it weighs is, so --blend 1:0 prices a model" in shown
    [listed] = json.loads(run("prices", "--model", "gpt-4o", "--current", "--json").stdout)
    assert run("add-price", "gpt-4o", "P", listed["effective_date"], "--input", "2",
               "-m", "t").exit_code == 0  # fmt: skip
    [alone] = json.loads(
        run("prices", "--provider", "P", "--current", "--blend", "1:0", "--json").stdout
    )
    assert (alone["output_usd_per_mtok"], alone[BLENDED]) == (None, 2.0)


def test_prices_errors(run: Run):
    result = run("prices", "--provider", "OpenAl")
    assert result.exit_code == 1
    assert "unknown provider 'OpenAl' (did you mean 'OpenAI'?)" in result.stderr
    result = run("prices", "--model", "gpt4o")
    assert result.exit_code == 1 and "did you mean 'gpt-4o'" in result.stderr
    # A malformed --blend is a usage error, like any malformed option value.
    result = run("prices", "--blend", "three to one")
    assert result.exit_code == 2 and "Invalid value for '--blend'" in result.stderr
    result = run("prices", "--model", "gpt-4o", "--blend", "9" * 400 + ":1", "--csv")
    assert result.exit_code == 2 and result.stdout == "", result.stdout
    assert "weights this large cannot be blended" in result.stderr


def test_prices_as_of(run: Run):
    run(
        "add-price",
        "gpt-4o",
        "OpenAI",
        "2024-11-20",
        "--input",
        "2.5",
        "--output",
        "10",
        "--api-model-id",
        "gpt-4o-2024-11-20",
        "--source-url",
        "https://openai.com/api/pricing/",
    )
    now = json.loads(run("prices", "--model", "gpt-4o", "--json").stdout)
    seeded = json.loads(run("log", "--json").stdout)[-1]["changeset"]
    then = json.loads(run("prices", "--model", "gpt-4o", "--as-of", seeded, "--json").stdout)
    assert len(now) == len(then) + 1


def test_current_prices_as_of_a_day_are_those_in_effect_that_day(run: Run, store_location: str):
    # As if the seeds had been recorded on 2024-07-01: reading the database as of then,
    # "current" means in effect then (GPT-4o's launch price), not today.
    store = Store.open(store_location, read_only=False)
    store.con.execute("UPDATE changesets SET recorded_at = TIMESTAMP '2024-07-01 00:00:00'")
    store.close()
    then = run(
        "prices",
        "--model",
        "gpt-4o",
        "--provider",
        "openai",
        "--current",
        "--as-of",
        "2024-07-01",
        "--json",
    )
    assert then.exit_code == 0, then.stderr
    [price] = json.loads(then.stdout)
    assert (price["effective_date"], price["input_usd_per_mtok"]) == ("2024-05-13", 5.0)
    [today] = json.loads(
        run("prices", "--model", "gpt-4o", "--provider", "openai", "--current", "--json").stdout
    )
    assert today["effective_date"] > "2024-07-01" and today["input_usd_per_mtok"] < 5.0


def test_a_price_announced_for_a_later_day_is_not_current_before_it(run: Run):
    """A future effective date is accepted (providers announce scheduled changes), and
    `prices --current` takes the price only from that day on; the history lists it."""
    current = ("prices", "--model", "gpt-4o", "--provider", "openai", "--current", "--json")
    [today] = json.loads(run(*current).stdout)
    # Two years on: --current reads today in UTC, and a local New Year's Eve may be
    # already past it.
    next_year = date.today().year + 2
    added = run("add-price", "gpt-4o", "OpenAI", f"{next_year}-01-01", "--input", "0.5")
    assert added.exit_code == 0, added.stderr
    assert json.loads(run(*current).stdout) == [today]
    history = json.loads(run("prices", "--model", "gpt-4o", "--json").stdout)
    assert f"{next_year}-01-01" in [p["effective_date"] for p in history]
    ahead = run(*current, "--as-of", str(next_year))
    [then] = json.loads(ahead.stdout)
    assert (then["effective_date"], then["input_usd_per_mtok"]) == (f"{next_year}-01-01", 0.5)
    # An --as-of in the future reads the database as it is now: said, as the price it
    # takes as current then is only announced (it was shown as if recorded by then).
    assert ahead.stderr == (
        f"--as-of {next_year}-12-31 23:59:59 is in the future: the database is read as it "
        f"is now, with the prices announced for {next_year}-12-31 or before as in effect then\n"
    )
    # Today's day runs to its end, after now: the database is read as it is now too (it
    # was taken for a past day, the day alone compared with today's).
    day = datetime.now(UTC).date()
    assert run(*current, "--as-of", str(day)).stderr == (
        f"--as-of {day} 23:59:59 is in the future: the database is read as it is now, with "
        f"the prices announced for {day} or before as in effect then\n"
    )
    # The history takes no day.
    assert run("prices", "--model", "gpt-4o", "--as-of", str(next_year)).stderr == ""
    # In effect on its own day, not only after it.
    [on_the_day] = json.loads(run(*current, "--as-of", f"{next_year}-01-01").stdout)
    assert on_the_day == then
    assert json.loads(run(*current, "--as-of", f"{next_year - 1}-12-31").stdout) == [today]


def test_a_price_trend_takes_a_price_from_its_own_day(run: Run):
    """price-trend reads prices in effect up to the reading day: one that takes effect
    on the --as-of day is among them, and the day before it is not."""
    next_year = date.today().year + 2
    added = run("add-price", "gpt-4o", "OpenAI", f"{next_year}-01-01", "--input", "0.01",
                "--output", "0.01", "-m", "t")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    trend = ("price-trend", "mmlu", "--threshold", "80", "--json", "--as-of")
    shown = run(*trend, f"{next_year}-01-01")
    ahead = (
        f"--as-of {next_year}-01-01 23:59:59 is in the future: the database is read as it is "
        f"now, with the prices announced for {next_year}-01-01 or before as in effect then"
    )
    assert shown.stderr == f"{ahead}\n"
    # The report's price trend, which takes the same price, says so as price-trend does.
    page = run("report", "--benchmark", "gsm8k", "--as-of", f"{next_year}-01-01", "-o", "-")
    prices = page.stdout[page.stdout.index('<section id="prices">') :]
    assert f'<p class="note">Price trend: {html.escape(ahead)}.</p>' in prices
    on_the_day = json.loads(shown.stdout)["points"][-1]
    assert (on_the_day["date"], on_the_day["model"], on_the_day["blended_usd_per_mtok"]) == (
        f"{next_year}-01-01",
        "gpt-4o",
        0.01,
    )
    day_before = json.loads(run(*trend, f"{next_year - 1}-12-31").stdout)["points"][-1]
    assert (day_before["date"], day_before["model"]) == ("2024-07-18", "gpt-4o-mini")


def test_a_provider_in_another_case_is_the_same_provider(run: Run, tmp_path: Path):
    seeded = json.loads(run("prices", "--model", "gpt-4o", "--json").stdout)
    first = next(p for p in seeded if p["effective_date"] == "2024-05-13")
    again = run("add-price", "gpt-4o", "openai", "2024-05-13", "--input", "5", "--output", "15")
    assert again.exit_code == 0 and again.stdout.strip() == first["id"]
    assert "already exists with these values" in again.stderr
    # A new provider keeps its first spelling; a price's stored one is kept (OpenAI).
    path = tmp_path / "prices.csv"
    path.write_text(
        "model,provider,effective_date,input_usd_per_mtok,output_usd_per_mtok\n"
        "gpt-4o,azure,2025-01-01,2.5,10\n"
        "gpt-4o,openai,2025-01-02,2.5,10\n"
        "gpt-4o,Azure,2025-01-01,2.5,10\n"
    )
    imported = run("import", str(path), "-m", "t")
    assert imported.exit_code == 1  # one price twice: the file's spellings are one provider
    assert (
        f"{path}:4: same model, provider (Azure and azure name azure), effective_date as line 2"
        in imported.stderr
    )
    path.write_text("\n".join(path.read_text().splitlines()[:3]) + "\n")
    assert run("import", str(path), "-m", "t").exit_code == 0
    assert (
        run("add-price", "gpt-4o", "AZURE", "2025-03-01", "--input", "2", "-m", "t").exit_code == 0
    )
    providers = [p["provider"] for p in json.loads(run("prices", "--json").stdout)]
    assert providers.count("azure") == 2 and "AZURE" not in providers
    assert "openai" not in providers and "OpenAI" in providers


def test_a_price_added_under_a_provider_near_a_stored_one_says_so(run: Run, tmp_path: Path):
    """`add-price gpt-4o "Open AI" ...` made a provider of its own, beside OpenAI's
    prices, and said nothing: a typo of a provider split the model's prices in two."""
    typo = run("add-price", "gpt-4o", "Open AI", "2025-01-01", "--input", "2", "-m", "t")
    assert typo.exit_code == 0
    assert typo.stderr.splitlines()[1] == (
        "1 price of a provider no other price names: 'Open AI' (did you mean 'OpenAI'?); it "
        "is kept, but a provider's spelling is part of a price's key: if it is a typo, "
        "retract it and add it under the stored name"
    )
    # A provider's own spelling, another case of it, one near none, or a name that holds
    # a stored one (Google Vertex beside Google, a provider of its own) says nothing.
    assert run("add-price", "gpt-4o", "Google", "2025-01-05", "--input", "2").exit_code == 0
    for provider, day in (
        ("Open AI", "02"),
        ("OPENAI", "03"),
        ("Acme Cloud", "04"),
        ("Google Vertex", "06"),
    ):
        quiet = run("add-price", "gpt-4o", provider, f"2025-01-{day}", "--input", "2", "-m", "t")
        assert quiet.exit_code == 0 and len(quiet.stderr.splitlines()) == 1, quiet.stderr
    # A file's providers are its source's: not second-guessed.
    path = tmp_path / "prices.csv"
    path.write_text(
        "model,provider,effective_date,input_usd_per_mtok\ngpt-4o,Anthropc,2025-02-01,1\n"
    )
    imported = run("import", str(path), "-m", "t")
    assert imported.exit_code == 0 and "no other price names" not in imported.stderr


def test_a_retracted_price_added_in_other_capitals_is_restored(run: Run, tmp_path: Path):
    """A retracted price's provider is a spelling of its own: the price added again in
    other capitals, by add-price or an import, is it restored, not a second price."""
    assert run("add-model", "acme-1", "--release-date", "2024-01-01", "-m", "t").exit_code == 0
    added = run("add-price", "acme-1", "Acme Cloud", "2024-02-01", "--input", "1", "-m", "t")
    price_id = added.stdout.strip()
    assert run("retract", "price", price_id, "-m", "withdrawn").exit_code == 0
    again = run("add-price", "acme-1", "acme cloud", "2024-02-01", "--input", "1", "-m", "back")
    assert again.exit_code == 0 and again.stdout.strip() == price_id
    assert f"restored (it was retracted) price {price_id}" in again.stderr
    assert run("retract", "price", price_id, "-m", "withdrawn").exit_code == 0
    path = tmp_path / "prices.csv"
    path.write_text(
        "model,provider,effective_date,input_usd_per_mtok\nacme-1,ACME CLOUD,2024-02-01,1\n"
    )
    imported = run("import", str(path), "-m", "back")
    assert imported.exit_code == 0 and "prices: 1 restored" in imported.stderr
    shown = json.loads(run("show", "price", "acme-1/Acme Cloud/2024-02-01", "--json").stdout)
    assert (shown["id"], shown["provider"]) == (price_id, "Acme Cloud")


def test_a_provider_is_one_name_by_one_rule_everywhere(run: Run, db: Path, tmp_path: Path):
    """ΣΑΣ and σας are one name (case folded, the final sigma too), on every path: the
    write path, a key, a filter, an export imported back and the integrity check."""
    added = run("add-price", "gpt-4o", "ΣΑΣ", "2024-01-01", "--input", "1")
    assert added.exit_code == 0, added.stderr
    price_id = added.stdout.strip()
    again = run("add-price", "gpt-4o", "σας", "2024-01-01", "--input", "2")
    assert again.exit_code == 1 and f"price {price_id} already exists;" in again.stderr
    same = run("add-price", "gpt-4o", "σας", "2024-01-01", "--input", "1")
    assert same.exit_code == 0 and same.stdout.strip() == price_id
    assert "already exists with these values" in same.stderr
    shown = run("show", "price", "gpt-4o/σας/2024-01-01", "--json")
    assert json.loads(shown.stdout)["id"] == price_id
    listed = json.loads(run("prices", "--provider", "σας", "--json").stdout)
    assert [p["id"] for p in listed] == [price_id]
    exported = tmp_path / "prices.csv"
    assert run("export", "prices", "-o", str(exported)).exit_code == 0
    round_trip = run("import", str(exported), "-m", "t")
    assert round_trip.exit_code == 0, round_trip.stderr
    assert "nothing to write" in round_trip.stderr
    # The same price under the other spelling, as an older trendlab could store it.
    con = duckdb.connect(str(db))
    con.execute(
        "INSERT INTO price_revisions BY NAME SELECT * REPLACE ("
        "'σας' AS provider, 'p_' || left(md5(concat_ws(chr(31), model, 'σας', "
        "CAST(effective_date AS VARCHAR))), 16) AS key) FROM price_revisions WHERE key = ?",
        [price_id],
    )
    con.close()
    audit = run("check", "--json")
    assert audit.exit_code == 1
    found = {(v["check"], v["key"]) for v in json.loads(audit.stdout)}
    assert ("13_price_provider_spellings", price_id) in found and len(found) == 2


def test_a_provider_with_a_slash_is_named_by_the_key_as_listed(run: Run):
    added = run("add-price", "gpt-4", "Azure/EU", "2024-01-01", "--input", "1", "--output", "2")
    assert added.exit_code == 0, added.stderr
    price_id = added.stdout.strip()
    for key in ("gpt-4/Azure/EU/2024-01-01", "gpt-4/azure/eu", "GPT-4/Azure/EU/2024-01-01"):
        shown = run("show", "price", key, "--json")
        assert shown.exit_code == 0, (key, shown.stderr)
        assert json.loads(shown.stdout)["id"] == price_id
    edited = run(
        "edit", "price", "gpt-4/Azure/EU/2024-01-01", "--set", "input_usd_per_mtok=3", "-m", "t"
    )
    assert edited.exit_code == 0, edited.stderr
    assert (
        len(json.loads(run("history", "price", "gpt-4/Azure/EU/2024-01-01", "--json").stdout)) == 2
    )
    # A seeded provider's key still reads as before.
    assert run("show", "price", "gpt-4/openai/2023-03-14").exit_code == 0


def test_zero_and_negative_prices_are_rejected_on_import(run: Run, tmp_path: Path):
    path = tmp_path / "prices.csv"
    path.write_text(
        "model,provider,effective_date,input_usd_per_mtok,output_usd_per_mtok\n"
        "gpt-4,OpenAI,2025-01-01,0,10\n"
        "gpt-4,OpenAI,2025-02-01,-1,10\n"
    )
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"{path}:2: input_usd_per_mtok: '0' must be greater than 0" in result.stderr
    assert f"{path}:3: input_usd_per_mtok: '-1' must be greater than 0" in result.stderr


@pytest.mark.parametrize(
    ("model", "day", "price", "blend"),
    [
        ("gpt-4o", "2024-05-13", 4e-324, "0.0"),
        ("gpt-4", "2023-03-14", float("nan"), "nan"),
        ("gpt-4o-mini", "2024-07-18", float("nan"), "nan"),
        ("gpt-4o-mini", "2024-07-18", float("inf"), "inf"),
    ],
)
def test_a_stored_price_blending_to_0_is_named_by_the_trend(
    run: Run, db: Path, model: str, day: str, price: float, blend: str, on_store: str
):
    """A subnormal price written around trendlab (`check` lists it) blends to 0 at 1:1,
    a NaN one to NaN, and the trend's fit failed with "a price trend needs finite,
    positive prices", naming none. It now names the price and sends the user to
    `check`. So it does where the price is not the cheapest's: a NaN or infinite price
    sorts above every other, and its model (gpt-4o-mini, cheapest at any real price)
    was left out of the trend, naming none."""
    con = duckdb.connect(str(db))
    key = con.execute(
        "SELECT key FROM price_revisions WHERE model = ? AND effective_date = ?", [model, day]
    ).fetchone()[0]
    revise_around(
        con,
        changeset_around(con),
        "price_revisions",
        key,
        input_usd_per_mtok=price,
        output_usd_per_mtok=price,
    )
    con.close()
    result = run("price-trend", "mmlu", "--threshold", "80", "--blend", "1:1")
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: the price of {model} at OpenAI in effect on {day} blends to "
        f"{blend} at 1:1, which a price trend cannot take the log of; `{on_store} check` lists "
        "the prices to mend\n",
    )


def test_a_price_with_neither_side_is_one_rule_in_one_wording(run: Run, tmp_path: Path):
    """add-price had its own check, in other words than the import's rule, and an edit
    that blanks both sides exited 1 though no stored value could save it. One rule
    now (validate's), naming the sides as they were given: options on the command
    line, a usage error whatever the database holds; fields in a file, a data error."""
    before = run("log", "--json").stdout
    for blank in ([], ["--input", " "], ["--input", "", "--output", ""]):
        result = run("add-price", "gpt-4", "Acme", "2024-01-01", *blank, "-m", "t")
        assert result.exit_code == 2, (blank, result.stderr)
        assert result.stderr == (
            "trendlab: error: a price needs --input or --output (see 'cli add-price --help')\n"
        ), blank
    key = json.loads(run("list", "prices", "--json", "--limit", "1").stdout)[0]["id"]
    result = run("edit", "price", key, "--set", "input_usd_per_mtok=",
                 "--set", "output_usd_per_mtok=", "-m", "t")  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert result.stderr == (
        "trendlab: error: a price needs --set input_usd_per_mtok or --set "
        "output_usd_per_mtok (see 'cli edit --help')\n"
    )
    assert run("log", "--json").stdout == before
    # One side blanked: the stored other side may still stand, so that is the data's.
    assert run("edit", "price", key, "--set", "input_usd_per_mtok=", "-m", "t").exit_code == 0
    before = run("log", "--json").stdout
    path = tmp_path / "prices.csv"
    for header, row in (
        ("input_usd_per_mtok,output_usd_per_mtok", ","),
        ("notes", "no figures"),
    ):
        path.write_text(f"model,provider,effective_date,{header}\ngpt-4,Acme,2024-01-01,{row}\n")
        result = run("import", str(path))
        assert result.exit_code == 1, header
        assert result.stderr == (
            f"trendlab: error: {path}:2: a price needs input_usd_per_mtok or "
            "output_usd_per_mtok; nothing was written\n"
        ), header
    assert run("log", "--json").stdout == before


def test_quoted_comparisons_are_reproduced_from_the_seeds(run: Run):
    rows = json.loads(run("query", "quoted-price-comparisons", "--json").stdout)
    by_model = {r["model"]: r for r in rows}
    gpt4o = by_model["gpt-4o"]
    assert gpt4o["baseline"] == "gpt-4" and gpt4o["output_ratio"] == 0.25  # "25% as much"
    assert gpt4o["input_ratio"] == 0.1667 and gpt4o["blended_ratio"] == 0.2
    sonnet = by_model["claude-3.5-sonnet"]
    assert sonnet["baseline"] == "claude-3-opus"
    assert sonnet["input_ratio"] == sonnet["output_ratio"] == 0.2  # "5x cheaper"
    general = json.loads(
        run(
            "query",
            "launch-price-ratio",
            "--param",
            "model=gpt-4o",
            "--param",
            "baseline=gpt-4",
            "--json",
        ).stdout
    )
    assert general[0]["output_ratio"] == 0.25


def test_a_launch_price_ratio_keeps_its_significant_digits(run_empty: Run):
    """Rounded to 4 decimals, a model 20,000 times cheaper was 0 times the price, and
    the seeds' gpt-5-nano against o1-pro 0.0003 on input (1/3000 is 0.000333)."""
    for model, usd in (("tiny", "0.01"), ("huge", "600"), ("nano", "0.05"), ("pro", "150")):
        assert run_empty("add-model", model, "-m", "t").exit_code == 0
        added = run_empty("add-price", model, "P", "2024-01-01", "--input", usd,
                          "--output", usd, "-m", "t")  # fmt: skip
        assert added.exit_code == 0, added.stderr
    for model, baseline, ratio in (("tiny", "huge", 1.667e-05), ("nano", "pro", 0.0003333),
                                   ("pro", "nano", 3000.0)):  # fmt: skip
        shown = run_empty("query", "launch-price-ratio", "--param", f"model={model}",
                          "--param", f"baseline={baseline}", "--json")  # fmt: skip
        row = json.loads(shown.stdout)[0]
        assert row["input_ratio"] == row["output_ratio"] == row["blended_ratio"] == ratio


def test_a_ratio_to_a_free_price_is_unknown_not_infinite(run: Run, db: Path):
    """A free price (0, written around trendlab: `check` lists it) as the baseline gave
    ratios of inf, and of NaN where the model's was 0 too: a price so many times the
    baseline's that no number says. It is unknown (null); a ratio of 0 to a priced
    baseline is still 0."""
    con = duckdb.connect(str(db))
    for model, sides in (("gpt-4", {"input_usd_per_mtok": 0.0}),
                         ("gpt-4o", {"input_usd_per_mtok": 0.0, "output_usd_per_mtok": 0.0})):  # fmt: skip
        key = con.execute(
            "SELECT key FROM price_revisions WHERE model = ? ORDER BY effective_date LIMIT 1",
            [model],
        ).fetchone()[0]
        revise_around(con, changeset_around(con), "price_revisions", key, **sides)
    con.close()
    ratios = ("input_ratio", "output_ratio", "blended_ratio")
    quoted = json.loads(run("query", "quoted-price-comparisons", "--json").stdout)
    gpt4o = next(r for r in quoted if r["model"] == "gpt-4o")
    assert [gpt4o[r] for r in ratios] == [None, 0.0, 0.0]
    shown = run("query", "launch-price-ratio", "--param", "model=gpt-4", "--param",
                "baseline=gpt-4o", "--json")  # fmt: skip
    assert [json.loads(shown.stdout)[0][r] for r in ratios] == [None, None, None]
    assert "inf" not in run("query", "launch-price-ratio", "--param", "model=gpt-4",
                            "--param", "baseline=gpt-4o", "--csv").stdout  # fmt: skip


def test_a_launch_price_is_the_cheapest_of_a_models_first_day(run: Run):
    """GPT-4o listed from its first day by Azure at $15 / $60 besides OpenAI's $5 / $15:
    its launch price was Azure's, first by name; it is the cheapest, as a forecast by
    price takes it (test_a_forecast_by_price_takes_the_cheapest_of_a_models_first_day)."""
    added = run("add-price", "gpt-4o", "Azure", "2024-05-13", "--input", "15", "--output",
                "60", "-m", "t")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    quoted = json.loads(run("query", "quoted-price-comparisons", "--json").stdout)
    gpt4o = next(r for r in quoted if r["model"] == "gpt-4o")
    assert (gpt4o["input_usd_per_mtok"], gpt4o["output_ratio"]) == (5.0, 0.25)
    ratio = run("query", "launch-price-ratio", "--param", "model=gpt-4", "--param",
                "baseline=gpt-4o", "--json")  # fmt: skip
    assert json.loads(ratio.stdout)[0]["baseline_output_usd_per_mtok"] == 15.0


def _frames(rows: list[tuple[str, str, float]], prices: list[tuple[str, str, float]]):
    scores = pl.DataFrame(
        {
            "model": [m for m, _, _ in rows],
            "date": [date.fromisoformat(d) for _, d, _ in rows],
            "score": [s for _, _, s in rows],
        }
    )
    priced = pl.DataFrame(
        {
            "model": [m for m, _, _ in prices],
            "provider": ["P"] * len(prices),
            "effective_date": [date.fromisoformat(d) for _, d, _ in prices],
            "input_usd_per_mtok": [p for _, _, p in prices],
            "output_usd_per_mtok": [p for _, _, p in prices],
            BLENDED: [p for _, _, p in prices],  # input and output alike: any blend
        }
    )
    return scores, priced


def test_cheapest_capable_follows_capability_and_price_cuts():
    scores, prices = _frames(
        [
            ("big", "2023-01-01", 85),
            ("small", "2023-06-01", 70),
            ("small", "2024-01-01", 82),
            ("mid", "2023-09-01", 81),
        ],
        [
            ("big", "2022-12-01", 30),
            ("small", "2023-05-01", 1),
            ("mid", "2023-09-01", 10),
            ("big", "2023-10-01", 5),
        ],
    )
    series = cheapest_capable(scores, prices, 80, blend=Blend())
    assert series.select("date", "model", BLENDED).rows() == [
        (date(2023, 1, 1), "big", 30.0),  # only big reaches 80, at its launch price
        (date(2023, 9, 1), "mid", 10.0),  # mid reaches it, cheaper
        (date(2023, 10, 1), "big", 5.0),  # big's price cut undercuts mid
        (date(2024, 1, 1), "small", 1.0),  # small reaches 80 only in 2024
    ]


def test_cheapest_capable_over_thousands_of_prices_is_a_running_minimum():
    """5,000 models, each reaching 80 the day its one price starts: the cheapest is the
    running minimum of their prices. (Its speed, a sweep where every change date was
    joined with every price, is bench/price_trend.py's to measure.)"""
    rng = np.random.default_rng(1)
    count = 5000
    days = [date(2020, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 2500, count)]
    price = [round(float(p), 4) for p in rng.uniform(0.1, 50, count)]
    models = [f"m{i}" for i in range(count)]
    scores, prices = _frames(
        [(m, str(d), 90) for m, d in zip(models, days, strict=True)],
        [(m, str(d), p) for m, d, p in zip(models, days, price, strict=True)],
    )
    series = cheapest_capable(scores, prices, 80, blend=Blend())
    expected = []
    for day, cost, model in sorted(zip(days, price, models, strict=True)):
        if not expected or cost < expected[-1][2]:
            expected.append((day, model, cost))
    assert series.select("date", "model", BLENDED).rows() == expected


def test_at_a_tie_with_an_unknown_blend_the_known_price_is_the_cheapest():
    """a quotes an input price of 4 alone: at 3:1 its blend is at least 0.75 x 4 = 3,
    exactly b's known $3. a may cost more but not less, so the cheapest is known: b at
    $3, whatever the models' names sort as."""
    scores, prices = _frames(
        [("a", "2023-01-01", 90), ("b", "2023-01-01", 90)],
        [("a", "2023-01-01", 4.0), ("b", "2023-01-01", 3.0)],
    )
    prices = prices.with_columns(
        pl.when(pl.col("model") == "a").then(None).otherwise(pl.col(c)).alias(c)
        for c in ("output_usd_per_mtok", BLENDED)
    )
    series = cheapest_capable(scores, prices, 80, blend=Blend())
    assert series.select("date", "model", BLENDED).rows() == [(date(2023, 1, 1), "b", 3.0)]


def test_a_model_reaching_the_threshold_at_the_cheapest_price_is_no_change():
    """m1 reaches 80 at m2's $4: the cheapest price holds, yet a row named m1 (first by
    name), a point the rate was fitted on; named m3, it was no row at all. The model
    that was the cheapest stays so at a tie, whatever the names sort as."""
    scores, prices = _frames(
        [("m2", "2023-02-01", 80), ("m1", "2023-03-01", 81), ("m3", "2023-05-01", 82)],
        [("m1", "2023-01-01", 4.0), ("m2", "2023-01-01", 4.0), ("m3", "2023-01-01", 2.0)],
    )
    series = cheapest_capable(scores, prices, 80, blend=Blend())
    assert series.select("date", "model", BLENDED).rows() == [
        (date(2023, 2, 1), "m2", 4.0),
        (date(2023, 5, 1), "m3", 2.0),
    ]


def test_the_cheapest_model_restating_its_price_at_the_same_blend_stays_the_cheapest():
    """m2, the cheapest at $4 since February, restates its $4 in June: m1, at $4 since
    March, took over (its price in effect longer), a new point of the fit at an
    unchanged price."""
    scores, prices = _frames(
        [("m2", "2023-02-01", 80), ("m1", "2023-03-01", 81)],
        [("m2", "2023-01-01", 4.0), ("m1", "2023-01-01", 4.0), ("m2", "2023-06-01", 4.0)],
    )
    series = cheapest_capable(scores, prices, 80, blend=Blend())
    assert series.select("date", "model", BLENDED).rows() == [(date(2023, 2, 1), "m2", 4.0)]


def test_a_rows_score_is_the_best_its_model_had_by_its_date():
    """m1 reaches 80 with 85 in 2023 and scores 95 in 2024: its 2023 row read 95, a
    score its price did not buy then. Lower is better: the least by then."""
    scores, prices = _frames(
        [("m1", "2023-03-10", 85), ("m1", "2024-01-01", 95), ("m2", "2023-06-01", 90)],
        [("m1", "2023-01-01", 4.0), ("m2", "2023-01-01", 2.0)],
    )
    series = cheapest_capable(scores, prices, 80, blend=Blend())
    assert series.select("date", "model", "score").rows() == [
        (date(2023, 3, 10), "m1", 85.0),
        (date(2023, 6, 1), "m2", 90.0),
    ]
    scores = scores.with_columns(pl.col("score").neg())
    lower = cheapest_capable(scores, prices, -80, blend=Blend(), higher_is_better=False)
    assert lower.get_column("score").to_list() == [-85.0, -90.0]


def test_a_price_replaced_by_one_of_unknown_blend_is_no_longer_in_effect():
    """A model's $1 price, replaced on 2023-03-01 by an input price alone (its blend
    unknown), stayed the cheapest option for ever: the trend priced the model at $1
    years after that price ended. From then on its price is unknown, and so is the
    cheapest (through the CLI: test_while_a_price_of_unknown_blend_is_in_effect_...)."""
    scores, prices = _frames(
        [("cheap", "2023-01-01", 90), ("dear", "2023-01-01", 90)],
        [("cheap", "2023-01-01", 1.0), ("cheap", "2023-03-01", 0.5), ("dear", "2023-01-01", 5.0)],
    )
    prices = prices.with_columns(
        pl.when(pl.col("effective_date") == date(2023, 3, 1))
        .then(None)
        .otherwise(pl.col(c))
        .alias(c)
        for c in ("output_usd_per_mtok", BLENDED)
    )
    series = cheapest_capable(scores, prices, 80, blend=Blend())
    assert series.select("date", "model", BLENDED).rows() == [
        (date(2023, 1, 1), "cheap", 1.0),
        (date(2023, 3, 1), "cheap", None),  # cheap's price that day is not known
    ]


def test_a_cheapest_of_unknown_blend_whose_input_price_is_cut_gets_a_row_of_it():
    """cheap's input price alone, 0.5 from March, cut to 0.4 in May: the cheapest stays
    unknown, and the March row stood for both, showing 0.5 in May. The cut is a row, as
    another provider's price there is; the fit, on known prices, is unchanged."""
    scores, prices = _frames(
        [("cheap", "2023-01-01", 90), ("dear", "2023-01-01", 90)],
        [
            ("cheap", "2023-01-01", 1.0),
            ("cheap", "2023-03-01", 0.5),
            ("cheap", "2023-05-01", 0.4),
            ("cheap", "2023-07-01", 0.4),  # restated alike: no row
            ("dear", "2023-01-01", 5.0),
        ],
    )
    prices = prices.with_columns(
        pl.when(pl.col("effective_date") > date(2023, 1, 1))
        .then(None)
        .otherwise(pl.col(c))
        .alias(c)
        for c in ("output_usd_per_mtok", BLENDED)
    )
    series = cheapest_capable(scores, prices, 80, blend=Blend())
    assert series.select("date", "model", "input_usd_per_mtok", BLENDED).rows() == [
        (date(2023, 1, 1), "cheap", 1.0, 1.0),
        (date(2023, 3, 1), "cheap", 0.5, None),
        (date(2023, 5, 1), "cheap", 0.4, None),
    ]


def _unknown_cut(run: Run) -> None:
    """Models reaching 80 on a new benchmark: a at $1, b at $10, then a's price an input
    price alone (2024-06-01), c at $4, a at $0.8 again (2025-01-01), d at $0.5."""
    steps: list[tuple[str, ...]] = [("add-benchmark", "ev", "--name", "Ev", "--unit", "percent")]
    for model, day in (("a", "2024-01-01"), ("b", "2024-01-01"), ("c", "2024-09-01"),
                       ("d", "2025-06-01")):  # fmt: skip
        steps += [
            ("add-model", model, "--name", model.upper(), "--release-date", day),
            ("add-result", model, "ev", "85", "--date", day),
        ]
    for model, day, usd in (("a", "2024-01-01", "1"), ("b", "2024-01-01", "10"),
                            ("c", "2024-09-01", "4"), ("a", "2025-01-01", "0.8"),
                            ("d", "2025-06-01", "0.5")):  # fmt: skip
        steps.append(("add-price", model, "P", day, "--input", usd, "--output", usd))
    steps.append(("add-price", "a", "P", "2024-06-01", "--input", "0.5"))
    for step in steps:
        added = run(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr


def test_while_a_price_of_unknown_blend_is_in_effect_the_cheapest_is_unknown(
    run_empty: Run, tmp_path: Path
):
    """When a's $1 price gave way to an input price alone, price-trend listed b at $10
    and then c at $4: a rise that was only a change of model (a's price may have been
    cut), fitted into the rate. From then until a's price is known again the cheapest
    is unknown: a row with no blended price, a note, a break in the figure's line, and
    the trend is fitted on the dates whose cheapest is known."""
    _unknown_cut(run_empty)
    figure = tmp_path / "trend.svg"
    args = ("price-trend", "ev", "--threshold", "80")
    shown = run_empty(*args, "--plot", str(figure))
    assert shown.exit_code == 0, shown.stderr
    assert (
        "the cheapest is unknown from 2024-06-01 until 2025-01-01 (a at P): a model reaching "
        "the threshold has a price in effect with no 3:1 blended price (an input or output "
        "price it weighs is unknown), and it may be the lowest; the trend is fitted on the 3 "
        "dates whose cheapest is known"
    ) in shown.stderr
    assert "3 points" in shown.stdout.splitlines()[0] and "cheaper per year" in shown.stdout
    doc = json.loads(run_empty(*args, "--json").stdout)
    assert [(p["date"], p["model"], p[BLENDED]) for p in doc["points"]] == [
        ("2024-01-01", "a", 1.0),
        ("2024-06-01", "a", None),
        ("2025-01-01", "a", 0.8),
        ("2025-06-01", "d", 0.5),
    ]
    assert doc["fit"]["points"] == 3
    assert "2024-06-01,a,P,,0.5,,85.0," in run_empty(*args, "--csv").stdout
    assert 'id="ev-price-unknown-0"' in figure.read_text()
    page = tmp_path / "report.html"
    made = run_empty("report", "--price-benchmark", "ev", "--price-threshold", "80",
                     "-o", str(page))  # fmt: skip
    assert made.exit_code == 0, made.stderr
    assert '<p class="note">Price trend: the cheapest is unknown from 2024-06-01' in (
        page.read_text(encoding="utf-8")
    )
    # Unknown to the end, it leaves too few known points: the error says why.
    run_empty("add-price", "a", "P", "2025-03-01", "--input", "0.4", "-m", "t")
    refused = run_empty(*args)
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "trendlab: error: a trend needs at least 3 price points, there are 2; the cheapest "
        "is unknown from 2024-06-01 until 2025-01-01 (a at P); from 2025-03-01 on (a at P): "
    ), refused.stderr


def test_the_report_gives_the_price_notes_in_price_trends_order(run_empty: Run, tmp_path: Path):
    """On an error rate (lower is better) with a threshold past its floor, price-trend
    said the threshold's note and then where the cheapest is unknown; the report's price
    section said them the other way round."""
    steps: list[tuple[str, ...]] = [
        ("add-benchmark", "err", "--unit", "percent", "--no-higher-is-better",
         "--floor", "100", "--ceiling", "0"),
    ]  # fmt: skip
    for model, day, usd in (("a", "2024-01-01", "1"), ("b", "2024-09-01", "4"),
                            ("c", "2025-06-01", "0.5")):  # fmt: skip
        steps += [
            ("add-model", model, "--release-date", day),
            ("add-result", model, "err", "15", "--date", day),
            ("add-price", model, "P", day, "--input", usd, "--output", usd),
        ]
    steps.append(("add-price", "a", "P", "2024-06-01", "--input", "0.5"))
    steps.append(("add-price", "a", "P", "2025-01-01", "--input", "0.8", "--output", "0.8"))
    for step in steps:
        added = run_empty(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr
    shown = run_empty("price-trend", "err", "--threshold", "120")
    assert shown.exit_code == 0, shown.stderr
    told = shown.stderr.splitlines()
    assert [line.split(" ")[:3] for line in told] == [
        ["threshold", "120", "is"],
        ["the", "cheapest", "is"],
    ]
    page = tmp_path / "r.html"
    made = run_empty("report", "--price-benchmark", "err", "--price-threshold", "120",
                     "-o", str(page))  # fmt: skip
    assert made.exit_code == 0, made.stderr
    text = html.unescape(page.read_text(encoding="utf-8"))
    prices = text[text.index('<section id="prices">') :]
    assert [prices.index(f"Price trend: {line}.") for line in told] == sorted(
        prices.index(f"Price trend: {line}.") for line in told
    )


def test_an_unknown_cheapest_names_the_provider_whose_price_makes_it_so(run_empty: Run):
    """a's input price alone at Q (2024-06-10), below its input price alone at P, then
    P's price known and dear (2024-06-20): the cheapest was said to be unknown 'from
    2024-06-01 until 2024-12-01 (a at P)', P's row standing though P's price was $9 from
    2024-06-20 and Q's price alone left it unknown."""
    _unknown_cut(run_empty)
    for step in (
        ("add-price", "a", "Q", "2024-06-10", "--input", "0.2"),
        ("add-price", "a", "P", "2024-06-20", "--input", "9", "--output", "9"),
        ("add-price", "a", "Q", "2024-12-01", "--input", "9", "--output", "9"),
    ):
        added = run_empty(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr
    shown = run_empty("price-trend", "ev", "--threshold", "80", "--json")
    assert shown.exit_code == 0, shown.stderr
    points = json.loads(shown.stdout)["points"]
    assert [
        (p["date"], p["model"], p["provider"], p["input_usd_per_mtok"], p[BLENDED]) for p in points
    ] == [
        ("2024-01-01", "a", "P", 1.0, 1.0),
        ("2024-06-01", "a", "P", 0.5, None),
        ("2024-06-10", "a", "Q", 0.2, None),
        ("2024-12-01", "c", "P", 4.0, 4.0),
        ("2025-01-01", "a", "P", 0.8, 0.8),
        ("2025-06-01", "d", "P", 0.5, 0.5),
    ]
    assert "the cheapest is unknown from 2024-06-01 until 2024-12-01 (a at P, a at Q): " in (
        shown.stderr
    )


def test_an_unknown_blend_dearer_than_the_cheapest_whatever_it_is_leaves_it_known(
    run_empty: Run,
):
    """A capable model quoting an input price alone that costs, at the blend's weight,
    more than the cheapest known price cannot be the cheapest: the trend is unchanged,
    with no unknown span, until its input price alone is below that price."""
    _unknown_cut(run_empty)
    args = ("price-trend", "ev", "--threshold", "80", "--json")
    before = json.loads(run_empty(*args).stdout)["points"]
    for step in (
        ("add-model", "e", "--name", "E", "--release-date", "2024-02-01"),
        ("add-result", "e", "ev", "90", "--date", "2024-02-01"),
        # 3:1, the known part alone is 0.75 x 40 = 30: dearer than a's $1, b's $10.
        ("add-price", "e", "P", "2024-02-01", "--input", "40"),
    ):
        assert run_empty(*step, "-m", "t").exit_code == 0
    shown = run_empty(*args)
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["points"] == before
    assert "unknown from 2024-02-01" not in shown.stderr
    # An input price of 1 alone is 0.75 at least: below a's $1, so e may be the cheapest.
    assert run_empty("add-price", "e", "P", "2024-03-01", "--input", "1", "-m", "t").exit_code == 0
    assert "unknown from 2024-03-01 until 2025-06-01 (e at P, a at P)" in run_empty(*args).stderr


def test_lower_is_better_the_best_score_is_the_lowest():
    """On an error rate the best result is the lowest: a capable model's score, and the
    one an error names when no priced model reaches the threshold."""
    from trendlab.prices import capable_models

    scores, prices = _frames(
        [("a", "2023-01-01", 8.0), ("a", "2023-06-01", 5.0), ("b", "2023-02-01", 30.0)],
        [("a", "2022-12-01", 10), ("b", "2022-12-01", 2)],
    )
    capable = capable_models(scores, 10, higher_is_better=False)
    assert capable.select("model", "capable_from", "score").rows() == [("a", date(2023, 1, 1), 5.0)]
    error_rate = {"slug": "err", "unit": "percent", "higher_is_better": False}
    blended = BlendedPrices(prices, Blend())
    with pytest.raises(TrendlabError) as raised:
        price_trend(error_rate, scores, blended, 4.0, on=date(2024, 1, 1))
    assert "the best dated priced result is 5 by a" in str(raised.value)


def test_no_priced_model_error_counts_every_price_and_names_those_announced_for_later():
    """'no priced model reaches 88 on ev; the best dated priced result is 70 by b', when
    c, priced by its input price alone, scored 85, and a, whose only price takes effect
    next year, reaches 88: the error counts a price of unknown blend as the trend does,
    and names the models a price not yet in effect leaves out."""
    scores, prices = _frames(
        [("a", "2024-02-01", 90.0), ("b", "2024-02-01", 70.0), ("c", "2024-02-01", 85.0)],
        [("a", "2026-01-01", 1.0), ("b", "2024-01-01", 2.0), ("c", "2024-01-01", 3.0)],
    )
    input_only = pl.when(pl.col("model") == "c")
    prices = prices.with_columns(
        input_only.then(None).otherwise(pl.col(c)).alias(c)
        for c in ("output_usd_per_mtok", BLENDED)
    )
    bench = {"slug": "ev", "unit": "percent", "higher_is_better": True}
    with pytest.raises(TrendlabError) as raised:
        price_trend(bench, scores, BlendedPrices(prices, Blend()), 88, on=date(2025, 1, 1))
    assert str(raised.value) == (
        "no priced model reaches 88 on ev; the best dated priced result is 85 by c; a "
        "reaches it but has no price in effect on 2025-01-01, only prices announced for later"
    )
    # Priced by its input price alone, c is a model with a price and a dated result.
    only_c = prices.filter(pl.col("model") == "c")
    with pytest.raises(TrendlabError, match=r"the best dated priced result is 85 by c$"):
        price_trend(bench, scores, BlendedPrices(only_c, Blend()), 88, on=date(2025, 1, 1))


def test_no_priced_model_error_counts_an_undated_result_of_a_model_priced_later():
    """x, whose 90 has no date and whose only price takes effect next year, went
    unsaid: the error counted undated results of models with a price in effect, named
    dated ones priced later, and price-trend and the report withheld the undated note
    for this error's own."""
    scores, prices = _frames(
        [("b", "2024-02-01", 70.0), ("x", "2024-02-01", 90.0)],
        [("b", "2024-01-01", 2.0), ("x", "2026-01-01", 1.0)],
    )
    scores = scores.with_columns(
        pl.when(pl.col("model") == "x").then(None).otherwise(pl.col("date")).alias("date")
    )
    bench = {"slug": "ev", "unit": "percent", "higher_is_better": True}
    with pytest.raises(TrendlabError) as raised:
        price_trend(bench, scores, BlendedPrices(prices, Blend()), 88, on=date(2025, 1, 1))
    assert str(raised.value) == (
        "no priced model reaches 88 on ev; the best dated priced result is 70 by b; left out "
        "for want of a date: 1 priced result reaching it (give a reported_date, or the model "
        "a release_date, with `trendlab edit`)"
    )


def test_only_a_shortage_of_points_is_put_down_to_unknown_prices():
    """While the cheapest was unknown, every error the rate's fit raised was said to be
    for want of known prices, an invalid level too; only too few points (or all on one
    day) may be (test_while_a_price_of_unknown_blend_is_in_effect_the_cheapest_is_unknown)."""
    scores, priced = _frames(
        [("a", "2024-01-01", 90.0), ("b", "2024-02-01", 90.0), ("c", "2024-03-01", 90.0)],
        [("a", "2024-01-01", 1.0), ("b", "2024-02-01", 0.9), ("c", "2024-03-01", 0.8),
         ("a", "2024-06-01", 0.5)],
    )  # fmt: skip
    # a's newest price has an input price alone: a may be the cheapest from then on.
    unknown = pl.when(pl.col("effective_date") == date(2024, 6, 1))
    priced = priced.with_columns(
        unknown.then(None).otherwise(pl.col(c)).alias(c) for c in ("output_usd_per_mtok", BLENDED)
    )
    bench = {"slug": "ev", "unit": "percent", "higher_is_better": True}
    blended = BlendedPrices(priced, Blend())
    trend = price_trend(bench, scores, blended, 80, on=date(2025, 1, 1))
    assert trend.fit.n == 3 and "unknown from 2024-06-01 on (a at P)" in str(trend.unknown_note())
    with pytest.raises(TrendlabError) as level:
        price_trend(bench, scores, blended, 80, level=1.5, on=date(2025, 1, 1))
    assert level.value.message == "--level must be between 0 and 100, not 150"


def test_synthetic_decline_rate_is_recovered():
    rng = np.random.default_rng(7)
    start = date(2022, 1, 1)
    rows, prices = [], []
    for i in range(12):
        day = start + timedelta(days=int(i * 365.25 / 4))
        year = i / 4
        price = 50 * 10 ** (-year) * 10 ** rng.normal(0, 0.05)  # 10x per year, some noise
        rows.append((f"m{i}", day.isoformat(), 90.0))
        prices.append((f"m{i}", day.isoformat(), price))
    scores, priced = _frames(rows, prices)
    bench = {"slug": "synthetic", "unit": "percent", "higher_is_better": True}
    blended = BlendedPrices(priced, Blend())  # input and output alike: any blend
    trend = price_trend(bench, scores, blended, 80, level=0.9, on=date.today())
    assert trend.fit.n == 12
    assert trend.fit.factor_per_year == pytest.approx(10, rel=0.15)
    lower, upper = trend.fit.factor_interval
    assert lower < 10 < upper
    assert trend.fit.halving_months == pytest.approx(12 * np.log10(2), rel=0.15)
    doc = trend.to_json()
    assert doc["fit"]["points"] == 12 and len(doc["points"]) == 12
    assert doc["fit"]["level"] == 90 and "(90 % interval " in trend.headline()  # a percent
    assert (
        trend.headline().startswith("synthetic >= 80: ") and "cheaper per year" in trend.headline()
    )
    # Lower is better: reaching 10 is scoring 10 or less (every error rate here is 10),
    # and the headline says so.
    errors = scores.with_columns((100 - pl.col("score")).alias("score"))
    lower_better = {**bench, "higher_is_better": False}
    reached = price_trend(lower_better, errors, blended, 10, on=date.today())
    assert reached.fit.n == 12 and reached.headline().startswith("synthetic <= 10: ")


def test_a_price_halving_every_week_across_new_year_halves_every_week():
    """A week is a week on either side of 1 January: dates were years over 365.25 days,
    so 2022-12-25 to 2023-01-01 was 7.25 days, and a price halving each week exactly
    was fitted with a residual, an interval and a halving time of 0.233 months."""
    days = [date(2022, 12, 25), date(2023, 1, 1), date(2023, 1, 8)]
    rows = [(f"m{i}", day.isoformat(), 90.0) for i, day in enumerate(days)]
    prices = [(f"m{i}", day.isoformat(), 4 / 2**i) for i, day in enumerate(days)]
    scores, priced = _frames(rows, prices)
    bench = {"slug": "weekly", "unit": "percent", "higher_is_better": True}
    trend = price_trend(bench, scores, BlendedPrices(priced, Blend()), 80, on=date.today())
    week = 7 * 12 / 365  # in months of a 365-day year
    assert trend.fit.halving_months == pytest.approx(week, rel=1e-9)
    assert trend.fit.halving_interval == pytest.approx((week, week), rel=1e-9)


def _holding_trend():
    """Each model at $5 until it goes dearer and the next one at $5 takes over: the
    cheapest price holds at $5 over three points."""
    rows = [(m, "2024-01-01", 90.0) for m in ("a", "b", "c")]
    prices = [
        ("a", "2024-01-01", 5.0),
        ("b", "2024-02-01", 5.0),
        ("a", "2024-03-01", 7.0),
        ("c", "2024-04-01", 5.0),
        ("b", "2024-05-01", 7.0),
    ]
    scores, priced = _frames(rows, prices)
    bench = {"slug": "flat", "unit": "percent", "higher_is_better": True}
    return price_trend(bench, scores, BlendedPrices(priced, Blend()), 80, on=date(2025, 1, 1))


def test_a_price_that_holds_is_fitted_as_holding():
    """Three equal logs left float noise in the slope, and a price that never changed
    read "1x dearer per year", halving in 7e14 months at one end of its interval. Then
    "1x cheaper per year (80 % interval 1x to 1x)", as if it fell: it says it holds."""
    trend = _holding_trend()
    assert trend.points.get_column("model").to_list() == ["a", "b", "c"]
    assert trend.fit.slope == 0 and trend.fit.slope_lower == trend.fit.slope_upper == 0
    assert (
        trend.headline()
        == "flat >= 80: no change per year (80 % interval no change); 3 points, blend 3:1"
    )
    fit = trend.fit.to_dict()
    assert fit["halving_months"] is None and fit["halving_months_lower"] is None


@pytest.mark.parametrize(
    ("usd", "said"),
    [
        (
            (5.0, 4.995, 4.99),
            "under 1.005x cheaper per year (80 % interval under 1.005x to under 1.005x); "
            "the price halves every 8,310 months (8,300 to 8,320); 3 points",
        ),
        (
            (5.0, 5.005, 5.01),
            "under 1.005x dearer per year (80 % interval under 1.005x to under 1.005x); 3 points",
        ),
        (
            (5.0, 4.99, 5.0, 4.995),
            "under 1.005x cheaper per year (80 % interval under 1.005x dearer to under 1.005x "
            "cheaper); the price halves every 82,400 months (6,520 to never); 4 points",
        ),
    ],
)
def test_a_price_changing_by_less_than_the_digits_shown_says_so(usd: tuple[float, ...], said: str):
    """A price moving by a cent in $5 over two years read "1x cheaper per year" (or
    dearer), a factor of no change named as a change: the rate says it is under the
    least factor its three digits show, and so do the ends of its interval (they read
    "1x to 1x", or "1x dearer to 1x cheaper")."""
    days = ("2024-01-01", "2025-01-01", "2026-01-01", "2026-06-01")
    scores, priced = _frames(
        [("a", "2024-01-01", 90.0)], [("a", d, p) for d, p in zip(days, usd, strict=False)]
    )
    bench = {"slug": "flat", "unit": "percent", "higher_is_better": True}
    trend = price_trend(bench, scores, BlendedPrices(priced, Blend()), 80, on=date(2027, 1, 1))
    assert trend.fit.n == len(usd) and trend.fit.slope != 0
    assert trend.rate_text() == said.split(" (")[0]
    assert trend.headline() == f"flat >= 80: {said}, blend 3:1"


def test_the_trend_of_a_price_that_holds_reads_as_that_price():
    """10 ** log10(5) is 5.000000000000001: every row's trend read so, in the table too,
    where a fraction is never shown as a whole number."""
    trend = _holding_trend()
    assert trend.table().get_column("trend_usd_per_mtok").to_list() == [5.0, 5.0, 5.0]
    assert [p["trend_usd_per_mtok"] for p in trend.to_json()["points"]] == [5.0, 5.0, 5.0]


def test_the_halving_time_has_the_rates_interval():
    """A halving time alone read as settled where the rate's own interval allowed a
    price that holds or rises: its interval says 'never' at that end."""
    years = np.array([2022.0, 2022.5, 2023.0, 2023.5, 2024.0])
    steady = fit_decline(years, 100 * 10 ** -(years - 2022) * [1, 1.1, 0.9, 1.05, 0.95])
    fastest, slowest = steady.halving_interval
    assert steady.slope_upper < 0
    assert fastest is not None and slowest is not None
    assert fastest < steady.halving_months < slowest
    assert slowest == pytest.approx(12 * np.log10(2) / -steady.slope_upper)
    assert steady.to_dict()["halving_months_upper"] == slowest
    # Falling at the fit, but its interval reaches a price that rises.
    unsure = fit_decline(years, np.array([100.0, 20, 300, 5, 40]))
    assert unsure.slope < 0 < unsure.slope_upper
    assert unsure.halving_interval[1] is None and unsure.to_dict()["halving_months_upper"] is None
    assert unsure.halving_interval[0] == pytest.approx(12 * np.log10(2) / -unsure.slope_lower)


def test_a_rate_or_trend_past_a_float_either_way_is_none_not_zero():
    """10 ** -516.6 is 0.0 as a float: a rate, an interval's end or a trend value that
    small was given as 0, a number the fit never gave, where the same past the largest
    float is None."""
    years = 2025 + np.arange(3) / 365
    rising = fit_decline(years, np.array([1e-300, 1e-300, 1e300]))
    assert rising.factor_per_year is None and rising.factor_interval[0] is None
    assert rising.factor_interval[1] is None
    trend = rising.fitted(years)
    assert np.isnan(trend[0]) and list(trend[1:]) == pytest.approx([1e-100, 1e200])


def test_the_headline_gives_the_halving_times_interval(run: Run):
    sure = run("price-trend", "mmlu", "--threshold", "70")
    assert sure.exit_code == 0, sure.stderr
    assert re.search(r"halves every [\d.]+ months \([\d.]+ to [\d.]+\);", sure.stdout)
    unsure = run("price-trend", "mmlu", "--threshold", "80")
    assert "dearer to" in unsure.stdout  # the rate's interval spans no change
    assert re.search(r"halves every [\d.]+ months \([\d.]+ to never\);", unsure.stdout)


def test_fit_decline_errors():
    with pytest.raises(TrendlabError, match="at least 3 price points"):
        fit_decline(np.array([2020.0, 2021.0]), np.array([1.0, 0.5]))
    with pytest.raises(TrendlabError, match="one day"):
        fit_decline(np.array([2020.0] * 3), np.array([1.0, 0.5, 0.2]))
    with pytest.raises(TrendlabError, match="positive"):
        fit_decline(np.array([2020.0, 2021, 2022]), np.array([1.0, 0.0, 0.2]))
    # The level is a fraction, as everywhere in trendlab.forecast: a percent is refused.
    with pytest.raises(TrendlabError, match="between 0 and 100, not 8000"):
        fit_decline(np.array([2020.0, 2021, 2022]), np.array([1.0, 0.5, 0.2]), level=80)


def test_price_trend_command_on_real_seeds(run: Run, tmp_path: Path):
    result = run("price-trend", "gsm8k", "--threshold", "50", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["benchmark"] == "gsm8k" and doc["threshold"] == 50 and doc["blend"] == "3:1"
    prices_seen = [p[BLENDED] for p in doc["points"]]
    assert prices_seen == sorted(prices_seen, reverse=True)  # each change is a new low
    assert doc["fit"]["factor_per_year"] > 1
    assert (
        doc["fit"]["factor_per_year_lower"]
        < doc["fit"]["factor_per_year"]
        < doc["fit"]["factor_per_year_upper"]
    )
    table = run("price-trend", "gsm8k", "--threshold", "50")
    assert table.exit_code == 0 and "cheaper per year" in table.stdout.splitlines()[0]
    plot = tmp_path / "trend.png"
    drawn = run("price-trend", "gsm8k", "--threshold", "50", "--plot", str(plot), "--csv")
    assert drawn.exit_code == 0, drawn.stderr
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 10_000
    assert drawn.stdout.splitlines()[0].startswith("date,model,provider")


def test_a_price_trend_threshold_past_the_floor_is_noted_as_forecast_notes_it(run: Run):
    """price-trend mmlu --threshold 0.8 (a fraction for 80 %) silently priced every
    result, where forecast notes that any result reaches such a threshold."""
    result = run("price-trend", "mmlu", "--threshold", "0.8")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "threshold 0.8 is past mmlu's floor 25 (chance level), so any result reaches it; "
        "thresholds are in the benchmark's unit (percent: 0-100)\n"
    )
    assert run("price-trend", "mmlu", "--threshold", "80").stderr == ""
    # Past the ceiling, the note says why no model reaches it, before the error.
    beyond = run("price-trend", "mmlu", "--threshold", "800")
    assert beyond.exit_code == 1
    assert beyond.stderr.splitlines() == [
        "threshold 800 is past mmlu's ceiling 100, so no result can reach it; "
        "thresholds are in the benchmark's unit (percent: 0-100)",
        "trendlab: error: no priced model reaches 800 on mmlu; the best dated priced result "
        "is 87.2 by deepseek-v3",
    ], beyond.stderr


def test_a_price_not_yet_in_effect_is_left_out_of_the_trend(run: Run, tmp_path: Path):
    """A price announced for next year is not today's cheapest option: the trend and
    the report leave it out, and reading as of a later day takes it."""
    args = ("price-trend", "gsm8k", "--threshold", "50", "--json")
    before = json.loads(run(*args).stdout)
    page = tmp_path / "before.html"
    report = ("report", "--benchmark", "gsm8k", "--price-benchmark", "gsm8k")
    assert run(*report, "--price-threshold", "50", "-o", str(page)).exit_code == 0
    # Two years on: --current reads today in UTC, and a local New Year's Eve may be
    # already past it.
    next_year = date.today().year + 2
    added = run(
        "add-price",
        "gpt-4o-mini",
        "openai",
        f"{next_year}-06-01",
        "--input",
        "0.0001",
        "--output",
        "0.0001",
        "-m",
        "announced",
    )
    assert added.exit_code == 0, added.stderr
    assert json.loads(run(*args).stdout) == before
    after = tmp_path / "after.html"
    assert run(*report, "--price-threshold", "50", "-o", str(after)).exit_code == 0
    headline = re.compile(r"GSM8K &gt;= 50: [^<]*")  # by name, as the heading gives it
    assert headline.findall(after.read_text()) == headline.findall(page.read_text()) != []
    later = json.loads(run(*args, "--as-of", str(next_year + 1)).stdout)
    assert later["points"][-1]["date"] == f"{next_year}-06-01"


def test_price_trend_errors(run: Run):
    result = run("price-trend", "mmlu", "--threshold", "99")
    assert result.exit_code == 1
    assert "no priced model reaches 99 on mmlu; the best dated priced result is" in result.stderr
    result = run("price-trend", "mmluu", "--threshold", "80")
    assert result.exit_code == 1 and "did you mean 'mmlu'" in result.stderr
    result = run("price-trend", "gsm8k", "--threshold", "50", "--plot", "x.pdf")
    assert result.exit_code == 2 and "must end in .png or .svg" in result.stderr
    # An empty --plot drew nothing and said nothing, exit 0.
    result = run("price-trend", "gsm8k", "--threshold", "50", "--plot", "")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--plot: the file name is empty; it must end in .png or .svg" in result.stderr
    assert run("price-trend", "mmlu").exit_code == 2  # --threshold is required


def _rising_price(run: Run) -> None:
    """A benchmark reached by one model whose only price rises: 1, 2, then 5 USD."""
    steps = [
        ("add-benchmark", "ev", "--name", "Ev", "--unit", "percent"),
        ("add-model", "m1", "--name", "M1", "--release-date", "2023-01-01"),
        ("add-result", "m1", "ev", "60", "--date", "2023-01-01"),
        *(
            ("add-price", "m1", "P", day, "--input", usd, "--output", usd)
            for day, usd in (("2023-01-01", "1"), ("2024-01-01", "2"), ("2025-01-01", "5"))
        ),
    ]
    for step in steps:
        added = run(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr


def test_a_rising_price_gives_its_interval_in_the_same_words(run_empty: Run, tmp_path: Path):
    """A price that rises is 'N x dearer per year', and so is its interval: it was the
    'cheaper' factor's (2.24x dearer, interval 0.367x to 0.545x), and the figure's
    legend said 0.447x cheaper."""
    _rising_price(run_empty)
    figure = tmp_path / "trend.svg"
    result = run_empty("price-trend", "ev", "--threshold", "50", "--plot", str(figure))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "ev >= 50: 2.24x dearer per year (80 % interval 1.83x to 2.73x); 3 points, blend 3:1"
    )
    assert "trend: 2.24x dearer per year" in figure.read_text()
    fit = json.loads(run_empty("price-trend", "ev", "--threshold", "50", "--json").stdout)["fit"]
    # The JSON keeps the one factor (times cheaper) throughout, below 1 when it rises.
    assert fit["factor_per_year_lower"] < fit["factor_per_year"] < fit["factor_per_year_upper"] < 1


@pytest.mark.parametrize(
    ("prices", "headline"),
    [
        (
            ("10", "2", "5"),
            "ev >= 50: 323,000x cheaper per year (99 % interval 1.72e+732x dearer to "
            "1.79e+743x cheaper); the price halves every 0.656 months (0.00486 to never)",
        ),
        (
            ("5", "2", "10"),
            "ev >= 50: 323,000x dearer per year (99 % interval 1.72e+732x cheaper to "
            "1.79e+743x dearer)",
        ),
    ],
)
def test_a_rate_interval_past_the_largest_float_is_written_out(
    run_empty: Run, prices: tuple[str, ...], headline: str
):
    """Three prices within three weeks, at 99 %: the interval's ends are past 10 ** 730
    either way, past a float, and price-trend and the report failed with an internal
    error (OverflowError)."""
    steps = [
        ("add-benchmark", "ev", "--name", "Ev", "--unit", "percent"),
        ("add-model", "m1", "--name", "M1", "--release-date", "2024-01-01"),
        ("add-result", "m1", "ev", "60", "--date", "2024-01-01"),
        *(
            ("add-price", "m1", "P", day, "--input", usd, "--output", usd)
            for day, usd in zip(("2024-01-01", "2024-01-11", "2024-01-21"), prices, strict=True)
        ),
    ]
    for step in steps:
        assert run_empty(*step, "-m", "t").exit_code == 0
    trend = run_empty("price-trend", "ev", "--threshold", "50", "--level", "99")
    assert trend.exit_code == 0, trend.stderr
    assert trend.stdout.splitlines()[0] == f"{headline}; 3 points, blend 3:1"
    as_json = run_empty("price-trend", "ev", "--threshold", "50", "--level", "99", "--json")
    fit = json.loads(as_json.stdout)["fit"]
    # Both ends past a float are null: the one below 10 ** -308 was written 0.0.
    assert fit["factor_per_year_lower"] is None and fit["factor_per_year_upper"] is None
    page = run_empty(
        "report", "--price-benchmark", "ev", "--price-threshold", "50", "--level", "99", "-o", "-"
    )
    assert page.exit_code == 0, page.stderr
    # The page names the benchmark as its price section's heading does.
    named = headline.replace("ev >= 50: ", "Ev >= 50: ", 1)
    assert html.escape(named, quote=False) in page.stdout


def test_a_rate_interval_that_spans_no_change_says_which_way_each_end_goes(run: Run):
    """MMLU at 80: 10.9x cheaper per year, and the interval's lower end was written
    '0.855x' in the rate's words, '0.855x cheaper', which is a price rising 1.17x a
    year: an end past no change is now written the way it goes."""
    trend = run("price-trend", "mmlu", "--threshold", "80")
    assert trend.exit_code == 0, trend.stderr
    assert trend.stdout.splitlines()[0].startswith(
        "mmlu >= 80: 10.9x cheaper per year (80 % interval 1.17x dearer to 140x cheaper); "
    )


def test_a_factor_past_a_thousand_reads_as_other_large_numbers(run: Run):
    """MMLU at 80, at 95 %: the interval's end read '1.56e+03x cheaper', where every
    other number for people is thousands separated; JSON keeps the number."""
    args = ("price-trend", "mmlu", "--threshold", "80", "--level", "95")
    trend = run(*args)
    assert trend.exit_code == 0, trend.stderr
    assert trend.stdout.splitlines()[0].startswith(
        "mmlu >= 80: 10.9x cheaper per year (95 % interval 13x dearer to 1,560x cheaper); "
    )
    upper = json.loads(run(*args, "--json").stdout)["fit"]["factor_per_year_upper"]
    assert isinstance(upper, float) and round(upper) == 1559


def test_the_rate_interval_is_written_as_the_forecasts_interval(run: Run):
    """'80 % interval', with the space every other command, the report and the README
    write: price-trend's headline alone said '80% interval'."""
    trend = run("price-trend", "mmlu", "--threshold", "80", "--level", "90")
    assert trend.exit_code == 0, trend.stderr
    forecast = run("forecast", "mmlu")
    assert forecast.exit_code == 0, forecast.stderr
    assert "median and 80 % interval" in forecast.stdout.splitlines()[0]
    assert "(90 % interval " in trend.stdout.splitlines()[0]


def test_the_headline_and_the_json_give_the_level_alike(run: Run):
    """--level 80.123456789 was 80.1235 % in the headline and 80.123457 in the JSON:
    both give it as it was given."""
    args = ("price-trend", "mmlu", "--threshold", "80", "--level", "80.123456789")
    trend = run(*args)
    assert trend.exit_code == 0, trend.stderr
    assert "(80.123456789 % interval " in trend.stdout.splitlines()[0]
    assert json.loads(run(*args, "--json").stdout)["fit"]["level"] == 80.123456789


def test_price_trend_shows_a_blended_price_as_prices_does(run: Run):
    """GPT-4o mini's 0.15 / 0.6 blend to 0.2625 in `prices`; price-trend's JSON and CSV
    printed the same price as 0.26249999999999996, the float noise of weighing."""
    listed = json.loads(run("prices", "--model", "gpt-4o-mini", "--json").stdout)[0]
    assert (listed["effective_date"], listed[BLENDED]) == ("2024-07-18", 0.2625)
    doc = json.loads(run("price-trend", "gsm8k", "--threshold", "50", "--json").stdout)
    [point] = [p for p in doc["points"] if p["model"] == "gpt-4o-mini"]
    assert point[BLENDED] == listed[BLENDED]
    csv = run("price-trend", "gsm8k", "--threshold", "50", "--csv").stdout
    assert ",gpt-4o-mini,OpenAI,0.2625,0.15,0.6," in csv


def test_a_tiny_price_is_not_shown_as_a_blended_price_of_zero(run: Run):
    """Rounded to six decimals, a price of 1e-7 / 3e-7 showed a blended price of 0 in
    every format, price-trend's too: a price no write accepts."""
    assert run("add-price", "gpt-4o-mini", "Tiny", "2024-08-01", "--input", "1e-7",
               "--output", "3e-7", "-m", "t").exit_code == 0  # fmt: skip
    [listed] = json.loads(run("prices", "--provider", "tiny", "--json").stdout)
    assert listed[BLENDED] == 1.5e-7
    doc = json.loads(run("price-trend", "mmlu", "--threshold", "80", "--json").stdout)
    assert doc["points"][-1]["provider"] == "Tiny"
    assert doc["points"][-1][BLENDED] == 1.5e-7
    csv = run("prices", "--provider", "tiny", "--csv").stdout
    assert ",Tiny,2024-08-01,1e-7,3e-7,1.5e-7," in csv


def test_price_trend_error_names_only_a_result_it_could_use(run: Run, on_store: str):
    """With no dated priced result at the threshold, the error named the best priced
    result, though it was undated and left out: 'the best priced result is 99 by
    undated-cheap' beside 'no priced model reaches 99'. It names the best dated one,
    and says that those reaching the threshold have no date."""
    add_undated_cheap_model(run)
    refused = run("price-trend", "mmlu", "--threshold", "99")
    assert refused.exit_code == 1
    # The undated result is told of once, in the error: a note before it said the
    # same ("1 result on mmlu at or beyond 99 left out: ...").
    (error,) = refused.stderr.splitlines()
    assert error.startswith(
        "trendlab: error: no priced model reaches 99 on mmlu; the best dated priced result is "
    ), error
    assert "undated-cheap" not in error
    assert error.endswith(
        "; left out for want of a date: 1 priced result reaching it (give a reported_date, "
        f"or the model a release_date, with `{on_store} edit`)"
    ), error
    # Past every result, undated ones included, only the best dated one is named.
    beyond = run("price-trend", "mmlu", "--threshold", "99.5").stderr.splitlines()[-1]
    assert "the best dated priced result is " in beyond and "no date" not in beyond, beyond


def test_price_trend_says_what_no_date_leaves_out_when_too_few_points_are_left(run: Run):
    """Only the error of no priced model reaching the threshold says what no date left
    out; the note saying it went with every other error too. At 87 one dated priced
    model reaches it, and an undated one would make a second point: the error said
    only 'a trend needs at least 3 price points, there is 1', here and in the report."""
    add_undated_cheap_model(run)
    refused = run("price-trend", "mmlu", "--threshold", "87")
    assert refused.exit_code == 1
    note, error = refused.stderr.splitlines()
    assert note.startswith("1 result on mmlu at or beyond 87 left out: no reported_date"), note
    assert error == "trendlab: error: a trend needs at least 3 price points, there is 1"
    page = run("report", "--benchmark", "gsm8k", "--price-threshold", "87", "-o", "-").stdout
    prices = page[page.index('<section id="prices">') :]
    assert "No price trend: a trend needs at least 3 price points, there is 1." in prices
    said = re.sub(r"`(.+)`", r"<code>\1</code>", html.escape(note))  # the command as code
    assert f'<p class="muted">Price trend: {said}.</p>' in prices


def test_price_trend_says_what_no_date_leaves_out(run: Run, on_store: str):
    """A result no date places is left out of a price trend, as of a forecast; forecast
    said so on stderr, price-trend did not, so the cheapest model just priced could be
    missing from the trend without a word."""
    add_undated_cheap_model(run)
    trend = run("price-trend", "mmlu", "--threshold", "80")
    assert trend.exit_code == 0, trend.stderr
    assert "undated-cheap" not in trend.stdout
    assert trend.stderr == (
        "1 result on mmlu at or beyond 80 left out: no reported_date, and the model has no "
        f"release_date (set one with `{on_store} edit model SLUG "
        '--set release_date=YYYY-MM-DD -m "..."`)\n'
    )
    # Below the threshold it changes nothing, and is not mentioned.
    assert run("price-trend", "gsm8k", "--threshold", "50").stderr == ""
    forecast = run("forecast", "mmlu")
    assert "1 result on mmlu left out: no reported_date" in forecast.stderr


def test_price_trend_does_not_put_down_to_no_date_a_result_of_a_model_with_no_price(run: Run):
    """A result of a model with no price is left out dated or not: the note said it was
    left out for want of a date, and had its user date a result the trend still left
    out."""
    for step in (
        ("add-model", "undated-unpriced"),
        ("add-result", "undated-unpriced", "mmlu", "99"),
    ):
        added = run(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr
    trend = run("price-trend", "mmlu", "--threshold", "80")
    assert trend.exit_code == 0, trend.stderr
    assert trend.stderr == ""
    # Priced, the same result is left out for want of a date alone, and said so.
    priced = run(
        "add-price",
        "undated-unpriced",
        "acme",
        "2024-01-01",
        "--input",
        "1",
        "--output",
        "1",
        "-m",
        "t",
    )
    assert priced.exit_code == 0, priced.stderr
    said = run("price-trend", "mmlu", "--threshold", "80").stderr
    assert said.startswith("1 result on mmlu at or beyond 80 left out: no reported_date"), said


@pytest.mark.parametrize("blend", ["abc", "0:0", "-1:2"])
def test_a_malformed_blend_is_a_usage_error(run: Run, blend: str):
    """Exit 2 with one line naming the option, as any other malformed option value."""
    result = run("price-trend", "mmlu", "--threshold", "80", "--blend", blend)
    assert result.exit_code == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert f"Invalid value for '--blend': {blend!r} is not INPUT:OUTPUT weights" in line


def test_every_bad_price_row_is_listed_at_once(run: Run, tmp_path: Path):
    path = tmp_path / "prices.csv"
    path.write_text(
        "model,provider,effective_date,input_usd_per_mtok,output_usd_per_mtok\n"
        "gpt-4,OpenAI,2024-01-01,-1,2\n"
        "gpt-4,OpenAI,,1,2\n"
        "gpt-4,OpenAI,2024-01-04,,\n"
        "nosuchmodel,OpenAI,2024-01-05,1,2\n"
    )
    result = run("import", str(path))
    assert result.exit_code == 1 and "4 bad rows; nothing was written" in result.stderr
    for line, reason in [
        (2, "input_usd_per_mtok: '-1' must be greater than 0"),
        (3, "missing effective_date"),
        (4, "a price needs input_usd_per_mtok or output_usd_per_mtok"),
        (5, "unknown model 'nosuchmodel'"),
    ]:
        assert f"{path}:{line}: {reason}" in result.stderr


def test_a_forecast_by_price_takes_the_blend_of_huge_prices_as_finite(run: Run):
    """The x of a forecast by price blended 3 x 1e308 before dividing, as the prices
    command no longer did: inf, which the fit refused with an internal error."""
    assert run("add-model", "huge-1", "-m", "t").exit_code == 0
    assert run("add-price", "huge-1", "acme", "2024-01-01", "--input", "1e308",
               "--output", "1e308", "-m", "t").exit_code == 0  # fmt: skip
    added = run("add-result", "huge-1", "gpqa-diamond", "99", "--date", "2025-01-01",
                "--source-url", "https://example.org/huge", "-m", "t")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    forecast = run("forecast", "gpqa-diamond", "--by", "price", "--json")
    assert forecast.exit_code == 0, forecast.stderr
    # The forecast starts at the frontier's price, the huge model's: 1e308.
    assert 1e308 <= json.loads(forecast.stdout)["forecast"][0]["x"] < float("inf")


def test_too_few_priced_models_says_what_a_price_announced_for_later_leaves_out(
    run_empty: Run,
):
    """'only 2 model(s) with results on ev have a known price', of three models with
    results and prices: the third's takes effect next year, and the error, which stands
    in for the note saying so, did not say it."""
    later = datetime.now(UTC).date().year + 2
    run_empty("add-benchmark", "ev", "--unit", "percent", "--floor", "0", "--ceiling", "100",
              "-m", "t")  # fmt: skip
    for model, day in (("a", "2024-01-01"), ("b", "2024-06-01"), ("c", f"{later}-01-01")):
        for step in (
            ("add-model", model, "--release-date", "2024-01-01"),
            ("add-result", model, "ev", "50", "--date", "2024-06-01"),
            ("add-price", model, "P", day, "--input", "1", "--output", "1"),
        ):
            added = run_empty(*step, "-m", "t")
            assert added.exit_code == 0, added.stderr
    refused = run_empty("forecast", "ev", "--by", "price")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "trendlab: error: only 2 models with results on ev have a known price; --by price "
        "needs at least 3; 1 result on ev left out: its model has no price in effect on "
        f"{datetime.now(UTC).date()}, only prices announced for later\n"
    )


def test_a_forecast_by_price_says_it_leaves_out_results_of_models_with_no_price(empty_db: Path):
    """By price, results whose model has no price at all were left out without a word
    (205 of MMLU's 220 on the seeds), where those priced only later, or with no blend,
    were counted; now stderr, the JSON's notes and the error for too few priced models
    say how many, and how to add a price."""
    run_empty = make_runner(empty_db)
    run_empty("add-benchmark", "np", "--unit", "percent", "--floor", "0", "--ceiling", "100",
              "-m", "t")  # fmt: skip
    for i, model in enumerate(("n1", "n2", "n3", "n4")):
        for step in (
            ("add-model", model, "--release-date", "2024-01-01"),
            ("add-result", model, "np", str(20 * (i + 1)), "--date", "2024-02-01"),
        ):
            added = run_empty(*step, "-m", "t")
            assert added.exit_code == 0, added.stderr
    fix = f'`trendlab --db {shlex.quote(str(empty_db))} add-price MODEL PROVIDER DATE --input ... --output ... -m "..."`'

    def no_price(n: int) -> str:
        whose = "its model has" if n == 1 else "their models have"
        return f"{n} result{'s' * (n > 1)} on np left out: {whose} no price (add one with {fix})"

    for model, price in (("n1", "0.1"), ("n2", "1")):
        priced = run_empty("add-price", model, "A", "2024-01-01", "--input", price,
                           "--output", price, "-m", "t")  # fmt: skip
        assert priced.exit_code == 0, priced.stderr
    refused = run_empty("forecast", "np", "--by", "price")
    assert refused.stderr == (
        "trendlab: error: only 2 models with results on np have a known price; --by price "
        f"needs at least 3; {no_price(2)}\n"
    ), refused.stderr
    priced = run_empty("add-price", "n3", "A", "2024-01-01", "--input", "10", "--output", "10",
                       "-m", "t")  # fmt: skip
    assert priced.exit_code == 0, priced.stderr
    forecast = run_empty("forecast", "np", "--by", "price", "--json")
    assert forecast.exit_code == 0, forecast.stderr
    assert json.loads(forecast.stdout)["notes"][0] == no_price(1)
    assert forecast.stderr.startswith(f"{no_price(1)}\n"), forecast.stderr
    # By date every result is placed: nothing is left out.
    assert "left out" not in run_empty("forecast", "np").stderr


def test_a_forecast_by_price_says_it_leaves_out_a_model_priced_by_its_input_alone(
    run_empty: Run,
):
    """A model whose price in effect had an input price and no output price was left
    out of a forecast by price without a word, its result the best; with a full price
    announced for later, stderr said it had no price in effect, which prices --current
    contradicts. Both now say its price in effect has no 3:1 blend."""
    run_empty("add-benchmark", "pc", "--unit", "percent", "--floor", "0", "--ceiling", "100",
              "-m", "t")  # fmt: skip
    for i, (model, price) in enumerate((("p1", "0.1"), ("p2", "1"), ("p3", "10"), ("p4", "30"))):
        sides = ("--input", price) if model == "p4" else ("--input", price, "--output", price)
        for step in (
            ("add-model", model, "--release-date", "2024-01-01"),
            ("add-result", model, "pc", str(20 * (i + 1)), "--date", "2024-02-01"),
            ("add-price", model, "A", "2024-01-01", *sides),
        ):
            added = run_empty(*step, "-m", "t")
            assert added.exit_code == 0, added.stderr
    left_out = (
        f"1 result on pc left out: its model has a price in effect on "
        f"{datetime.now(UTC).date()} with no 3:1 blended price (an input or output price it "
        "weighs is unknown)"
    )

    def says_left_out() -> None:
        forecast = run_empty("forecast", "pc", "--by", "price", "--json")
        assert forecast.exit_code == 0, forecast.stderr
        assert json.loads(forecast.stdout)["notes"][0] == left_out
        assert f"{left_out}\n" in forecast.stderr
        assert "announced for later" not in forecast.stderr

    says_left_out()
    later = date.today().year + 2  # past any time zone's today
    added = run_empty("add-price", "p4", "A", f"{later}-06-01", "--input", "30",
                      "--output", "60", "-m", "t")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    says_left_out()


def test_a_forecast_by_price_places_a_model_only_once_a_price_is_in_effect(
    run: Run, store_location: str, tmp_path: Path
):
    """A forecast by price placed a model at its earliest listed price even when that
    price takes effect after today, as prices --current and price-trend do not: a
    model priced only from a later day moved today's frontier. It is now left out, and
    counted; read as of a day its price is in effect, it is placed, by a fit of its
    own, not the cached fit of today's points (the cache key names the day that
    matters). A model with a price today and a later one keeps today's."""
    args = ("forecast", "gpqa-diamond", "--by", "price", "--json")
    today = run(*args)
    assert today.exit_code == 0, today.stderr
    later = date.today().year + 2  # past any time zone's today, as above
    for step in (
        ("add-model", "cheap-later", "--release-date", "2025-06-01"),
        ("add-result", "cheap-later", "gpqa-diamond", "80", "--date", "2025-06-01"),
    ):
        added = run(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr
    # Its only price, and every priced model's cut to almost nothing, from that day on.
    current = pl.DataFrame(json.loads(run("prices", "--current", "--json").stdout))
    announced = tmp_path / "prices.csv"
    pl.concat(
        [
            current.select("model", "provider"),
            pl.DataFrame({"model": ["cheap-later"], "provider": ["acme"]}),
        ]
    ).with_columns(
        pl.lit(f"{later}-01-01").alias("effective_date"),
        pl.lit(0.001).alias("input_usd_per_mtok"),
        pl.lit(0.001).alias("output_usd_per_mtok"),
    ).write_csv(announced)
    imported = run("import", str(announced), "-m", "announced")
    assert imported.exit_code == 0, imported.stderr
    again = run(*args)
    assert again.exit_code == 0, again.stderr
    left_out = (
        f"1 result on gpqa-diamond left out: its model has no price in effect on "
        f"{datetime.now(UTC).date()}, only prices announced for later"
    )
    # The same forecast, and the note of the result left out in its JSON too.
    was, now = json.loads(today.stdout), json.loads(again.stdout)
    # After the note of the results whose models have no price at all (99 of them).
    unpriced, *rest = was.pop("notes")
    assert unpriced.startswith("99 results on gpqa-diamond left out: their models have no price")
    assert now.pop("notes") == [unpriced, left_out, *rest]
    assert now == was
    assert f"{left_out}\n" in again.stderr
    then = run(*args, "--as-of", str(later + 1))
    assert then.exit_code == 0, then.stderr
    assert "announced for later" not in then.stderr
    fitted = json.loads(then.stdout)
    assert fitted["fitted_on"] != json.loads(today.stdout)["fitted_on"]
    # The same forecast with the cache emptied: as of that day, a fit of that day's
    # points, and today's again after it.
    with Store.open(store_location, read_only=False) as store:
        store.execute("DELETE FROM forecast_cache")
    assert json.loads(run(*args, "--as-of", str(later + 1)).stdout) == fitted
    assert json.loads(run(*args).stdout) == json.loads(again.stdout)


def test_a_cheapest_unknown_to_the_end_is_shaded_up_to_the_reading_day(
    run_empty: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The newest price of unknown blend (the usual case: a price just announced)
    made a span from its own date to its own date: nothing was shaded, and the line
    just stopped. It now runs to the day the prices were read as of."""
    import matplotlib.dates as mdates

    from trendlab import plot

    _unknown_cut(run_empty)
    day = "2025-09-01"
    assert run_empty("add-price", "d", "P", day, "--input", "0.1", "-m", "t").exit_code == 0
    drawn = []
    monkeypatch.setattr(plot, "_save", lambda fig, key, target, fmt: drawn.append(fig.axes[0]))
    args = ("price-trend", "ev", "--threshold", "80", "--plot", str(tmp_path / "t.png"))
    shown = run_empty(*args)
    assert shown.exit_code == 0, shown.stderr
    assert f"from {day} on (d at P)" in shown.stderr
    [span] = [p for p in drawn[0].patches if p.get_gid() == "ev-price-unknown-1"]
    ends = (span.get_x(), span.get_x() + span.get_width())
    assert [mdates.num2date(x).date() for x in ends] == [
        date.fromisoformat(day),
        datetime.now(UTC).date(),
    ]


def test_the_cheapest_known_to_the_end_is_drawn_up_to_the_reading_day(
    run_empty: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The step line of a cheapest that is known to the end stopped at the latest price
    of any model reaching the threshold (on the seeds, GPQA's cheapest ran to an Opus
    price of 2026-06), while an unknown cheapest was shaded up to the reading day."""
    import matplotlib.dates as mdates

    from trendlab import plot

    _unknown_cut(run_empty)
    drawn = []
    monkeypatch.setattr(plot, "_save", lambda fig, key, target, fmt: drawn.append(fig.axes[0]))
    args = ("price-trend", "ev", "--threshold", "80", "--plot", str(tmp_path / "t.png"))
    assert run_empty(*args).exit_code == 0
    [line] = [line for line in drawn[0].lines if line.get_gid() == "ev-price-cheapest"]
    end = mdates.num2date(line.get_xdata(orig=False)[-1]).date()
    assert end == datetime.now(UTC).date()


def test_a_forecast_by_price_takes_the_cheapest_of_a_models_first_day(run: Run, db: Path):
    """Two providers listing a model from the same first day: a forecast by price took
    whichever price DuckDB met first (OpenAI's 0.2625 for GPT-4o mini, a tenth of it
    at another provider notwithstanding); it takes the cheapest, as price-trend does."""
    for provider, usd in (("Zeta", ("0.015", "0.06")), ("Alpha", ("15", "60"))):
        added = run("add-price", "gpt-4o-mini", provider, "2024-07-18", "--input", usd[0],
                    "--output", usd[1], "-m", "t")  # fmt: skip
        assert added.exit_code == 0, added.stderr
    with Store.open(db) as store:
        points = store.forecast_points("mmlu").filter(pl.col("model") == "gpt-4o-mini")
    assert points.get_column("price").unique().to_list() == [pytest.approx(0.02625)]


def test_a_provider_unknown_as_of_a_moment_says_what_as_of_reads(run: Run):
    """A provider whose prices were recorded after --as-of was called unknown with no
    word of --as-of, as if it had no prices at all; an unknown model or benchmark says
    the state read is as of that moment."""
    [seeds] = json.loads(run("log", "--json").stdout)
    added = run("add-price", "gpt-4o", "Later", "2024-06-01", "--input", "1", "-m", "t")
    assert added.exit_code == 0, added.stderr
    result = run("prices", "--provider", "later", "--as-of", seeds["changeset"])
    moment = seeds["recorded_at"].replace("T", " ")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"trendlab: error: unknown provider 'later' as of {moment} (--as-of is when changes "
        "were recorded); providers: Anthropic, DeepSeek, Google, Mistral, Moonshot AI, "
        "OpenAI, xAI\n"
    )


def test_too_few_price_points_as_of_a_moment_says_what_as_of_reads(run: Run):
    """As of a moment after b's first priced result, "there is 1" price point read as
    thin data, though b has more today: the error says it reads as of then."""
    assert run("add-benchmark", "b", "--unit", "percent", "-m", "t").exit_code == 0
    scored = run("add-result", "gpt-4", "b", "50", "--date", "2023-03-14", "-m", "t")
    assert scored.exit_code == 0, scored.stderr
    [then, *_] = json.loads(run("log", "--json").stdout)
    for model, day in (("claude-3-opus", "2024-03-04"), ("gpt-4o", "2024-05-13")):
        later = run("add-result", model, "b", "60", "--date", day, "-m", "t")
        assert later.exit_code == 0, later.stderr
    trend = ("price-trend", "b", "--threshold", "50")
    result = run(*trend, "--as-of", then["changeset"])
    moment = then["recorded_at"].replace("T", " ")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "trendlab: error: a trend needs at least 3 price points, there is 1 as of "
        f"{moment} (--as-of is when changes were recorded)\n"
    )
    assert run(*trend).exit_code == 0


def test_a_provider_with_spaces_around_it_is_the_provider(run: Run):
    """`prices --provider ' openai '` was 'unknown provider' (did you mean 'OpenAI'?),
    though add-price ' openai ' stores OpenAI's price, as every write strips a name."""
    listed = run("prices", "--model", "gpt-4o", "--provider", " openai ", "--csv")
    assert listed.exit_code == 0, listed.stderr
    assert [row.split(",")[:2] for row in listed.stdout.splitlines()[1:]] == [
        ["gpt-4o", "OpenAI"]
    ] * 3


def test_no_priced_model_reaching_as_of_a_moment_says_what_as_of_reads(run: Run, tmp_path: Path):
    """price-trend --as-of a changeset before any result on the benchmark said "no
    priced model reaches 10 on b; no model with a price has a dated result on it", no
    word that it read the database as of then (forecast says so); the report's price
    section the same."""
    added = run("add-benchmark", "b", "--name", "B", "--unit", "percent", "-m", "t")
    assert added.exit_code == 0, added.stderr
    [before, *_] = json.loads(run("log", "--json").stdout)
    scored = run("add-result", "gpt-4", "b", "50", "--date", "2024-01-01", "-m", "t")
    assert scored.exit_code == 0, scored.stderr
    moment = before["recorded_at"].replace("T", " ")
    said = (
        f"no priced model reaches 10 on b as of {moment} (--as-of is when changes were "
        "recorded); no model with a price has a dated result on it"
    )
    as_of = ("--as-of", before["changeset"])
    result = run("price-trend", "b", "--threshold", "10", *as_of)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"trendlab: error: {said}\n")
    page = tmp_path / "r.html"
    args = ("--benchmark", "b", "--price-benchmark", "b", "--price-threshold", "10", *as_of)
    report = run("report", *args, "--changesets", "1", "-o", str(page))
    assert report.exit_code == 0, report.stderr
    assert f"No price trend: {said}" in html.unescape(page.read_text())


def test_price_trend_on_a_store_with_no_prices_says_so_and_how_to_add_them(empty_db: Path):
    """A store with results but not one price said "no model with a price has a dated
    result on it", as if the results wanted dates: it says the store has no prices, and
    how to add one."""
    run = make_runner(empty_db)
    for step in (
        ("add-benchmark", "ev", "--name", "Ev", "--unit", "percent"),
        ("add-model", "a", "--release-date", "2024-01-01"),
        ("add-result", "a", "ev", "70", "--date", "2024-01-01"),
    ):
        added = run(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr
    refused = run("price-trend", "ev", "--threshold", "60")
    db = shlex.quote(str(empty_db))
    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        1,
        "",
        "trendlab: error: no priced model reaches 60 on ev; the store has no prices (add one "
        f'with `trendlab --db {db} add-price MODEL PROVIDER DATE --input ... --output ... -m "..."`, '
        f"or a list with `trendlab --db {db} import --from llm-prices FILE`)\n",
    )
    # Under --as-of, before the store gained one, it had none then: adding one is no help.
    before = json.loads(run("log", "--json").stdout)[0]["changeset"]
    priced = run("add-price", "a", "p", "2024-01-01", "--input", "1", "--output", "2", "-m", "t")
    assert priced.exit_code == 0, priced.stderr
    then = run("price-trend", "ev", "--threshold", "60", "--as-of", before)
    assert then.exit_code == 1 and then.stderr.startswith("trendlab: error: no priced model")
    assert then.stderr.endswith("; the store had no prices then\n"), then.stderr
    # An --as-of in the future reads the store as it is now: it has none, and adding one
    # helps (it was said to have had none then, as if prices had been added since).
    assert run("retract", "price", "a/p/2024-01-01", "-m", "t").exit_code == 0
    # Today's day too, which runs to its end, after now (its day was taken for a past one).
    for day in (str(date.today().year + 2), str(datetime.now(UTC).date())):
        ahead = run("price-trend", "ev", "--threshold", "60", "--as-of", day)
        assert ahead.exit_code == 1
        assert ahead.stderr.splitlines()[-1].endswith(
            "; the store has no prices (add one with "
            f'`trendlab --db {db} add-price MODEL PROVIDER DATE --input ... --output ... -m "..."`, '
            f"or a list with `trendlab --db {db} import --from llm-prices FILE`)"
        ), ahead.stderr


def test_a_result_dated_after_the_day_read_is_not_yet_in_the_trend():
    """d, released the day after the one read (a write allows tomorrow), was a row dated
    that day at the price of the day read, $0.01, where the price in effect then, $5,
    is one announced for later and left out: its result now counts from its day on."""
    scores, prices = _frames(
        [("a", "2024-01-01", 90.0), ("b", "2024-03-01", 90.0), ("c", "2024-06-01", 90.0),
         ("d", "2025-01-02", 95.0)],
        [("a", "2024-01-01", 8.0), ("b", "2024-03-01", 4.0), ("c", "2024-06-01", 2.0),
         ("d", "2024-06-01", 0.01), ("d", "2025-01-02", 5.0)],
    )  # fmt: skip
    bench = {"slug": "ev", "unit": "percent", "higher_is_better": True}
    trend = price_trend(bench, scores, BlendedPrices(prices, Blend()), 80, on=date(2025, 1, 1))
    assert trend.points.select("date", "model", BLENDED).rows() == [
        (date(2024, 1, 1), "a", 8.0),
        (date(2024, 3, 1), "b", 4.0),
        (date(2024, 6, 1), "c", 2.0),
    ]
    # Read on d's day, d is at its $5 and c stays the cheapest.
    later = price_trend(bench, scores, BlendedPrices(prices, Blend()), 80, on=date(2025, 1, 2))
    assert later.points.rows() == trend.points.rows()


def test_no_priced_model_error_names_a_model_reaching_it_only_after_the_day_read():
    """d, priced today and released tomorrow with 95, is left out of a trend read today
    (test_a_result_dated_after_the_day_read_is_not_yet_in_the_trend): the error named
    70 by b as the best dated priced result, not a word of d's."""
    scores, prices = _frames(
        [("b", "2024-01-01", 70.0), ("d", "2025-01-02", 95.0)],
        [("b", "2024-01-01", 8.0), ("d", "2024-06-01", 0.01)],
    )
    bench = {"slug": "ev", "unit": "percent", "higher_is_better": True}
    with pytest.raises(TrendlabError) as raised:
        price_trend(bench, scores, BlendedPrices(prices, Blend()), 80, on=date(2025, 1, 1))
    assert str(raised.value) == (
        "no priced model reaches 80 on ev; the best dated priced result is 70 by b; d reaches "
        "it only by a result dated after 2025-01-01"
    )


def test_no_priced_model_error_does_not_deny_the_models_it_names():
    """With no price in effect and no result dated by the day read (seeds back-dated,
    price-trend --as-of before the results' dates), the error said "no model with a
    price has a dated result on it", then named priced models reaching it by results
    dated later, or priced only later: it says what it counted, by the day read."""
    bench = {"slug": "ev", "unit": "percent", "higher_is_better": True}
    later = "has no price in effect on 2025-01-01, only prices announced for later"
    cases = {
        "d reaches it only by a result dated after 2025-01-01": (
            [("d", "2025-01-02", 95.0)],
            [("d", "2024-06-01", 0.01)],
        ),
        f"x reaches it but {later}": ([("x", "2024-02-01", 95.0)], [("x", "2026-01-01", 1.0)]),
    }
    for named, (results, priced) in cases.items():
        scores, prices = _frames(results, priced)
        with pytest.raises(TrendlabError) as raised:
            price_trend(bench, scores, BlendedPrices(prices, Blend()), 80, on=date(2025, 1, 1))
        assert str(raised.value) == (
            "no priced model reaches 80 on ev; no model with a price in effect on 2025-01-01 "
            f"has a result on it dated by then; {named}"
        )


def test_no_priced_model_error_counts_the_models_it_leaves_unnamed():
    """Past five models reaching it only later, the error ended '... and 2 more
    modelss': the rest are counted as models, once announced for later, once by
    results dated after the day read."""
    names = [f"m{i}" for i in range(7)]
    scores, prices = _frames(
        [("b", "2024-01-01", 70.0), *[(m, "2025-01-02", 95.0) for m in names]],
        [("b", "2024-01-01", 8.0), *[(m, "2024-06-01", 0.01) for m in names]],
    )
    bench = {"slug": "ev", "unit": "percent", "higher_is_better": True}
    with pytest.raises(TrendlabError) as raised:
        price_trend(bench, scores, BlendedPrices(prices, Blend()), 80, on=date(2025, 1, 1))
    assert str(raised.value) == (
        "no priced model reaches 80 on ev; the best dated priced result is 70 by b; m0, m1, "
        "m2, m3, m4, ... and 2 more models reach it only by results dated after 2025-01-01"
    )
    scores, prices = _frames(
        [("b", "2024-01-01", 70.0), *[(m, "2024-02-01", 95.0) for m in names]],
        [("b", "2024-01-01", 8.0), *[(m, "2026-01-01", 0.01) for m in names]],
    )
    with pytest.raises(TrendlabError) as raised:
        price_trend(bench, scores, BlendedPrices(prices, Blend()), 80, on=date(2025, 1, 1))
    assert str(raised.value) == (
        "no priced model reaches 80 on ev; the best dated priced result is 70 by b; m0, m1, "
        "m2, m3, m4, ... and 2 more models reach it but have no price in effect on "
        "2025-01-01, only prices announced for later"
    )


def test_blends_that_differ_only_in_float_noise_are_one_price(run_empty: Run):
    """x at A, 0.15 / 0.6, blends to 0.26249999999999996 at 3:1, and x at B, 0.2625 /
    0.2625, to 0.2625: when A's price rose, x at B was a new point of the fit at the price
    shown the row before, and a third point made a trend of two prices."""
    steps = [
        ("add-benchmark", "ev", "--name", "Ev", "--unit", "percent"),
        *(("add-model", m, "--name", m, "--release-date", "2024-01-01") for m in ("a", "x")),
        *(("add-result", m, "ev", "90", "--date", "2024-01-01") for m in ("a", "x")),
        ("add-price", "a", "P", "2024-01-01", "--input", "10", "--output", "10"),
        ("add-price", "x", "A", "2024-02-01", "--input", "0.15", "--output", "0.6"),
        ("add-price", "x", "B", "2024-02-01", "--input", "0.2625", "--output", "0.2625"),
        ("add-price", "x", "A", "2024-03-01", "--input", "1", "--output", "1"),
    ]
    for step in steps:
        added = run_empty(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr
    result = run_empty("price-trend", "ev", "--threshold", "50")
    assert result.exit_code == 1
    assert result.stderr == "trendlab: error: a trend needs at least 3 price points, there are 2\n"


def test_providers_stored_before_they_folded_alike_keep_their_prices(
    run: Run, db: Path, tmp_path: Path
):
    """Stored before runs of spaces folded alike, 'Acme  Cloud' beside 'Acme Cloud' is
    a provider of its own: re-importing an export wrote its price again under the other
    spelling, a new key, where nothing had changed."""
    added = run(
        "add-price", "gpt-4", "Acme Cloud", "2024-01-01", "--input", "1", "--output", "2",
        "--source-url", "https://acme.example/p", "-m", "t",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    con = duckdb.connect(str(db))
    written = con.execute(
        "SELECT 'p_' || left(md5(concat_ws(chr(31), 'gpt-4', 'Acme  Cloud', '2024-06-01')), 16)"
    ).fetchone()[0]
    con.execute(
        "INSERT INTO price_revisions BY NAME SELECT * REPLACE (? AS key, "
        "'Acme  Cloud' AS provider, DATE '2024-06-01' AS effective_date, ? AS changeset_id) "
        "FROM price_revisions WHERE provider = 'Acme Cloud'",
        [written, changeset_around(con)],
    )
    con.close()
    exported = tmp_path / "prices.csv"
    assert run("export", "prices", "-o", str(exported)).exit_code == 0
    again = run("import", str(exported), "--kind", "prices", "-m", "again")
    assert again.exit_code == 0, again.stderr
    assert "added" not in again.stderr and "nothing to write" in again.stderr, again.stderr
    assert run("check").exit_code == 0
