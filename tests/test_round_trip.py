"""Nothing is lost on the way out and back in: records holding hostile text (quotes,
separators, line breaks of every kind, NUL and other control bytes, a BOM, U+2028,
'NULL', numbers as text) export in every format and import back unchanged, into the
same database and into a new one. Names and labels (the one_line fields) hold all of
it but line breaks and control characters, which they refuse; settings and providers,
parts of keys, no invisible format character either but the joiners."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzzing import FUZZ, content, database_copy, invoke

TEXT = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20) | st.sampled_from(
    [
        "a\rb",
        "a\r\nb",
        "line\u2028separator",
        "next\x85line",
        "x\x00y",
        "\x1c\x1d\x1e\x1f",
        '"quoted", comma',
        "\\N",
        "NULL",
        "null",
        "1e5",
        "007",
        "true",
        "\ufeffbom",
        "=1+1",
    ]
)

# Text for a name or a label: no line break or other control character (see Field.one_line).
LINE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Zl", "Zp")),
    min_size=1,
    max_size=20,
) | st.sampled_from(['"quoted", comma', "\\N", "NULL", "null", "1e5", "007", "true", "\ufeffbom"])


def _key_text(text: str) -> str:
    """`text` without the format characters a key's text refuses (see Field.key_text):
    all but the joiners, U+200C and U+200D."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf" or c in "\u200c\u200d")


@st.composite
def records(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    n = draw(st.integers(1, 4))
    texts = [[draw(TEXT) for _ in range(4)] for _ in range(n)]
    lines = [[draw(LINE) for _ in range(2)] for _ in range(n)]
    return {
        "models": [
            {"slug": f"rt-model-{i}", "name": line[0], "organization": line[1], "notes": t[2]}
            for i, (t, line) in enumerate(zip(texts, lines, strict=True))
        ],
        "benchmarks": [
            {
                "slug": f"rt-bench-{i}",
                "unit": "score",
                "name": line[0],
                "description": t[1],
                "metric": line[1],
                "notes": t[3],
            }
            for i, (t, line) in enumerate(zip(texts, lines, strict=True))
        ],
        "results": [
            {
                "model": f"rt-model-{i}",
                "benchmark": f"rt-bench-{i}",
                "score": "1.5",
                "setting": f"{i} {_key_text(line[0])}",
                "notes": t[0],
            }
            for i, (t, line) in enumerate(zip(texts, lines, strict=True))
        ],
        "prices": [
            {
                "model": f"rt-model-{i}",
                "provider": f"{i} {_key_text(line[1])}",
                "effective_date": "2024-01-01",
                "input_usd_per_mtok": "1",
                "api_model_id": line[0],
                "notes": t[3],
            }
            for i, (t, line) in enumerate(zip(texts, lines, strict=True))
        ],
    }


KINDS = ("models", "benchmarks", "results", "prices")


def test_export_then_import_changes_nothing(empty_template: Path):
    @settings(FUZZ, max_examples=min(FUZZ.max_examples, 12))
    @given(data=records(), fmt=st.sampled_from(["csv", "json", "jsonl", "parquet"]))
    def run(data: dict[str, list[dict[str, str]]], fmt: str) -> None:
        with database_copy(empty_template) as db, database_copy(empty_template) as fresh:
            for kind in KINDS:
                path = db.parent / f"{kind}.json"
                path.write_text(json.dumps(data[kind]), encoding="utf-8")
                loaded = invoke(db, "import", str(path), "-m", f"hostile {kind}")
                assert loaded.exit_code == 0, loaded.output
            before = content(db)
            for kind in KINDS:
                out = db.parent / f"out-{kind}.{fmt}"
                exported = invoke(db, "export", kind, "-o", str(out))
                assert exported.exit_code == 0, exported.output
                again = invoke(db, "import", str(out), "--kind", kind, "-m", "again")
                assert again.exit_code == 0, again.output
                assert "nothing to write" in again.stderr, (fmt, kind, again.stderr)
            assert content(db) == before
            # Into a new database, and out again: the same records.
            for kind in KINDS:
                out = db.parent / f"out-{kind}.{fmt}"
                copied = invoke(fresh, "import", str(out), "--kind", kind, "-m", "copy")
                assert copied.exit_code == 0, copied.output
                assert invoke(fresh, "export", kind, "--json").stdout_bytes == (
                    invoke(db, "export", kind, "--json").stdout_bytes
                )

    run()
