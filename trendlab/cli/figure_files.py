"""A command's --plot figure: drawn before its output, written with it.

Drawn first, as a figure that cannot be drawn fails the command; written beside its
name, and given it only once the output is written (render.written_with): an output
that could not be (a full disk, an -o path refused) must not leave the figure of a
result never shown, nor a figure that could not be written the output of a failed
command.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from trendlab.cli.options import note


def laid_out(draw: Callable[[IO[Any], str], None], path: str) -> bytes:
    """The figure `draw(target, fmt)` makes, in the format `path`'s suffix names, as
    bytes not yet written."""
    from trendlab.plot import figure_format, missing_glyphs

    drawn = io.BytesIO()
    with missing_glyphs() as missing:
        draw(drawn, figure_format(path))
    if missing:
        # Only a PNG lacks them: an SVG keeps its text as text, for the viewer's fonts.
        note(
            f"{path}: its font has no glyph for {' '.join(missing)}, drawn as boxes; "
            "an .svg keeps them as text"
        )
    return drawn.getvalue()


def write_figure(data: bytes, path: str) -> None:
    """A figure laid out (laid_out) written to `path`, and a note saying so."""
    from trendlab.render import write_bytes

    write_bytes(data, path)
    note(f"wrote {path}")


@contextmanager
def written_with_output(figure: bytes | None, path: str | None) -> Iterator[None]:
    """Write `figure` to `path` with what the block writes (the command's output): it
    takes its name once the block has succeeded, and a figure that cannot be written
    fails the command before any output is (render.written_with). No figure, nothing."""
    if figure is None or path is None:
        yield
        return
    from trendlab.render import written_with

    try:
        with written_with(figure, path):
            yield
    except BrokenPipeError:  # the output's reader gone: the figure is written
        note(f"wrote {path}")
        raise
    note(f"wrote {path}")
