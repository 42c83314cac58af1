"""import --from on a seeded database: merge rules (an empty cell never erases, a
rounded restatement never replaces a precise figure, a restatement never replaces a
primary source's provenance), one copy per Epoch record, rows a newer publication
drops, and adapters that never trace back on hostile input."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Run

DATA = Path(__file__).resolve().parent / "data"
EPOCH = DATA / "epoch"
SHARED = Path("/work/shared/data")


def _rows(run: Run, *args: str) -> list[dict]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_shots_cell_that_says_shot_is_not_suffixed_twice(run_empty: Run, tmp_path: Path):
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    path = tmp_path / "external_benchmark_bbh.csv"
    path.write_text(
        "id,Name,Average,Model version,Shots,Notes,Source,Source link\n"
        "rec1,Qwen 7B,45.0%,Qwen-7B,5-shot,,Qwen Technical Report,https://arxiv.org/pdf/a\n"
        "rec2,Qwen 7B,46.0%,Qwen-7B,3 shots,,Qwen Technical Report,https://arxiv.org/pdf/b\n"
        "rec3,Qwen 7B,47.0%,Qwen-7B,few-shot,,Qwen Technical Report,https://arxiv.org/pdf/c\n"
        "rec4,Qwen 7B,48.0%,Qwen-7B,0,,Qwen Technical Report,https://arxiv.org/pdf/d\n",
        encoding="utf-8",
    )
    result = run_empty("import", "--from", "epoch", str(path))
    assert result.exit_code == 0, result.stderr
    rows = _rows(run_empty, "list", "results", "--benchmark", "bbh")
    assert sorted((r["score"], r["setting"]) for r in rows) == [
        (45.0, "5-shot"),
        (46.0, "3-shot"),
        (47.0, "few-shot"),
        (48.0, "0-shot"),
    ]


def test_left_out_list_says_how_many_more(run_empty: Run):
    result = run_empty(
        "import", "--from", "epoch", str(SHARED / "epoch-benchmark-stitching"), "--dry-run"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("left out "))
    total = int(lines[head].split()[2])
    assert total > 300
    assert all(line.startswith("  /") for line in lines[head + 1 : head + 6])
    assert lines[head + 6] == f"  ... and {total - 5} more rows"


# -- hostile input: one line naming the place, exit 1, never a traceback ----------------


def test_metr_wrong_types_are_one_line_errors(run: Run, tmp_path: Path):
    cases = {
        "results:\n  gpt_4:\n    metrics:\n      p50_horizon_length:\n        estimate: abc\n"
        "    release_date: 2023-02-30\n": ":2: score: 'abc' is not a finite number",
        "results:\n  gpt_4:\n    benchmark_name: 7\n    scaffolds: 3\n    metrics:\n"
        "      p50_horizon_length:\n        estimate: 5\n": ":2: gpt_4: benchmark_name: expected "
        "text, not 7",
        "results:\n  gpt_4:\n    scaffolds: 3\n    metrics:\n      p50_horizon_length:\n"
        "        estimate: 5\n": ":2: gpt_4: scaffolds: expected a list of names, not 3",
        "results:\n  gpt_4:\n    metrics:\n      p50_horizon_length:\n        estimate: [5]\n": ":2: "
        "gpt_4: p50_horizon_length.estimate: expected a single value, not a list",
        "results:\n  gpt_4:\n    metrics:\n      p50_horizon_length: 5\n": ":2: gpt_4: "
        "p50_horizon_length: expected a mapping with `estimate`",
    }
    before = run("log", "--json").stdout
    for number, (text, expected) in enumerate(cases.items()):
        path = tmp_path / f"m{number}.yaml"
        path.write_text(text)
        result = run("import", "--from", "metr", str(path))
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("trendlab: error: ")
        assert f"{path}{expected}" in result.stderr
        assert "Traceback" not in result.output
    assert run("log", "--json").stdout == before


def test_llm_prices_wrong_types_are_one_line_errors(run: Run, tmp_path: Path):
    cases = {
        '{"vendor": "openai", "models": [{"id": "gpt-4o", "price_history": [3]}]}': ": model 1 "
        "(gpt-4o): price_history: expected objects, not 3",
        '{"prices": [7]}': ": price 1: expected an object, not 7",
        '{"prices": [{"id": ["gpt-4o"], "vendor": "openai", "input": 1}]}': ':price 1 (["gpt-4o"]): '
        'id: expected text, not ["gpt-4o"]',
        '{"prices": [{"id": "gpt-4o", "vendor": "openai", "input": {"a": 1}}]}': ":price 1 "
        '(gpt-4o): input: expected a number, not {"a": 1}',
        '{"prices": [{"id": "gpt-4o", "vendor": "openai", "input": 1, "from_date": 20240513}]}': (
            ":price 1 (gpt-4o): from_date: expected text, not 20240513"
        ),
    }
    for number, (text, expected) in enumerate(cases.items()):
        path = tmp_path / f"p{number}.json"
        path.write_text(text)
        result = run("import", "--from", "llm-prices", str(path))
        assert result.exit_code == 1, result.output
        assert f"{path}{expected}" in result.stderr, result.stderr
        assert "Traceback" not in result.output


def _never_a_traceback(run: Run, source: str, path: Path) -> None:
    result = run("import", "--from", source, str(path), "--dry-run", "--skip-unresolved")
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 1:
        assert result.stderr.startswith("trendlab: error: "), result.stderr


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["2024-05-13", "2023-02-30", "abc", "5-shot", "gpt-4o", "openai"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    entry=st.fixed_dictionaries(
        {},
        optional={
            "benchmark_name": _values,
            "release_date": _values,
            "scaffolds": _values,
            "metrics": st.fixed_dictionaries(
                {},
                optional={
                    "p50_horizon_length": _values
                    | st.fixed_dictionaries(
                        {}, optional={"estimate": _values, "ci_low": _values, "ci_high": _values}
                    ),
                    "p80_horizon_length": _values,
                    "average_score": _values,
                },
            )
            | _values,
        },
    ),
    top=_values,
)
def test_metr_never_a_traceback(run: Run, tmp_path_factory, entry: dict, top: object):
    import yaml

    path = tmp_path_factory.mktemp("metr") / "m.yaml"
    path.write_text(yaml.safe_dump({"benchmark_name": top, "results": {"gpt_4": entry}}))
    _never_a_traceback(run, "metr", path)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    price=st.fixed_dictionaries(
        {"id": st.sampled_from(["gpt-4o"]) | _values, "vendor": st.just("openai") | _values},
        optional={
            "input": _values,
            "output": _values,
            "input_cached": _values,
            "from_date": _values,
            "to_date": _values,
            "name": _values,
        },
    ),
    vendor_file=st.booleans(),
)
def test_llm_prices_never_a_traceback(run: Run, tmp_path_factory, price: dict, vendor_file: bool):
    if vendor_file:
        model = {k: price.pop(k) for k in ("id", "name") if k in price}
        data: object = {"vendor": "openai", "models": [model | {"price_history": [price]}]}
    else:
        data = {"prices": [price]}
    path = tmp_path_factory.mktemp("prices") / "p.json"
    path.write_text(json.dumps(data))
    _never_a_traceback(run, "llm-prices", path)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    cells=st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10)
        | st.sampled_from(["5-shot", "77.0%", "0.5", "", "few", "gpt-4", "-1", "1e400"]),
        min_size=8,
        max_size=8,
    )
)
def test_epoch_never_a_traceback(run: Run, tmp_path_factory, cells: list[str]):
    import csv

    path = tmp_path_factory.mktemp("epoch") / "external_benchmark_mmlu.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["id", "Name", "EM", "Model version", "Shots", "Notes", "Source", "Source link"]
        )
        writer.writerow(cells)
    _never_a_traceback(run, "epoch", path)
