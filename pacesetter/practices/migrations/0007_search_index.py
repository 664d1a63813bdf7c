"""The substring index of the search: pg_trgm (and CJK pairs) on PostgreSQL, an FTS5
trigram table kept by triggers on SQLite (see pacesetter/practices/search_index.py)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def install(apps, schema_editor):
    from pacesetter.practices import search_index

    search_index.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from pacesetter.practices import search_index

    search_index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("practices", "0006_step_at_clock"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(install, uninstall),
    ]
