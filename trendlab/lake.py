"""Connecting to a DuckLake team store: locations, extensions from wheels, ATTACH.

A team store is a DuckLake catalog, held in PostgreSQL (`ducklake:postgres:CONNINFO`)
or in a local DuckDB file (`ducklake:FILE.ducklake`), with its data files under a
data path. The connection attaches it and makes it the default catalog (USE), so the
schema's tables and views answer to the same unqualified names as in a DuckDB file.

The extensions come from the duckdb-ext-ducklake and duckdb-ext-postgres wheels (the
`team` extra) and are LOADed from their files: nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import getpass
import itertools
import os
import random
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import duckdb

from trendlab.errors import ExitCode, TrendlabError
from trendlab.locking import retry_while_locked
from trendlab.nopandas import pandas_hidden

PREFIX = "ducklake:"
ALIAS = "trendlab"  # the attached catalog's name inside the connection
INLINING_ROW_LIMIT = 1000  # small writes go to the catalog, not a Parquet file each

# (extension file stem, the wheel distribution that ships it)
EXTENSIONS = {
    "ducklake": ("ducklake", "duckdb-ext-ducklake"),
    "postgres": ("postgres_scanner", "duckdb-ext-postgres"),
}

# Waits (seconds, before jitter) between attempts to commit a write that lost a race
# with another writer: growing from 50 ms, at most 1 s, about 25 s in all. Losing
# means another writer has just committed, so a loser that retries soon has a fair
# chance; waiting longer would only let the winners lap it.
CONFLICT_RETRY_DELAYS = tuple(min(0.05 * 1.5**n, 1.0) for n in range(30))
# Waits before attaching again after another process's `init` made the same new
# catalog at the same moment (about 2 s in all; making one takes a fraction of that).
CREATE_RACE_DELAYS = (0.1, 0.2, 0.4, 0.6, 0.8)

# A PostgreSQL catalog waits at least this long for a lock, whatever --lock-timeout
# says: another writer's commit holds the catalog's locks for a moment, and failing on
# that would turn the races DuckLake settles (and we retry) into errors.
MIN_CATALOG_LOCK_WAIT = 1.0
# DuckDB reads `TYPE:` at the start of a database path (postgres:, sqlite:, md:) as the
# extension that opens it, not as part of a file name; `s3://` and a drive letter are
# paths.
DATABASE_TYPE_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_]+):(?!//)")
# A PostgreSQL CONNINFO given bare ('dbname=trendlab host=db.lab', or a URI
# 'postgresql://db.lab/trendlab'): no file is meant. It opens with any of libpq's
# keywords ('sslmode=require dbname=...' was a file of that name, its password in it).
_LIBPQ_KEYWORDS = (
    "host|hostaddr|port|dbname|user|password|passfile|require_auth|channel_binding|"
    "connect_timeout|client_encoding|options|application_name|fallback_application_name|"
    "keepalives|keepalives_idle|keepalives_interval|keepalives_count|tcp_user_timeout|"
    "replication|gssencmode|sslmode|sslnegotiation|requiressl|sslcompression|sslcert|sslkey|"
    "sslcertmode|sslpassword|sslrootcert|sslcrl|sslcrldir|sslsni|requirepeer|"
    "ssl_min_protocol_version|ssl_max_protocol_version|krbsrvname|gsslib|gssdelegation|"
    "service|target_session_attrs|load_balance_hosts"
)
CONNINFO_RE = re.compile(rf"^\s*(?:(?:{_LIBPQ_KEYWORDS})\s*=|(?i:postgres(?:ql)?://))")
# PostgreSQL's lock_timeout is a 32-bit count of milliseconds (about 24.8 days): a
# longer wait, --lock-timeout 1e9 for "as long as it takes", is set as this longest
# one, as the server refused any more and every connection to the catalog with it.
MAX_CATALOG_LOCK_WAIT_MS = 2**31 - 1
# Seconds libpq waits for the catalog's server to take a connection and answer, unless
# the connection string or PGCONNECT_TIMEOUT says otherwise (see _with_connect_timeout).
CONNECT_TIMEOUT = 10
_LOCK_TIMEOUT_TEXT = "canceling statement due to lock timeout"

# The PostgreSQL advisory lock a store's writers queue on (see writers_queue). Advisory
# locks are per database, and a catalog database holds one store, so a constant key
# names the store's queue; its first half spells "trnd", for anyone reading pg_locks.
_WRITERS_QUEUE_SQL = (
    f"SELECT * FROM postgres_query('__ducklake_metadata_{ALIAS}', "
    "'SELECT pg_advisory_xact_lock(1953656420, 1)')"
)

# DuckDB's words when the OS refused to open or create a file, its reason last.
_FILE_REFUSED_RE = re.compile(r'Cannot open file "[^"]*": (?P<why>[^\n"]+)$', re.MULTILINE)
# The connection string it quotes may hold a '"' of its own (in a password).
_PG_ERROR_RE = re.compile(r'Unable to connect to Postgres at "(?:[^"]|"(?!: ))*": (?P<why>[^\n]*)')
# A `password=` value as libpq reads it (see _CONNINFO_PAIR_RE): a backslash escapes
# the next character, so 'it\'s mine' and it\ s are each one password, quote and blank
# included, and masked whole. A quote left open, which libpq refuses, is masked to the
# end of the text: all of it may be the password ('SEC RET, its closing quote
# forgotten). So is what follows a closing quote up to a blank, which libpq refuses
# as a keyword lacking its '=', and which is the rest of the password as its user
# meant it: 'pa''ss', a quote doubled as SQL doubles it, or 'pa'ss.
# One after a URI's '?' or '&' is a URI parameter, masked by _mask_uri_params instead,
# as is an `sslpassword` there (a client key's); as a keyword, it is masked here too.
_PASSWORD_RE = re.compile(
    r"((?<![?&])(?<![?&]ssl)password\s*=\s*)('(?:[^'\\]|\\.)*'(?:[^\s\\]|\\.)*|'.*|(?:[^\s\\]|\\.|\\\Z)+)",
    re.IGNORECASE | re.DOTALL,
)
_QUOTED_VALUE_RE = re.compile(r"'(?:[^'\\]|\\.)*'", re.DOTALL)  # as libpq reads one
# The words after a `password=` value that libpq reads as keywords lacking their '='
# (none follows them): the rest of a password holding a blank its user did not escape
# (password=SEC RET), which libpq's error quotes back (missing "=" after "RET").
_PASSWORD_WORDS_RE = re.compile(r"(?:\s+[^\s=]+(?!\S)(?!\s*=))+")
# A keyword/value connection string, not a message quoting one: it opens with a keyword.
_KEYWORD_CONNINFO_RE = re.compile(r"\s*[^\s=]+\s*=")
_URI_RE = re.compile(r"postgres(ql)?://", re.IGNORECASE)  # a connection string that is a URI
# A URI's `user:password@`, as its user most likely meant it: up to the last @ before its
# parameters (a '?' before a `keyword=`) or a blank (where a URI in a message ends:
# another URI, or a mail address, may follow), inside the quotes a message puts it in
# (a '"' before a blank, a ':', ',', ';' or ')', or the end), so a password that holds
# an @ or a / not percent-encoded (pw:Ab3/x@host, pw:SEC@RET@host, pw:a?b/c@host,
# pw:a"b/c@host) is masked whole, although libpq reads it only up to the first @ or /;
# failing that, up to the @ libpq reads it to (one that holds a space: pw:my pass@host),
# still inside those quotes (a URI with no path, "postgresql://host:5432": role "a@b").
_URI_PASSWORD_RE = re.compile(
    r'(postgres(?:ql)?://[^:@/\s]*:)((?:[^?"\s]|\?(?![^/@?&="\s]*=)|"(?![\s:,;)]|\Z))*'
    r'|(?:[^@/\n"]|"(?![\s:,;)]|\Z))*)@',
    re.IGNORECASE,
)
# Where libpq cuts a URI into its parts: a password holding one of these, not
# percent-encoded, is read in pieces, some as other parts, which its errors then quote.
_URI_DELIMITERS_RE = re.compile(r"[@/:?&=,\[\]]+")
# A URI's parameters: what follows its '?', up to a blank (the end of the URI in a message).
_URI_QUERY_RE = re.compile(r"(postgres(?:ql)?://[^?\s]*\?)(\S*)", re.IGNORECASE)


def check_parent(file: Path, location: str, *, create: bool) -> None:
    """Refuse to create a store's file (a DuckDB file, a local lake's catalog) in a
    folder that does not exist: the path given is wrong whatever the store would hold,
    a usage error, as an -o into no directory is (DuckDB's own error quotes library
    internals)."""
    # A symbolic link that names no file yet: the file is created where it points, as
    # init and copy build it (a link into no directory failed on "No such file or
    # directory", exit 1, naming neither).
    parent = Path(os.path.realpath(file)).parent if file.is_symlink() else file.parent
    if create and not file.exists() and not parent.is_dir():
        raise TrendlabError(
            f"cannot create {location}: {_why_no_directory(parent)}",
            exit_code=ExitCode.USAGE,
        )


def _why_no_directory(folder: Path) -> str:
    """Why `folder` is none: a file where a folder of its path should be (`--db
    old.duckdb/new.duckdb` was told "no such directory old.duckdb", with old.duckdb right
    there, where -o and --data-path say "not a directory"), else nothing there."""
    blocker = file_in_the_way(folder)
    return f"not a directory ({blocker} is a file)" if blocker else f"no such directory {folder}"


def file_in_the_way(folder: Path) -> Path | None:
    """The file that stands where `folder`, or a folder above it, should be: the first of
    them that exists, where it is no folder; None where it is one, or none exists. One
    walk for every "not a directory (X is a file)": --db's, copy's DST's and -o's."""
    for above in (folder, *folder.parents):
        if above.exists():
            return None if above.is_dir() else above
    return None


def check_not_wal(file: Path, location: str, *, create: bool) -> None:
    """Refuse to create a store's file (a DuckDB file, a local lake's catalog), or to
    init or copy into one, whose name ends in .wal: DuckDB takes a.duckdb.wal for the
    write-ahead log of a.duckdb, and deletes it when a.duckdb is next opened (created,
    if it is not there) or written, so a copy to it was lost without a word. A usage
    error, as a folder that does not exist is."""
    if create and file.name.lower().endswith(".wal"):
        verb = "write to" if file.exists() else "create"
        raise TrendlabError(
            f"cannot {verb} {location}: DuckDB takes a file whose name ends in .wal for "
            f"the write-ahead log of {file.name[:-4]}, and deletes it; give another name",
            exit_code=ExitCode.USAGE,
        )


# What a data file's suffix says it holds, as export writes it and import reads it.
_DATA_FILES = {"csv": "CSV", "json": "JSON", "jsonl": "JSON Lines", "parquet": "Parquet"}


def check_not_data_file(file: Path, location: str, *, create: bool) -> None:
    """Refuse to create a store's file (a DuckDB file, a local lake's catalog) whose name
    says a CSV, JSON or Parquet file: `copy trendlab.duckdb backup.csv`, meant as an
    export, made a DuckDB file that a spreadsheet showed as bytes and `import` refused
    as CSV. An existing file so named is let be: it is a store made before. A usage
    error, as a name ending in .wal is."""
    from trendlab.render import SUFFIXES

    fmt = SUFFIXES.get(file.suffix.lower())
    if create and fmt is not None and not file.exists():
        said = _DATA_FILES[fmt]
        raise TrendlabError(
            f"cannot create {location}: its name says a {said} file, but a store is a "
            f"DuckDB file: give it another name ({file.stem}.duckdb), or write one kind's "
            f"records as {said} with `trendlab export KIND -o {file}`",
            exit_code=ExitCode.USAGE,
        )


def is_lake(location: str) -> bool:
    return location.startswith(PREFIX)


@dataclass(frozen=True)
class LakeLocation:
    """A parsed `ducklake:...` location."""

    text: str  # as given, for messages (a password masked)
    catalog: str  # what follows `ducklake:` in ATTACH
    file: Path | None  # the catalog file of a local lake; None for PostgreSQL

    @property
    def is_postgres(self) -> bool:
        return self.file is None

    @classmethod
    def parse(cls, location: str) -> LakeLocation:
        rest = location.removeprefix(PREFIX)
        shown = mask_password(location)
        if rest.startswith("postgres:"):
            if not rest.removeprefix("postgres:").strip():
                # Wrong whatever the store holds, as an empty --db is: a usage error.
                raise TrendlabError(
                    f"{shown}: give the catalog's PostgreSQL connection, e.g. "
                    "ducklake:postgres:dbname=trendlab host=db.example.org",
                    exit_code=ExitCode.USAGE,
                )
            return cls(shown, rest, None)
        other_catalog = re.match(r"^\w+:", rest) and not re.match(r"^[A-Za-z]:[\\/]", rest)
        # A CONNINFO without its postgres: was a local lake's file name, password and all.
        if not rest or other_catalog or CONNINFO_RE.match(rest):
            raise TrendlabError(
                f"{shown}: a team store is ducklake:postgres:CONNINFO, or "
                "ducklake:FILE.ducklake for a local lake",
                exit_code=ExitCode.USAGE,
            )
        path = Path(rest).expanduser().resolve()
        return cls(shown, str(path), path)

    def database(self) -> tuple[str, ...]:
        """What names the store however its location is written: a local lake's catalog
        file; a PostgreSQL catalog's server and database (see _postgres_database), so
        `postgresql://u@localhost/db` and `dbname=db host=localhost port=5432` are one."""
        if self.file is not None:
            return (str(self.file),)
        return _postgres_database(self.catalog.removeprefix("postgres:"))

    def default_data_path(self) -> str | None:
        """A local lake keeps its data files beside its catalog: FILE.ducklake.files."""
        return str(self.file) + ".files" if self.file else None


def extension_file(name: str) -> Path:
    """The extension's file inside its wheel, for this DuckDB version."""
    import importlib.metadata  # only a team store needs it: not on every command's path

    stem, dist = EXTENSIONS[name]
    hint = f"pip install 'trendlab[team]' (it brings {dist})"
    try:
        files = importlib.metadata.files(dist) or []
    except importlib.metadata.PackageNotFoundError:
        raise TrendlabError(f"the team store needs DuckDB's {name} extension: {hint}") from None
    wanted = f"v{duckdb.__version__}"
    found = [f for f in files if f.name == f"{stem}.duckdb_extension"]
    for f in found:
        if wanted in f.parts:
            return Path(str(f.locate()))
    built = ", ".join(sorted({p for f in found for p in f.parts if p.startswith("v")})) or "none"
    raise TrendlabError(
        f"{dist} has no {name} extension for DuckDB {duckdb.__version__} (it has: {built}): {hint}"
    )


def connect(
    location: str,
    *,
    read_only: bool,
    create: bool,
    data_path: str | None,
    lock_timeout: float,
    data_path_option: str = "--data-path",
    named: str = "--db",
    new: Callable[[], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the lake attached as its default catalog.

    Readers attach READ_ONLY. Without `create`, a lake that does not exist yet is an
    error and nothing is created. `data_path` is where a new lake keeps its data files;
    given for an existing lake, it overrides the stored one for this connection (the
    shared storage is mounted at another path on this machine), and is refused unless
    the lake's data files are there. `data_path_option` is the option that gave it
    (copy's --source-data-path), which a refusal names; `named` is what gave
    `location` (copy's SRC), which an error that there is no lake names. With
    `create`, `new` is called before a lake not there yet (no catalog file, a catalog
    database that holds no tables) is made: an error it raises leaves nothing made.
    """
    lake = LakeLocation.parse(location)
    con = duckdb.connect(
        config={
            # No network: extensions load only from the wheels' files.
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            # Checking an extension's signature reads all 50 MB of it, 0.2 s each time
            # a command starts. These files came with pip like DuckDB's own native
            # library beside them, which nothing checks either, so the check adds no
            # protection that importing duckdb does not already give up.
            "allow_unsigned_extensions": True,
            # The user's persistent secrets (~/.duckdb/stored_secrets) are for their own
            # DuckDB work: none is trendlab's (the catalog's password is a temporary
            # one, see _password_in_secret), nor of use to it (it loads no extension that
            # reads remote files), and one DuckDB cannot read (of another version, a
            # file whose permissions it refuses) failed every command on the store,
            # with "Failed to load DuckLake table data" alone.
            "allow_persistent_secrets": False,
            # A command's work on a team store is many small catalog reads, which a
            # second thread only slows: one thread took a fifth to two fifths less
            # time (bench/team_store.py: add-result 0.71 -> 0.56 s, list 0.49 -> 0.29 s).
            "threads": 1,
        }
    )
    try:
        needed = ["ducklake", "postgres"] if lake.is_postgres else ["ducklake"]
        for name in needed:
            con.execute(f"LOAD '{_quote(str(extension_file(name)))}'")
        if lake.is_postgres:
            lake = _password_in_secret(con, lake)
        # The attach itself reports a lock (see _attach_error); what follows it reads
        # the catalog again.
        with naming_locks(lake.text, named):
            _attach(
                con,
                lake,
                read_only=read_only,
                create=create,
                data_path=data_path,
                lock_timeout=lock_timeout,
                data_path_option=data_path_option,
                named=named,
                new=new,
            )
            con.execute(f"USE {ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


def _attach(
    con: duckdb.DuckDBPyConnection,
    lake: LakeLocation,
    *,
    read_only: bool,
    create: bool,
    data_path: str | None,
    lock_timeout: float,
    data_path_option: str,
    named: str,
    new: Callable[[], None] | None = None,
) -> None:
    if lake.file is not None and lake.file.is_dir():
        # The path given is wrong whatever is in the folder: a usage error.
        raise TrendlabError(
            f"cannot open {opened_as(lake.text, named)}: {lake.file} is a folder, not a "
            "DuckLake catalog file",
            exit_code=ExitCode.USAGE,
        )
    if lake.file is not None and special_file(lake.file):
        # A named pipe's header was read waiting for a writer for ever.
        raise TrendlabError(
            f"cannot open {opened_as(lake.text, named)}: {lake.file} is a pipe, device or "
            "socket, not a DuckLake catalog file",
            exit_code=ExitCode.USAGE,
        )
    if lake.file is not None and not create and not lake.file.exists():
        raise TrendlabError(
            f"no team store at {lake.text}: run `{_command_on(lake.text, 'init')}` to create "
            "one, or point --db (TRENDLAB_DB) at an existing one"
            if named in DB_NAMES
            else f"{named} {lake.text}: no such team store"
        )
    if lake.file is not None:
        shown = opened_as(lake.text, named)  # copy's DST is named so
        check_parent(lake.file, shown, create=create)
        check_not_wal(lake.file, shown, create=create)
        check_not_data_file(lake.file, shown, create=create)
        _refuse_other_file(lake, named)
    given = _absolute(data_path) if data_path else None
    # The folder the data files are in (or will go to), where this machine can look in it.
    new_path = _local_folder(given) if given else None
    if data_path and new_path and not create:
        refuse_no_directory(new_path, data_path, data_path_option)
    if data_path and new_path and create:
        _check_new_data_path(new_path, data_path, data_path_option)
    options = ["READ_ONLY"] if read_only else []
    options.append(f"CREATE_IF_NOT_EXISTS {str(create and not read_only).lower()}")
    if given:
        options += [f"DATA_PATH '{_quote(given)}'", "OVERRIDE_DATA_PATH true"]
    elif create and lake.default_data_path() and not (lake.file and lake.file.exists()):
        # Only for a new lake: an existing one made with --data-path keeps its own, and
        # DuckLake refuses a DATA_PATH that differs from the stored one.
        options.append(f"DATA_PATH '{_quote(str(lake.default_data_path()))}'")
    catalog = (
        _with_connect_timeout(_with_lock_timeout(lake.catalog, lock_timeout))
        if lake.is_postgres
        else lake.catalog
    )
    sql = f"ATTACH '{PREFIX}{_quote(catalog)}' AS {ALIAS} ({', '.join(options)})"

    if not given and lake.default_data_path():
        new_path = Path(str(lake.default_data_path()))

    def attach() -> None:
        held: list[str] = []
        # Looked in before the catalog is read: a store's files come only after its
        # catalog, so files there while no catalog was are another's, not those of a
        # member's `init` of this store at the same moment.
        there = _folder_contents(new_path) if create and new_path else None
        if create and (lake.file is None or lake.file.is_file()):
            held = _refuse_other_tables(con, lake, catalog, named)  # a lock it meets is waited for
        if there is not None and not held:
            _refuse_taken_data_path(new_path, there, lake, data_path, data_path_option, named)
        if new and create and not read_only and not held:
            new()
        for delay in (*CREATE_RACE_DELAYS, None):
            try:
                con.execute(sql)
                return
            except duckdb.Error as exc:
                if delay is None or not (create and _lost_creation_race(str(exc))):
                    raise
            # Another member's `init` made the catalog at the same moment: attach theirs.
            time.sleep(jittered(delay))

    retry_while_locked(
        attach,
        f"team store {lake.text}",
        lock_timeout,
        lambda text: _attach_error(con, lake, text, named),
    )
    moved = None if given else _moved_with_its_catalog(con, lake)
    if moved:
        # Its data files moved with it: read and write them there, as a DuckDB file's
        # records move with it. The catalog keeps the path it was made with.
        con.execute(f"DETACH {ALIAS}")
        options += [f"DATA_PATH '{_quote(moved)}'", "OVERRIDE_DATA_PATH true"]
        sql = f"ATTACH '{PREFIX}{_quote(catalog)}' AS {ALIAS} ({', '.join(options)})"
        retry_while_locked(
            lambda: con.execute(sql),
            f"team store {lake.text}",
            lock_timeout,
            lambda text: _attach_error(con, lake, text, named),
        )
    elif data_path and given:
        _check_override(con, lake, data_path, given, data_path_option)
    elif not read_only:
        _check_stored_path_is_here(con, lake)


def _moved_with_its_catalog(con: duckdb.DuckDBPyConnection, lake: LakeLocation) -> str | None:
    """The data path beside a local lake's catalog (FILE.ducklake.files), if the lake was
    made with one (its stored path, absolute, is another catalog's FILE.ducklake.files)
    and moved, renamed or copied with its folder since: the one beside the catalog holds
    the lake's files, or, with none yet, the stored folder is not on this machine; else
    None. Moved, every write was refused, as if shared storage were not mounted, and
    every read of a data file failed; copied, a big write went to the original's folder,
    whose cleanup (ducklake_delete_orphaned_files) deletes it."""
    beside, stored = lake.default_data_path(), data_path(con)
    if beside is None or stored is None or "://" in stored or _same_path(stored, beside):
        return None
    if not Path(stored).name.endswith(".ducklake.files") or not Path(beside).is_dir():
        return None
    files = [row[0] for row in con.execute(_SAMPLE_FILES_SQL).fetchall()]
    # With no data file to tell by, an empty folder of that name beside a lake whose
    # own folder is still there is no sign it moved.
    if not files and Path(stored).exists():
        return None
    if not all(Path(_join(beside, f)).is_file() for f in files):
        return None
    return _absolute(beside)


def _check_stored_path_is_here(con: duckdb.DuckDBPyConnection, lake: LakeLocation) -> None:
    """Refuse to write to a store whose data path, with its tables' folders in it, is
    not on this machine (the shared storage is not mounted): DuckLake would make the
    folder here, and a big write's files in it would be lost to every other member,
    whose reads of the catalog that names them then fail."""
    stored = data_path(con)
    if stored is None or "://" in stored or Path(stored).is_dir():
        return
    tables = con.execute(
        f"SELECT count(*) FROM __ducklake_metadata_{ALIAS}.ducklake_table "
        "WHERE end_snapshot IS NULL"
    ).fetchone()
    if tables and tables[0]:
        raise TrendlabError(
            f"{lake.text} keeps its data files in {stored}, which this machine does not "
            "have: mount the shared storage there, or give --data-path (TRENDLAB_DATA_PATH) "
            "where this machine mounts it"
        )


def other_than_duckdb(path: str) -> bool:
    """Whether the file at `path` holds something other than a DuckDB database (which
    says DUCK at byte 8). Not a file that is not there or that we may not read (DuckDB
    says what is wrong), nor an empty one, which may be one another process is creating
    (DuckDB writes the header right after): DuckDB waits for its lock, and refuses it
    if it stays empty."""
    try:
        with open(path, "rb") as file:
            head = file.read(12)
    except OSError:
        return False
    return bool(head) and head[8:12] != b"DUCK"


def _refuse_other_file(lake: LakeLocation, named: str) -> None:
    """Refuse a local lake's catalog file that is not a DuckDB database, as a --db file
    is refused: DuckDB opens a CSV, JSON or Parquet file as an in-memory database, so
    `init` made the store there, said it was ready, and lost it as it ended; every later
    command failed on DuckDB's internals."""
    if other_than_duckdb(str(lake.file)):
        who = "" if named == "--db" else f"{named} "
        raise TrendlabError(
            f"cannot open {who}{lake.text}: {lake.file} is not a DuckLake catalog "
            "(not a DuckDB database file)"
        )


def _refuse_other_tables(
    con: duckdb.DuckDBPyConnection, lake: LakeLocation, catalog: str, named: str
) -> list[str]:
    """Refuse to make a new lake in a catalog database of other tables: a DuckDB file
    (a trendlab file given as ducklake:FILE) or a PostgreSQL database (an application's,
    or the user's own, which a CONNINFO without dbname names). DuckLake wrote its
    catalog's tables in among them, and a trendlab file then held a second store.
    Returns the tables it holds (a lake's own, if any)."""
    names = _catalog_tables(con, lake, catalog)
    # A lake's own tables, some made by another member's `init` of it at this moment.
    other = [name for name in names if not name.startswith("ducklake_")]
    if other and "ducklake_metadata" not in names:
        from trendlab.text import at_most

        shown = ", ".join(at_most(other, 3))
        if lake.file is None:
            what, hint = "that PostgreSQL database", "a database of its own (dbname=...)"
        else:
            what, hint = f"{lake.file} is a DuckDB database that", "that file without ducklake:"
        raise TrendlabError(
            f"{'' if named == '--db' else named + ' '}{lake.text}: {what} holds other tables "
            f"({shown}), not a DuckLake catalog: give {named} {hint}, or a new store"
        )
    return names


def _catalog_tables(con: duckdb.DuckDBPyConnection, lake: LakeLocation, catalog: str) -> list[str]:
    """The tables the catalog database holds (a local lake's DuckDB file, or the
    PostgreSQL database `catalog` names), read by attaching it read-only beside."""
    with _catalog_attached(con, lake, catalog):
        return [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = "
                "'__trendlab_probe' AND schema_name NOT IN ('information_schema', 'pg_catalog') "
                "ORDER BY 1"
            ).fetchall()
        ]


@contextlib.contextmanager
def _catalog_attached(
    con: duckdb.DuckDBPyConnection, lake: LakeLocation, catalog: str
) -> Iterator[None]:
    """The catalog database (a local lake's DuckDB file, or the PostgreSQL database
    `catalog` names) attached read-only beside DuckLake's, as __trendlab_probe, and
    detached again."""
    target = catalog.removeprefix("postgres:") if lake.file is None else str(lake.file)
    kind = "TYPE postgres, " if lake.file is None else ""
    con.execute(f"ATTACH '{_quote(target)}' AS __trendlab_probe ({kind}READ_ONLY)")
    try:
        yield
    finally:
        con.execute("DETACH __trendlab_probe")


def _lost_creation_race(text: str) -> bool:
    """Did making a new catalog fail because another process was making it too?"""
    return "Failed to initialize DuckLake" in text and (
        "already exists" in text or "duplicate key value" in text
    )


def special_file(path: Path) -> bool:
    """Whether `path` is there and neither a file nor a folder: a named pipe (whose
    reader waits for a writer), a device or a socket, which can hold no database."""
    return path.exists() and not path.is_file() and not path.is_dir()


def refuse_no_directory(path: Path, shown: str, option: str) -> None:
    """Refuse a data path that is no directory, named `shown` as given to `option`: it is
    wrong whatever the store holds, as an -o into a folder that does not exist is, so a
    usage error, which says whether something else is there or nothing is."""
    if path.is_dir():
        return
    why = "not a directory" if path.exists() else "no such directory"
    raise TrendlabError(f"{option} {shown}: {why}", exit_code=ExitCode.USAGE)


def _check_new_data_path(given: Path, shown: str, option: str) -> None:
    """Refuse, before anything is attached, a data path that no directory can be made
    at, or one there that DuckLake may not make its folders in. DuckLake makes them
    only when the first table is created, after it has stored the path in a new
    catalog, so a failure then left a catalog that every later command, `init`
    included, refused or failed on in the same way."""
    for path in (given, *given.parents):
        if path.exists():
            if not path.is_dir():
                blocker = "" if path == given else f" ({path} is a file)"
                raise TrendlabError(
                    f"{option} {shown}: not a directory{blocker}", exit_code=ExitCode.USAGE
                )
            problem = "cannot write in it" if path == given else f"cannot make it in {path}"
            _check_can_make_folder_in(path, f"{option} {shown}: {problem}")
            return


# How many of the files and folders under a data path are counted: one that holds more
# is refused all the same, and counting every file of a big share would take long.
_COUNTED_ENTRIES_MAX = 10_000


def _folder_contents(folder: Path) -> tuple[list[str], list[str]]:
    """The files and the folders under `folder` (none if it is not there), each
    relative to it and in the order a sorted walk meets them, up to
    _COUNTED_ENTRIES_MAX of both together."""
    files: list[str] = []
    folders: list[str] = []
    for parent, names, file_names in os.walk(folder):
        names.sort()
        below = Path(parent).relative_to(folder)
        folders += [str(below / name) for name in names]
        files += [str(below / name) for name in sorted(file_names)]
        if len(files) + len(folders) >= _COUNTED_ENTRIES_MAX:
            break
    return files, folders


# A folder every trendlab store's data path holds (DuckLake's schema, then a table of
# trendlab's), by which a folder is known as one.
_STORE_MARK = Path("main", "schema_migrations")


def _store_mark(folder: Path) -> str | None:
    """What shows `folder` to be a store's data path: a trendlab store's _STORE_MARK, or
    a data file of any tool's DuckLake store, in its schema's and table's folders as
    DuckLake lays them out (main/t/ducklake-UUID.parquet); None if nothing does. Only
    the default schema, main, is looked in: in any folder, a data file copied or moved
    two folders down it would refuse every path below, and every such folder be listed."""
    if (folder / _STORE_MARK).is_dir():
        return str(_STORE_MARK)
    data_file = next(folder.glob("main/*/ducklake-*.parquet"), None)
    return None if data_file is None else str(data_file.relative_to(folder))


def _refuse_taken_data_path(
    path: Path | None,
    there: tuple[list[str], list[str]],
    lake: LakeLocation,
    shown: str | None,
    option: str,
    named: str,
) -> None:
    """Refuse to make a new store whose data path (`shown` as given to `option`, else a
    local lake's folder beside its catalog) holds anything (`there`, its files and
    folders), or lies inside another store's: DuckLake's ducklake_delete_orphaned_files,
    the cleanup the README gives, deletes every file under a store's data path that its
    catalog does not list, another store's data files included, whose records could
    then never be read again."""
    if path is None:
        return
    where = (
        f"{option} {shown}" if shown else f"{opened_as(lake.text, named)}: its data folder {path}"
    )
    if os.path.lexists(path) and not path.is_dir():
        # A local lake's own folder a file, or a link to nothing (a given --data-path is
        # refused as one before: _check_new_data_path): DuckLake made the catalog, then
        # failed to make its first table's folder in it, leaving the store part made.
        what = "file" if path.exists() else "link"
        raise TrendlabError(
            f"{where} is a {what}{'' if path.exists() else ' to nothing'}, not a folder: "
            f"give an empty or new directory with --data-path, or move that {what} away"
        )
    files, folders = there
    if files or folders:
        entries, noun = (files, "file") if files else (folders, "folder")
        many = "at least " if len(files) + len(folders) >= _COUNTED_ENTRIES_MAX else ""
        what = f"{many}{len(entries)} {noun}{'' if len(entries) == 1 else 's'}, e.g. {entries[0]}"
        raise TrendlabError(
            f"{where} is not empty ({what}): each team store needs a data path of its own, "
            "as DuckLake's cleanup (ducklake_delete_orphaned_files) deletes the files there "
            "its catalog does not list; give an empty or new directory"
            + ("" if shown else " with --data-path, or move that folder away")
        )
    for outer in path.resolve().parents:
        mark = _store_mark(outer)
        if mark:
            raise TrendlabError(
                f"{where} lies inside {outer}, another store's data path (it holds {mark}): "
                "that store's cleanup (ducklake_delete_orphaned_files) deletes the files "
                "there its catalog does not list, this store's too; give a directory outside it"
            )


def _check_can_make_folder_in(parent: Path, refusal: str) -> None:
    """Make and remove a folder in `parent`, as DuckLake will need to (no write
    permission, a read-only mount), leaving nothing behind; refuse with `refusal` and
    the OS's reason if it cannot."""
    import tempfile

    try:
        os.rmdir(tempfile.mkdtemp(prefix=".trendlab-", dir=parent))
    except OSError as exc:
        raise TrendlabError(f"{refusal} ({exc.strerror})") from None


def _check_override(
    con: duckdb.DuckDBPyConnection, lake: LakeLocation, shown: str, given: str, option: str
) -> None:
    """Refuse a data path other than the stored one unless it holds the store's files.

    The catalog keeps its stored data path whatever this connection overrides it with,
    so files written under an override that is not the shared storage are lost to
    every other member, and the catalog then names files nobody can open. An override
    is only there for the same storage mounted at another path, which shows in the
    store's own files being there; with no files yet, nothing can show that, so only
    the stored path itself is accepted.
    """
    stored = data_path(con)
    if stored is None or _same_path(stored, given):
        return
    files = [row[0] for row in con.execute(_SAMPLE_FILES_SQL).fetchall()]
    also = " (TRENDLAB_DATA_PATH)" if option == "--data-path" else ""
    keep = f"leave {option}{also} out"
    if not files:
        raise TrendlabError(
            f"{option} {shown}: {lake.text} keeps its data files in {stored} and has "
            f"none yet to show that {shown} is the same storage: {keep}"
        )
    missing = [f for f in files if not _file_exists(con, _join(given, f))]
    if missing:
        raise TrendlabError(
            f"{option} {shown} does not hold {lake.text}'s data files "
            f"(no {missing[0]} there; they are in {stored}): give the directory that "
            f"holds them, or {keep}"
        )


# A few of the lake's current data files, relative to its data path: the newest, as
# those any machine that mounts the storage must see. A file, table or schema with a
# path of its own (not relative) says nothing about the data path, so it is left out.
_SAMPLE_FILES_SQL = f"""
SELECT s.path || t.path || f.path
FROM __ducklake_metadata_{ALIAS}.ducklake_data_file f
JOIN __ducklake_metadata_{ALIAS}.ducklake_table t
    ON t.table_id = f.table_id AND t.end_snapshot IS NULL
JOIN __ducklake_metadata_{ALIAS}.ducklake_schema s
    ON s.schema_id = t.schema_id AND s.end_snapshot IS NULL
WHERE f.end_snapshot IS NULL
    AND f.path_is_relative AND t.path_is_relative AND s.path_is_relative
ORDER BY f.data_file_id DESC
LIMIT 3
"""


def _same_path(a: str, b: str) -> bool:
    """Do two data paths name the same place? Stored ones end in a slash, given ones
    need not; a local one may be relative, go through a symlink or be a file:// URI."""
    here, there = _local_folder(a), _local_folder(b)
    if here is None or there is None:
        return a.rstrip("/") == b.rstrip("/")
    return here.expanduser().resolve() == there.expanduser().resolve()


def _join(folder: str, relative: str) -> str:
    return folder.rstrip("/") + "/" + relative


def _file_exists(con: duckdb.DuckDBPyConnection, path: str) -> bool:
    if "://" not in path:
        return Path(path).is_file()
    # Remote storage: ask DuckDB's file systems, which read it for the lake too.
    with pandas_hidden():
        row = con.execute("SELECT count(*) FROM glob(?)", [path]).fetchone()
    return bool(row and row[0])


def _with_lock_timeout(catalog: str, lock_timeout: float) -> str:
    """The catalog's connection string with PostgreSQL's lock_timeout set.

    PostgreSQL waits for a lock for ever by default, and DuckDB does not interrupt a
    query waiting on one (not even for Ctrl-C), so a session holding a catalog table
    would hang every command. libpq's `options` sets it for each connection DuckLake
    opens. libpq takes one `options`, the last given, so an `options` of the user's own
    is merged into ours, after it: a lock_timeout of their own still wins. PGOPTIONS,
    which libpq reads only when no `options` is given, is kept in that case.
    """
    conninfo = catalog.removeprefix("postgres:")
    wait = max(lock_timeout, MIN_CATALOG_LOCK_WAIT)
    ours = f"-c lock_timeout={min(round(wait * 1000), MAX_CATALOG_LOCK_WAIT_MS)}"
    if _URI_RE.match(conninfo):
        base, _, query = conninfo.partition("?")
        # The other parameters are passed on exactly as the user wrote them.
        params = _uri_params(query)
        given = [value for _, key, value in params if key == "options"]
        value = _merged_options(ours, given[-1] if given else None)
        rest = [text for text, key, _ in params if key != "options"]
        return f"postgres:{base}?" + "&".join(
            [f"options={urllib.parse.quote(value, safe='')}", *rest]
        )
    rest_text, theirs = _without_options(conninfo)
    escaped = _merged_options(ours, theirs).replace("\\", "\\\\").replace("'", "\\'")
    return f"postgres:options='{escaped}' {rest_text}"


def _with_connect_timeout(catalog: str) -> str:
    """The catalog's connection string with libpq's connect_timeout set to
    CONNECT_TIMEOUT, unless it sets one of its own or PGCONNECT_TIMEOUT does (an
    empty PGCONNECT_TIMEOUT sets none: libpq refuses it, "invalid integer value").

    libpq waits for a server that took the connection to answer for ever by default,
    and DuckDB does not interrupt it (not even for Ctrl-C), so a hung server, or a
    proxy whose database is down, hung every command until it was killed.
    """
    conninfo = catalog.removeprefix("postgres:")
    if os.environ.get("PGCONNECT_TIMEOUT", "").strip():
        return catalog
    ours = f"connect_timeout={CONNECT_TIMEOUT}"
    if _URI_RE.match(conninfo):
        base, _, query = conninfo.partition("?")
        if any(key == "connect_timeout" for _, key, _ in _uri_params(query)):
            return catalog
        return f"postgres:{base}?" + "&".join(filter(None, [ours, query]))
    if "connect_timeout" in (_keyword_fields(conninfo) or {}):
        return catalog
    return f"postgres:{ours} {conninfo}"


def _password_in_secret(con: duckdb.DuckDBPyConnection, lake: LakeLocation) -> LakeLocation:
    """`lake` with the password taken out of its catalog's connection string and kept
    in a DuckDB secret instead, which the postgres extension puts before the string
    each time it connects. What the string holds, duckdb_databases() shows, and DuckDB's
    errors quote: `query` showed the password to anyone reading its output, and no
    masking of output can catch every spelling of it (upper(path), reverse(path)).
    A secret's password is shown redacted. A string trendlab cannot read exactly as
    libpq does (see _password_apart) is attached as given.

    The secret is made with no password too, so that it is the default one the
    postgres extension finds, among the temporary ones first: a default one the user
    made persistent for their own DuckDB work put its password, user or host before
    the catalog's connection string, overriding PGPASSWORD and ~/.pgpass (connect turns
    persistent secrets off as well)."""
    conninfo, password = _password_apart(lake.catalog.removeprefix("postgres:"))
    given = "" if password is None else f", PASSWORD '{_quote(password)}'"
    con.execute(f"CREATE TEMPORARY SECRET (TYPE postgres{given})")
    return lake if password is None else replace(lake, catalog=f"postgres:{conninfo}")


def _password_apart(conninfo: str) -> tuple[str, str | None]:
    """A connection string without its password, as a keyword/value string, and the
    password libpq would read from it; the string as given and None when it holds
    none, or when libpq would read it otherwise than trendlab, or refuse it (a URI
    whose password holds an @ or a /, a blank not quoted): libpq's error then says
    what is wrong, its password masked as every message's is."""
    if _URI_RE.match(conninfo):
        fields = _clean_uri_fields(conninfo)
        if fields is None or not fields.get("password"):
            return conninfo, None
        pairs = [(key, _conninfo_quoted(value)) for key, value in fields.items()]
    else:
        parsed = _conninfo_pairs(conninfo)
        if parsed is None or not any(p["key"] == "password" for p in parsed):
            return conninfo, None
        # A keyword right after a quoted password ('pa'ss=x), which libpq reads so, is
        # most likely the rest of it, unless it is one of libpq's ('pw'sslmode=require):
        # libpq's error about it is masked (see _PASSWORD_RE).
        if any(
            p["key"] == "password"
            and p.end() == p.end("value")
            and not re.fullmatch(_LIBPQ_KEYWORDS, after["key"])
            for p, after in itertools.pairwise(parsed)
        ):
            return conninfo, None
        pairs = [(p["key"], p["value"]) for p in parsed]
        fields = {p["key"]: _conninfo_value(p) for p in parsed}  # libpq reads the last
    kept = " ".join(f"{key}={value}" for key, value in pairs if key != "password")
    return kept, fields["password"] or None


# A URI libpq reads as trendlab does: one @, after its user (up to the first ':') and
# password (a ':' or '?' in it is its own: libpq looks for the @ up to a '/'), a host
# list, a database and parameters, no '%' that does not start a byte (libpq refuses
# it, or a %00, and quotes the password back).
_CLEAN_URI_RE = re.compile(
    r"postgres(?:ql)?://(?:(?P<user>[^:@/]*)(?::(?P<password>[^@/]*))?@)?"
    r"(?P<servers>[^@/?]*)(?:/(?P<dbname>[^@?]*))?(?:\?(?P<query>[^@]*))?",
    re.IGNORECASE | re.DOTALL,
)
_BAD_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})|%00")


def _clean_uri_fields(uri: str) -> dict[str, str] | None:
    """A URI's fields (see _uri_fields) as the keywords libpq reads them as, in the
    order it reads them (a parameter last, so it wins); None for a URI that
    _CLEAN_URI_RE does not take, or whose fields a keyword/value string could not
    give as they are (a ',' in a host, an `ssl` parameter but ssl=true, which libpq
    reads as sslmode=require, a byte that is not UTF-8)."""
    found = _CLEAN_URI_RE.fullmatch(uri)
    if found is None or _BAD_PERCENT_RE.search(uri):
        return None
    try:
        # libpq sends the bytes a '%' gives as they are: a password of other bytes than
        # UTF-8 (Latin-1's p%E4ss) read as text was another, and refused by the server.
        urllib.parse.unquote_to_bytes(uri).decode()
    except UnicodeDecodeError:
        return None
    fields = _uri_fields(uri)
    params = [
        ("sslmode", "require") if (key, value) == ("ssl", "true") else (key, value)
        for _, key, value in _uri_params(found["query"] or "")
    ]
    hosts = [urllib.parse.unquote(s) for s in (found["servers"] or "").split(",")]
    if any("," in host for host in hosts) or any(key == "ssl" for key, _ in params):
        return None
    if any(not re.fullmatch(r"[a-z_]+", key) for key, _ in params):
        return None
    taken = {key: fields[key] for key in ("user", "host", "port", "dbname") if fields[key]}
    if found["password"]:
        taken["password"] = urllib.parse.unquote(found["password"])
    for key, value in params:
        taken.pop(key, None)  # keeps its place last, where libpq reads it
        taken[key] = value
    return taken


def _conninfo_quoted(value: str) -> str:
    """`value` as a keyword/value connection string's quoted value."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _uri_params(query: str) -> list[tuple[str, str, str]]:
    """A URI's parameters (`keyword=value&...`, after the '?') in order, each as
    (its text as written, keyword, value), keyword and value percent-decoded as libpq
    decodes them; empty ones (a&&b) are skipped."""
    # Split by hand: libpq percent-decodes only ('+' is a plus, not a space, as
    # urllib.parse.parse_qsl would have it), and decodes keywords too.
    params = []
    for text in filter(None, query.split("&")):
        key, _, value = text.partition("=")
        params.append((text, urllib.parse.unquote(key), urllib.parse.unquote(value)))
    return params


def _merged_options(ours: str, theirs: str | None) -> str:
    before = None if theirs is not None else os.environ.get("PGOPTIONS")
    return " ".join(filter(None, [before, ours, theirs]))


# One `keyword = value` of libpq's keyword/value connection strings, read as libpq's
# conninfo_parse reads them (ASCII blanks only): a keyword runs to a blank or '='; a
# value is single-quoted, or else runs to a blank and may be empty or hold a quote
# (password=it's); a backslash takes the next character as it is, and one at the very
# end of an unquoted value is dropped.
_CONNINFO_PAIR_RE = re.compile(
    r"\s*(?P<key>[^\s=]+)\s*=\s*(?P<value>'(?:[^'\\]|\\.)*'|(?!')(?:[^\s\\]|\\.|\\\Z)*)\s*",
    re.ASCII | re.DOTALL,
)


def _conninfo_pairs(conninfo: str) -> list[re.Match[str]] | None:
    """The `keyword = value` pairs of a keyword/value connection string; None if it
    does not parse (libpq will say what is wrong with it)."""
    pairs = []
    pos = 0
    while pos < len(conninfo):
        pair = _CONNINFO_PAIR_RE.match(conninfo, pos)
        if pair is None:
            return None
        pairs.append(pair)
        pos = pair.end()
    return pairs


def _conninfo_value(pair: re.Match[str]) -> str:
    """A pair's value as libpq reads it: unquoted, each backslash escape undone."""
    value = pair["value"]
    value = value[1:-1] if value.startswith("'") else value
    return re.sub(r"\\(.?)", r"\1", value, flags=re.DOTALL)


def _without_options(conninfo: str) -> tuple[str, str | None]:
    """A keyword/value connection string without its `options`, and their value (None
    where it has none). One that does not parse is returned whole, with None: libpq
    will say what is wrong with it, and its own `options`, read last, then wins."""
    pairs = _conninfo_pairs(conninfo)
    if pairs is None:
        return conninfo, None
    kept = [f"{p['key']}={p['value']}" for p in pairs if p["key"] != "options"]
    theirs = [_conninfo_value(p) for p in pairs if p["key"] == "options"]
    return " ".join(kept), theirs[-1] if theirs else None


def _postgres_database(conninfo: str) -> tuple[str, ...]:
    """The server and database a connection string (keyword/value, or a URI) reaches:
    its host, hostaddr, port and dbname, each as libpq defaults it when not given
    (PGHOST, PGPORT or 5432, PGDATABASE or the user: PGUSER or the OS user's name). A
    string that does not parse, or names a service (whose file says the rest), is
    only itself."""
    fields = _uri_fields(conninfo) if _URI_RE.match(conninfo) else _keyword_fields(conninfo)
    if fields is None or "service" in fields:
        return (conninfo,)

    def given(key: str, env: str) -> str:
        return fields.get(key) or os.environ.get(env, "")

    hosts = [h if h.startswith("/") else h.lower() for h in given("host", "PGHOST").split(",")]
    user = given("user", "PGUSER") or _os_user()
    return (
        ",".join(hosts),
        fields.get("hostaddr", ""),
        given("port", "PGPORT") or "5432",
        given("dbname", "PGDATABASE") or user,
    )


def _keyword_fields(conninfo: str) -> dict[str, str] | None:
    pairs = _conninfo_pairs(conninfo)
    return None if pairs is None else {p["key"]: _conninfo_value(p) for p in pairs}


def _uri_fields(uri: str) -> dict[str, str]:
    """A URI's fields as libpq reads them: postgresql://[user[:password]@][host][:port]
    [,...][/dbname][?keyword=value&...], each part percent-decoded, the parameters last.
    The user and password are what comes before an @ found ahead of any '/' (a '?' in
    the password is its own, not the start of the parameters)."""
    rest = uri.split("://", 1)[1]
    user, at, after = rest.partition("@")
    if not at or "/" in user:
        user, after = "", rest
    rest, _, query = after.partition("?")
    servers, _, dbname = rest.partition("/")
    hosts, ports = [], []
    for server in servers.split(","):
        if server.startswith("["):  # an IPv6 address, [::1]:5432
            host, _, port = server[1:].partition("]")
            port = port.removeprefix(":")
        else:
            host, _, port = server.partition(":")
        hosts.append(urllib.parse.unquote(host))
        ports.append(urllib.parse.unquote(port))
    fields = {
        "user": urllib.parse.unquote(user.partition(":")[0]),
        "host": ",".join(hosts),
        "port": ",".join(ports) if any(ports) else "",
        "dbname": urllib.parse.unquote(dbname),
    }
    for _, key, value in _uri_params(query):
        fields[key] = value
    return fields


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name to be had: libpq could not either
        return ""


def locked_error(
    text: str, location: str | None = None, named: str = "--db"
) -> TrendlabError | None:
    """The one-line error for a catalog query that waited for a lock until it gave up
    (see _with_lock_timeout), if `text` is one's; else None. `location` names the
    store, where it is known which one it was, and `named` what gave it (copy's SRC or
    DST), which then leads the error as in copy's other errors about either store."""
    if _LOCK_TIMEOUT_TEXT not in text:
        return None
    return TrendlabError(
        f"{_store_named(location, named)} is locked: another session holds a table of its "
        "catalog; try again when it finishes, or wait longer with --lock-timeout SECONDS"
    )


# libpq's words for a catalog connection that the server ended or that broke during a
# command (the server stopped or restarted, the session was terminated, the network
# failed). DuckDB's text quotes the whole catalog query before them, or only says
# 'Attempting to fetch from an unsuccessful query result' on its first line.
_LOST_CONNECTION_RE = re.compile(
    r"server closed the connection unexpectedly"
    r"|terminating connection due to [^\n\":;]+"
    r"|no connection to the server"
    r"|could not (?:receive|send) data (?:from|to) server[^\n\"]*"
    r"|SSL SYSCALL error[^\n\"]*"
    r"|connection to server was lost"
)


def lost_connection_error(
    text: str, location: str | None = None, named: str = "--db"
) -> TrendlabError | None:
    """The one-line error for a command whose catalog connection broke part way (see
    _LOST_CONNECTION_RE), if `text` is one's; else None. `location` and `named` name the
    store as in locked_error."""
    found = _LOST_CONNECTION_RE.search(text)
    if found is None:
        return None
    return TrendlabError(
        f"{_store_named(location, named)} lost the connection to its catalog: "
        f"{found[0].strip()}; once the server is back, run the command again "
        f"(`{_command_on(location, 'log')}` says whether a write was recorded)"
    )


def _command_on(location: str | None, name: str) -> str:
    """trendlab's command `name` on the store at `location`, named by --db where a bare
    command opens another (see db.command_on); bare where it is not known which."""
    if location is None:
        return f"trendlab {name}"
    from trendlab.db import command_on  # the store module imports this one

    return command_on(mask_password(location), name)


def _store_named(location: str | None, named: str) -> str:
    """A store as an error about it leads: the --db team store, copy's SRC or DST, or
    just a team store where it is not known which."""
    if location is None:
        return "a team store"
    if named == "--db":
        return f"team store {mask_password(location)}"
    return f"{named} {mask_password(location)}"


# DuckDB's words when the OS refused to create a data file, or the table's folder for
# it, that a write needed: the path, then the OS's reason.
_UNWRITABLE_RE = re.compile(
    r'(?:Cannot open file "(?P<file>[^"]+)"|Failed to create directory "(?P<folder>[^"]+)"): '
    r'(?P<why>[^\n"]+)'
)


def unwritable_data_error(
    text: str, location: str | None = None, named: str = "--db"
) -> TrendlabError | None:
    """The one-line error for a write whose data file the OS would not let DuckLake
    create under the lake's data path (a read-only mount, no permission), if `text` is
    one's; else None. Only a write of more than INLINING_ROW_LIMIT rows makes a data
    file, so smaller ones to the same store succeed. The failed statement ends its
    transaction: nothing of the write is committed."""
    found = _UNWRITABLE_RE.search(text)
    if found is None:
        return None
    folder = found["folder"]
    if found["file"]:
        file = Path(found["file"])
        # One that is there was refused to a read, not made by a write.
        if not file.name.startswith("ducklake-") or file.exists():
            return None
        folder = str(file.parent)
    if "://" in folder:
        return None
    return TrendlabError(
        f"cannot write to the data path of {_store_named(location, named)}: {folder}: "
        f"{found['why'].strip()}; nothing was written (a write of more than "
        f"{INLINING_ROW_LIMIT} rows keeps them in a data file there)"
    )


_MISSING_FILE_RE = re.compile(r'Cannot open file "([^"]+)"')
# DuckDB's words for a lake's data file (DuckLake names each `ducklake-...`) that is
# there but that it cannot read as Parquet, or as the one the catalog lists (another
# Parquet file copied over it: its footer is not the length the catalog holds), each
# quoting its path.
_DAMAGED_FILE_RE = re.compile(
    r"(?:No magic bytes found at end of file |File |Could not read enough bytes from "
    r"file |Failed to read file |Invalid footer length provided for file )"
    r"(['\"])(?P<path>[^'\"]*/ducklake-[^'\"/]*\.parquet)\1"
)


class DamagedDataFile(TrendlabError):
    """The error for a lake's data file DuckDB cannot read as Parquet, or that is gone
    from a folder this machine has (see missing_data_error), with DuckDB's own first
    line, `said`, and what became of the file, `how`: a read of the forecast cache,
    derived data, takes it as a miss (see Store.cached), as it takes a DuckDB file's
    damaged block."""

    def __init__(self, message: str, said: str, how: str = "cut short or overwritten"):
        super().__init__(message)
        self.said = said
        self.how = how


def missing_data_error(
    text: str, location: str | None = None, named: str = "--db"
) -> TrendlabError | None:
    """The one-line error for a read of a lake's data file whose folder this machine
    does not have (the shared storage not mounted, or mounted elsewhere), if `text` is
    one's; else None. A writer is refused before it starts (_check_stored_path_is_here);
    a reader finds out only at the first file it needs, since small tables live in the
    catalog. A copy's SRC (`named`, at `location`) is pointed to --source-data-path:
    the global --data-path is SRC's only when SRC is the --db store. A data file there
    that DuckDB cannot read as Parquet is named as damaged: DuckDB's words for it
    ("No magic bytes found ...") did not say it was the store's, nor what to do."""
    if named == "SRC" and location is not None:
        whose, option = f"SRC {mask_password(location)}: its", "--source-data-path"
    else:
        whose, option = "the store's", "--data-path (TRENDLAB_DATA_PATH)"
    damaged = _DAMAGED_FILE_RE.search(text)
    if damaged:
        return DamagedDataFile(
            f"{whose} data file {damaged['path']} is damaged (cut short or overwritten "
            "around trendlab: it is not the Parquet file DuckLake wrote): the records in it "
            "cannot be read until it is restored, from a backup of the data path",
            text.strip().splitlines()[0],
        )
    found = _MISSING_FILE_RE.search(text)
    if found is None or "://" in found[1]:
        return None
    path = Path(found[1])
    if path.parent.exists():
        return _deleted_data_file(text, path, whose)
    folder = next(p for p in reversed(path.parents) if not p.exists())
    return TrendlabError(
        f"{whose} data file {path.name} is in {folder}, which this machine does not "
        f"have: mount the shared storage there, or give {option} where this machine "
        "mounts it"
    )


def _deleted_data_file(text: str, path: Path, whose: str) -> DamagedDataFile | None:
    """The one-line error for a lake's data file (DuckLake names each `ducklake-...`)
    missing from a folder this machine has, if `text` says so: deleted or moved around
    trendlab. DuckDB's IO error alone named no store and no way out."""
    if not path.name.startswith("ducklake-") or "No such file or directory" not in text:
        return None
    how = "deleted or moved"
    return DamagedDataFile(
        f"{whose} data file {path} is missing ({how} around trendlab): the records in it "
        "cannot be read until it is restored, from a backup of the data path",
        text.strip().splitlines()[0],
        how,
    )


# DuckLake's words for a catalog query PostgreSQL refused once the store was open: the
# query it prepared, quoted whole (its own quotes among them), then PostgreSQL's reason.
_READ_REFUSED_RE = re.compile(
    r'Failed to prepare (?:COPY|query) "(?:[^"]|"(?!: ))*": ERROR:\s+(?P<why>[^\n]+)'
)


def refused_read_error(
    text: str, location: str | None = None, named: str = "--db"
) -> TrendlabError | None:
    """The one-line error for a catalog read PostgreSQL refused part way through a
    command, if `text` is one's; else None. DuckLake makes a catalog table for each
    table's small writes as the schema changes, so a role granted SELECT on the tables
    there were is refused the newer ones: said with DuckLake's query, it read as a
    fault of trendlab's (`location` and `named` as in locked_error)."""
    found = _READ_REFUSED_RE.search(text)
    if found is None:
        return None
    why = mask_password(found["why"].strip())
    hint = (
        "; its owner can grant your role the catalog's tables, and those DuckLake makes "
        "later (ALTER DEFAULT PRIVILEGES)"
        if why.startswith("permission denied")
        else ""
    )
    return TrendlabError(
        f"cannot read {_store_named(location, named)}: its catalog's PostgreSQL says: {why}{hint}"
    )


@contextlib.contextmanager
def naming_locks(location: str, named: str = "--db") -> Iterator[None]:
    """Report a catalog lock wait that ran out inside the block, a catalog connection
    lost in it, a data file in a folder this machine lacks, or a damaged block of a
    copy's store, as the store's at `location` (see locked_error, lost_connection_error,
    missing_data_error and damaged_store_error): its text does not say whose catalog or
    file it was, and copy holds two."""
    try:
        yield
    except duckdb.Error as exc:
        explained = (
            locked_error(str(exc), location, named)
            or lost_connection_error(str(exc), location, named)
            or missing_data_error(str(exc), location, named)
            or unwritable_data_error(str(exc), location, named)
            or damaged_store_error(str(exc), location, named)
            or refused_read_error(str(exc), location, named)
        )
        if explained is None:
            raise
        raise explained from None


def _attach_error(
    con: duckdb.DuckDBPyConnection, lake: LakeLocation, text: str, named: str
) -> TrendlabError:
    explained = locked_error(text, lake.text, named) or lost_connection_error(
        text, lake.text, named
    )
    if explained:
        return explained
    if "does not exist - and creating a new DuckLake is explicitly disabled" in text:
        if named not in DB_NAMES:
            return TrendlabError(f"{named} {lake.text}: no such team store")
        if lake.file is not None and _holds_tables(con, lake):
            # A local lake's catalog file that is there holds no lake: it is a DuckDB
            # database of its own, which `init` would not make a store in (one with no
            # table, left by an `init` stopped at once, it would).
            return TrendlabError(
                f"no team store at {lake.text}: {lake.file} is a DuckDB database, not a "
                "DuckLake catalog; a DuckDB file is --db FILE, without ducklake:"
            )
        # --data-path goes before init, as a global option: after it, it is no option.
        init = "--data-path DIR init" if lake.is_postgres else "init"
        return TrendlabError(
            f"no team store at {lake.text}: run `{_command_on(lake.text, init)}` to create one"
            + (", DIR the directory for its data files" if lake.is_postgres else "")
        )
    if "data_path is not set" in text:
        return TrendlabError(
            f"a new team store needs --data-path DIR (TRENDLAB_DATA_PATH): the directory, on "
            f"storage every member can reach, that will hold {lake.text}'s data files"
        )
    pg = _PG_ERROR_RE.search(text)
    if pg:
        why = _mask_quoted_passwords(re.sub(r"\s+", " ", pg["why"]).strip(), lake.catalog)
        why = mask_password_pieces(why, lake.catalog)
        return TrendlabError(f"cannot reach the catalog of {opened_as(lake.text, named)}: {why}")
    refused = _PG_REFUSAL_RE.findall(text)
    if lake.is_postgres and not refused and _ABORTED_TEXT in text:
        refused = _probed_refusal(con, lake)
    if refused:
        why = mask_password(refused[-1].strip())
        return TrendlabError(
            f"cannot open {opened_as(lake.text, named)}: its catalog's PostgreSQL says: {why}"
        )
    if lake.file is not None and empty_file_refused(lake.file, text):
        # DuckDB's words ran two messages into one line and said nothing of why.
        return TrendlabError(
            f"cannot open {opened_as(lake.text, named)}: "
            f"{lake.file} {empty_file_problem('DuckLake catalog', named)}"
        )
    unmade = _FILE_REFUSED_RE.search(text) if lake.file is not None else None
    if unmade and lake.file is not None and not lake.file.exists():
        # A new catalog the OS would not let DuckLake create (a folder it may not write):
        # its words ran its internals ("Failed to attach DuckLake MetaData ...") into
        # DuckDB's. Said as a new DuckDB file's is.
        return TrendlabError(f"cannot create {opened_as(lake.text, named)}: {unmade['why']}")
    if unmade:
        # One there that the OS will not let it open (to write, on a read-only mount):
        # DuckDB's words alone, as a DuckDB file's are.
        return TrendlabError(f"cannot open {opened_as(lake.text, named)}: {unmade[0]}")
    # A catalog DuckDB cannot read (a copy cut short, a damaged block): DuckLake ran its
    # internals into DuckDB's words, which alone are said, as a DuckDB file's are.
    text = _ATTACH_PREAMBLE_RE.sub("", text)
    first = mask_password(text.strip().splitlines()[0] if text.strip() else text)
    said = damaged_file_problem(first) or first
    return TrendlabError(f"cannot open {opened_as(lake.text, named)}: {said}")


def damaged_store_error(text: str, location: str, named: str) -> TrendlabError | None:
    """The one-line error for a block of copy's SRC or DST (`named`, at `location`) that
    DuckDB cannot read, if `text` says so (see damaged_file_problem); else None, and for
    the --db store, whose is told as the command's (see TrendlabCommand). DuckDB's words
    ("Corrupt database file: ...") name no file, and copy reads two."""
    first = mask_password(text.strip().splitlines()[0] if text.strip() else text)
    damaged = damaged_file_problem(first) if named != "--db" else None
    if damaged is None:
        return None
    return TrendlabError(f"{named} {mask_password(location)}: {damaged}")


def damaged_file_problem(line: str) -> str | None:
    """What the first `line` of DuckDB's error says of a DuckDB file it cannot read, cut
    short or overwritten in part, with the way out, if it says so; else None. DuckDB's
    words ("Could not read enough bytes ...: attempted to read 262144 bytes from
    location 2895872") said neither that the file was damaged nor what to do."""
    if "Could not read enough bytes from file" in line:
        how = "cut short (a copy, download or disk that did not finish)"
    elif "Corrupt database file" in line:
        how = "overwritten in part (a failing disk, or another program)"
    else:
        return None
    return f"the file is damaged, {how}: restore it from a backup ({line})"


# DuckDB's words for the write-ahead log it cannot create beside a file as a commit
# begins: the file is writable, its folder not (a shared folder, a read-only mount).
_WAL_REFUSED_RE = re.compile(r'Cannot open file "(?P<path>[^"\n]+\.wal)": (?P<why>[^\n]+)')


def unwritable_folder_problem(text: str) -> str | None:
    """What DuckDB's `text` says, if it is of a write-ahead log it could not create
    beside the database file, in words naming the folder to make writable; else None.
    Its line named the log alone, a file no one had made or heard of."""
    wal = _WAL_REFUSED_RE.search(text)
    if wal is None:
        return None
    folder = os.path.dirname(wal["path"]) or "."
    return (
        f"DuckDB writes a log beside the database file, {wal['path']}, and cannot create "
        f"it ({wal['why'].strip()}): the folder {folder} must be writable too"
    )


_ATTACH_PREAMBLE_RE = re.compile(r'Failed to attach DuckLake MetaData "[^"]*" at path \+ "[^"]*"')


def empty_file_refused(path: Path | str, text: str) -> bool:
    """Whether DuckDB's `text`, refusing to open `path`, is of a file of 0 bytes (a
    `touch`, a `mktemp`, a copy cut short): "not a valid DuckDB database file" alone
    did not say why, nor that trendlab makes a new store only where none is."""
    try:
        empty = os.path.getsize(path) == 0
    except OSError:
        return False
    return empty and "not a valid DuckDB" in text


def empty_file_problem(what: str, named: str = "--db") -> str:
    """What an error says of an empty file that should hold `what`, given as `named`
    (--db, or copy's SRC or DST), and the way out: a store made there, for any but
    SRC, which a copy reads: told to let `init` or `copy` create the store there, its
    user was sent to make the store they meant to copy from."""
    if named == "SRC":
        return f"is empty (0 bytes), not a {what}, and holds no store to copy"
    return (
        f"is empty (0 bytes), not a {what}: remove it, and `init` or `copy` creates the store there"
    )


# What names the store a command works on: --db, or TRENDLAB_DB where the variable
# gave it, which its errors then name (as they name copy's SRC or DST), but whose advice
# is the --db store's.
DB_NAMES = ("--db", "TRENDLAB_DB")


def opened_as(location: str, named: str) -> str:
    """A store as "cannot open ..." names it: copy's SRC or DST says which it is."""
    return location if named == "--db" else f"{named} {location}"


# What PostgreSQL said when it refused one of DuckLake's catalog queries (a statement
# timeout, a permission denied), at the end of DuckDB's text quoting the whole query.
_PG_REFUSAL_RE = re.compile(r"ERROR:\s+([^\n]+)")
# DuckLake's text when a catalog query failed before it read the catalog, its reason lost.
_ABORTED_TEXT = "Current transaction is aborted"


def _probed_refusal(con: duckdb.DuckDBPyConnection, lake: LakeLocation) -> list[str]:
    """Why PostgreSQL refuses to let this connection read the catalog (a role without
    the right to), asked of it directly, since DuckLake reported only that its
    transaction was aborted; none if it lets it."""
    try:
        with _catalog_attached(con, lake, lake.catalog):
            try:
                con.execute(
                    "SELECT * FROM postgres_query('__trendlab_probe', "
                    "'SELECT key FROM ducklake_metadata LIMIT 1')"
                ).fetchall()
            except duckdb.Error as exc:
                return _PG_REFUSAL_RE.findall(str(exc))
    except duckdb.Error:  # not even attached: DuckLake's own words stand
        return []
    return []


def _holds_tables(con: duckdb.DuckDBPyConnection, lake: LakeLocation) -> bool:
    """Whether a local lake's catalog file holds any table (True when it cannot be read
    to tell)."""
    try:
        return bool(_catalog_tables(con, lake, lake.catalog))
    except duckdb.Error:
        return True


def disconnect(con: duckdb.DuckDBPyConnection) -> None:
    """Detach the lake, then close: closing alone leaves behind a catalog connection
    per commit that lost a race, until the process ends."""
    with contextlib.suppress(duckdb.Error):  # closing below releases what it can
        con.execute("USE memory")
        con.execute(f"DETACH {ALIAS}")
    con.close()


# What names a PostgreSQL catalog whatever host spelling reached it (localhost or
# 127.0.0.1, a socket directory): the server's cluster and the database in it.
_CATALOG_IDENTITY_SQL = (
    f"SELECT * FROM postgres_query('__ducklake_metadata_{ALIAS}', "
    "'SELECT system_identifier::text, current_database()::text FROM pg_control_system()')"
)


def catalog_identity(con: duckdb.DuckDBPyConnection) -> tuple[str, ...] | None:
    """The PostgreSQL cluster and database a team store's catalog is in, as the server
    says; None where it will not say (a role refused the function)."""
    cursor = con.cursor()
    try:
        row = cursor.execute(_CATALOG_IDENTITY_SQL).fetchone()
    except duckdb.Error:
        return None
    finally:
        cursor.close()
    return tuple(str(value) for value in row) if row else None


@contextlib.contextmanager
def writers_queue(con: duckdb.DuckDBPyConnection) -> Iterator[bool]:
    """Wait for the writers ahead of this one, and hold the ones behind until exit.

    For a store whose catalog is in PostgreSQL. Two writers whose transactions overlap
    cannot both commit (see Store.claim_head): the second is redone from the start, so
    writers racing all the time redo each write about twice. Queueing to commit on an
    advisory lock, held by a transaction of its own on the catalog, lets a write that
    lost to the writers before it be redone at once, with no queued writer able to
    commit before it, so it is redone once at most. The wait is the catalog's lock wait
    (--lock-timeout, at least MIN_CATALOG_LOCK_WAIT); a writer that waited that long
    goes ahead unqueued, and the race settles it as before. So does one that cannot
    queue at all (a statement_timeout shorter than its wait, a role refused advisory
    locks, no second catalog connection to be had): the queue only saves work and
    never fails a write. Yields whether this writer holds its place.
    """
    queue = con.cursor()
    try:
        try:
            queue.execute("BEGIN TRANSACTION")
            queue.execute(_WRITERS_QUEUE_SQL)
            queued = True
        except duckdb.Error:
            queued = False
        yield queued
    finally:
        # Ending the transaction releases the lock; closing ends it if that fails.
        with contextlib.suppress(duckdb.Error):
            queue.execute("ROLLBACK")
        queue.close()


def set_up_new(con: duckdb.DuckDBPyConnection) -> None:
    """Settings stored in a new lake: inline small writes in the catalog.

    Without inlining every changeset would add a tiny Parquet file per table it
    touches, and reads would slow down as they pile up.
    """
    option = f"CALL ducklake_set_option('{ALIAS}', 'data_inlining_row_limit', {INLINING_ROW_LIMIT})"
    retry_creation_race(lambda: con.execute(option))


def data_path(con: duckdb.DuckDBPyConnection) -> str | None:
    """The lake's stored data path."""
    row = con.execute(
        f"SELECT value FROM ducklake_options('{ALIAS}') WHERE option_name = 'data_path'"
    ).fetchone()
    return row[0] if row else None


def is_write_conflict(exc: BaseException) -> bool:
    """Did a commit fail because another writer committed first?

    DuckLake settles races between appends itself; what reaches us is a logical
    conflict (both transactions deleted from one table: see Store.claim_head) or a
    race it gave up retrying.
    """
    if not isinstance(exc, duckdb.Error):
        return False
    text = str(exc)
    return "Transaction conflict" in text or "Exceeded the maximum retry count" in text


def mask_password(text: str) -> str:
    """A connection string, or a message quoting one, fit for messages: any password
    replaced by ***, as a `password=` keyword (see _PASSWORD_RE), a URI parameter, or
    in a URI's `user:password@` (see _URI_PASSWORD_RE). A URI password that libpq reads
    in pieces (one holding an @ or a / not percent-encoded) is masked wherever in the
    text a piece of it stands on its own (see mask_password_pieces): libpq's error
    quotes them as the parts it took them for (`invalid integer value "Ab3" for
    connection option "port"`)."""
    conninfo = text.removeprefix(PREFIX).removeprefix("postgres:")
    start = len(text) - len(conninfo)
    masked = text
    for words in reversed(_password_words(conninfo)):
        masked = masked[: start + words.start()] + masked[start + words.end() :]
    masked = _URI_QUERY_RE.sub(_mask_uri_params, _PASSWORD_RE.sub(r"\1***", masked))
    return mask_password_pieces(_URI_PASSWORD_RE.sub(r"\1***@", masked), text)


def _password_words(conninfo: str) -> list[re.Match[str]]:
    """The words after each `password=` value in a keyword/value connection string that
    libpq reads as keywords lacking their '=' (see _PASSWORD_WORDS_RE):
    part of the password as its user meant it. None in a message that quotes a
    connection string, whose own words would be taken for them."""
    if _URI_RE.match(conninfo) or not _KEYWORD_CONNINFO_RE.match(conninfo):
        return []
    found = (_PASSWORD_WORDS_RE.match(conninfo, p.end()) for p in _PASSWORD_RE.finditer(conninfo))
    return [words for words in found if words]


def mask_password_pieces(text: str, conninfo: str) -> str:
    """`text` with the pieces of each URI password in `conninfo` that libpq reads in
    pieces replaced by ***: one that holds an @ or a / not percent-encoded, which libpq
    reads only up to it, and the rest as other parts of the URI, cut at the characters
    it cuts a URI at. A piece is masked wherever it stands on its own, not inside a
    longer run of letters and digits (so a user name that begins as the password does
    is kept): libpq's errors quote the parts they are about, and each piece is one
    part or begins or ends one. Whatever libpq makes of them, no piece of three
    characters or more is shown."""
    pieces = {
        piece
        for found in _URI_PASSWORD_RE.finditer(conninfo)
        if re.search("[@/]", found[2])
        for piece in _URI_DELIMITERS_RE.split(found[2])
        if piece
    }
    # A piece of one or two characters tells little of a password, and masking it
    # would mangle addresses and line numbers (127.0.0.1, line 1).
    for piece in sorted((p for p in pieces if len(p) > 2), key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(piece)}(?![A-Za-z0-9])", "***", text)
    return text


def _mask_uri_params(match: re.Match[str]) -> str:
    """A URI up to its '?' and its parameters, the value of each `password` (and
    `sslpassword`) masked and the others kept: a value ends at the next '&', and libpq
    percent-decodes keywords, so pass%77ord is a password too."""
    params = match[2].split("&")
    for i, text in enumerate(params):
        key, equals, _ = text.partition("=")
        if equals and urllib.parse.unquote(key).lower() in ("password", "sslpassword"):
            params[i] = f"{key}=***"
    return match[1] + "&".join(params)


def _mask_quoted_passwords(why: str, catalog: str) -> str:
    """libpq's reason for refusing `catalog` with its password masked: in a URI, a
    password it cannot percent-decode ("invalid percent-encoded token", "forbidden
    value %00") it quotes whole, as written, in `user:password@` or a `password=`
    parameter; in a keyword/value string, a word of a password holding a blank, which
    it took for a keyword (see _password_words)."""
    uri = catalog.removeprefix("postgres:")
    if not _URI_RE.match(uri):
        words = [w for words in _password_words(uri) for w in words[0].split()]
        for found in _PASSWORD_RE.finditer(uri):
            # After a quoted value, libpq reads a keyword, up to a blank or a '=': what
            # follows the closing quote ('pa''ss' quoted back as "'ss'").
            closed = _QUOTED_VALUE_RE.match(found[2])
            words += [found[2][closed.end() :].partition("=")[0]] if closed else []
        for word in filter(None, words):
            why = why.replace(f'"{word}"', '"***"')
        return why
    rest, _, query = uri.split("://", 1)[1].partition("?")
    user, at, _ = rest.partition("/")[0].partition("@")
    written = [user.partition(":")[2]] if at else []
    written += [text.partition("=")[2] for text, key, _ in _uri_params(query) if key == "password"]
    for password in filter(None, written):
        why = why.replace(f'"{password}"', '"***"')
    return why


def jittered(delay: float) -> float:
    """A wait of about `delay`, spread so that writers who lost together retry apart."""
    return delay * random.uniform(0.5, 1.5)


T = TypeVar("T")


def retry_lost_races(attempt: Callable[[], T], queued: Callable[[], bool] = lambda: False) -> T:
    """`attempt()`, run again each time it fails as a write conflict (another writer
    committed first), up to len(CONFLICT_RETRY_DELAYS) times, then its error. Each retry
    comes after a growing, jittered wait, or at once when `queued()`: the writers it
    lost to have committed, and no queued one can commit before it."""
    delays = iter(CONFLICT_RETRY_DELAYS)
    while True:
        try:
            return attempt()
        except duckdb.Error as error:
            delay = next(delays, None) if is_write_conflict(error) else None
            if delay is None:
                raise
        if not queued():
            time.sleep(jittered(delay))


# How a step of setting up a new store fails when another process does it too.
_SETUP_RACE_TEXTS = ("Failed to commit DuckLake transaction", "could not serialize access")


def retry_creation_race(create: Callable[[], T]) -> T:
    """`create()`, an idempotent step of setting up a new store (a CREATE ... IF NOT
    EXISTS, an option set), run again when it fails because another process (a
    member's `init` of the same new store) did the same at the same moment: DuckLake
    then fails to commit ('Failed to parse catalog entry') or PostgreSQL refuses the
    update ('could not serialize access'), rather than a conflict being reported. Up
    to len(CREATE_RACE_DELAYS) times."""
    delays = iter(CREATE_RACE_DELAYS)
    while True:
        try:
            return create()
        except duckdb.Error as error:
            raced = any(text in str(error) for text in _SETUP_RACE_TEXTS)
            delay = next(delays, None) if raced else None
            if delay is None:
                raise
        time.sleep(jittered(delay))


def _local_folder(path: str) -> Path | None:
    """The folder on this machine that a data path names: a path, or a file:// URI
    (file:///srv/lab, file://localhost/srv/lab), which DuckDB reads as the path in it;
    None for remote storage (s3://bucket/lab, a file:// URI of another host)."""
    if not path.startswith("file://"):  # as DuckDB reads it: FILE:// is a relative path
        return None if "://" in path else Path(path)
    uri = urllib.parse.urlsplit(path)
    return Path(uri.path) if uri.netloc in ("", "localhost") and uri.path else None


def _absolute(path: str) -> str:
    if "://" in path:
        return path
    return str(Path(path).expanduser().resolve())


def _quote(text: str) -> str:
    return text.replace("'", "''")
