"""The data model in one place: each kind of record, its fields, types and natural key.

Field names are the column names of import and export files and of the SQL views, so
a file exported from one database imports into another unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from trendlab.errors import ExitCode, TrendlabError
from trendlab.nearest import suggest

SOURCE_KINDS = ("paper", "leaderboard", "independent", "self-reported")
# The longest a lookup name (an alias) may be: twice a slug's 100 characters, room for
# a provider's or a hub's full id (the seeds' longest alias has 45).
NAME_MAX = 200


@dataclass(frozen=True)
class Field:
    """One column of a kind.

    type is one of: slug, text, url, date, float, bool, choice.
    """

    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    positive: bool = False
    # A count (parameters, tokens), stored as a double like every number: one written
    # in whole digits must be stored as written, not as the nearest double past 2**53.
    exact: bool = False
    # A price, which a blend weighs (1:1 halves it): it must be a normal double, since
    # half the least subnormal one is 0, and a blend of 0 has no log for a price trend.
    weighed: bool = False
    past: bool = False  # a date that has happened: a release or report, never a plan
    # A name or label typed on command lines, printed in one-line notes (`added alias
    # NAME`) and keys (gpt-4/mmlu/5-shot): a line break or another control character
    # in it is refused, not escaped. Notes and descriptions take any text.
    one_line: bool = False
    # A name a record is looked up by (an alias), so one that must read as it is typed:
    # besides one line, no invisible format character (U+200B, U+202E), nothing NFKC
    # writes otherwise (full-width ｇｐｔ is gpt), and at most NAME_MAX characters.
    lookup_name: bool = False
    # Text in a record's key (a result's setting, a price's provider) or that names one
    # (an organization's name, as a model writes it): besides one line, no invisible
    # format character but the joiners some scripts spell with (U+200C, U+200D), or
    # '5-shot' and '5-shot' with a U+200B would be two keys that look as one (and
    # Open<U+200B>AI an organization of its own that looks as OpenAI).
    key_text: bool = False
    # The name of an organization or a provider: it holds a letter or digit. '-' or
    # '?', a spreadsheet's mark for unknown, was an organization of its own.
    named: bool = False
    help: str = ""


@dataclass(frozen=True)
class Kind:
    """A kind of versioned record (models, benchmarks, ...)."""

    name: str
    singular: str
    table: str
    history_view: str
    fields: tuple[Field, ...]
    key_fields: tuple[str, ...]
    # Kinds whose natural key spans several fields get a short derived id
    # (prefix + hash of the key), used on the command line and in the views.
    id_prefix: str | None = None
    date_field: str | None = None
    label_field: str | None = None
    # Each write stores its rows in this order. A scan filtered on these fields (one
    # benchmark's results) then meets long runs of one value, which DuckDB compresses
    # and compares once a run, and skips row groups whose min/max (of a value's first
    # 8 bytes) exclude it.
    cluster_by: tuple[str, ...] = ()
    # Fields that, given otherwise than a retracted record has them, restore it with
    # only the fields given: what its other fields said was of the old value (an
    # alias's notes and source, of the model it named).
    renewed_by: tuple[str, ...] = ()

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def key_column(self) -> str:
        """The column of the current-state view that holds the record's key."""
        return "id" if self.id_prefix else self.key_fields[0]

    @property
    def view_columns(self) -> list[str]:
        """Columns of the current-state view, in order."""
        return (["id"] if self.id_prefix else []) + self.field_names

    @property
    def name_shape(self) -> str:
        """How a result or a price is named besides its id: MODEL/BENCHMARK[/SETTING],
        MODEL/PROVIDER[/DATE]."""
        if self.key_fields[1] == "benchmark":
            return "MODEL/BENCHMARK[/SETTING]"
        return "MODEL/PROVIDER[/DATE]"

    def check_filters(self, *, model: object, benchmark: object, since: object) -> None:
        """Raise a usage error where `list` cannot filter this kind by a filter given (not
        None): --model needs a model field (or is a model's slug), --benchmark a
        benchmark field, --since a date."""
        for option, given, applies in (
            ("--model", model, "model" in self.field_names or self.name == "models"),
            ("--benchmark", benchmark, "benchmark" in self.field_names),
            ("--since", since, self.date_field is not None),
        ):
            if given is not None and not applies:
                raise TrendlabError(
                    f"{option} does not apply to {self.name}", exit_code=ExitCode.USAGE
                )

    def name_fault(self, text: str) -> str | None:
        """Why `text`, a result's MODEL/BENCHMARK[/SETTING] or a price's
        MODEL/PROVIDER[/DATE], can name no record in any database, or None: its model,
        or the benchmark or provider after it, empty however it is read. An alias may
        hold a '/' (so the model may end at any '/') and so may a provider, so only a
        name none of whose readings has both is refused: `gpt-4/`, `/mmlu`, not
        `gpt-4//mmlu`, which names gpt-4/'s results."""
        if not self.id_prefix or "/" not in text:
            return None
        parts = text.strip().split("/")
        second = self.key_fields[1]

        def after(i: int) -> str:
            return parts[i] if second == "benchmark" else "/".join(parts[i:])

        if any("/".join(parts[:i]).strip() and after(i).strip() for i in range(1, len(parts))):
            return None
        # As MODEL/SECOND[/...] reads it: a provider of slashes alone (`//`) is as empty
        # as a benchmark, where the model was named alone.
        empty = [f for f, part in (("model", parts[0]), (second, parts[1])) if not part.strip()]
        return (
            f"{text!r} has an empty {' and '.join(empty)}: a {self.singular} is named "
            f"{self.name_shape} or by its id"
        )

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise TrendlabError(
            f"{self.singular} has no field {name!r}{suggest(name, self.field_names)}; "
            f"fields: {', '.join(self.field_names)}"
        )


ORGANIZATIONS = Kind(
    name="organizations",
    singular="organization",
    table="organization_revisions",
    history_view="organization_history",
    fields=(
        Field("slug", "slug", required=True, help="stable key, e.g. openai"),
        Field(
            "name",
            "text",
            required=True,
            one_line=True,
            key_text=True,
            named=True,
            help="the name as sources write it",
        ),
    ),
    key_fields=("slug",),
    label_field="name",
)

MODELS = Kind(
    name="models",
    singular="model",
    table="model_revisions",
    history_view="model_history",
    fields=(
        Field("slug", "slug", required=True, help="stable key, e.g. gpt-4"),
        Field("name", "text", one_line=True, help="display name"),
        Field(
            "organization",
            "text",
            one_line=True,
            key_text=True,
            named=True,
            help="developer, as the source writes it",
        ),
        Field("release_date", "date", past=True, help="when it was released"),
        Field("parameters", "float", positive=True, exact=True, help="parameter count"),
        Field("training_compute_flop", "float", positive=True, help="training compute in FLOP"),
        Field("training_tokens", "float", positive=True, exact=True, help="training tokens"),
        Field("open_weights", "bool", help="true if the weights are published"),
        Field("notes", "text"),
        Field("source_url", "url", help="where these facts come from"),
    ),
    key_fields=("slug",),
    date_field="release_date",
    label_field="name",
)

BENCHMARKS = Kind(
    name="benchmarks",
    singular="benchmark",
    table="benchmark_revisions",
    history_view="benchmark_history",
    fields=(
        Field("slug", "slug", required=True, help="stable key, e.g. math"),
        Field("name", "text", one_line=True, help="display name"),
        Field("description", "text"),
        Field("metric", "text", one_line=True, help="e.g. accuracy, pass@1"),
        Field("unit", "text", required=True, help="percent, minutes, elo or score"),
        Field(
            "higher_is_better",
            "bool",
            help="unknown if neither is given, and then read as higher is better",
        ),
        Field(
            "floor",
            "float",
            help="chance level, the worst score (the higher number when lower is better)",
        ),
        Field(
            "ceiling",
            "float",
            help="best achievable (the lower number when lower is better)",
        ),
        Field("human_baseline", "float", help="human expert score, if a source states one"),
        Field("url", "url", help="the benchmark's paper or site"),
        Field("notes", "text"),
        Field("source_url", "url", help="where floor, ceiling and baseline come from"),
    ),
    key_fields=("slug",),
    label_field="name",
)

RESULTS = Kind(
    name="results",
    singular="result",
    table="result_revisions",
    history_view="result_history",
    fields=(
        Field("model", "slug", required=True, help="model slug"),
        Field("benchmark", "slug", required=True, help="benchmark slug"),
        Field("score", "float", required=True, help="in the benchmark's unit (percent: 0-100)"),
        Field(
            "setting",
            "text",
            one_line=True,
            key_text=True,
            help="shots, CoT, maj@k, tools, version",
        ),
        Field(
            "reported_date",
            "date",
            past=True,
            help="YYYY-MM-DD; unknown if not given, the result then dated by its model's "
            "release date",
        ),
        Field("source_url", "url", help="paper or leaderboard the score comes from"),
        Field("source_kind", "choice", choices=SOURCE_KINDS),
        Field("notes", "text"),
    ),
    key_fields=("model", "benchmark", "setting", "source_url"),
    id_prefix="r",
    cluster_by=("benchmark",),
    date_field="reported_date",
)

PRICES = Kind(
    name="prices",
    singular="price",
    table="price_revisions",
    history_view="price_history",
    fields=(
        Field("model", "slug", required=True, help="model slug"),
        Field(
            "provider",
            "text",
            required=True,
            one_line=True,
            key_text=True,
            named=True,
            help="who sells access, e.g. OpenAI",
        ),
        Field("effective_date", "date", required=True, help="YYYY-MM-DD"),
        Field(
            "input_usd_per_mtok",
            "float",
            positive=True,
            weighed=True,
            help="USD per million input tokens",
        ),
        Field(
            "output_usd_per_mtok",
            "float",
            positive=True,
            weighed=True,
            help="USD per million output tokens",
        ),
        Field(
            "api_model_id",
            "text",
            one_line=True,
            help="the provider's model id, e.g. gpt-4o-2024-05-13",
        ),
        Field("source_url", "url"),
        Field("notes", "text"),
    ),
    key_fields=("model", "provider", "effective_date"),
    id_prefix="p",
    date_field="effective_date",
)

ALIASES = Kind(
    name="aliases",
    singular="alias",
    table="alias_revisions",
    history_view="alias_history",
    fields=(
        Field(
            "alias",
            "text",
            required=True,
            one_line=True,
            lookup_name=True,
            help="another name of the model, e.g. gpt-4-0314",
        ),
        Field("model", "slug", required=True, help="the model's slug"),
        Field("source_url", "url", help="where the model goes by this name"),
        Field("notes", "text"),
    ),
    key_fields=("alias",),
    label_field="model",
    renewed_by=("model",),
)

KINDS: dict[str, Kind] = {
    k.name: k for k in (ORGANIZATIONS, MODELS, BENCHMARKS, RESULTS, PRICES, ALIASES)
}
# What `import --kind` accepts, in dependency order (models before the aliases,
# results and prices naming them). Organizations are also created on first use by
# models; importing them restores an exported set, renames included.
IMPORTABLE = ("organizations", "models", "benchmarks", "aliases", "results", "prices")
# Kinds whose `model` field names a model: imports resolve it through aliases.
MODEL_REFS = ("results", "prices", "aliases")
# What a change did to a record, in the order every summary lists them: a write's own,
# diff's and log's (whose SQL takes this order as a parameter). A restore is told
# apart from an add: it undoes a retraction someone made for a reason.
CHANGES = ("added", "restored", "updated", "retracted")


def tally(kind: str, counts: Mapping[str, int]) -> str:
    """One kind's changes in words, in CHANGES order and then how many were unchanged,
    leaving out what none were: 'results: 2 added, 1 updated' ('results: nothing')."""
    said = [f"{counts[c]} {c}" for c in (*CHANGES, "unchanged") if counts.get(c)]
    return f"{kind}: {', '.join(said) or 'nothing'}"


def get_kind(name: str) -> Kind:
    """Look a kind up by plural or singular name (`results`, `result`)."""
    lowered = name.lower()
    for kind in KINDS.values():
        if lowered in (kind.name, kind.singular):
            return kind
    raise TrendlabError(f"unknown kind {name!r}; kinds: {', '.join(KINDS)}")
