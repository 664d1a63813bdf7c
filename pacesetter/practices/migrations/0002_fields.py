"""The fields of work every library starts with (practices/defaults.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from pacesetter.practices.defaults import ensure_fields

    ensure_fields(apps.get_model("practices", "WorkField"))


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
