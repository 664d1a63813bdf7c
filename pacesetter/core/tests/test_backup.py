"""`manage.py backup` and `manage.py restore`, run as an operator runs them, on the suite's
database (SQLite, and PostgreSQL with PACESETTER_TEST_DB=postgres): a round trip gives
back every table's rows and every uploaded file's bytes, and the audit chain verifies; a
changed archive, a database in use, another vendor and a newer release are refused."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as project_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from pacesetter.audit.models import AuditEntry
from pacesetter.core.backup import BackupError
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.scoring.services import evidence_add
from pacesetter.scoring.tests.conftest import build_scoring
from pacesetter.testing.tables import readable_tables
from pacesetter.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4 invoice \x00\xff binary bytes"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """A MEDIA_ROOT of the test's own (the suite's is shared by every test process)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def tables() -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, read with raw SQL (every model and every through table, and
    Django's own; of SQLite's full-text index, its shadow tables, which hold its rows:
    the virtual table itself cannot be read row by row)."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for name in readable_tables(cursor):
            cursor.execute(f"SELECT * FROM {quote(name)}")
            rows[name] = sorted(cursor.fetchall(), key=repr)
    return rows


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def backup(path: Path) -> str:
    out = StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    return out.getvalue()


def restore(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


def refusal(path: Path, *args: str) -> BackupError:
    with pytest.raises(CommandError) as caught:
        restore(path, *args)
    assert isinstance(caught.value.__cause__, BackupError)
    return caught.value.__cause__


def empty_everything(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    media.mkdir()


def test_a_round_trip_gives_back_every_row_and_file_and_the_chain_verifies(world, media, tmp_path):
    scoring = build_scoring(world)
    officer = world.users["unit_officer"]
    for code, name in (("Q1", "invoice.pdf"), ("Q2", "receipt.pdf")):
        evidence_add(
            actor=officer,
            item=scoring.item(world.own, code),
            file=SimpleUploadedFile(name, PDF + name.encode(), "application/pdf"),
        )
    DecisionFactory(owner_unit=world.committee, file=SimpleUploadedFile("decision.pdf", PDF))
    before, uploads = tables(), files(media)
    assert len(uploads) == 3 and AuditEntry.objects.count() > 30
    # Microseconds, which dumpdata's JSON would cut, are what the chain's hashes cover.
    assert any(e.created_at.microsecond % 1000 for e in AuditEntry.objects.all())

    archive = tmp_path / "pacesetter.tar.gz"
    printed = backup(archive)
    assert f"Backup written to {archive}" in printed and "3 uploaded files" in printed
    assert archive.stat().st_mode & 0o077 == 0  # for its owner's eyes only

    empty_everything(media)
    assert AuditEntry.objects.count() == 0 and files(media) == {}
    printed = restore(archive)

    assert tables() == before
    assert files(media) == uploads
    assert "3 uploaded files" in printed and "Audit chain intact" in printed
    assert "Restore complete." in printed
    call_command("audit_verify", stdout=StringIO())
    # The restored database goes on: new rows get fresh ids, the chain grows from its head.
    DecisionFactory(owner_unit=world.committee)
    call_command("audit_verify", stdout=StringIO())


def test_a_changed_archive_is_refused_and_nothing_is_written(world, media, tmp_path):
    DecisionFactory(owner_unit=world.committee, file=SimpleUploadedFile("decision.pdf", PDF))
    archive = tmp_path / "backup.tar.gz"
    backup(archive)
    empty_everything(media)

    # A byte changed in the compressed archive.
    damaged = tmp_path / "damaged.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    assert refusal(damaged).code == "damaged"

    # A byte changed in an uploaded file, the archive packed again around it.
    repacked = tmp_path / "repacked.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(repacked, "w:gz") as target:
        for member in source:
            content = source.extractfile(member).read()
            if member.name.startswith("media/"):
                content = content[:-1] + bytes([content[-1] ^ 1])
                changed = member.name
            target.addfile(member, io.BytesIO(content))
    error = refusal(repacked)
    assert error.code == "hash_mismatch" and changed in str(error)
    assert AuditEntry.objects.count() == 0 and files(media) == {}

    # Not an archive at all.
    text = tmp_path / "notes.tar.gz"
    text.write_bytes(gzip.compress(b"not a tar file"))
    assert refusal(text).code == "damaged"


def test_a_database_in_use_is_replaced_only_with_force(world, media, tmp_path):
    DecisionFactory(owner_unit=world.committee, file=SimpleUploadedFile("decision.pdf", PDF))
    before, uploads = tables(), files(media)
    archive = tmp_path / "backup.tar.gz"
    backup(archive)
    DecisionFactory(owner_unit=world.committee, number="99/QD")  # a change after the backup

    error = refusal(archive)
    assert error.code == "database_not_empty" and "--force" in str(error)
    assert AuditEntry.objects.filter(target_repr__contains="99/QD").exists()

    call_command("flush", interactive=False, verbosity=0)
    error = refusal(archive)  # the database is empty now, MEDIA_ROOT is not
    assert error.code == "media_not_empty" and str(media) in str(error)

    UnitFactory(code="NEW", name="A unit made after the flush")
    (media / "stray.pdf").write_bytes(b"not in the backup")
    assert "Restore complete." in restore(archive, "--force")
    assert tables() == before and files(media) == uploads


def test_a_backup_older_than_the_last_audit_anchor_restores_and_names_the_lost_entries(
    world, media, tmp_path, settings
):
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    archive = tmp_path / "backup.tar.gz"
    backup(archive)
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0] or 0
    DecisionFactory(owner_unit=world.committee, number="99/QD")  # lost with the restore
    call_command("audit_anchor", stdout=StringIO())

    printed = restore(archive, "--force")
    assert "Audit chain intact" in printed and "Restore complete." in printed
    assert f"The backup ends at entry #{last}" in printed
    assert f"held entry #{last + 1}" in printed
    # The live chain is flagged as cut until the operator rebases it (the auditors see it).
    with pytest.raises(CommandError, match="cut from the end"):
        call_command("audit_verify", stdout=StringIO())
    call_command("audit_anchor", "--rebase", stdout=StringIO())
    call_command("audit_verify", stdout=StringIO())


MEMBERS = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.pgdump"}


def rewrite(archive: Path, target: Path, change: Any, rename: dict[str, str] | None = None) -> None:
    """The archive packed again with its manifest changed (its hashes still true)."""
    rename = rename or {}
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            content = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
                for old, new in rename.items():
                    manifest["files"][new] = manifest["files"].pop(old)
                change(manifest)
                content = json.dumps(manifest).encode()
                member.size = len(content)
            member.name = rename.get(member.name, member.name)
            out.addfile(member, io.BytesIO(content))


def test_another_vendor_or_a_newer_release_is_refused(media, tmp_path, settings):
    archive = tmp_path / "backup.tar.gz"
    backup(archive)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def vendor(manifest: dict[str, Any]) -> None:
        manifest["vendor"] = other

    rename = {MEMBERS[connection.vendor]: MEMBERS[other]}
    rewrite(archive, tmp_path / "vendor.tar.gz", vendor, rename)
    error = refusal(tmp_path / "vendor.tar.gz")
    assert error.code == "vendor_mismatch" and "same kind of database" in str(error)

    def newer(manifest: dict[str, Any]) -> None:
        manifest["migrations"] = {"units": ["0001_initial", "9999_from_the_future"]}

    rewrite(archive, tmp_path / "newer.tar.gz", newer)
    settings.MIGRATION_MODULES = {}  # the suite switches the migrations off; read them
    error = refusal(tmp_path / "newer.tar.gz")
    assert error.code == "newer_migrations" and "units.9999_from_the_future" in str(error)

    with pytest.raises(CommandError, match="already exists"):
        backup(archive)


def manage(*args: str, url: str, var: Path) -> subprocess.CompletedProcess[str]:
    """``manage.py`` in a process of its own, as an operator runs it, on the database at
    ``url`` with MEDIA_ROOT under ``var``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.test",
        "DATABASE_URL": url,
        "PACESETTER_VAR_DIR": str(var),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@contextmanager
def new_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a database that does not exist yet (SQLite) or has no tables (a new
    database on the suite's PostgreSQL server), as on a new server."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"restore_check_{uuid.uuid4().hex[:8]}"
    server = {"host": params["HOST"], "port": params["PORT"], "user": params["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            host = quote(params["HOST"], safe="")  # a socket's directory, or an address
            yield f"postgres://{params['USER']}@{host}:{params['PORT']}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_manage_py_restores_into_a_new_database_on_a_new_server(world, media, tmp_path):
    DecisionFactory(owner_unit=world.committee, file=SimpleUploadedFile("decision.pdf", PDF))
    archive = tmp_path / "backup.tar.gz"
    backup(archive)
    var = tmp_path / "var"
    with new_database(tmp_path) as url:
        done = manage("restore", str(archive), url=url, var=var)
        assert done.returncode == 0, done.stderr
        assert "Audit chain intact" in done.stdout and "Restore complete." in done.stdout
        # The suite's database has no migrations recorded: this code's are all unapplied.
        assert "manage.py migrate" in done.stdout
        assert files(var / "test-media") == files(media)

        again = manage("restore", str(archive), url=url, var=var)
        assert again.returncode != 0 and "--force" in again.stderr

        copy = tmp_path / "copy.tar.gz"
        done = manage("backup", "--output", str(copy), url=url, var=var)
        assert done.returncode == 0, done.stderr
    with tarfile.open(archive) as first, tarfile.open(copy) as second:
        manifests = [json.load(tar.extractfile("manifest.json")) for tar in (first, second)]
    assert manifests[0]["tables"] == manifests[1]["tables"]
    media_hashes = [
        {name: f for name, f in m["files"].items() if name.startswith("media/")} for m in manifests
    ]
    assert media_hashes[0] == media_hashes[1] and len(media_hashes[0]) == 1
