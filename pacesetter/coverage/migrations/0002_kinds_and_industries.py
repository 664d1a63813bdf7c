"""The kinds of organization to build (party organization, trade union, youth league) and
the shipped industry classification."""

from django.db import migrations


def seed(apps, schema_editor):
    from pacesetter.coverage.defaults import ensure_kinds
    from pacesetter.coverage.industries import load_classification, shipped_files

    ensure_kinds(apps.get_model("coverage", "CoverageKind"))
    for path in shipped_files():
        load_classification(path, apps.get_model("coverage", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("coverage", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
