"""Model names to model slugs: exact slugs first, then aliases, never a guess.

Every import resolves the model names it is given through here, and so does the
seeds build, so a name means the same model everywhere. A name resolves when it is a
current model's slug or a current alias, compared exactly and then ignoring case and
surrounding spaces, as given and then in its NFKC form (the form aliases are written
in); a name that matches nothing, or matches two models once case is ignored, stays
unresolved and is reported with its nearest candidates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from trendlab.nearest import nearest
from trendlab.text import listed, name_forms


@dataclass(frozen=True)
class Resolver:
    """What resolution needs to know: model slugs and alias -> slug."""

    slugs: frozenset[str]
    aliases: Mapping[str, str]

    @classmethod
    def build(cls, slugs: Iterable[str], aliases: Mapping[str, str]) -> Resolver:
        return cls(frozenset(slugs), dict(aliases))

    def _lookup(self) -> tuple[dict[str, str], dict[str, str]]:
        exact = {s: s for s in self.slugs} | {
            a: m for a, m in self.aliases.items() if a not in self.slugs
        }
        folded: dict[str, str | None] = {}
        for name, model in exact.items():
            key = name.strip().lower()
            folded[key] = model if folded.get(key, model) == model else None
        return exact, {k: v for k, v in folded.items() if v is not None}

    def expr(self, column: str) -> pl.Expr:
        """The slug each name in `column` resolves to, or null."""
        exact, folded = self._lookup()
        name = pl.col(column).str.strip_chars()
        as_given = pl.coalesce(
            name.replace_strict(exact, default=None, return_dtype=pl.String),
            name.str.to_lowercase().replace_strict(folded, default=None, return_dtype=pl.String),
        )
        # Aliases are written in NFKC (validate), so a name typed in another form of one
        # (an accent as a combining mark, full-width letters) is that alias: unresolved,
        # it was told to use the name it had typed, which looks the same. Only names
        # unresolved as given are normalized, and folded at once: on a million names,
        # normalizing and looking up every one in both ways took 0.4 s, this 0.05.
        plain = pl.when(as_given.is_null()).then(name).str.normalize("NFKC").str.strip_chars()
        return pl.coalesce(
            as_given,
            plain.str.to_lowercase().replace_strict(folded, default=None, return_dtype=pl.String),
        )

    def slug_or_name(self, column: str) -> pl.Expr:
        """The slug each name in `column` resolves to, or the name as given where it
        does not (for the caller to report, or to match nothing stored)."""
        return pl.coalesce(self.expr(column), pl.col(column)).alias(column)

    def resolve(self, names: Iterable[str]) -> dict[str, str | None]:
        """name -> slug (None when it does not resolve), for a handful of names."""
        frame = pl.DataFrame({"name": list(names)}, schema={"name": pl.String})
        resolved = frame.select("name", self.expr("name").alias("slug"))
        return dict(zip(resolved["name"].to_list(), resolved["slug"].to_list(), strict=True))

    def candidates(self, name: str, n: int = 3) -> list[str]:
        """The nearest slugs and aliases to an unresolved name, best first."""
        return nearest(name, self.slugs | set(self.aliases), n=n)

    def describe(self, candidate: str) -> str:
        """A candidate as shown to the user: a slug, or an alias and its model."""
        if candidate in self.slugs:
            return repr(candidate)
        return f"{candidate!r} (alias of {self.aliases[candidate]})"

    def folding_to(self, name: str) -> dict[str, str]:
        """The slugs and aliases `name` matches once case, surrounding spaces and
        Unicode form are ignored, in order, and their models: more than one model's,
        it resolves to none."""
        forms = name_forms(name)
        found = {s: s for s in self.slugs if s in forms} | {
            a: m
            for a, m in self.aliases.items()
            if a not in self.slugs and a.strip().lower() in forms
        }
        return dict(sorted(found.items()))

    def clash(self, name: str) -> str:
        """'matches 2 models ignoring case: ...; give one as it is written' where `name`
        matches names of several models once case is ignored (so resolves to none);
        else ''."""
        matched = self.folding_to(name)
        owners = set(matched.values())
        if len(owners) < 2:
            return ""
        shown = listed([self.describe(m) for m in matched])
        return f"matches {len(owners)} models ignoring case: {shown}; give one as it is written"

    def hint(self, name: str, n: int = 3) -> str:
        """' (did you mean ...?)' listing up to `n` of the nearest models, or ''; for a
        name that matches names of several models ignoring case, those names.

        A model near by its slug and by an alias is listed once, by its slug.
        """
        clash = self.clash(name)
        if clash:
            # Names of two models that differ only in case (written around trendlab):
            # the nearest of them, suggested, would be a guess at which was meant.
            return f" (it {clash})"
        close = self.candidates(name, n=6)
        models: dict[str, str] = {}
        for candidate in close:
            model = candidate if candidate in self.slugs else self.aliases[candidate]
            if model not in models or candidate == model:
                models[model] = candidate
        found = [self.describe(c) for c in list(models.values())[:n]]
        if not found:
            return ""
        return f" (did you mean {listed(found, 'or')}?)"
