"""simonw/llm-prices' JSON price lists, as published.

Reads the project's dated JSON shapes:

- a vendor file, `data/<vendor>.json`: {"vendor", "models": [{"id", "name",
  "price_history": [{"input", "output", "input_cached"?, "from_date", "to_date"}]}]}
- `historical.json`: {"prices": [{"id", "vendor", "name", "input", "output",
  "from_date", "to_date"}]}
- `current.json`: {"updated_at", "prices": [{"id", "vendor", "name", "input",
  "output"}]}, refused: it gives no date a price took effect, and neither a model's
  release date (a later price cut passed off as the launch price) nor the list's
  build date (a new record each build, for an unchanged price) would be one.

Prices are USD per million tokens, as trendlab stores them. Each price period becomes
a price from its `from_date` on. The project documents a null `from_date` as "from
when the model was first available", so such a price takes the model's release date
in the database when the import runs (the importer fills it in; a model without one
is reported; one that ended by then, its `to_date` no later than the release date,
is left out and listed), unless the database holds it: a stored price of the model
and provider with the same figures lends it its date (apply._date_undated). `to_date`
needs no field: the next period's price supersedes it.
The model is the price list's `id`, resolved through the database's slugs and aliases
like every import; the provider is the vendor's usual name.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from trendlab.adapters import Part, Publication
from trendlab.adapters.common import own_field_problems, refuse_all, shown, text_frame
from trendlab.errors import TrendlabError
from trendlab.ingest import JsonRecord, json_problem, json_record, read_records
from trendlab.kinds import PRICES
from trendlab.text import NUMBER_RE, QUOTED_CHARS, iso_day, quoted
from trendlab.validate import ROW

SOURCE_URL = "https://github.com/simonw/llm-prices"
VENDORS = {
    "amazon": "Amazon",
    "anthropic": "Anthropic",
    "deepseek": "DeepSeek",
    "google": "Google",
    "meta-ai": "Meta",
    "minimax": "MiniMax",
    "mistral": "Mistral",
    "moonshot-ai": "Moonshot AI",
    "openai": "OpenAI",
    "qwen": "Alibaba",
    "xai": "xAI",
    "z.ai": "Z.ai",
}
# The field each of a price's own keys is read as (an error names both).
READ_FROM = {
    "model": "id",
    "provider": "vendor",
    "effective_date": "from_date",
    "input_usd_per_mtok": "input",
    "output_usd_per_mtok": "output",
}
# Marks a price whose effective date the importer takes from the model's release date.
FROM_RELEASE = "__from_release"
# What a price dated by its model's release holds pending (own_field_problems' `pending`):
# it has no date of its own yet to judge.
PENDING_DATE = {"effective_date": FROM_RELEASE}
# The day a price ended, which such a price must not start on or after.
TO_DATE = "__to_date"
# The cached input price as its notes give it, which a re-import notes anew.
CACHED = "__input_cached"


def read(path: str) -> Publication:
    """Read one llm-prices JSON file."""
    source = path
    suffix = Path(path).suffix.lower()
    if suffix and suffix != ".json":
        raise TrendlabError(
            f"{path}: not an llm-prices file (the project publishes JSON: a vendor file "
            "or historical.json)"
        )
    try:
        # A byte-order mark written twice, as any JSON import takes it: json said
        # "Unexpected UTF-8 BOM (decode using utf-8-sig)".
        text = Path(path).read_text(encoding="utf-8-sig").lstrip("\ufeff")
    except OSError as exc:
        raise TrendlabError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        read_records(path, "json")  # reports the line of the bad byte
        raise
    if not text.strip():  # as any import says it: not "invalid JSON: Expecting value"
        raise TrendlabError(f"{source}: the file is empty")
    try:
        # Noting a field given twice, which json.loads would take the last of in silence,
        # and keeping numbers as written, for validation to quote (1e400, not inf).
        data = json.loads(
            text,
            object_pairs_hook=json_record,
            parse_float=Written,
            parse_int=Written,
            parse_constant=Written,
        )
    except json.JSONDecodeError as exc:
        raise TrendlabError(f"{source}:{exc.lineno}: invalid JSON: {json_problem(exc)}") from None
    except (ValueError, RecursionError) as exc:  # deep nesting
        raise TrendlabError(
            f"{source}: invalid JSON: {str(exc)[:80] or 'nested too deeply'}"
        ) from None
    records, where, misshapen = _records(data, source)
    rows, problems = [], list(misshapen)
    for i, record in enumerate(records):
        try:
            rows.append(_row(i, record, source, where(i)))
        except TrendlabError as exc:
            problems.append((i, exc.message))
    if not rows:
        refuse_all(source, problems)
        raise TrendlabError(f"{source}: no prices in this file")
    frame = text_frame(rows, {c: pl.String for c in rows[0]} | {ROW: pl.UInt32}, source)
    if problems:
        # With the records' own problems, what validation would say of the other prices'
        # figures and dates (a bad input was named only once they were fixed); else
        # validation names them. A price dated by its model's release has no date yet.
        own = own_field_problems(PRICES, frame.columns, READ_FROM, PENDING_DATE)
        problems += [
            (row, f"{source}:{where(row)}: {message}")
            for row, message in frame.select(ROW, own).drop_nulls().iter_rows()
        ]
    refuse_all(source, problems)
    publication = Publication("llm-prices", [path])
    # JSON has no rows to number: errors name the price record and its model id.
    publication.parts.append(Part(PRICES, frame, source, where, columns=READ_FROM))
    return publication


def _records(
    data: Any, source: str
) -> tuple[list[dict[str, Any]], Callable[[int], str], list[tuple[int, str]]]:
    """Flatten any published shape to price records with id, vendor and name; and the
    problems of the models and prices no record could be made of, each with the index
    of the record that follows it, so that one run names every one of them (with the
    records' own problems), not the first."""
    _refuse_twice(data, source)
    misshapen: list[tuple[int, str]] = []
    if isinstance(data, dict) and isinstance(data.get("models"), list):
        vendor = data.get("vendor")
        out: list[dict[str, Any]] = []
        numbers: list[int] = []  # each record's number among the file's prices, which names it
        listed = 0

        def problem(message: str | None) -> bool:
            if message is not None:
                misshapen.append((len(out), message))
            return message is not None

        for number, model in enumerate(data["models"], start=1):
            where = f"model {number}"
            if problem(_twice(model, f"{source}:{where} ({_named(_id_of(model))})")):
                continue
            if not isinstance(model, dict):
                problem(f"{source}: {where}: expected an object, not {shown(model, _as_json)}")
                continue
            if not isinstance(model.get("price_history"), list):
                problem(
                    f"{source}: {where} ({_named(model.get('id'))}): expected a price_history list"
                )
                continue
            for price in model["price_history"]:
                listed += 1
                if not isinstance(price, dict):
                    problem(
                        f"{source}: {where} ({_named(model.get('id'))}): price_history: "
                        f"expected objects, not {shown(price, _as_json)}"
                    )
                    continue
                if problem(_twice(price, f"{source}:price {listed} ({_named(model.get('id'))})")):
                    continue
                out.append(
                    {"id": model.get("id"), "vendor": vendor, "name": model.get("name")} | price
                )
                numbers.append(listed)
        return out, lambda i: f"price {numbers[i]} ({_named(out[i].get('id'))})", misshapen
    if isinstance(data, dict) and isinstance(data.get("prices"), list):
        prices = data["prices"]
        if "updated_at" in data and not any(
            isinstance(p, dict) and "from_date" in p for p in prices
        ):
            raise TrendlabError(
                f"{source}: a current.json lists today's prices without the date each took "
                "effect; import historical.json or the vendor files in data/, which date "
                "every price"
            )
        kept: list[dict[str, Any]] = []
        places: list[int] = []  # each kept price's place in the list, which names it
        for i, price in enumerate(prices, start=1):
            told: str | None
            if not isinstance(price, dict):
                told = f"{source}: price {i}: expected an object, not {shown(price, _as_json)}"
            else:
                told = _twice(price, f"{source}:price {i} ({_named(price.get('id'))})")
            if told is None:
                kept.append(price)
                places.append(i)
            else:
                misshapen.append((len(kept), told))
        return (
            kept,
            lambda i: f"price {places[i]} ({_named(kept[i].get('id'))})",
            misshapen,
        )
    raise TrendlabError(
        f'{source}: not an llm-prices file: expected a vendor file with "models" or a '
        'historical.json/current.json with "prices"'
    )


class Written(str):
    """A JSON number as the file writes it: 1e400 and 1e-400 are quoted so, not as the
    inf and 0.0 a float would make of them."""


def _refuse_twice(value: Any, where: str) -> None:
    """A field an object gives twice is an error, as in trendlab's own JSON: which of
    two prices the list meant is not to be guessed."""
    told = _twice(value, where)
    if told is not None:
        raise TrendlabError(told)


def _twice(value: Any, where: str) -> str | None:
    """The error of a field `value` gives twice (see _refuse_twice), else None."""
    if isinstance(value, JsonRecord) and value.twice is not None:
        return f"{where}: field {value.twice!r} appears twice"
    return None


def _id_of(model: Any) -> Any:
    return model.get("id") if isinstance(model, dict) else None


def _row(i: int, record: dict[str, Any], source: str, where: str) -> dict[str, Any]:
    for name in ("id", "vendor", "name", "from_date", "to_date"):
        value = record.get(name)
        if value is not None and (not isinstance(value, str) or isinstance(value, Written)):
            raise TrendlabError(
                f"{source}:{where}: {name}: expected text, not {shown(record[name], _as_json)}"
            )
    for name in ("input", "output", "input_cached"):
        value = record.get(name)
        if isinstance(value, (bool, dict, list)):
            raise TrendlabError(
                f"{source}:{where}: {name}: expected a number, not {shown(value, _as_json)}"
            )
    cached = record.get("input_cached")
    if cached is not None:
        # Only the notes hold it, where no validation would see a figure that is none:
        # written as validation has the prices' figures (NUMBER_RE: not 8_0, nor inf).
        written = re.fullmatch(NUMBER_RE, str(cached).strip())
        figure = float(cached) if written else math.nan
        if not math.isfinite(figure) or figure < 0:
            why = "must be at least 0" if math.isfinite(figure) else "is not a finite number"
            raise TrendlabError(f"{source}:{where}: input_cached: {quoted(cached)} {why}")
    _check_to_date(record, f"{source}:{where}")
    vendor = record.get("vendor")
    if not record.get("id") or not vendor:
        raise TrendlabError(f"{source}:{where}: a price needs an id and a vendor")
    # As the other fields are read: spaces around a value, or a run of them in a
    # name, are no part of it (the notes read 'until  2024-05-13 ').
    name = " ".join(str(record.get("name") or "").split())
    notes = [f"listed as {name}" if name else None]
    if cached is not None:
        notes.append(f"cached input ${_noted(cached)}/Mtok")
    if record.get("to_date"):
        notes.append(f"until {record['to_date'].strip()}")
    if not record.get("from_date"):
        notes.insert(0, "no from_date in llm-prices: dated by the model's release date")
    return {
        ROW: i,
        "model": str(record["id"]),
        "provider": VENDORS.get(str(vendor), str(vendor)),
        "effective_date": _text(record.get("from_date")) or FROM_RELEASE,
        "input_usd_per_mtok": _text(record.get("input")),
        "output_usd_per_mtok": _text(record.get("output")),
        "api_model_id": str(record["id"]),
        "source_url": SOURCE_URL,
        "notes": "; ".join(n for n in notes if n),
        TO_DATE: _text(record.get("to_date")) or None,  # "" gives no end, as null
        CACHED: None if cached is None else _noted(cached),
    }


def _noted(number: Any) -> str:
    """A number as the notes hold it: a JSON number as Python writes it (1.250 as 1.25,
    as the notes have always read, so that a re-import changes no note), text as written
    without the spaces around it."""
    if isinstance(number, Written):
        return str(json.loads(number))
    return str(number).strip()


def _check_to_date(record: dict[str, Any], where: str) -> None:
    """Refuse a to_date that is no day, or not after its own from_date: only the notes
    hold it (and the check of an undated price against its model's release), where no
    validation would see it ('until soon' was written as it came)."""
    written = record.get("to_date")
    if not written:
        return
    ended = iso_day(written.strip())
    if ended is None:
        raise TrendlabError(f"{where}: to_date: {quoted(written)} is not a date (YYYY-MM-DD)")
    # A from_date that is no day is validation's to name, as effective_date.
    started = iso_day(str(record.get("from_date") or "").strip())
    if started is not None and ended <= started:
        raise TrendlabError(
            f"{where}: to_date: {quoted(written)} is not after the price's from_date "
            f"{quoted(record['from_date'])}"
        )


def _named(model_id: Any) -> str:
    """A model id as the place of its model or price names it: short text as written,
    unquoted (price 1 (gpt-4o)), anything else as an error quotes a value."""
    if type(model_id) is str and len(model_id) <= QUOTED_CHARS:
        return model_id
    return shown(model_id, _as_json)


def _as_json(value: Any) -> str:
    """`value` as JSON, its numbers as the file writes them (json.dumps would quote a
    Written number as text: {"a": "1"} for {"a": 1})."""
    if isinstance(value, Written):
        return str(value)
    if isinstance(value, dict):
        items = ", ".join(f"{json.dumps(k)}: {_as_json(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_as_json(v) for v in value) + "]"
    return json.dumps(value, default=str)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bool, dict, list)):
        return _as_json(value)
    return str(value)
