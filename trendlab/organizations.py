"""Which organization a model's organization, free text, names."""

from __future__ import annotations

from collections.abc import Mapping

from trendlab.text import fold, slugify


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
        self._by_fold = {fold(name): slug for slug, name in self.names.items()}

    def slug_of(self, text: str) -> str | None:
        """The slug of the organization `text` names; None when it names none."""
        by_name = self._by_fold.get(fold(text))
        if by_name is not None:
            return by_name
        slug = slugify(text)
        return slug if slug in self.names else None

    def name_of(self, text: str) -> str:
        """The name of the organization `text` names, else `text` as written."""
        slug = self.slug_of(text)
        return self.names[slug] if slug is not None else text
