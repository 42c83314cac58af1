"""Which organization a model's organization, free text, names."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from trendlab.text import at_most, fold, matched_form, quoted, slugify


class Organizations:
    """The current organizations, as a model's organization text names one.

    By the name it writes, as names compare (see text.fold): the name is that
    organization's whatever slug an older slug rule gave it, and a name another was
    renamed to (Five-Lab, beside five-lab) is that other's. Else by the slug its text
    makes (`openai` names OpenAI). Retract, the figures and a write that makes the
    organizations its models name all read it so.
    """

    def __init__(self, names: Mapping[str, str | None]) -> None:
        """`names`: slug -> name of every current organization (Store.organization_names)."""
        self.names = {slug: name for slug, name in names.items() if name}
        self._by_fold: dict[str, list[str]] = {}
        for slug, name in self.names.items():
            self._by_fold.setdefault(fold(name), []).append(slug)

    def slug_of(self, text: str) -> str | None:
        """The slug of the organization `text` names; None when it names none."""
        by_name = self._by_fold.get(fold(text))
        if by_name:
            # Two current names that compare alike were stored before a write refused
            # them (check lists them): each is still the one its exact name names.
            exact = [slug for slug in by_name if self.names[slug] == text]
            return (exact or by_name)[-1]
        slug = slugify(text)
        return slug if slug in self.names else None

    def name_of(self, text: str) -> str:
        """The name of the organization `text` names, else `text` as written."""
        slug = self.slug_of(text)
        return self.names[slug] if slug is not None else text

    def sharing_name(self, text: str) -> list[str]:
        """The slugs of the organizations named `text`, as names compare, when more than
        one is: retracted ones may be (a retracted organization's name is free to take),
        and which of them `text` names is then the user's to say. Else []."""
        slugs = self._by_fold.get(fold(text), [])
        return sorted(slugs) if len(slugs) > 1 else []


def names_found(
    text: str, slug: str, name: str, had: Collection[str], written: Collection[str]
) -> bool:
    """Whether `text`, which found organization `slug` (named `name`), names it: its
    slug as typed (A-B), its name or one it had before a rename (`had`, folded: see
    text.fold), as names compare, or a text `written` by current models; not, where it
    only makes that slug ('a"b' for a/b's a-b), a write or a read of it being one of
    another name, unseen."""
    folded = fold(text)
    return matched_form(text) == slug or folded == fold(name) or folded in had or text in written


def shared_name(name: str, slugs: list[str], restore: str) -> str:
    """What a model naming its organization `name` is told where `slugs`, retracted
    organizations, all last had that name: restoring one is the user's choice, by
    `restore` (the import command on the store written)."""
    return (
        f"organization: {quoted(name)} was the last name of {len(slugs)} retracted "
        f"organizations: {', '.join(at_most(slugs, 10))}; restore the one meant first "
        f"(`{restore}` of a file of its slug and name)"
    )
