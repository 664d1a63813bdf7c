"""Calendar addresses' tokens are stored as their SHA-256 only.

Existing addresses keep working: each stored token is replaced by its hash, which is
what the feed now looks up. Going back cannot recover a token from its hash, so the
reverse takes every calendar address away (users make new ones).
"""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("workplans", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token").iterator():
        feed.token_hash = hashlib.sha256(feed.token.encode("utf-8")).hexdigest()
        feed.save(update_fields=["token_hash"])


def remove_feeds(apps, schema_editor):
    apps.get_model("workplans", "CalendarFeed").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workplans", "0004_task_update_reported_progress")]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.RunPython(migrations.RunPython.noop, remove_feeds),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
