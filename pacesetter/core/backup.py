"""Backups: one archive holding the database and the uploaded files, and its restore.

An archive (``.tar.gz``) holds, as members:

- ``database/db.sqlite3`` (SQLite, a consistent copy through sqlite3's online backup
  API) or ``database/db.pgdump`` (PostgreSQL, ``pg_dump --format=custom`` of one
  snapshot);
- ``media/<path>`` for every file under ``MEDIA_ROOT``;
- ``manifest.json`` (last): the format version, the database vendor, the time, the
  migrations applied per app, the rows per table and the SHA-256 and size of every other
  member.

The database is copied as the database itself (not as ``dumpdata`` JSON, which cuts
timestamps to milliseconds and so breaks the audit chain's hashes). A restore checks
everything before it writes anything: each member against the manifest, the vendor, that
the code knows every migration the backup has, and that the database and ``MEDIA_ROOT``
are empty unless forced. ``docs/deployment.md`` is the operator's guide.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

FORMAT = "pacesetter-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.pgdump"}
MEDIA_PREFIX = "media/"
#: Tables a fresh ``migrate`` fills by itself: rows there do not make a database "in use".
FILLED_BY_MIGRATE = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "audit_auditchainhead"}
)
#: Environment variable naming the directory of ``pg_dump`` and ``psql``, if not found.
PG_BIN_VARIABLE = "PACESETTER_PG_BIN_DIR"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is translated and says why."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    rows: int
    tables: int
    files: int
    #: Migrations this code has that the backup's database had not applied.
    unapplied: list[str]


# --- backing up ------------------------------------------------------------------------


def backup_create(*, output: Path, using: str = "default") -> dict[str, Any]:
    """Write the archive at ``output`` (refused if it exists); its manifest.

    The database is copied first, then the files: a file uploaded meanwhile may be in the
    archive without its row (harmless), never a row without its file."""
    output = Path(output)
    if output.exists():
        raise BackupError(
            _("%(path)s already exists; choose another file name.") % {"path": output},
            code="output_exists",
        )
    connection = connections[using]
    vendor = _vendor(connection)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pacesetter-backup-") as work:
        dump = Path(work) / PurePosixPath(DATABASE_MEMBERS[vendor]).name
        if vendor == "sqlite":
            tables = _sqlite_copy(connection, dump)
        else:
            tables = _postgres_dump(connection, dump)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "vendor": vendor,
            "migrations": _applied_migrations(connection),
            "tables": tables,
            "files": {},
        }
        partial = output.with_name(output.name + ".partial")
        try:
            # Readable by its owner only: it holds what the database holds.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with (
                os.fdopen(descriptor, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz") as archive,
            ):
                with dump.open("rb") as source:
                    manifest["files"][DATABASE_MEMBERS[vendor]] = _add_member(
                        archive, DATABASE_MEMBERS[vendor], source, dump.stat()
                    )
                for path, name in _media_files(Path(settings.MEDIA_ROOT)):
                    with path.open("rb") as source:
                        manifest["files"][name] = _add_member(archive, name, source, path.stat())
                data = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
                info = _member_info(MANIFEST, len(data), datetime.now(UTC).timestamp())
                archive.addfile(info, _BytesReader(data))
            os.replace(partial, output)
        except OSError as exc:
            raise BackupError(
                _("The archive could not be written (%(error)s).") % {"error": exc},
                code="write_failed",
            ) from exc
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.vendor},
            code="vendor_unsupported",
        )
    return str(connection.vendor)


def _sqlite_copy(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    """A consistent copy through the online backup API (writers may go on meanwhile),
    and the rows per table counted in that copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' "
                "ORDER BY name"
            )
        ]
        return {
            name: copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in names
        }
    finally:
        copy.close()


def _postgres_dump(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    """``pg_dump`` of the snapshot in which the rows are counted, so that the manifest's
    counts are the dump's."""
    if connection.in_atomic_block:
        raise BackupError(_("A backup cannot run inside a transaction."), code="in_transaction")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        quote = connection.ops.quote_name
        tables = {}
        for name in sorted(_table_names(connection, cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608
            tables[name] = int(cursor.fetchone()[0])
        _run_tool(
            connection,
            "pg_dump",
            [
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                connection.settings_dict["NAME"],
            ],
        )
    return tables


def _applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    applied: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, MEDIA_PREFIX + path.relative_to(root).as_posix()


def _member_info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o644
    return info


def _add_member(
    archive: tarfile.TarFile, name: str, source: IO[bytes], stat: os.stat_result
) -> dict[str, Any]:
    hashing = _HashingReader(source)
    archive.addfile(_member_info(name, stat.st_size, stat.st_mtime), hashing)
    return {"sha256": hashing.digest.hexdigest(), "size": stat.st_size}


class _HashingReader:
    """Hashes what tarfile reads, so each file is read once and hashed as stored."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source, self.digest = source, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        return data


class _BytesReader(_HashingReader):
    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))


# --- reading and checking an archive ---------------------------------------------------


def backup_read(archive: Path, into: Path) -> dict[str, Any]:
    """Extract the archive into the directory ``into`` and check it: a manifest of this
    format, no member outside it or missing, every member's hash and size. The manifest."""
    found: dict[str, dict[str, Any]] = {}
    try:
        # The whole compressed stream first: gzip's CRC catches a changed byte anywhere,
        # also after the tar's last member, where extracting would not read.
        with gzip.open(archive, "rb") as stream:
            while stream.read(CHUNK):
                pass
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = member.name
                path = PurePosixPath(name)
                if (
                    not member.isreg()
                    or path.is_absolute()
                    or ".." in path.parts
                    or name in found
                    or not (name == MANIFEST or name.startswith(("database/", MEDIA_PREFIX)))
                ):
                    raise BackupError(
                        _("The archive holds an unexpected member “%(name)s”.") % {"name": name},
                        code="unexpected_member",
                    )
                source = tar.extractfile(member)
                assert source is not None  # a regular file
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[name] = {"sha256": digest.hexdigest(), "size": size}
    except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise BackupError(
                _("There is no file %(path)s.") % {"path": archive}, code="not_found"
            ) from exc
        raise BackupError(
            _("The archive %(path)s is damaged or not a Pacesetter backup (%(error)s).")
            % {"path": archive, "error": exc},
            code="damaged",
        ) from exc
    manifest = _manifest(into / MANIFEST, archive)
    found.pop(MANIFEST, None)
    expected = manifest["files"]
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            raise BackupError(
                _("The archive lacks “%(name)s”, which its manifest lists.") % {"name": name},
                code="member_missing",
            )
        if name not in expected:
            raise BackupError(
                _("The archive holds “%(name)s”, which its manifest does not list.")
                % {"name": name},
                code="unexpected_member",
            )
        if found[name] != expected[name]:
            raise BackupError(
                _("“%(name)s” does not match its hash in the manifest: the archive was changed.")
                % {"name": name},
                code="hash_mismatch",
            )
    if DATABASE_MEMBERS[manifest["vendor"]] not in found:
        raise BackupError(_("The archive holds no database."), code="member_missing")
    return manifest


def _manifest(path: Path, archive: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(
            _("%(path)s is not a Pacesetter backup: it has no readable manifest.")
            % {"path": archive},
            code="not_a_backup",
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            _("%(path)s is not a Pacesetter backup.") % {"path": archive}, code="not_a_backup"
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "The backup's format is version %(found)s; this code reads version "
                "%(version)s. Restore it with the Pacesetter release that made it."
            )
            % {"found": manifest.get("format_version"), "version": FORMAT_VERSION},
            code="format_version",
        )
    if manifest.get("vendor") not in DATABASE_MEMBERS or not isinstance(
        manifest.get("files"), dict
    ):
        raise BackupError(
            _("%(path)s is not a Pacesetter backup.") % {"path": archive}, code="not_a_backup"
        )
    return manifest


# --- restoring -------------------------------------------------------------------------


def backup_restore(*, archive: Path, using: str = "default", force: bool = False) -> RestoreResult:
    """Restore the archive into the database ``using`` and ``MEDIA_ROOT``, after every
    check has passed (see the module's docstring); afterwards the rows per table are
    compared with the manifest. ``force`` replaces a database or a ``MEDIA_ROOT`` that
    holds data: everything in them is removed first."""
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="pacesetter-restore-") as work:
        manifest = backup_read(Path(archive), Path(work))
        vendor = _vendor(connection)
        if manifest["vendor"] != vendor:
            raise BackupError(
                _(
                    "This backup is of a %(backup)s database and cannot be restored into "
                    "%(target)s: restore it into the same kind of database."
                )
                % {"backup": manifest["vendor"], "target": vendor},
                code="vendor_mismatch",
            )
        # The test settings switch the migrations off: an app without them on disk has
        # nothing to compare, and is not refused for it.
        loader = MigrationLoader(None, ignore_no_migrations=True)
        known = set(loader.disk_migrations)
        for app, names in sorted(manifest["migrations"].items()):
            for name in names:
                if (app, name) not in known and app in loader.migrated_apps:
                    raise BackupError(
                        _(
                            "The backup was made by a newer Pacesetter: this code does not "
                            "have migration %(app)s.%(name)s. Restore it with that release "
                            "or a later one."
                        )
                        % {"app": app, "name": name},
                        code="newer_migrations",
                    )
        if not force:
            in_use = _tables_in_use(connection)
            if in_use:
                raise BackupError(
                    _(
                        "The database is not empty (%(tables)s hold rows); restore into an "
                        "empty database, or give --force to replace everything in it."
                    )
                    % {"tables": ", ".join(in_use[:5]) + (" …" if len(in_use) > 5 else "")},
                    code="database_not_empty",
                )
            if any(True for _file in _media_files(media_root)):
                raise BackupError(
                    _(
                        "MEDIA_ROOT (%(path)s) already holds files; empty it, or give "
                        "--force to replace them."
                    )
                    % {"path": media_root},
                    code="media_not_empty",
                )
        dump = Path(work) / DATABASE_MEMBERS[vendor]
        if vendor == "sqlite":
            _sqlite_restore(connection, dump)
        else:
            _postgres_restore(connection, dump)
        files = _media_restore(Path(work) / MEDIA_PREFIX, media_root)
    counts = _table_counts(connection)
    differing = sorted(
        name
        for name in set(counts) | set(manifest["tables"])
        if counts.get(name) != manifest["tables"].get(name)
    )
    if differing:
        raise BackupError(
            _("After the restore, the rows of %(tables)s differ from the manifest's counts.")
            % {"tables": ", ".join(differing)},
            code="counts_mismatch",
        )
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unapplied = sorted(f"{app}.{name}" for app, name in known - applied)
    return RestoreResult(
        manifest=manifest,
        rows=sum(counts.values()),
        tables=len(counts),
        files=files,
        unapplied=unapplied,
    )


def _table_names(connection: BaseDatabaseWrapper, cursor: Any) -> list[str]:
    """The tables (not views), without SQLite's own (``sqlite_stat1`` after ANALYZE) and
    its virtual tables (the practices' full-text index: some cannot be read row by row;
    their rows live in ordinary shadow tables, which are counted)."""
    virtual = _sqlite_virtual(cursor) if connection.vendor == "sqlite" else set()
    return [
        t.name
        for t in connection.introspection.get_table_list(cursor)
        if t.type == "t" and not t.name.startswith("sqlite_") and t.name not in virtual
    ]


def _table_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for name in sorted(_table_names(connection, cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _tables_in_use(connection: BaseDatabaseWrapper) -> list[str]:
    return [
        name
        for name, count in _table_counts(connection).items()
        # A full-text index's shadow tables (``<virtual>_data``, ``_config``…) hold rows
        # as soon as the index exists: their table's own rows say whether it is in use.
        if count and name not in FILLED_BY_MIGRATE and not _shadow_table(connection, name)
    ]


def _shadow_table(connection: BaseDatabaseWrapper, name: str) -> bool:
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        return any(name.startswith(f"{v}_") for v in _sqlite_virtual(cursor))


def _sqlite_virtual(cursor: Any) -> set[str]:
    """SQLite's virtual tables (the practices' full-text index)."""
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    )
    return {row[0] for row in cursor.fetchall()}


def _sqlite_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Replace the whole database, schema included, page by page (the backup API, in one
    step), so that nothing of what was there before remains."""
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as exc:
        raise BackupError(
            _("The database could not be replaced (%(error)s); is the server still running?")
            % {"error": exc},
            code="restore_failed",
        ) from exc
    finally:
        source.close()


def _postgres_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Drop every table of the database's schema and load the dump, in one transaction of
    ``psql``: if anything fails, the database is as it was."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = _table_names(connection, cursor)
        # The schema's own functions (the practices' search index uses one), not those
        # of an extension: the dump creates them again.
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND NOT EXISTS ("
            "SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        )
        functions = [row[0] for row in cursor.fetchall()]
    script = dump.with_suffix(".sql")
    _run_tool(
        connection,
        "pg_restore",
        ["--no-owner", "--no-privileges", f"--file={script}", str(dump)],
    )
    drop = dump.with_name("drop.sql")
    drop.write_text(
        "".join(f"DROP TABLE IF EXISTS {quote(name)} CASCADE;\n" for name in tables)
        + "".join(f"DROP FUNCTION IF EXISTS {name} CASCADE;\n" for name in functions),
        "utf-8",
    )
    connection.close()  # nothing of this process holds a lock on what is dropped
    _run_tool(
        connection,
        "psql",
        [
            *("-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1"),
            *("-f", str(drop), "-f", str(script)),
        ],
    )


def _media_restore(source: Path, media_root: Path) -> int:
    if media_root.is_dir():
        for entry in media_root.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    media_root.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(source.rglob("*")) if source.is_dir() else []:
        if path.is_file():
            target = media_root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
    return count


# --- PostgreSQL's client programs ------------------------------------------------------


def _run_tool(connection: BaseDatabaseWrapper, name: str, args: list[str]) -> None:
    binary = _pg_binary(connection, name)
    done = subprocess.run(
        [binary, *args],
        env=_pg_environment(connection.settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": name, "error": (done.stderr or done.stdout).strip()},
            code="tool_failed",
        )


def _pg_binary(connection: BaseDatabaseWrapper, name: str) -> str:
    """The program of the server's major version where the machine has it (a
    ``pg_dump`` older than the server refuses to dump it), else the newest found."""
    candidates = []
    if os.environ.get(PG_BIN_VARIABLE):
        candidates.append(os.path.join(os.environ[PG_BIN_VARIABLE], name))
    major = getattr(connection, "pg_version", 0) // 10000
    candidates.append(f"/usr/lib/postgresql/{major}/bin/{name}")
    candidates.append(shutil.which(name) or "")
    candidates += sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
        reverse=True,
    )
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(
        _(
            "PostgreSQL's %(program)s was not found; install the PostgreSQL client "
            "programs of the server's version, or set %(variable)s to their directory."
        )
        % {"program": name, "variable": PG_BIN_VARIABLE},
        code="tool_missing",
    )


#: Connection options of Django's settings that libpq also reads from the environment.
_PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def _pg_environment(params: dict[str, Any]) -> dict[str, str]:
    """The connection for libpq's programs, from Django's settings, in the environment
    (never a password on a command line)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    for option, variable in _PG_OPTIONS.items():
        if params.get("OPTIONS", {}).get(option):
            env[variable] = str(params["OPTIONS"][option])
    env["PGOPTIONS"] = "-c client_min_messages=warning"
    if os.environ.get(PG_BIN_VARIABLE):
        env[PG_BIN_VARIABLE] = os.environ[PG_BIN_VARIABLE]
    return env
