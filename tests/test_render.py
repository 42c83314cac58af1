"""Output bytes: the exact layout of each format a query writes (the json module's
and tabulate's, as trendlab calls them), so that a change of writer shows."""

from __future__ import annotations

from tests.conftest import Run


def test_the_layout_of_each_format(run: Run):
    sql = (
        "SELECT 1 AS n, 2.50::DECIMAL(5,2) AS price, 'gpt-4' AS model, DATE '2024-01-02' AS day,"
        " 'nan'::DOUBLE AS x, [1, 2] AS pair, '日本' AS n"
    )
    assert run("query", sql, "--json").stdout == (
        "[\n  {\n"
        '    "n": 1,\n    "price": "2.50",\n    "model": "gpt-4",\n    "day": "2024-01-02",\n'
        '    "x": null,\n    "pair": [\n      1,\n      2\n    ],\n    "n_1": "日本"\n'
        "  }\n]\n"
    )
    assert run("query", sql, "--jsonl").stdout == (
        '{"n": 1, "price": "2.50", "model": "gpt-4", "day": "2024-01-02", "x": null,'
        ' "pair": [1, 2], "n_1": "日本"}\n'
    )
    assert run("query", sql).stdout == (
        "  n    price  model    day           x  pair    n_1\n"
        "---  -------  -------  ----------  ---  ------  -----\n"
        "  1     2.50  gpt-4    2024-01-02  nan  [1, 2]  日本\n"
    )
    assert run("query", "SELECT 1 AS n WHERE false", "--json").stdout == "[]\n"
    assert run("query", "SELECT 1 AS n WHERE false", "--jsonl").stdout == ""
    # tabulate aligns the header of a column with no values to the left.
    assert run("query", "SELECT 1 AS n WHERE false").stdout == "n\n---\n"
