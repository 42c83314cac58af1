"""Text rules shared by validation, the store and the command line: ISO days, slugs,
control characters shown escaped.

Kept apart from trendlab.validate so that reading the store needs no Polars.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
import shlex
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime

from trendlab.errors import TrendlabError

# ISO days only: fromisoformat also takes 20240101. Not \d, which is any script's digit:
# ２０２６-１２-０６ is no date fromisoformat reads, nor one the user must be told is invalid.
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# A whole number as the user must write it: Python's int() also reads 6_0 as 60, and
# other scripts' digits (full-width ６) as ours, a typo or a paste taken for a number.
DIGITS_RE = r"[0-9]+"
# A decimal number so written (float() reads 8_0 and ８０ alike): 80, -1.5, .5, 1e27.
NUMBER_RE = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
# A number so written whose digits before any exponent are not all 0: one that reads as
# 0 (1e-400, past a double's least) was not written as 0, and is refused, not rounded.
NONZERO_RE = r"^[^eE]*[1-9]"
# Characters of a name the user typed, or of a value a file gives, that an error quotes:
# a name pasted by mistake (a whole file, 20,000 characters) made an error line as long.
QUOTED_CHARS = 60


def utc_today() -> date:
    """Today in UTC, the day every date here is in."""
    return datetime.now(UTC).date()


def moment_text(moment: datetime, sep: str = " ") -> str:
    """A moment --as-of or --since reads, as text: to the second when it was given with
    no fraction (Store.parse_as_of reads that up to its .999999), else to the
    microsecond: cut to its second, a moment inside one read as the whole second. By
    isoformat, not %Y, which writes year 999 as 999, not 0999 as --as-of reads it."""
    spec = "seconds" if moment.microsecond == 999_999 else "microseconds"
    return moment.isoformat(sep=sep, timespec=spec)


def as_of_option(moment: datetime) -> str:
    """--as-of `moment` as a command this suggests gives it, so that it reads the state
    read: with 'T', not a space, so that it needs no quotes."""
    return f"--as-of {moment_text(moment, 'T')}"


def iso_day(text: str) -> date | None:
    """The day `text` writes as YYYY-MM-DD, or None: not so written (fromisoformat also
    reads 20240101), or no such day (2023-02-30)."""
    if not re.fullmatch(DATE_RE, text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def fold(text: str) -> str:
    """A name as names compare: compatibility forms and accents dropped, case folded,
    runs of spaces as one (Zürich and ZURICH, one name in NFC and NFD, or 北京 实验室
    and 北京  实验室, fold alike: a space typed twice is no other name)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(" {2,}", " ", plain).casefold()


def slugify(text: str) -> str:
    """A slug for a name: lowercase, accents dropped (Zürich -> zurich), runs of other
    characters become '-'. Letters or digits a slug cannot hold (深度求索, Яндекс), none
    at all, or more than a slug's 100 characters, add a hash of the name, so that no two
    names share a slug for what they lose."""
    plain = fold(text)
    slug = re.sub(r"[^a-z0-9._]+", "-", plain).strip("-._")
    if slug and len(slug) <= 100 and not any(c.isalnum() and not c.isascii() for c in plain):
        return slug
    # Of the folded form: ЯНДЕКС and Яндекс, or one name in NFC and NFD, are one name.
    digest = hashlib.blake2b(plain.encode(), digest_size=5).hexdigest()
    return f"{slug[:88].rstrip('-._')}-{digest}" if slug else f"n-{digest}"


# A character that shows nothing alone, in a syntax both Python's re and Polars read:
# white space (Unicode's White_Space, spelt out, as Python's \s adds U+001C-U+001F),
# Unicode's default-ignorable code points (format characters such as U+200D ZERO WIDTH
# JOINER and U+00AD SOFT HYPHEN, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0,
# variation selectors, tags) and U+2800 BRAILLE PATTERN BLANK. Not a combining mark
# (U+0301), which shows, alone or on a letter, nor a format character that shows
# (U+0600 ARABIC NUMBER SIGN), nor another control character: a NUL or U+0001 is
# garbage to refuse, as the write path does, not nothing.
INVISIBLE_CLASS = (
    r"[\t-\r\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    r"\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
# Text with no character that shows: blank, as if empty. A name of a zero-width joiner
# alone was stored, and listed as nothing.
BLANK_RE = f"^{INVISIBLE_CLASS}*$"


def re2_syntax(pattern: str) -> str:
    """`pattern`, written for Python's re (and Polars), in the syntax of DuckDB's RE2,
    which reads a code point as \\x{200d}, not \\u200d or \\U000e0000: as written,
    DuckDB refused BLANK_RE ("invalid escape sequence"). For a pattern, such as
    BLANK_RE, with no escaped backslash."""
    return re.sub(
        r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})",
        lambda found: f"\\x{{{found[1] or found[2]}}}",
        pattern,
    )


def blank(text: str) -> bool:
    """Whether `text` shows nothing (see BLANK_RE): empty, white space, or invisible
    characters alone, which every name, message and field takes as not given."""
    return re.fullmatch(BLANK_RE, text) is not None


# Control characters and line separators (Polars' regular expression syntax; Cc is
# C0, DEL and C1): a newline inside a quoted CSV field, a NUL byte, a tab.
CONTROL_RE = r"[\p{Cc}\p{Zl}\p{Zp}]"
# Unicode's format characters: invisible, yet they change what text shows (U+202E
# shows the rest of a line reversed, U+200B splits a name unseen).
FORMAT_RE = r"\p{Cf}"
_ESCAPED = frozenset({"Cc", "Zl", "Zp", "Cf"})  # the categories of both
# Format characters that spell words rather than hide or reorder them: the zero-width
# non-joiner and joiner of Persian and Indic names and of emoji sequences. Shown as
# they are; an alias still refuses them (FORMAT_RE).
_SPELLING = frozenset({"\u200c", "\u200d"})
# The format characters but those joiners: what hides in text that may spell with them.
HIDING_FORMAT_RE = r"[^\P{Cf}\x{200C}\x{200D}]"
_ASCII_ESCAPES = {c: repr(chr(c))[1:-1] for c in (*range(0x20), 0x7F)}
_ASCII_CELL_ESCAPES = {c: e for c, e in _ASCII_ESCAPES.items() if c != ord("\n")}


def escaped(text: str, *, newlines: bool = False) -> str:
    """`text` with each control, line-separator and format character (but the
    joiners, _SPELLING) as its Python escape (\\n, \\x00, \\u202e), but newlines if
    `newlines`: what a one-line error or a table cell shows of them, so that none can
    break a line, move a column or hide."""
    if text.isascii():  # almost always: no per-character work
        return text.translate(_ASCII_CELL_ESCAPES if newlines else _ASCII_ESCAPES)
    return "".join(
        repr(c)[1:-1]
        if unicodedata.category(c) in _ESCAPED
        and c not in _SPELLING
        and not (newlines and c == "\n")
        else c
        for c in text
    )


def nfkc(text: str) -> str:
    """`text` in Unicode's NFKC form: full-width letters, ligatures, a no-break space
    and decomposed accents written as their plain equivalents (ｇｐｔ as gpt)."""
    return unicodedata.normalize("NFKC", text)


def quoted(text: str) -> str:
    """`text`, something the user typed, quoted for an error as repr quotes it; past
    QUOTED_CHARS characters, its start and how long it is: 'gggg'... (20000 characters)."""
    if len(text) <= QUOTED_CHARS:
        return repr(text)
    return f"{text[:QUOTED_CHARS]!r}... ({len(text)} characters)"


def matched_form(name: str) -> str:
    """A typed name as names match: in NFKC form, without surrounding spaces, in
    lowercase (' ＧＰＴ-4 ' as gpt-4), as a model's name resolves (trendlab.aliases)."""
    return nfkc(name).strip().lower()


def name_forms(name: str) -> set[str]:
    """The forms a typed name matches a stored name (an alias, lowercased) in: its
    matched_form, or as given ignoring case and spaces, for a name stored before
    aliases were kept in NFKC."""
    return {name.strip().lower(), matched_form(name)}


def shows_as_written(text: str) -> bool:
    """Whether `text` holds none of the characters `escaped` escapes (control, line
    separator, format but the joiners): a name on one line that shows as written. Not
    str.isprintable, which refuses every space but ' ' (a Japanese name's U+3000) and
    the joiners of Persian and Indic names."""
    return escaped(text) == text


def shell_word(text: str) -> str:
    """`text` as a POSIX shell reads it back as one word, for a command a message
    suggests: as shlex.quote writes it, unless it holds a character `escaped` shows as
    an escape (a newline, U+202E), which a one-line message cannot show as it is; then
    in bash's and zsh's $'...' form, which reads those escapes back ($'x\\ny.duckdb'). The
    message escaped shlex's 'x<newline>y.duckdb' as 'x\\ny.duckdb', another file's name."""
    if shows_as_written(text):
        return shlex.quote(text)

    def ansi_c(c: str) -> str:
        if c in "\\'":
            return "\\" + c
        if shows_as_written(c):
            return c
        # Past ASCII, \xHH is a byte in $'...', not the character: \u or \U spells it.
        if c.isascii():
            return repr(c)[1:-1]
        return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"

    return "$'" + "".join(ansi_c(c) for c in text) + "'"


def nfkc_difference(text: str) -> str:
    """What NFKC writes otherwise in `text`, for a message, since the two may look
    alike: its first such character ('U+00A0 NO-BREAK SPACE'), else (NFKC only joins
    characters) 'a character in decomposed form'."""
    for c in text:
        if nfkc(c) != c:
            return _named(c)
    return "a character in decomposed form"


def format_character(text: str, *, joiners: bool = True) -> str:
    """The first format character in `text` (see FORMAT_RE; without `joiners`, the
    first but a joiner, see HIDING_FORMAT_RE), for a message: the joiners are not
    escaped there (see escaped), so the quoted text does not show them ('U+200D ZERO
    WIDTH JOINER'); '' when there is none."""
    for c in text:
        if unicodedata.category(c) == "Cf" and (joiners or c not in _SPELLING):
            return _named(c)
    return ""


def _named(c: str) -> str:
    return f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip()


def stdin_bytes() -> bytes:
    """All of stdin, or an error if there is none to read: closed (`<&-`), Python has
    no sys.stdin."""
    if sys.stdin is None:
        raise TrendlabError("cannot read stdin: it is closed")
    try:
        return sys.stdin.buffer.read()
    except OSError as exc:
        raise TrendlabError(f"cannot read stdin: {exc.strerror or exc}") from None


def utf8_text(data: bytes, source: str) -> str:
    """`data` decoded as UTF-8, a byte-order mark dropped, or an error naming `source`
    and the line of the first byte that is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Lines end with \n, \r\n or a lone \r, as the CSV reader counts them.
        line = len(re.findall(rb"\r\n|\r|\n", data[: exc.start])) + 1
        raise TrendlabError(
            f"{source}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


def is_utf8(text: str) -> bool:
    """Whether `text` can be written as UTF-8: bytes that are not UTF-8 reach Python
    (on the command line, in a file read with surrogateescape) as lone surrogates,
    which cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def name_fault(name: str) -> str | None:
    """What is wrong with a file name to write to, as words after "the file name": 'is
    empty'; 'is only white space', spaces or tabs alone, which would write a file hard
    to see or type; or "'out.csv ' ends with white space" (or begins), surely a slip:
    its suffix, '.csv ', names no format, and ' out.csv' would be written as a file
    that lists as out.csv does. None for a name with none of these."""
    if not name:
        return "is empty"
    stripped = name.strip()
    if not stripped:
        return "is only white space"
    if stripped == name:
        return None
    begins, ends = name[0].isspace(), name[-1].isspace()
    where = "begins and ends" if begins and ends else "begins" if begins else "ends"
    return f"{name!r} {where} with white space"


def number(value: float) -> str:
    """A number for a message: to 6 significant digits, as `:g` writes it, or as many
    more as it takes to read back as itself, so that a message never misstates it
    (a threshold of 100.0001 is not 100 past a ceiling of 100, nor 89.99999 a ceiling
    of 90). A number typed as a short decimal reads as typed, a subnormal one too."""
    if 0 < abs(value) < sys.float_info.min:
        # Six digits are more than a subnormal holds: 1e-320's read 9.99989e-321, which
        # reads back as itself, so only the shortest text shows it as stored.
        return repr(float(value))  # a numpy float's repr names its type
    text = f"{value:g}"
    digits = 6
    while digits < 17 and float(text) != value and value == value:  # NaN never reads back
        digits += 1
        text = f"{value:.{digits}g}"
    return text


def round_significant(value: float, digits: int) -> float:
    """`value` rounded to `digits` significant digits as `:.{digits}g` writes it, which
    drops the noise float arithmetic leaves in the last bits (0.1 + 0.2 is
    0.30000000000000004; to 15 digits, 0.3). Python's formatting, not Polars'
    round_sig_figs, which leaves noise of its own at 1e-300."""
    return float(f"{value:.{digits}g}")


def large_number_digits(value: float) -> int | None:
    """The significant digits a number for people is written to when it is too large
    for decimals: 6 from 1e15 up, where a double holds no decimal (two decimals printed
    every digit of 1.4500557169759593e+300); None below it, where decimals serve."""
    return 6 if abs(value) >= 1e15 else None


def significant_text(value: float, digits: int) -> str:
    """A number for people to `digits` significant digits, thousands separated as
    every number for people is (`:g` wrote a factor of 1560 as 1.56e+03), and as `:g`
    writes it where large_number_digits gives up decimals."""
    if large_number_digits(value) is not None:
        return f"{value:.{digits}g}"
    rounded = round_significant(value, digits)
    places = digits - 1 - math.floor(math.log10(abs(rounded))) if rounded else 0
    text = f"{rounded:,.{max(places, 0)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def computed_number(value: float) -> str:
    """A number worked out from stored ones (a share of a benchmark's range) for a
    message, as `number` writes it less the noise of the arithmetic, which `number`
    would keep to read back as itself (0.0001 of 75 is 0.007500000000000001)."""
    return number(round_significant(value, 15))


def level_percent(level: float) -> float:
    """An interval's level, kept as a fraction (0.8), in percent as it was given
    (80.123456789, not the 80.1235 or 80.123457 a fixed number of digits makes of it),
    the noise of dividing it by 100 and back gone: every headline and JSON document
    that gives a level gives this one number."""
    return round_significant(level * 100, 15)


def level_text(level: float) -> str:
    """level_percent as a headline writes it: '80', '80.123456789'."""
    return f"{level_percent(level):.15g}"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 row', '2 rows': a count and its noun in agreement (`plural` when not noun+s)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def listed(items: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c': items in a sentence, `last` before the last one."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def at_most(
    items: Sequence[str],
    shown: int | None,
    noun: str = "",
    plural: str | None = None,
    *,
    total: int | None = None,
) -> list[str]:
    """The first `shown` of `items` (all of them if None) and, when that leaves some
    out, a last item saying how many: '... and 3 more', or with a `noun` '... and 3
    more rows' (`plural` as for counted). `total` is how many there are when `items`
    holds only the first of them (a frame's head), so that no caller words its own."""
    total = len(items) if total is None else total
    if shown is None or total <= shown:
        return list(items)
    rest = total - shown
    more = counted(rest, f"more {noun}", plural and f"more {plural}") if noun else f"{rest} more"
    return [*items[:shown], f"... and {more}"]


# The largest field size limit every platform's C long takes.
_CSV_FIELD_LIMIT = 2**31 - 1


@contextmanager
def csv_long_fields() -> Iterator[None]:
    """Python's csv reader taking a field of any length while in this block: it refuses
    one past 131,072 characters, where Polars reads any, so a long note that export
    wrote failed its own import whenever the file went through the csv reader. The
    limit is process-wide: it is restored after, so that a program importing trendlab
    keeps its own (raised once at import, it was raised for every such program)."""
    before = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(before)
