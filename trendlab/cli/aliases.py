"""Model aliases: alias add, alias list (retract them with `trendlab retract alias`)."""

from __future__ import annotations

import click

from trendlab.cli.options import (
    CONTEXT_SETTINGS,
    RECORD_NAME,
    CommandGroup,
    Settings,
    as_of_option,
    default_message,
    given_as,
    limit_option,
    message_option,
    note,
    note_added,
    output_options,
)


@click.group(cls=CommandGroup, context_settings=CONTEXT_SETTINGS)
def alias() -> None:
    """Other names of models: Epoch AI version ids, provider API ids, price-list ids.

    Every import resolves model names through them: a name is a model's slug or one
    of its aliases (case, surrounding spaces and Unicode form aside), never a guess.
    Retract an alias with `trendlab retract alias NAME -m WHY`.

    \b
    Example:
      trendlab alias add gpt-4 gpt-4-0314
      trendlab alias list --model gpt-4
      trendlab retract alias gpt-4-0314 -m "points at the wrong snapshot"
    """


@alias.command("add")
@click.argument("model")
@click.argument("name", metavar="ALIAS")
@click.option("--source-url", metavar="URL", help="Where the model goes by this name.")
@click.option("--notes", metavar="TEXT", help="Why this name means this model.")
@message_option()
@click.pass_obj
def add(
    settings: Settings,
    model: str,
    name: str,
    source_url: str | None,
    notes: str | None,
    message: str | None,
) -> None:
    """Give MODEL another name, ALIAS; prints the alias.

    \b
    Example:
      trendlab alias add gpt-4 gpt-4-0314 --source-url https://arxiv.org/abs/2303.08774
    """
    from trendlab.kinds import ALIASES
    from trendlab.records import retracted_slug_taken, rows_frame

    row = {"alias": name, "model": model, "source_url": source_url, "notes": notes}
    row = {k: v for k, v in row.items() if v is not None}
    given = given_as(click.get_current_context(), row, params={"alias": "name"})
    frame, default = rows_frame(ALIASES, [row]), "alias {alias} for {model}"
    with settings.writer() as store, settings.changeset(store, message or default) as cs:
        if not message:
            cs.message = default_message(cs, ALIASES, frame, default, "alias add", given)
        counts = cs.write(ALIASES, frame, mode="add", source="alias add", given=given)
        taken = retracted_slug_taken(store, counts.keys[0]) if cs.id else ""
    click.echo(counts.keys[0])
    if cs.id:
        note_added(counts, "alias", counts.keys[0], cs.id)
        if taken:
            note(taken)
    else:
        note(f"alias {counts.keys[0]} already names this model; nothing written")


@alias.command("list")
@click.option("--model", type=RECORD_NAME, metavar="SLUG", help="Only this model's aliases.")
@limit_option()
@as_of_option
@output_options()
@click.pass_obj
def list_(
    settings: Settings,
    model: str | None,
    limit: int | None,
    as_of: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """List aliases and the models they name.

    \b
    Example:
      trendlab alias list --model claude-3-opus --csv
    """
    from trendlab.kinds import ALIASES, MODELS
    from trendlab.records import resolve_key
    from trendlab.render import render

    with settings.reader(as_of) as store:
        # As `list aliases --model`: the model by any case or alias, a typo an error.
        if model is not None:
            model = resolve_key(store, MODELS, model)
        frame = store.records(ALIASES, model=model, limit=limit)
        as_of_note = store.as_of_note()
    if frame.is_empty():
        note(f"no aliases match{as_of_note}")
    render(frame, fmt, output)


COMMANDS = [alias]
