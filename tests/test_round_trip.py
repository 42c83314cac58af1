"""Nothing is lost on the way out and back in: records holding hostile text (quotes,
separators, line breaks of every kind, control bytes, a BOM, U+2028, 'NULL', numbers
as text) export in every format and import back unchanged, into the same database and
into a new one. Names and labels (the one_line fields) hold all of it but line breaks
and control characters, which they refuse; settings and providers, parts of keys, no
invisible format character either but the joiners. No text field holds a NUL, which a
team store's PostgreSQL cannot: a file giving one is refused, naming its line and field."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import Run, make_runner
from tests.fuzzing import FUZZ, content, database_copy, invoke
from trendlab.kinds import IMPORTABLE

# Any text but a NUL (see test_a_nul_in_any_text_field_is_refused).
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20
) | st.sampled_from(
    [
        "a\rb",
        "a\r\nb",
        "line\u2028separator",
        "next\x85line",
        "x\x01y",
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
            {
                "slug": f"rt-model-{i}",
                "name": line[0],
                # A name holds a letter or digit (a lone ':' is none), as a provider's.
                "organization": f"{i} {_key_text(line[1])}",
                "notes": t[2],
            }
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


# A valid record of each kind, in the seeded database.
_RECORDS = {
    "organizations": {"slug": "nul-o", "name": "N"},
    "models": {"slug": "nul-m"},
    "benchmarks": {"slug": "nul-b", "unit": "score"},
    "results": {"model": "gpt-4", "benchmark": "mmlu", "score": "50"},
    "prices": {
        "model": "gpt-4",
        "provider": "Acme",
        "effective_date": "2024-01-01",
        "input_usd_per_mtok": "1",
    },
    "aliases": {"alias": "nul-alias", "model": "gpt-4"},
}


def test_a_nul_in_any_text_field_is_refused(seeded_template: Path):
    """A NUL was stored in a DuckDB file, and then that store could never be copied to
    a team store, whose PostgreSQL cannot hold one: in any text field of any kind, a
    file giving one is refused with its line and field, and nothing is written."""
    from trendlab.kinds import KINDS as ALL_KINDS

    with database_copy(seeded_template) as db:
        before = content(db)
        for kind, record in _RECORDS.items():
            for field in ALL_KINDS[kind].fields:
                if field.type not in ("text", "url"):
                    continue
                value = "https://e.org/a\x00b" if field.type == "url" else "a\x00b"
                path = db.parent / f"nul-{kind}-{field.name}.jsonl"
                path.write_text(json.dumps({**record, field.name: value}) + "\n", encoding="utf-8")
                refused = invoke(db, "import", str(path), "--kind", kind, "-m", "nul")
                shown = repr(value)[1:-1]
                assert refused.stderr == (
                    f"trendlab: error: {path}:1: {field.name}: '{shown}' holds a NUL character "
                    "(\\x00): a store must stay copyable to a team store, whose PostgreSQL "
                    "cannot hold one; nothing was written\n"
                ), (kind, field.name)
                assert refused.exit_code == 1
        assert content(db) == before


def test_a_provider_an_organization_spells_otherwise_keeps_its_spelling(
    run_empty: Run, tmp_path: Path
):
    """A price's provider, acme, took the spelling of an organization created after it,
    ACME, when the export was imported into a new database (whose models create their
    organizations before its prices come): another provider, and another price id."""
    for step in (
        ("add-model", "m1", "--release-date", "2024-01-01"),
        ("add-price", "m1", "acme", "2024-01-02", "--input", "1", "--output", "2"),
        ("add-model", "m2", "--organization", "ACME", "--release-date", "2024-01-01"),
    ):
        assert run_empty(*step, "-m", "t").exit_code == 0
    fresh = tmp_path / "fresh.duckdb"
    assert make_runner(fresh)("init", "--empty").exit_code == 0
    for kind in IMPORTABLE:
        exported = run_empty("export", kind, "--json")
        copied = make_runner(fresh)(
            "import", "-", "--kind", kind, "-f", "json", input=exported.stdout
        )
        assert copied.exit_code == 0, copied.stderr
    for kind in IMPORTABLE:
        assert make_runner(fresh)("export", kind, "--json").stdout == (
            run_empty("export", kind, "--json").stdout
        ), kind
    prices = json.loads(make_runner(fresh)("list", "prices", "--json").stdout)
    assert [(p["id"], p["provider"]) for p in prices] == [
        (p["id"], "acme") for p in json.loads(run_empty("list", "prices", "--json").stdout)
    ]


def test_a_model_naming_its_organization_by_a_former_name_imports_into_a_new_store(
    run_empty: Run, tmp_path: Path
):
    """acme-labs, 'Acme Labs', renamed 'Zeta Corp': model m1 still writes 'Acme Labs',
    which its store reads as acme-labs by the name it had. A new store has no such
    history: imported after the organizations, the models were refused ("'Acme Labs'
    is no organization's name, but makes the slug acme-labs"). Export writes such a
    model's organization as its slug, which names it in any store, in either order."""
    for step in (
        ("add-model", "m1", "--organization", "Acme Labs"),
        ("edit", "organization", "acme-labs", "--set", "name=Zeta Corp"),
    ):
        assert run_empty(*step, "-m", "t").exit_code == 0
    exported = {k: run_empty("export", k, "--json").stdout for k in IMPORTABLE}
    assert [m["organization"] for m in json.loads(exported["models"])] == ["acme-labs"]
    for n, order in enumerate((IMPORTABLE, ("models", "organizations"))):
        fresh = make_runner(tmp_path / f"fresh-{n}.duckdb")
        assert fresh("init", "--empty").exit_code == 0
        for kind in order:
            copied = fresh("import", "-", "--kind", kind, "-f", "json", input=exported[kind])
            assert copied.exit_code == 0, (order, copied.stderr)
        for kind in IMPORTABLE:
            assert fresh("export", kind, "--json").stdout == exported[kind], (order, kind)
        assert fresh("list", "organizations", "--csv").stdout == "slug,name\nacme-labs,Zeta Corp\n"
    # A model added since, by the new name, imports beside it (organizations first).
    assert run_empty("add-model", "m2", "--organization", "Zeta Corp", "-m", "t").exit_code == 0
    fresh = make_runner(tmp_path / "fresh-new-name.duckdb")
    assert fresh("init", "--empty").exit_code == 0
    for kind in IMPORTABLE:
        out = run_empty("export", kind, "--json").stdout
        copied = fresh("import", "-", "--kind", kind, "-f", "json", input=out)
        assert copied.exit_code == 0, copied.stderr
        assert fresh("export", kind, "--json").stdout == out


def test_an_export_naming_an_organization_by_its_slug_imports_back_unchanged(run_empty: Run):
    """Export writes a model naming its organization by a former name ('Acme Labs' for
    acme-labs, now 'Zeta Corp') with its slug: imported back into the same store, the
    model was updated to write 'acme-labs', a changeset of nothing, its text lost."""
    for step in (
        ("add-model", "m1", "--organization", "Acme Labs"),
        ("edit", "organization", "acme-labs", "--set", "name=Zeta Corp"),
    ):
        assert run_empty(*step, "-m", "t").exit_code == 0
    exported = run_empty("export", "models", "--json").stdout
    again = run_empty("import", "-", "--kind", "models", "-f", "json", input=exported)
    assert again.exit_code == 0, again.stderr
    assert "1 unchanged; nothing to write" in again.stdout + again.stderr
    [model] = json.loads(run_empty("list", "models", "--json").stdout)
    assert model["organization"] == "Acme Labs"
    assert run_empty("export", "models", "--json").stdout == exported
